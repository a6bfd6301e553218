"""What a petitioner sees of the handling of their matter on the self-service page (查询码): the
reply once it has gone out (never a draft), and whether they can still rate it or ask for a review."""
from __future__ import annotations

from datetime import date

from dispatch.domain import Assignment
from dispatch.opinion import OUTCOME_NAMES
from dispatch.review import ReviewClosed
from shared.errors import Conflict
from shared.ratings import RATING_NAMES
from shared.views import plain



def petitioner_view(a: Assignment, unit_name: str, today: date, calendar) -> dict:
    reply = a.reply and {"outcome": a.reply["outcome"], "outcome_name": OUTCOME_NAMES.get(a.reply["outcome"]),
                         "opinion": a.reply["opinion"], "replied_at": a.reply["replied_at"],
                         "signatures": a.reply["signatures"], "unit_name": unit_name}
    return plain({
        "assignment_id": a.id, "unit_name": unit_name, "handling_deadline": a.handling_deadline,
        "reply": reply,
        "evaluation": {"open": a.may_rate(today), "deadline": a.evaluation_deadline, "rating": a.rating,
                       "rating_name": RATING_NAMES.get(a.rating)},
        "review": _review(a, today, calendar)})


def _review(a: Assignment, today: date, calendar) -> dict:
    requested = bool(a.reviews)
    try:
        stage, last_day = a.review_window(calendar)
    except (Conflict, ReviewClosed):  # no reply yet, one unanswered, or closed by the re-review
        return {"open": False, "deadline": None, "stage": None, "requested": requested}
    return {"open": today <= last_day, "deadline": last_day, "stage": stage, "requested": requested}
