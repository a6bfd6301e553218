"""Statistics definitions (DOMAIN.md §8): rates from counts, year-on-year changes.

A rate is a fraction 0..1, or None when nothing is in its denominator (no figure, not zero).
"""
from __future__ import annotations

from datetime import date

RESOLVED_RATINGS = ("satisfied", "basically_satisfied")
COUNT_KEYS = ("received", "persons", "accepted", "repeats")


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def yoy(this: int, last: int) -> float | None:
    return (this - last) / last if last else None


def rates(c: dict) -> dict:
    """`c` holds the period's counts, as the read model's summary query names them."""
    concluded = c["rated"] + c["expired_unrated"]
    return {
        "received": c["received"],
        "persons": c["persons"],
        "accepted": c["accepted"],
        "repeats": c["repeats"],
        # accepted (any decision, with its notice) within the limit ÷ (within + late + overdue undecided)
        "timely_acceptance_rate": ratio(c["decided_in_time"],
                                        c["decided_in_time"] + c["decided_late"] + c["undecided_overdue"]),
        "on_time_completion_rate": ratio(c["replied_on_time"],
                                         c["replied_on_time"] + c["replied_late"] + c["unreplied_overdue"]),
        "participation_rate": ratio(c["rated"], concluded),
        "satisfaction_rate": ratio(c["satisfied"], c["rated"]),
        "repeat_rate": ratio(c["repeats"], c["received"]),
        # resolved = rated satisfied or basically satisfied; concluded = rated or rating window expired
        "resolution_rate": ratio(c["satisfied"], concluded),
        "first_petition_resolution_rate": ratio(c["first_satisfied"], c["first_concluded"]),
    }


def summary(current: dict, previous: dict) -> dict:
    this, last = rates(current), rates(previous)
    return {**this, "previous_year": last, "yoy": {k: yoy(this[k], last[k]) for k in COUNT_KEYS}}


def year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
