"""Intake service (登记受理): registers petitions and decides their acceptance."""
from uuid import UUID

import shared  # noqa: F401  (sets PSYCOPG_WAIT_FUNC before psycopg loads)

from intake.application import IntakeApplication
from intake.published import translate
from intake.views import petition_view
from shared.clock import moment
from shared.commands import command, command_rpc
from shared.context import Context
from shared.contracts.agency import AGENCY_EXCHANGES, parse_agency_message
from shared.endpoints import DeadLetterEndpoints, Following, Observable, Publishing
from shared.errors import InvalidCommand
from shared.inbound import InboundConsumer
from shared.keystore import PostgresKeyStore
from shared.persistence import key_ring
from shared.reference import load_reference
from shared.shredding import PersonalDataVault
from shared.units import Unit, UnitDirectory
from shared.workdays import configured_calendar


def build(env, settings):
    ref = load_reference(settings.reference_dir or None)
    return IntakeApplication(env, pseudonym_key=settings.pseudonym_key_bytes(),
                             calendar=configured_calendar(settings.calendar_overrides),
                             agency_categories=ref.agency_categories,
                             units=UnitDirectory([Unit(**u) for u in ref.units], settings.home_bureau or None),
                             category_names={c["code"]: c["name"] for c in ref.categories},
                             personal_data=PersonalDataVault(PostgresKeyStore(settings.postgres_conninfo(),
                                                                              key_ring(settings))))


class IntakeService(DeadLetterEndpoints, Publishing, Following, Observable):
    name = "intake"
    context = Context("intake", build, translate=translate, follows=("dispatch", "mediation", "ownership"))
    inbound = InboundConsumer(AGENCY_EXCHANGES, parse=parse_agency_message)

    @command_rpc
    @command("register")
    def register(self, petition_id, petition):
        app = self.context.app
        registered, events, matter = app.register_described(
            UUID(petition_id), **{**petition, "received_at": moment(petition.get("received_at"))})
        # The query code leaves intake once, here, for whoever lodged the petition (and on its notices).
        return {**petition_view(registered, events, matter), "query_code": registered.query_code}

    @command_rpc
    @command("decide_acceptance")
    def decide_acceptance(self, petition_id, decision, reason, route=None, decided_at=None,
                          dispatch_mode="assignment"):
        app = self.context.app
        petition = app.decide_acceptance(UUID(petition_id), decision, reason, route, moment(decided_at),
                                         dispatch_mode)
        return petition_view(petition, app.history(petition.id), app.matter_of(petition))

    @command_rpc
    @command("get_petition")
    def get_petition(self, petition_id, acting_unit=None):
        app = self.context.app
        petition = app.read_petition(UUID(petition_id), "petition", acting_unit)
        return petition_view(petition, app.history(petition.id), app.matter_of(petition))

    @command_rpc
    @command("self_service")
    def self_service(self, query_code):
        """The petitioner's view by query code, and what the gateway needs to add dispatch's part
        (the addressee's name goes no further than that call)."""
        view, petition = self.context.app.self_service(query_code)
        return {"view": view, "addressee": petition.petitioner["name"],
                "assignment_id": str(petition.assignment_id) if petition.assignment_id else None}

    @command_rpc
    @command("matter_of_person")
    def matter_of_person(self, petitioner, category, region_code):
        return self.context.app.matter_of_person(petitioner, category, region_code)

    @command_rpc
    @command("notices")
    def notices(self, petition_id, acting_unit=None):
        """The petition's notices, and what dispatch needs to add its own (the addressee's name
        goes no further than that call)."""
        app = self.context.app
        petition = app.read_petition(UUID(petition_id), "notices", acting_unit)
        return {"notices": app.notices(petition.id, acting_unit, petition), "addressee": petition.petitioner["name"],
                "assignment_id": str(petition.assignment_id) if petition.assignment_id else None}

    @command_rpc
    @command("erase_petitioner")
    def erase_petitioner(self, petition_id=None, petitioner_ref=None, ground="request"):
        """Crypto-shredding (decision 0019): the person's key is deleted, the erasure recorded."""
        try:
            petition = UUID(petition_id) if petition_id else None
        except ValueError:
            raise InvalidCommand("not a petition id", {"petition_id": ["not a UUID"]}) from None
        return self.context.app.erase_petitioner(petition, petitioner_ref, ground)

    @command_rpc
    @command("erasures")
    def erasures(self, after=0, limit=100):
        return self.context.app.erasures(after, limit)

    @command_rpc
    @command("reapply_erasures")
    def reapply_erasures(self):
        return self.context.app.reapply_erasures()
