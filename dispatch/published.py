"""Dispatch's published language. Opinion texts, reasons and comments stay inside dispatch (they are
free text that may name people); others learn the stage, the dates, the units and the outcome."""
from __future__ import annotations

from dispatch.domain import Assignment
from shared.due import INTERNAL_EVENTS as DUE_EVENTS
from shared.dead_letters import DeadLetter
from shared.feed import translator
from shared.parking import PARKING_TRANSLATIONS


def _ids(e) -> dict:
    petition_id = getattr(e, "petition_id", None)
    return {"assignment_id": str(e.originator_id), **({"petition_id": str(petition_id)} if petition_id else {})}


def _on(value) -> str | None:
    return value.isoformat() if value is not None else None


def _created(e: Assignment.Created) -> tuple[str, dict]:
    return "assignment.created", {
        **_ids(e), "petition_id": str(e.petition_id), "unit_id": e.unit_id,
        "region_code": e.region_code, "category": e.category, "matter_type": e.matter_type,
        "accepted_at": e.accepted_at.isoformat(), "sign_deadline": e.sign_deadline.isoformat(),
        "handling_deadline": e.handling_deadline.isoformat(), "mode": getattr(e, "mode", "assignment"),
        "procedure": getattr(e, "procedure", "ordinary"), "dispatch_deadline": _on(getattr(e, "dispatch_deadline", None))}


def _signed(e) -> tuple[str, dict]:
    return "assignment.signed", {**_ids(e), "unit_id": e.unit_id, "signed_at": e.signed_at.isoformat(),
                                 "on_time": e.on_time}


def _objected(e) -> tuple[str, dict]:
    return "assignment.objected", {**_ids(e), "unit_id": e.unit_id, "objected_at": e.objected_at.isoformat()}


def _objection_rejected(e) -> tuple[str, dict]:
    return "assignment.objection_rejected", {**_ids(e), "decided_at": e.decided_at.isoformat(),
                                              "status": getattr(e, "status", None)}


def _rerouted(e) -> tuple[str, dict]:
    return "assignment.rerouted", {**_ids(e), "from_unit": e.from_unit, "to_unit": e.to_unit,
                                   "rerouted_at": e.rerouted_at.isoformat(),
                                   "sign_deadline": e.sign_deadline.isoformat()}


def _co_units(e) -> tuple[str, dict]:
    return "assignment.co_units_added", {**_ids(e), "units": e.units, "added_at": e.added_at.isoformat()}


def _co_opinion(e) -> tuple[str, dict]:
    return "assignment.co_opinion_given", {**_ids(e), "unit_id": e.unit_id, "given_at": e.given_at.isoformat()}


def _extended(e) -> tuple[str, dict]:
    return "assignment.extended", {**_ids(e), "days": e.days, "extended_at": _on(e.extended_at),
                                   "handling_deadline": e.handling_deadline.isoformat()}


def _drafted(e) -> tuple[str, dict]:
    return "assignment.reply_drafted", {**_ids(e), "outcome": e.outcome, "drafted_at": e.drafted_at.isoformat()}


def _pre_reviewed(e) -> tuple[str, dict]:
    return "assignment.pre_reviewed", {**_ids(e), "approved": e.approved, "decided_at": e.decided_at.isoformat()}


def _replied(e) -> tuple[str, dict]:
    return "assignment.replied", {**_ids(e), "outcome": e.outcome,
                                  "replied_at": e.replied_at.isoformat(), "on_time": e.on_time,
                                  "evaluation_deadline": e.evaluation_deadline.isoformat()}


def _evaluated(e) -> tuple[str, dict]:
    return "assignment.evaluated", {**_ids(e), "rating": e.rating, "rated_at": e.rated_at.isoformat()}


def _expired(e) -> tuple[str, dict]:
    return "assignment.evaluation_expired", {**_ids(e), "as_of": e.as_of.isoformat(),
                                             "evaluation_deadline": e.evaluation_deadline.isoformat()}


def _review_requested(e) -> tuple[str, dict]:
    return "assignment.review_requested", {**_ids(e), "stage": e.stage, "reviewer_unit": e.reviewer_unit,
                                           "requested_at": e.requested_at.isoformat(),
                                           "deadline": e.deadline.isoformat()}


def _hearing(e) -> tuple[str, dict]:
    return "assignment.hearing_held", {**_ids(e), "stage": e.stage, "held_from": e.held_from.isoformat(),
                                       "held_to": e.held_to.isoformat(), "days": e.days,
                                       "deadline": e.deadline.isoformat()}


def _review_decided(e) -> tuple[str, dict]:
    return "assignment.review_decided", {**_ids(e), "stage": e.stage, "unit_id": e.unit_id,
                                         "decision": e.decision, "decided_at": e.decided_at.isoformat(),
                                         "on_time": e.on_time}


def _mediation_requested(e) -> tuple[str, dict]:
    return "assignment.mediation_requested", {**_ids(e), "layer": e.layer, "requested_at": e.requested_at.isoformat(),
                                              "region_code": e.region_code, "category": e.category}


def _joint_requested(e) -> tuple[str, dict]:
    # The contract's request to other agencies (CONTRACTS.md §1): they answer on their own exchange.
    return "joint_handling.requested", {**_ids(e), "petition_id": str(e.petition_id), "agencies": e.agencies,
                                        "region_code": e.region_code, "category": e.category,
                                        "requested_at": e.requested_at.isoformat()}


def _joint_reported(e) -> tuple[str, dict]:
    # The agency's result is free text: it stays in dispatch.
    return "assignment.joint_report_recorded", {**_ids(e), "agency": e.agency,
                                                 "reported_at": e.reported_at.isoformat()}


def _joint_waived(e) -> tuple[str, dict]:
    return "assignment.joint_report_waived", {**_ids(e), "agency": e.agency, "waived_at": e.waived_at.isoformat()}


translate = translator({
    Assignment.Created: _created,
    Assignment.Signed: _signed,
    Assignment.Objected: _objected,
    Assignment.ObjectionRejected: _objection_rejected,
    Assignment.Rerouted: _rerouted,
    Assignment.CoUnitsAdded: _co_units,
    Assignment.CoOpinionGiven: _co_opinion,
    Assignment.Extended: _extended,
    Assignment.ReplyDrafted: _drafted,
    Assignment.PreReviewed: _pre_reviewed,
    Assignment.Replied: _replied,
    Assignment.Evaluated: _evaluated,
    Assignment.EvaluationExpired: _expired,
    Assignment.ReviewRequested: _review_requested,
    Assignment.HearingHeld: _hearing,
    Assignment.ReviewDecided: _review_decided,
    Assignment.MediationRequested: _mediation_requested,
    Assignment.JointHandlingRequested: _joint_requested,
    Assignment.JointReportRecorded: _joint_reported,
    Assignment.JointReportWaived: _joint_waived,
    # The expiry sweep's bookkeeping stays in dispatch.
    **dict.fromkeys(DUE_EVENTS),
    DeadLetter.Recorded: None,
    DeadLetter.Resolved: None,
    **PARKING_TRANSLATIONS,
})
