"""Supervision's published language: watches opened and closed, letters issued and answered,
listings. Answers' texts and the office's notes stay in supervision."""
from __future__ import annotations

from supervision.domain import Supervision
from supervision.listing import ListedSupervision
from shared.due import INTERNAL_EVENTS as DUE_EVENTS
from shared.feed import translator
from shared.parking import PARKING_TRANSLATIONS


def _ids(e) -> dict:
    petition_id = getattr(e, "petition_id", None)
    return {"supervision_id": str(e.originator_id), **({"petition_id": str(petition_id)} if petition_id else {})}


def _opened(e) -> tuple[str, dict]:
    return "supervision.opened", {**_ids(e), "kind": e.kind, "subject_id": e.subject_id, "unit_id": e.unit_id,
                                  "region_code": e.region_code, "deadline": e.deadline.isoformat(),
                                  "manual": e.manual, "opened_at": e.opened_at.isoformat()}


def _moved(e) -> tuple[str, dict]:
    return "supervision.limit_moved", {"supervision_id": str(e.originator_id), "deadline": e.deadline.isoformat(),
                                       "unit_id": e.unit_id}


def _closed(e) -> tuple[str, dict]:
    return "supervision.closed", {"supervision_id": str(e.originator_id), "closed_at": e.closed_at.isoformat(),
                                  "on_time": e.on_time, "unit_id": e.unit_id, "region_code": e.region_code}


def _issued(e) -> tuple[str, dict]:
    return "supervision.letter_issued", {**_ids(e), "letter": e.letter, "kind": e.kind, "unit_id": e.unit_id,
                                         "region_code": e.region_code, "issued_on": e.issued_on.isoformat(),
                                         "reply_by": e.reply_by.isoformat(), "deadline": e.deadline.isoformat()}


def _responded(e) -> tuple[str, dict]:
    return "supervision.letter_answered", {"supervision_id": str(e.originator_id), "letter": e.letter,
                                           "unit_id": e.unit_id, "region_code": e.region_code,
                                           "answered_at": e.responded_at.isoformat(), "on_time": e.on_time,
                                           "adopted": e.adopted}


def _listed(e) -> tuple[str, dict]:
    return "supervision.listed", {"listing_id": str(e.originator_id), "target": e.target, "target_id": e.target_id,
                                  "unit_id": e.unit_id, "region_code": e.region_code,
                                  "correction_deadline": e.correction_deadline.isoformat(),
                                  "listed_at": e.listed_at.isoformat()}


def _lifted(e) -> tuple[str, dict]:
    return "supervision.lifted", {"listing_id": str(e.originator_id), "lifted_at": e.lifted_at.isoformat(),
                                  "on_time": e.on_time, "unit_id": e.unit_id, "region_code": e.region_code}


translate = translator({
    Supervision.Opened: _opened,
    Supervision.LimitMoved: _moved,
    Supervision.Closed: _closed,
    Supervision.Issued: _issued,
    Supervision.Responded: _responded,
    ListedSupervision.Listed: _listed,
    ListedSupervision.Lifted: _lifted,
    **dict.fromkeys(DUE_EVENTS),
    **PARKING_TRANSLATIONS,
})
