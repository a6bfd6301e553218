"""Mediation service (调解): five-layer mediation, hearings and judicial confirmation."""
from datetime import date
from uuid import UUID

import shared  # noqa: F401  (sets PSYCOPG_WAIT_FUNC before psycopg loads)

from mediation.application import MediationApplication
from mediation.pool import MediatorPool
from mediation.published import translate
from mediation.views import mediation_view
from shared.clock import moment
from shared.commands import command, command_rpc
from shared.context import Context
from shared.contracts.agency import MEDIATION_INBOUND, parse_agency_message
from shared.endpoints import DeadLetterEndpoints, Following, Observable, Publishing
from shared.inbound import InboundConsumer
from shared.reference import load_reference
from shared.units import Unit, UnitDirectory
from shared.workdays import configured_calendar



def build(env, settings):
    ref = load_reference(settings.reference_dir or None)
    units = UnitDirectory([Unit(**u) for u in ref.units], settings.home_bureau or None)
    return MediationApplication(
        env, pool=MediatorPool(ref.mediators), calendar=configured_calendar(settings.calendar_overrides),
        agency_categories=ref.agency_categories,
        unit_name=lambda region: units.name(units.by_region("mediation_committee", region) or units.bureau(region)))


def _date(value):
    return date.fromisoformat(value) if value else None


class MediationService(DeadLetterEndpoints, Publishing, Following, Observable):
    name = "mediation"
    context = Context("mediation", build, translate=translate, follows=("intake", "dispatch"))
    inbound = InboundConsumer(MEDIATION_INBOUND, parse=parse_agency_message)

    def _view(self, mediation):
        return mediation_view(mediation, self.context.app.history(mediation.id))

    def _do(self, method, mediation_id, *args, **kwargs):
        """Runs one application command; every `*_at` argument arrives as ISO text."""
        kwargs = {k: moment(v) if k.endswith("_at") or k == "at" else v for k, v in kwargs.items()}
        return self._view(getattr(self.context.app, method)(UUID(mediation_id), *args, **kwargs))

    @command_rpc
    @command("open")
    def open(self, mediation_id, mediation):
        petition_id = mediation.get("petition_id")
        return self._do("open", mediation_id, **{**mediation, "petition_id": UUID(petition_id) if petition_id else None})

    @command_rpc
    @command("get_mediation")
    def get_mediation(self, mediation_id):
        return self._view(self.context.app.read_mediation(UUID(mediation_id)))

    @command_rpc
    @command("notices")
    def notices(self, mediation_id):
        return self.context.app.notices(UUID(mediation_id))

    @command_rpc
    @command("suggest_mediators")
    def suggest_mediators(self, mediation_id):
        return self.context.app.suggest_mediators(UUID(mediation_id))

    @command_rpc
    @command("add_party")
    def add_party(self, mediation_id, name, phone=None, id_number=None, role="other"):
        return self._do("add_party", mediation_id, {"name": name, "phone": phone, "id_number": id_number, "role": role})

    @command_rpc
    @command("record_consent")
    def record_consent(self, mediation_id, party, consents, at=None):
        return self._do("record_consent", mediation_id, party, consents, at=at)

    @command_rpc
    @command("assign_mediator")
    def assign_mediator(self, mediation_id, mediator, at=None):
        return self._do("assign_mediator", mediation_id, mediator, at=at)

    @command_rpc
    @command("hold_session")
    def hold_session(self, mediation_id, held_on, attendees, notes=""):
        return self._do("hold_session", mediation_id, _date(held_on), attendees, notes)

    @command_rpc
    @command("hold_hearing")
    def hold_hearing(self, mediation_id, panel, held_on, participants, findings):
        return self._do("hold_hearing", mediation_id, panel, _date(held_on), participants, findings)

    @command_rpc
    @command("reach_agreement")
    def reach_agreement(self, mediation_id, facts, disputes, terms, signatures, signed_at=None):
        return self._do("reach_agreement", mediation_id, facts, disputes, terms, signatures, signed_at=signed_at)

    @command_rpc
    @command("fail")
    def fail(self, mediation_id, reason, failed_at=None):
        return self._do("fail", mediation_id, reason, failed_at=failed_at)

    @command_rpc
    @command("apply_for_confirmation")
    def apply_for_confirmation(self, mediation_id, applicants, applied_at=None):
        return self._do("apply_for_confirmation", mediation_id, applicants, applied_at=applied_at)

    @command_rpc
    @command("decide_confirmation")
    def decide_confirmation(self, mediation_id, confirmed, decided_at=None, court_ref=None):
        return self._do("decide_confirmation", mediation_id, confirmed, decided_at=decided_at, court_ref=court_ref)
