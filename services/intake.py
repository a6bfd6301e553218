"""Intake service (登记受理): registers petitions and decides their acceptance."""
from uuid import UUID

import shared  # noqa: F401  (sets PSYCOPG_WAIT_FUNC before psycopg loads)
from nameko.events import event_handler

from intake.application import IntakeApplication
from intake.published import translate
from intake.views import petition_view
from shared.clock import moment
from shared.commands import command, command_rpc
from shared.context import Context
from shared.contracts.agency import AGENCY_EXCHANGES, parse_agency_message
from shared.endpoints import DeadLetterEndpoints, Following, Observable, Publishing
from shared.inbound import InboundConsumer
from shared.reference import load_reference
from shared.workdays import configured_calendar


def build(env, settings):
    return IntakeApplication(env, pseudonym_key=settings.pseudonym_key_bytes(),
                             calendar=configured_calendar(settings.calendar_overrides),
                             agency_categories=load_reference(settings.reference_dir or None).agency_categories)


class IntakeService(DeadLetterEndpoints, Publishing, Following, Observable):
    name = "intake"
    context = Context("intake", build, translate=translate, follows=("dispatch",))
    inbound = InboundConsumer(AGENCY_EXCHANGES, parse=parse_agency_message)

    @command_rpc
    @command("register")
    def register(self, petition_id, petition):
        app = self.context.app
        registered = app.register(UUID(petition_id), **{**petition, "received_at": moment(petition.get("received_at"))})
        return petition_view(registered, app.history(registered.id))

    @command_rpc
    @command("decide_acceptance")
    def decide_acceptance(self, petition_id, decision, reason, route=None, decided_at=None):
        app = self.context.app
        petition = app.decide_acceptance(UUID(petition_id), decision, reason, route, moment(decided_at))
        return petition_view(petition, app.history(petition.id))

    @command_rpc
    @command("get_petition")
    def get_petition(self, petition_id):
        app = self.context.app
        return petition_view(app.get_petition(UUID(petition_id)), app.history(UUID(petition_id)))


    @event_handler("dispatch", "#")
    def on_dispatch_event(self, envelope):
        self.context.receive("dispatch", envelope)
