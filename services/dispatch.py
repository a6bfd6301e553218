"""Dispatch service (交办、办理): assignments to handling units, replies and ratings."""
from uuid import UUID

import shared  # noqa: F401  (sets PSYCOPG_WAIT_FUNC before psycopg loads)
from nameko.events import event_handler

from dispatch.application import DispatchApplication
from dispatch.published import translate
from dispatch.routing import RoutingTable, Rule, Unit
from dispatch.views import assignment_view
from shared.clock import moment
from shared.commands import command, command_rpc
from shared.context import Context
from shared.contracts.agency import AGENCY_EXCHANGES, JOINT_HANDLING_REPORTED, parse_agency_message
from shared.endpoints import DeadLetterEndpoints, Following, Observable, Publishing
from shared.inbound import InboundConsumer
from shared.reference import load_reference
from shared.workdays import configured_calendar


def build(env, settings):
    ref = load_reference(settings.reference_dir or None)
    routing = RoutingTable([Unit(**u) for u in ref.units], [Rule(**r) for r in ref.rules],
                           home_bureau=settings.home_bureau or None)
    return DispatchApplication(env, routing=routing,
                               calendar=configured_calendar(settings.calendar_overrides))


class DispatchService(DeadLetterEndpoints, Publishing, Following, Observable):
    name = "dispatch"
    context = Context("dispatch", build, translate=translate, follows=("intake",))
    inbound = InboundConsumer({exchange: (JOINT_HANDLING_REPORTED,) for exchange in AGENCY_EXCHANGES},
                              parse=parse_agency_message)

    def _view(self, assignment):
        return assignment_view(assignment, self.context.app.history(assignment.id))

    @command_rpc
    @command("get_assignment")
    def get_assignment(self, assignment_id):
        return self._view(self.context.app.get_assignment(UUID(assignment_id)))

    @command_rpc
    @command("sign")
    def sign(self, assignment_id, unit, signed_at=None):
        return self._view(self.context.app.sign(UUID(assignment_id), unit, moment(signed_at)))

    @command_rpc
    @command("extend")
    def extend(self, assignment_id, days, reason, approved_by, extended_at=None):
        return self._view(self.context.app.extend(UUID(assignment_id), days, reason, approved_by,
                                                  moment(extended_at)))

    @command_rpc
    @command("reply")
    def reply(self, assignment_id, outcome, opinion, signatures, replied_at=None):
        return self._view(self.context.app.reply(UUID(assignment_id), outcome, opinion, signatures,
                                                 moment(replied_at)))

    @command_rpc
    @command("evaluate")
    def evaluate(self, assignment_id, rating, rated_at=None):
        return self._view(self.context.app.evaluate(UUID(assignment_id), rating, moment(rated_at)))

    @command_rpc
    @command("request_joint_handling")
    def request_joint_handling(self, assignment_id, agencies, requested_at=None):
        return self._view(self.context.app.request_joint_handling(UUID(assignment_id), agencies,
                                                                  moment(requested_at)))

    @command_rpc
    @command("waive_joint_report")
    def waive_joint_report(self, assignment_id, agency, reason, by, waived_at=None):
        return self._view(self.context.app.waive_joint_report(UUID(assignment_id), agency, reason, by,
                                                              moment(waived_at)))


    @event_handler("intake", "#")
    def on_intake_event(self, envelope):
        self.context.receive("intake", envelope)
