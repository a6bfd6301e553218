"""Dispatch service (交办、办理): assignments to handling units, replies, ratings, reviews."""
import logging
from datetime import date
from uuid import UUID

import shared  # noqa: F401  (sets PSYCOPG_WAIT_FUNC before psycopg loads)
from eventsourcing.persistence import RecordConflictError
from nameko.timer import timer

from dispatch.application import DispatchApplication
from dispatch.policy import HandlingPolicy
from dispatch.published import translate
from dispatch.routing import RoutingTable
from dispatch.views import assignment_view
from shared.clock import moment
from shared.commands import command, command_rpc
from shared.context import Context
from shared.contracts.agency import AGENCY_EXCHANGES, JOINT_HANDLING_REPORTED, parse_agency_message
from shared.endpoints import DeadLetterEndpoints, Following, Observable, Publishing
from shared.inbound import InboundConsumer
from shared.reference import load_reference
from shared.workdays import configured_calendar

log = logging.getLogger(__name__)
EXPIRY_SWEEP_SECONDS = 3600


def build(env, settings):
    ref = load_reference(settings.reference_dir or None)
    return DispatchApplication(env, routing=RoutingTable.from_reference(ref, home_bureau=settings.home_bureau or None),
                               calendar=configured_calendar(settings.calendar_overrides),
                               policy=HandlingPolicy.from_settings(ref.policy))


def _date(value):
    return date.fromisoformat(value) if value else None


class DispatchService(DeadLetterEndpoints, Publishing, Following, Observable):
    name = "dispatch"
    context = Context("dispatch", build, translate=translate, follows=("intake",))
    inbound = InboundConsumer({exchange: (JOINT_HANDLING_REPORTED,) for exchange in AGENCY_EXCHANGES},
                              parse=parse_agency_message)

    def _view(self, assignment):
        return assignment_view(assignment, self.context.app.history(assignment.id))

    def _do(self, method, assignment_id, *args, **kwargs):
        """Runs one application command; every `*_at` argument arrives as ISO text."""
        kwargs = {k: moment(v) if k.endswith("_at") else v for k, v in kwargs.items()}
        return self._view(getattr(self.context.app, method)(UUID(assignment_id), *args, **kwargs))

    @command_rpc
    @command("get_assignment")
    def get_assignment(self, assignment_id, acting_unit=None):
        return self._view(self.context.app.get_assignment(UUID(assignment_id), acting_unit))

    @command_rpc
    @command("notices")
    def notices(self, assignment_id, addressee):
        return self.context.app.notices(UUID(assignment_id), addressee)

    @command_rpc
    @command("petitioner_view")
    def petitioner_view(self, assignment_id, addressee):
        return self.context.app.petitioner_view(UUID(assignment_id), addressee)

    @command_rpc
    @command("sign")
    def sign(self, assignment_id, unit, signed_at=None):
        return self._do("sign", assignment_id, unit, signed_at=signed_at)

    @command_rpc
    @command("object_to_dispatch")
    def object_to_dispatch(self, assignment_id, unit, reasons, proposed_unit=None, objected_at=None):
        return self._do("object_to_dispatch", assignment_id, unit, reasons, proposed_unit, objected_at=objected_at)

    @command_rpc
    @command("decide_objection")
    def decide_objection(self, assignment_id, upheld, comment, unit=None, decided_at=None):
        return self._do("decide_objection", assignment_id, upheld, comment, unit, decided_at=decided_at)

    @command_rpc
    @command("add_co_units")
    def add_co_units(self, assignment_id, units, added_at=None):
        return self._do("add_co_units", assignment_id, units, added_at=added_at)

    @command_rpc
    @command("give_co_opinion")
    def give_co_opinion(self, assignment_id, unit, opinion, given_at=None):
        return self._do("give_co_opinion", assignment_id, unit, opinion, given_at=given_at)

    @command_rpc
    @command("extend")
    def extend(self, assignment_id, days, reason, approved_by, extended_at=None):
        return self._do("extend", assignment_id, days, reason, approved_by, extended_at=extended_at)

    @command_rpc
    @command("reply")
    def reply(self, assignment_id, outcome, opinion, signatures, replied_at=None):
        return self._do("reply", assignment_id, outcome, opinion, signatures, replied_at=replied_at)

    @command_rpc
    @command("decide_pre_review")
    def decide_pre_review(self, assignment_id, approved, comments="", decided_at=None):
        return self._do("decide_pre_review", assignment_id, approved, comments, decided_at=decided_at)

    @command_rpc
    @command("evaluate")
    def evaluate(self, assignment_id, rating, rated_at=None):
        return self._do("evaluate", assignment_id, rating, rated_at=rated_at)

    @command_rpc
    @command("expire_unrated")
    def expire_unrated(self, as_of=None, since=None):
        return self.context.app.expire_unrated(_date(as_of), _date(since))

    @command_rpc
    @command("request_review")
    def request_review(self, assignment_id, reasons, reviewer_unit=None, requested_at=None):
        return self._do("request_review", assignment_id, reasons, reviewer_unit, requested_at=requested_at)

    @command_rpc
    @command("hold_hearing")
    def hold_hearing(self, assignment_id, held_from, held_to, note=""):
        return self._do("hold_hearing", assignment_id, _date(held_from), _date(held_to), note)

    @command_rpc
    @command("decide_review")
    def decide_review(self, assignment_id, unit, decision, opinion, decided_at=None):
        return self._do("decide_review", assignment_id, unit, decision, opinion, decided_at=decided_at)

    @command_rpc
    @command("request_mediation")
    def request_mediation(self, assignment_id, layer, reason, requested_at=None):
        return self._do("request_mediation", assignment_id, layer, reason, requested_at=requested_at)

    @command_rpc
    @command("request_joint_handling")
    def request_joint_handling(self, assignment_id, agencies, requested_at=None):
        return self._do("request_joint_handling", assignment_id, agencies, requested_at=requested_at)

    @command_rpc
    @command("waive_joint_report")
    def waive_joint_report(self, assignment_id, agency, reason, by, waived_at=None):
        return self._do("waive_joint_report", assignment_id, agency, reason, by, waived_at=waived_at)

    @timer(interval=EXPIRY_SWEEP_SECONDS)
    def sweep_unrated(self):
        """超期未评价: the same command an operator runs with an explicit date, as of today."""
        try:
            self.context.app.expire_unrated()
        except RecordConflictError:
            log.info("another replica swept meanwhile; the next sweep goes on from where it got")
