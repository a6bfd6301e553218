"""MediationApplication: mediations opened from petitions, assignments, 110 alerts, court referrals
or directly, taken through the layers, and the court's confirmation recorded."""
from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.persistence import RecordConflictError

from mediation import notices
from mediation.domain import Mediation
from mediation.pool import MediatorPool
from shared.application import ContextApplication
from shared.clock import Clock, SystemClock, moment, when
from shared.dead_letters import KeepsDeadLetters
from shared.errors import DomainError, NotFound, Rejected
from shared.file_access import RecordsReads
from shared.workdays import WorkingDayCalendar

# A petition diverted to mediation by the clerk starts at the people's mediation committee [L].
PETITION_LAYER = "people"
# Agencies' disputes and the layer they open at (CONTRACTS.md §1).
AGENCY_OPENINGS = {("police110", "alert.transferred"): ("police110", "people", "alert_no", "received_at"),
                   ("court", "mediation.referred"): ("court", "pre_litigation", "case_no", "referred_at")}


class MediationNotFound(NotFound):
    pass


def mediation_id_for(origin: str, ref: str) -> UUID:
    """One mediation per petition or per agency event: a redelivery cannot open a second."""
    return uuid5(NAMESPACE_URL, f"xinfang:mediation:{origin}:{ref}")


