"""Intake's published language: what other services learn of a petition, with personal data masked.

Other services get the petitioner only as a pseudonym (for counting persons and repeats) — never
the name, ID number or phone.
"""
from __future__ import annotations

from intake.agency import MEDIATION_LAYERS, AgencyEvent
from intake.domain import Petition
from intake.erasure import Erasure
from intake.query_codes import QueryCodeIndex
from intake.repeats import MatterIndex
from shared.feed import translator
from shared.file_access import FileAccess
from shared.dead_letters import DeadLetter
from shared.parking import PARKING_TRANSLATIONS
from shared.privacy import mask_name, mask_phone


def _registered(e: Petition.Registered) -> tuple[str, dict]:
    return "petition.registered", {
        "petition_id": str(e.originator_id), "channel": e.channel, "region_code": e.region_code,
        "category": e.category, "matter_type": e.matter_type, "received_at": e.received_at.isoformat(),
        "acceptance_deadline": e.acceptance_deadline.isoformat(), "petitioner_ref": e.petitioner_ref,
        "repeat_of": str(e.repeat_of) if e.repeat_of else None,
        # A group visit's size and how many representatives it sent; the people stay in intake.
        "group_size": getattr(e, "group_size", None), "representatives": len(getattr(e, "representatives", None) or ()),
        "accused_unit": getattr(e, "accused_unit", None)}


def _decided(e) -> tuple[str, dict]:
    return "petition.acceptance_decided", {
        "petition_id": str(e.originator_id), "decision": e.decision, "route": e.route,
        "decided_at": e.decided_at.isoformat(), "timely": e.timely,
        "region_code": e.region_code, "category": e.category, "matter_type": e.matter_type,
        "ground": getattr(e, "ground", None), "dispatch_mode": getattr(e, "dispatch_mode", None),
        "accused_unit": getattr(e, "accused_unit", None),
        "dispatch_deadline": e.dispatch_deadline.isoformat() if getattr(e, "dispatch_deadline", None) else None}


def _linked(e) -> tuple[str, dict]:
    return "petition.assignment_linked", {"petition_id": str(e.originator_id),
                                          "assignment_id": str(e.assignment_id), "unit_id": e.unit_id}


def _progressed(e) -> tuple[str, dict]:
    return "petition.handling_progressed", {"petition_id": str(e.originator_id), "stage": e.stage,
                                            "at": e.at.isoformat(), "status": getattr(e, "status", None)}



def _read(e: FileAccess.Read) -> tuple[str, dict]:
    # Who read which petition, in which view: the reader is the envelope's actor (decision 0023).
    return "petition.personal_data_read", {"petition_id": str(e.petition_id), "record_id": str(e.record_id),
                                           "view": e.view, "role": e.role, "unit": e.unit}


PUBLIC_FACTS = ("order_no", "alert_no", "case_no", "category", "case_type", "mediation_id", "confirmed",
                "transfer_to_petition")


def _agency_event(e: AgencyEvent.Received) -> tuple[str, dict]:
    # Titles, contents and summaries are free text that may name people: they stay in intake.
    layer = MEDIATION_LAYERS.get(e.type)
    return "agency_event.received", {
        "agency_event_id": str(e.originator_id), "agency": e.agency, "source": e.source,
        "event_id": e.event_id, "type": e.type, "region_code": e.region_code,
        "occurred_at": e.occurred_at.isoformat(),
        "facts": {k: v for k, v in e.facts.items() if k in PUBLIC_FACTS},
        "petition_id": str(e.petition_id) if e.petition_id else None,
        "mediation_layer": layer,
        # Masked when recorded; a record from before then had its parties in clear (not sealed).
        "parties": getattr(e, "masked_parties", None) if getattr(e, "masked_parties", None) is not None else
        [{"name": mask_name(p.get("name")), "phone": mask_phone(p.get("phone"))} for p in e.parties]}


translate = translator({
    Petition.Registered: _registered,
    Petition.AcceptanceDecided: _decided,
    Petition.AssignmentLinked: _linked,
    Petition.HandlingProgressed: _progressed,
    # The repeat index is intake's own bookkeeping; others learn of repeats from `repeat_of`.
    MatterIndex.Started: None,
    MatterIndex.PetitionAdded: None,
    MatterIndex.StageReached: None,
    QueryCodeIndex.Issued: None,  # the petitioner's credential: never leaves intake
    AgencyEvent.Received: _agency_event,
    FileAccess.Read: _read,
    # An erasure changes nothing others hold (they have the pseudonym only); it is audited here.
    Erasure.Ordered: None,
    Erasure.OrderedAgain: None,
    # Dead letters hold the raw body (it may carry personal data): operators read them in intake.
    DeadLetter.Recorded: None,
    DeadLetter.Resolved: None,
    **PARKING_TRANSLATIONS,
})
