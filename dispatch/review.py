"""Review (复查) and re-review (复核) of a handling opinion, by the body one level up each time.

The petitioner asks within 30 days of receiving the reply (A35), or of the review answer (A36); the
body answers within 30 days of the request; time spent in a hearing (听证) is not counted (A36).
After the re-review the matter is closed to the same facts and reasons (不再受理).
"""
from __future__ import annotations

from datetime import date

from shared.errors import Conflict, InvalidCommand

STAGES = ("review", "re_review")  # 复查, 复核
STAGE_NAMES = {"review": "复查", "re_review": "复核"}
REQUEST_WINDOW_DAYS = 30
ANSWER_LIMIT_DAYS = 30
DECISIONS = ("upheld", "revised")  # 维持原处理意见, 变更（撤销）原处理意见
# What a review opinion must state; its remedy line tells of re-review, or that none follows.
REQUIRED_ELEMENTS = ("findings", "result", "legal_basis", "remedy")


class ReviewClosed(Conflict):
    pass


def next_stage(reviews: dict) -> str:
    if not reviews:
        return "review"
    last = reviews[STAGES[len(reviews) - 1]]
    if "decision" not in last:
        raise Conflict(f"the {STAGE_NAMES[last['stage']]} asked for on "
                       f"{last['requested_on'].isoformat()} has not been answered yet")
    if len(reviews) == len(STAGES):
        raise ReviewClosed("the re-review (复核) has been answered: the matter is closed to the same facts "
                           "and reasons (信访工作条例第三十六条)")
    return STAGES[len(reviews)]


def request_window_end(stage: str, reviews: dict, replied_on: date, calendar) -> date:
    """30 days from receiving the reply (review) or the review answer (re-review); a last day that
    falls on a rest day moves to the next working day, as with every limit here."""
    start = replied_on if stage == "review" else reviews["review"]["decided_on"]
    return calendar.calendar_deadline(start, REQUEST_WINDOW_DAYS)


def answer_deadline(requested_on: date, hearing_days: int, calendar) -> date:
    """30 days from the request, the days of hearings not counted (A36)."""
    return calendar.calendar_deadline(requested_on, ANSWER_LIMIT_DAYS + hearing_days)


def check_decision(decision: str, opinion: dict) -> None:
    errors = {}
    if decision not in DECISIONS:
        errors["decision"] = [f"one of {', '.join(DECISIONS)}"]
    missing = {name: ["required element of the review opinion is missing"]
               for name in REQUIRED_ELEMENTS if not str(opinion.get(name) or "").strip()}
    if missing:
        errors["opinion"] = missing
    if errors:
        raise InvalidCommand("the review opinion is incomplete", errors)


def check_hearing(held_from: date, held_to: date) -> int:
    if held_to < held_from:
        raise InvalidCommand("the hearing ends before it starts", {"held_to": ["not before held_from"]})
    return (held_to - held_from).days + 1
