"""Statistics definitions (DOMAIN.md §8): rates from counts, year-on-year changes.

A rate is a fraction 0..1, or None when nothing is in its denominator (no figure, not zero).
"""
from __future__ import annotations

from datetime import date

RESOLVED_RATINGS = ("satisfied", "basically_satisfied")

# The five volumes (五量) bureaus report together, and which agency events count in which. A 110
# dispute handed over for mediation is both an alert and a mediation; a court referral is a
# mediation (pre-litigation), not a filed case.
FIVE_VOLUMES = ("hotline12345", "police110", "court", "petitions", "mediation")
AGENCY_VOLUMES = {"work_order.created": ("hotline12345",), "alert.received": ("police110",),
                  "alert.transferred": ("police110", "mediation"), "case.filed": ("court",),
                  "mediation.referred": ("mediation",)}


def five_volumes(petitions: int, agency_counts: dict[str, int]) -> dict[str, int]:
    volumes = dict.fromkeys(FIVE_VOLUMES, 0)
    volumes["petitions"] = petitions
    for kind, count in agency_counts.items():
        for volume in AGENCY_VOLUMES.get(kind, ()):
            volumes[volume] += count
    return volumes


def petition_channel_key(channel: str) -> str:
    """Petitions by channel beside the agency volumes: a petition that came as a 12345 work order
    is keyed apart from the work orders themselves, which are counted already."""
    return f"petition:{channel}" if channel in ("hotline12345", "police110", "court") else channel
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
    this["five_volumes"] = five_volumes(current["received"], current.get("agency", {}))
    last["five_volumes"] = five_volumes(previous["received"], previous.get("agency", {}))
    changes = {k: yoy(this[k], last[k]) for k in COUNT_KEYS}
    changes["five_volumes"] = {k: yoy(this["five_volumes"][k], last["five_volumes"][k]) for k in FIVE_VOLUMES}
    return {**this, "previous_year": last, "yoy": changes}


def year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
