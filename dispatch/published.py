"""Dispatch's published language. Opinion texts stay inside dispatch; others learn the outcome."""
from __future__ import annotations

from dispatch.domain import Assignment
from shared.feed import translator
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


translate = translator({
    Assignment.Created: _created,
    Assignment.Signed: _signed,
    Assignment.Extended: _extended,
    Assignment.Replied: _replied,
    Assignment.Evaluated: _evaluated,
    ParkedEvent.Parked: published_parked,
})
