"""What the joint-conference office sees of a supervision and of a listing."""
from __future__ import annotations

from supervision.domain import KIND_NAMES, Supervision
from supervision.ladder import LETTER_NAMES, LETTERS
from supervision.listing import ListedSupervision
from shared.views import history, plain


def supervision_view(s: Supervision, events) -> dict:
    return plain({
        "id": s.id, "kind": s.kind, "kind_name": KIND_NAMES[s.kind], "subject_id": s.subject_id,
        "petition_id": s.petition_id, "unit": s.unit_id, "region_code": s.region_code, "deadline": s.deadline,
        "at_risk_on": s.at_risk_on, "status": s.status, "manual": s.manual, "note": s.note,
        "letters": [{"letter": k, "name": LETTER_NAMES[k], **s.letters[k]} for k in LETTERS if k in s.letters],
        "closed": s.closed, "history": history(events)})


def listing_view(listing: ListedSupervision, events) -> dict:
    return plain({
        "id": listing.id, "target": listing.target, "target_id": listing.target_id, "unit": listing.unit_id,
        "region_code": listing.region_code, "reason": listing.reason,
        "correction_deadline": listing.correction_deadline, "listed_at": listing.listed_at,
        "lifted": listing.lifted, "history": history(events)})
