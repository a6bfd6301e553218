"""Mediation (调解): a dispute taken through the five layers until the parties agree, or until the
last layer fails and the parties are told of the legal routes.

Mediation is voluntary: every party consents at each layer, and one refusal ends it (人民调解法第三、
十七条). The agreement takes effect when every party and the mediator have signed. The parties
apply together for judicial confirmation within 30 days of that; the court's decision is recorded.
"""
from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import event

from mediation.agreement import CONFIRMATION_WINDOW_DAYS, COURT_DECISION_DAYS, check_agreement
from mediation.layers import LAYER_LIMIT_DAYS, LAYER_NAMES, LAYERS, next_layer
from shared.actors import AuditedAggregate
from shared.clock import beijing_date
from shared.errors import Conflict, InvalidCommand
from shared.workdays import WorkingDayCalendar

SOURCES = ("petition", "assignment", "police110", "court", "direct")
PARTY_ROLES = ("applicant", "respondent", "other")
MEDIATING = ("awaiting_consent", "in_mediation")


class MediationClosed(Conflict):
    pass


def layer_deadline(layer: str, entered_on: date, calendar: WorkingDayCalendar) -> date | None:
    days = LAYER_LIMIT_DAYS.get(layer)
    return calendar.calendar_deadline(entered_on, days) if days else None


