"""Dispatch's published language. Opinion texts stay inside dispatch; others learn the outcome."""
from __future__ import annotations

from dispatch.domain import Assignment
from shared.feed import translator
from shared.dead_letters import DeadLetter
from shared.parking import ParkedEvent, published_parked


def _ids(e) -> dict:
    return {"assignment_id": str(e.originator_id)}


def _created(e: Assignment.Created) -> tuple[str, dict]:
    return "assignment.created", {
        **_ids(e), "petition_id": str(e.petition_id), "unit_id": e.unit_id,
        "region_code": e.region_code, "category": e.category, "matter_type": e.matter_type,
        "accepted_at": e.accepted_at.isoformat(), "sign_deadline": e.sign_deadline.isoformat(),
        "handling_deadline": e.handling_deadline.isoformat()}


def _signed(e) -> tuple[str, dict]:
    return "assignment.signed", {**_ids(e), "unit_id": e.unit_id, "signed_at": e.signed_at.isoformat(),
                                 "on_time": e.on_time}


def _extended(e) -> tuple[str, dict]:
    return "assignment.extended", {**_ids(e), "days": e.days,
                                   "handling_deadline": e.handling_deadline.isoformat()}


def _replied(e) -> tuple[str, dict]:
    return "assignment.replied", {**_ids(e), "petition_id": str(e.petition_id), "outcome": e.outcome,
                                  "replied_at": e.replied_at.isoformat(), "on_time": e.on_time,
                                  "evaluation_deadline": e.evaluation_deadline.isoformat()}


def _evaluated(e) -> tuple[str, dict]:
    return "assignment.evaluated", {**_ids(e), "petition_id": str(e.petition_id), "rating": e.rating, "rated_at": e.rated_at.isoformat()}


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
    Assignment.Extended: _extended,
    Assignment.Replied: _replied,
    Assignment.Evaluated: _evaluated,
    Assignment.JointHandlingRequested: _joint_requested,
    Assignment.JointReportRecorded: _joint_reported,
    Assignment.JointReportWaived: _joint_waived,
    DeadLetter.Recorded: None,
    DeadLetter.Resolved: None,
    ParkedEvent.Parked: published_parked,
})
