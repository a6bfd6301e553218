"""Mediation's published language: the course of each mediation (layers, outcome, confirmation),
for statistics and for the petition it came from. Parties, the dispute and the agreement's terms
stay in mediation."""
from __future__ import annotations

from mediation.domain import Mediation
from shared.dead_letters import DeadLetter
from shared.feed import translator
from shared.file_access import FileAccess
from shared.parking import PARKING_TRANSLATIONS


def _ids(e) -> dict:
    petition_id = getattr(e, "petition_id", None)
    return {"mediation_id": str(e.originator_id), "petition_id": str(petition_id) if petition_id else None}


def _opened(e) -> tuple[str, dict]:
    return "mediation.opened", {**_ids(e), "source": e.source, "source_ref": e.source_ref if e.source != "direct" else None,
                                "layer": e.layer, "region_code": e.region_code, "category": e.category,
                                "opened_at": e.opened_at.isoformat(),
                                "deadline": e.deadline.isoformat() if e.deadline else None,
                                "parties": len(e.parties)}


def _refused(e) -> tuple[str, dict]:
    return "mediation.ended", {**_ids(e), "reason": "refused", "layer": e.layer, "ended_at": e.at.isoformat()}


def _failed(e) -> tuple[str, dict]:
    return "mediation.ended", {**_ids(e), "reason": "failed", "layer": e.layer, "ended_at": e.at.isoformat()}


def _escalated(e) -> tuple[str, dict]:
    return "mediation.escalated", {**_ids(e), "region_code": getattr(e, "region_code", None),
                                   "from_layer": e.from_layer,
                                   "to_layer": e.to_layer, "escalated_at": e.at.isoformat(),
                                   "deadline": e.deadline.isoformat() if e.deadline else None}


def _agreed(e) -> tuple[str, dict]:
    return "mediation.agreement_reached", {**_ids(e), "layer": e.layer, "signed_at": e.signed_at.isoformat(),
                                           "effective_on": e.effective_on.isoformat(),
                                           "confirm_by": e.confirm_by.isoformat()}


def _applied(e) -> tuple[str, dict]:
    return "mediation.confirmation_applied", {"mediation_id": str(e.originator_id),
                                              "applied_at": e.applied_at.isoformat(),
                                              "decide_by": e.decide_by.isoformat()}


def _decided(e) -> tuple[str, dict]:
    return "mediation.confirmation_decided", {**_ids(e), "confirmed": e.confirmed,
                                              "decided_at": e.decided_at.isoformat()}


def _mediator(e) -> tuple[str, dict]:
    # Mediators are public officers of the pool, not parties: their id and kind may travel.
    return "mediation.mediator_assigned", {"mediation_id": str(e.originator_id), "mediator_id": e.mediator_id,
                                           "kind": e.kind, "layer": e.layer, "assigned_at": e.at.isoformat()}


def _session(e) -> tuple[str, dict]:
    return "mediation.session_held", {"mediation_id": str(e.originator_id), "layer": e.layer,
                                      "held_on": e.held_on.isoformat()}


def _hearing(e) -> tuple[str, dict]:
    return "mediation.hearing_held", {"mediation_id": str(e.originator_id), "layer": e.layer,
                                      "held_on": e.held_on.isoformat()}


def _read(e: FileAccess.Read) -> tuple[str, dict]:
    # Who read which mediation's parties, in which view: the reader is the envelope's actor (decision 0023).
    return "mediation.personal_data_read", {
        "mediation_id": str(e.record_id), "petition_id": str(e.petition_id) if e.petition_id else None,
        "record_id": str(e.record_id), "view": e.view, "role": e.role, "unit": e.unit}


translate = translator({
    Mediation.Opened: _opened,
    Mediation.PartyAdded: None,  # personal data: stays in mediation
    Mediation.Consented: None,
    Mediation.Refused: _refused,
    Mediation.MediatorAssigned: _mediator,
    Mediation.SessionHeld: _session,
    Mediation.HearingHeld: _hearing,
    Mediation.Agreed: _agreed,
    Mediation.Escalated: _escalated,
    Mediation.Failed: _failed,
    Mediation.ConfirmationApplied: _applied,
    Mediation.ConfirmationDecided: _decided,
    FileAccess.Read: _read,
    DeadLetter.Recorded: None,
    DeadLetter.Resolved: None,
    **PARKING_TRANSLATIONS,
})