class Mediation(AuditedAggregate):
    @event("Opened")
    def __init__(self, source: str, source_ref: str | None, layer: str, region_code: str, category: str,
                 summary: str, parties: list[dict], opened_at: datetime, deadline: date | None,
                 petition_id: UUID | None):
        self.source, self.source_ref = source, source_ref
        self.layer = layer
        self.region_code, self.category = region_code, category
        self.summary = summary
        self.parties = list(parties)
        self.opened_at = opened_at
        self.deadline = deadline
        self.petition_id = petition_id
        self.status = "awaiting_consent"
        self.consents: dict[int, bool] = {}
        self.layers = [{"layer": layer, "entered_at": opened_at, "deadline": deadline, "outcome": None}]
        self.mediators: list[dict] = []
        self.sessions: list[dict] = []
        self.hearings: list[dict] = []
        self.agreement: dict | None = None
        self.confirmation: dict | None = None
        self.ended: dict | None = None

    @classmethod
    def open(cls, mediation_id: UUID, *, source: str, layer: str, region_code: str, category: str,
             summary: str, parties: list[dict], opened_at: datetime, calendar: WorkingDayCalendar,
             source_ref: str | None = None, petition_id: UUID | None = None) -> Mediation:
        errors = {}
        if source not in SOURCES:
            errors["source"] = [f"one of {', '.join(SOURCES)}"]
        if layer not in LAYERS:
            errors["layer"] = [f"one of {', '.join(LAYERS)}"]
        if not summary.strip():
            errors["summary"] = ["what the dispute is about"]
        if errors:
            raise InvalidCommand("the mediation cannot be opened", errors)
        return cls._create(cls.Opened, id=mediation_id, source=source, source_ref=source_ref, layer=layer,
                           region_code=region_code, category=category, summary=summary.strip(),
                           parties=[_party(p) for p in parties], opened_at=opened_at,
                           deadline=layer_deadline(layer, beijing_date(opened_at), calendar),
                           petition_id=petition_id)

    def _check_mediating(self) -> None:
        if self.status not in MEDIATING:
            raise MediationClosed(f"the mediation has {'reached agreement' if self.agreement else 'ended'}")

    # -- parties and consent (自愿) -----------------------------------------------------------
    def add_party(self, party: dict) -> None:
        self._check_mediating()
        self._party_added(party=_party(party, field="name"))

    @event("PartyAdded")
    def _party_added(self, party: dict) -> None:
        self.parties.append(party)
        self.status = "awaiting_consent"

    def record_consent(self, party: int, consents: bool, at: datetime) -> None:
        self._check_mediating()
        if not 0 <= party < len(self.parties):
            raise InvalidCommand("no such party", {"party": [f"0 to {len(self.parties) - 1}"]})
        if party in self.consents:
            raise Conflict(f"party {party} has already answered at this layer")
        if consents:
            self._consented(party=party, at=at, layer=self.layer)
        else:
            self._refused(party=party, at=at, layer=self.layer, petition_id=self.petition_id)

    @event("Consented")
    def _consented(self, party: int, at: datetime, layer: str) -> None:
        self.consents[party] = True
        if len(self.parties) >= 2 and all(self.consents.get(i) for i in range(len(self.parties))):
            self.status = "in_mediation"

    @event("Refused")
    def _refused(self, party: int, at: datetime, layer: str, petition_id: UUID | None) -> None:
        # One party's refusal bars mediation (人民调解法第十七条): it ends, the legal routes told.
        self.consents[party] = False
        self.layers[-1]["outcome"] = "refused"
        self.ended = {"reason": "refused", "party": party, "at": at, "layer": layer}
        self.status = "ended"

    # -- mediators, sessions, hearings ---------------------------------------------------------
    def assign_mediator(self, mediator: dict, at: datetime) -> None:
        self._check_mediating()
        if any(m["id"] == mediator["id"] for m in self.mediators if m["layer"] == self.layer):
            raise Conflict("this mediator already mediates at this layer")
        self._mediator_assigned(mediator_id=mediator["id"], name=mediator["name"], kind=mediator["kind"],
                                layer=self.layer, at=at)

    @event("MediatorAssigned")
    def _mediator_assigned(self, mediator_id: str, name: str, kind: str, layer: str, at: datetime) -> None:
        self.mediators.append({"id": mediator_id, "name": name, "kind": kind, "layer": layer, "at": at})

    def hold_session(self, held_on: date, attendees: list[str], notes: str) -> None:
        if self.status != "in_mediation":
            raise Conflict("sessions are held once every party has consented" if self.status == "awaiting_consent"
                           else "the mediation is over")
        if not attendees:
            raise InvalidCommand("who attended", {"attendees": ["at least one"]})
        self._session_held(held_on=held_on, attendees=list(attendees), notes=notes.strip(), layer=self.layer)

    @event("SessionHeld")
    def _session_held(self, held_on: date, attendees: list, notes: str, layer: str) -> None:
        self.sessions.append({"held_on": held_on, "attendees": attendees, "notes": notes, "layer": layer})

    def hold_hearing(self, panel: list[str], held_on: date, participants: list[str], findings: str) -> None:
        """信访听证: a panel hears the parties; its findings go on the record of the mediation."""
        self._check_mediating()
        errors = {}
        if not panel:
            errors["panel"] = ["at least one member"]
        if not findings.strip():
            errors["findings"] = ["required"]
        if errors:
            raise InvalidCommand("the hearing record is incomplete", errors)
        self._hearing_held(panel=list(panel), held_on=held_on, participants=list(participants),
                           findings=findings.strip(), layer=self.layer)

    @event("HearingHeld")
    def _hearing_held(self, panel: list, held_on: date, participants: list, findings: str, layer: str) -> None:
        self.hearings.append({"panel": panel, "held_on": held_on, "participants": participants,
                              "findings": findings, "layer": layer})

    # -- outcome per layer ---------------------------------------------------------------------
    def reach_agreement(self, facts: str, disputes: str, terms: list[dict], signatures: list[dict],
                        signed_at: datetime, calendar: WorkingDayCalendar) -> None:
        if self.status != "in_mediation":
            raise Conflict("an agreement needs every party's consent first" if self.status == "awaiting_consent"
                           else "the mediation is over")
        check_agreement(self.parties, facts, disputes, terms, signatures)
        self._agreed(layer=self.layer, facts=facts.strip(), disputes=disputes.strip(), terms=list(terms),
                     signatures=list(signatures), signed_at=signed_at, effective_on=beijing_date(signed_at),
                     confirm_by=calendar.calendar_deadline(beijing_date(signed_at), CONFIRMATION_WINDOW_DAYS),
                     petition_id=self.petition_id, region_code=self.region_code)

    @event("Agreed")
    def _agreed(self, layer: str, facts: str, disputes: str, terms: list, signatures: list, signed_at: datetime,
                effective_on: date, confirm_by: date, petition_id: UUID | None, region_code: str) -> None:
        self.agreement = {"layer": layer, "facts": facts, "disputes": disputes, "terms": terms,
                          "signatures": signatures, "signed_at": signed_at, "effective_on": effective_on,
                          "confirm_by": confirm_by}
        self.layers[-1]["outcome"] = "agreed"
        self.status = "agreed"

    def fail(self, reason: str, failed_at: datetime, calendar: WorkingDayCalendar) -> None:
        """No agreement at this layer: on to the next, with everything so far carried along; after
        the last, the parties are told of the legal routes."""
        self._check_mediating()
        if not reason.strip():
            raise InvalidCommand("why it failed", {"reason": ["required"]})
        following = next_layer(self.layer)
        if following is None:
            self._failed(layer=self.layer, reason=reason.strip(), at=failed_at, petition_id=self.petition_id)
        else:
            self._escalated(from_layer=self.layer, to_layer=following, reason=reason.strip(), at=failed_at,
                            region_code=self.region_code, petition_id=self.petition_id,
                            deadline=layer_deadline(following, beijing_date(failed_at), calendar))

    @event("Escalated")
    def _escalated(self, from_layer: str, to_layer: str, reason: str, at: datetime, deadline: date | None,
                   region_code: str | None = None, petition_id: UUID | None = None) -> None:
        self.layers[-1].update(outcome="failed", reason=reason, left_at=at)
        self.layers.append({"layer": to_layer, "entered_at": at, "deadline": deadline, "outcome": None})
        self.layer, self.deadline = to_layer, deadline
        self.consents = {}
        self.status = "awaiting_consent"

    @event("Failed")
    def _failed(self, layer: str, reason: str, at: datetime, petition_id: UUID | None) -> None:
        self.layers[-1].update(outcome="failed", reason=reason, left_at=at)
        self.ended = {"reason": "failed", "at": at, "layer": layer}
        self.status = "ended"

    # -- 司法确认 -------------------------------------------------------------------------------
    def apply_for_confirmation(self, applicants: list[int], applied_at: datetime,
                               calendar: WorkingDayCalendar) -> None:
        if self.agreement is None:
            raise Conflict("judicial confirmation is of an agreement; there is none")
        if self.confirmation is not None:
            raise Conflict("judicial confirmation has already been applied for")
        strangers = sorted({str(i) for i in applicants if i not in range(len(self.parties))})
        if strangers:
            raise InvalidCommand("only parties apply", {"applicants": [f"no party {', '.join(strangers)}"]})
        missing = [str(i) for i in range(len(self.parties)) if i not in set(applicants)]
        if missing:
            raise InvalidCommand("the parties apply together (人民调解法第三十三条)",
                                 {"applicants": [f"party {', '.join(missing)} has not applied"]})
        applied_on = beijing_date(applied_at)
        if applied_on > self.agreement["confirm_by"]:
            raise Conflict(f"the 30 days to apply ended on {self.agreement['confirm_by'].isoformat()} "
                           "(人民调解法第三十三条): the agreement can no longer be confirmed; it binds as a contract")
        self._confirmation_applied(applied_at=applied_at, applicants=sorted(set(applicants)),
                                   decide_by=calendar.calendar_deadline(applied_on, COURT_DECISION_DAYS))

    @event("ConfirmationApplied")
    def _confirmation_applied(self, applied_at: datetime, applicants: list, decide_by: date) -> None:
        self.confirmation = {"applied_at": applied_at, "applicants": applicants, "decide_by": decide_by,
                             "confirmed": None}

    def decide_confirmation(self, confirmed: bool, decided_at: datetime, court_ref: str | None = None) -> bool:
        """The court's decision, from its event or an operator; the same decision again changes
        nothing (False), a different one is refused."""
        if self.agreement is None:
            raise Conflict("the court decided on a mediation that reached no agreement")
        previous = (self.confirmation or {}).get("confirmed")
        if previous is not None:
            if previous == confirmed:
                return False
            raise Conflict("the court's decision has already been recorded differently")
        self._confirmation_decided(confirmed=confirmed, decided_at=decided_at, court_ref=court_ref,
                                   petition_id=self.petition_id)
        return True

    @event("ConfirmationDecided")
    def _confirmation_decided(self, confirmed: bool, decided_at: datetime, court_ref: str | None,
                              petition_id: UUID | None) -> None:
        self.confirmation = {**(self.confirmation or {}), "confirmed": confirmed, "decided_at": decided_at,
                             "court_ref": court_ref}


def _party(party: dict, field: str = "parties") -> dict:
    """The party's personal data kept together, as a petitioner's is."""
    name = str(party.get("name") or "").strip()
    if not name:
        raise InvalidCommand("a party has a name", {field: ["each party needs a name"]})
    role = party.get("role") or "other"
    if role not in PARTY_ROLES:
        raise InvalidCommand("unknown role", {"role": [f"one of {', '.join(PARTY_ROLES)}"]})
    return {"name": name, "phone": party.get("phone"), "id_number": party.get("id_number"), "role": role}


__all__ = ["LAYER_NAMES", "Mediation", "MediationClosed", "SOURCES"]