class MediationApplication(KeepsDeadLetters, RecordsReads, ContextApplication):
    name = "mediation"

    def __init__(self, env=None, *, pool: MediatorPool, clock: Clock | None = None,
                 calendar: WorkingDayCalendar | None = None, agency_categories: dict | None = None,
                 unit_name=None):
        super().__init__(env)
        self.pool = pool
        self.clock = clock or SystemClock()
        self.calendar = calendar or WorkingDayCalendar()
        self.agency_categories = agency_categories or {}
        self.unit_name = unit_name or (lambda region_code: "调解组织")

    def _now(self, value: datetime | None, field: str) -> datetime:
        return when(value, self.clock, field)

    def get_mediation(self, mediation_id: UUID) -> Mediation:
        try:
            mediation = self.repository.get(mediation_id)
        except AggregateNotFoundError:
            raise MediationNotFound(f"no mediation {mediation_id}") from None
        if not isinstance(mediation, Mediation):
            raise MediationNotFound(f"no mediation {mediation_id}")
        return mediation

    def read_mediation(self, mediation_id: UUID, view: str = "mediation") -> Mediation:
        """The mediation as a person reads it (its parties' names and masked numbers): the read is
        recorded first (decision 0023)."""
        mediation = self.get_mediation(mediation_id)
        self.record_read(mediation.id, view, mediation.petition_id)
        return mediation

    def history(self, mediation_id: UUID) -> list:
        return list(self.events.get(mediation_id))

    def _change(self, mediation_id: UUID, change) -> Mediation:
        mediation = self.get_mediation(mediation_id)
        change(mediation)
        self.save(mediation)
        return mediation

    # -- opening --------------------------------------------------------------------------------
    def open(self, mediation_id: UUID, *, layer: str, region_code: str, category: str, summary: str,
             parties: list[dict], opened_at: datetime | None = None, petition_id: UUID | None = None) -> Mediation:
        """Opened directly (over HTTP); the same id again returns the first opening."""
        if mediation_id in self.repository:
            return self.get_mediation(mediation_id)
        mediation = Mediation.open(mediation_id, source="direct", layer=layer, region_code=region_code,
                                   category=category, summary=summary, parties=parties, petition_id=petition_id,
                                   opened_at=self._now(opened_at, "opened_at"), calendar=self.calendar)
        try:
            self.save(mediation)
        except RecordConflictError:
            return self.get_mediation(mediation_id)
        return mediation

    def receive_inbound(self, sender: str, event: dict) -> Mediation | None:
        """A 110 dispute or a court referral opens a mediation (once per event); the court's
        decision on a confirmation is recorded on its mediation."""
        data, kind = event["data"], event["type"]
        if kind == "judicial_confirmation.decided":
            return self._court_decision(data, event)
        source, layer, number, moment_field = AGENCY_OPENINGS[(sender, kind)]
        mediation_id = mediation_id_for(event["source"], event["id"])
        if mediation_id in self.repository:
            return None
        try:
            mediation = Mediation.open(
                mediation_id, source=source, source_ref=data[number], layer=layer, region_code=data["region_code"],
                category=self.agency_categories.get(data.get("category") or "", "other"), summary=data["summary"],
                parties=[{**p, "role": "other"} for p in data.get("parties") or [] if str(p.get("name") or "").strip()],
                opened_at=data[moment_field], calendar=self.calendar)
        except DomainError as refused:
            # Wrong in itself (a blank summary, say): a dead letter with the reason, not a retry.
            raise Rejected("refused", getattr(refused, "errors", None) or {"data": [str(refused)]}) from None
        self.save(mediation)
        return mediation

    def _court_decision(self, data: dict, event: dict) -> Mediation | None:
        try:
            mediation = self.get_mediation(UUID(data["mediation_id"]))
            changed = mediation.decide_confirmation(data["confirmed"], data["decided_at"], event["id"])
        except DomainError as refused:
            raise Rejected("refused", {"data.mediation_id": [str(refused)]}) from None
        if changed:
            self.save(mediation)
        return mediation

    def policy(self, envelope: dict, processing: ProcessingEvent) -> None:
        """A petition the clerk diverts to mediation, or one whose handling unit asks for it."""
        data, kind = envelope["data"], envelope["type"]
        if kind == "petition.acceptance_decided" and data["decision"] == "diverted" and data["route"] == "mediation":
            source, layer = "petition", PETITION_LAYER
        elif kind == "assignment.mediation_requested":
            source, layer = "assignment", data["layer"]
        else:
            return
        mediation_id = mediation_id_for("petition", data["petition_id"])
        if mediation_id in self.repository:
            return
        at = moment(data.get("decided_at") or data.get("requested_at"))
        processing.collect_events(Mediation.open(
            mediation_id, source=source, source_ref=data["petition_id"], layer=layer,
            region_code=data["region_code"], category=data["category"],
            summary="信访事项转调解（当事人信息由调解组织补录）", parties=[], opened_at=at,
            petition_id=UUID(data["petition_id"]), calendar=self.calendar))

    # -- the mediation's course ------------------------------------------------------------------
    def add_party(self, mediation_id: UUID, party: dict) -> Mediation:
        return self._change(mediation_id, lambda m: m.add_party(party))

    def record_consent(self, mediation_id: UUID, party: int, consents: bool, at: datetime | None = None) -> Mediation:
        at = self._now(at, "at")
        return self._change(mediation_id, lambda m: m.record_consent(party, consents, at))

    def assign_mediator(self, mediation_id: UUID, mediator_id: str, at: datetime | None = None) -> Mediation:
        at = self._now(at, "at")
        mediator = self.pool.get(mediator_id)
        return self._change(mediation_id, lambda m: m.assign_mediator(mediator, at))

    def suggest_mediators(self, mediation_id: UUID) -> list[dict]:
        m = self.get_mediation(mediation_id)
        return self.pool.suggest(m.layer, m.category, m.region_code)

    def hold_session(self, mediation_id: UUID, held_on: date, attendees: list[str], notes: str = "") -> Mediation:
        return self._change(mediation_id, lambda m: m.hold_session(held_on, attendees, notes))

    def hold_hearing(self, mediation_id: UUID, panel: list[str], held_on: date, participants: list[str],
                     findings: str) -> Mediation:
        return self._change(mediation_id, lambda m: m.hold_hearing(panel, held_on, participants, findings))

    def reach_agreement(self, mediation_id: UUID, facts: str, disputes: str, terms: list[dict],
                        signatures: list[dict], signed_at: datetime | None = None) -> Mediation:
        at = self._now(signed_at, "signed_at")
        return self._change(mediation_id, lambda m: m.reach_agreement(facts, disputes, terms, signatures, at,
                                                                      self.calendar))

    def fail(self, mediation_id: UUID, reason: str, failed_at: datetime | None = None) -> Mediation:
        at = self._now(failed_at, "failed_at")
        return self._change(mediation_id, lambda m: m.fail(reason, at, self.calendar))

    def apply_for_confirmation(self, mediation_id: UUID, applicants: list[int],
                               applied_at: datetime | None = None) -> Mediation:
        at = self._now(applied_at, "applied_at")
        return self._change(mediation_id, lambda m: m.apply_for_confirmation(applicants, at, self.calendar))

    def decide_confirmation(self, mediation_id: UUID, confirmed: bool, decided_at: datetime | None = None,
                            court_ref: str | None = None) -> Mediation:
        at = self._now(decided_at, "decided_at")
        mediation = self.get_mediation(mediation_id)
        if mediation.decide_confirmation(confirmed, at, court_ref):
            self.save(mediation)
        return mediation

    def notices(self, mediation_id: UUID) -> list[dict]:
        mediation = self.read_mediation(mediation_id, "notices")  # the agreement names the parties
        issuer = self.unit_name(mediation.region_code)
        return [n.document("各方当事人") for n in notices.notices(mediation, issuer)]
