"""Intake service (登记受理): registers petitions and decides their acceptance."""
from uuid import UUID

import shared  # noqa: F401  (sets PSYCOPG_WAIT_FUNC before psycopg loads)
from nameko.events import event_handler

from intake.application import IntakeApplication
from intake.published import translate
from intake.views import dead_letter_view, petition_view
from shared.clock import moment
from shared.commands import command, command_rpc
from shared.context import Context
from shared.contracts.agency import AGENCY_BY_EXCHANGE, AGENCY_EXCHANGES, parse_inbound
from shared.endpoints import Following, Observable, Publishing
from shared.inbound import InboundConsumer
from shared.reference import load_reference
from shared.workdays import configured_calendar


def build(env, settings):
    return IntakeApplication(env, pseudonym_key=settings.pseudonym_key_bytes(),
                             calendar=configured_calendar(settings.calendar_overrides),
                             agency_categories=load_reference(settings.reference_dir or None).agency_categories)


def parse_agency_message(exchange: str, routing_key: str, body: bytes, content_type: str | None):
    """(agency, validated event), or InboundRejected (a Rejected: dead-lettered with its reason)."""
    return AGENCY_BY_EXCHANGE.get(exchange, exchange), parse_inbound(exchange, routing_key, body, content_type)


def accept_agency_message(app, delivery):
    app.receive_agency_event(*parse_agency_message(delivery.exchange, delivery.routing_key, delivery.body,
                                                   delivery.content_type))


def keep_dead_letter(app, delivery, rejected):
    app.record_dead_letter(delivery.exchange, delivery.routing_key, delivery.content_type, delivery.body,
                           rejected.reason, rejected.errors)


class IntakeService(Publishing, Following, Observable):
    name = "intake"
    context = Context("intake", build, translate=translate, follows=("dispatch",))
    inbound = InboundConsumer(AGENCY_EXCHANGES, handle=accept_agency_message, keep=keep_dead_letter)

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

    @command_rpc
    @command("dead_letters")
    def dead_letters(self, after=0, limit=50):
        letters, next_after = self.context.app.dead_letters(int(after), min(int(limit), 200))
        return {"items": [dead_letter_view(letter) for letter in letters], "next_after": next_after}

    @command_rpc
    @command("resubmit_dead_letter")
    def resubmit_dead_letter(self, letter_id, by):
        app = self.context.app
        received = app.resubmit_dead_letter(UUID(letter_id), parse_agency_message, by)
        return {"dead_letter": dead_letter_view(app.get_dead_letter(UUID(letter_id))),
                "agency_event_id": str(received.id) if received else None}

    @event_handler("dispatch", "#")
    def on_dispatch_event(self, envelope):
        self.context.receive("dispatch", envelope)
