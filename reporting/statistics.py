"""Statistics definitions (DOMAIN.md §8): rates from counts, year-on-year changes.

A rate is a fraction 0..1, or None when nothing is in its denominator (no figure, not zero).
"""
from __future__ import annotations

from datetime import date
from fractions import Fraction

from shared.mediation_layers import LAYERS as MEDIATION_LAYERS

RESOLVED_RATINGS = ("satisfied", "basically_satisfied")

# The five volumes (五量) bureaus report together, and which agency events count in which. The
# mediation volume is the mediations opened (the mediation service's own record, whatever opened
# them): a 110 dispute handed over for mediation is an alert here and a mediation there, and a
# court referral (mediation.referred) is a mediation, not a filed case — both counted once, as the
# mediation each one opens.
FIVE_VOLUMES = ("hotline12345", "police110", "court", "petitions", "mediation")
AGENCY_VOLUMES = {"work_order.created": ("hotline12345",), "alert.received": ("police110",),
                  "alert.transferred": ("police110",), "case.filed": ("court",)}


def five_volumes(petitions: int, agency_counts: dict[str, int], mediations: int = 0) -> dict[str, int]:
    volumes = dict.fromkeys(FIVE_VOLUMES, 0)
    volumes["petitions"] = petitions
    volumes["mediation"] = mediations
    for kind, count in agency_counts.items():
        for volume in AGENCY_VOLUMES.get(kind, ()):
            volumes[volume] += count
    return volumes


def petition_channel_key(channel: str) -> str:
    """Petitions by channel beside the agency volumes: a petition that came as a 12345 work order
    is keyed apart from the work orders themselves, which are counted already."""
    return f"petition:{channel}" if channel in ("hotline12345", "police110", "court") else channel
COUNT_KEYS = ("received", "persons", "accepted", "repeats")
PER_PERSON_COUNT_KEYS = ("received", "accepted", "repeats")


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def yoy(this: int, last: int) -> float | None:
    return (this - last) / last if last else None


def rates(c: dict) -> dict:
    """`c` holds the period's counts, as the read model's summary query names them."""
    rating_concluded = c["rated"] + c["expired_unrated"]  # assignments whose rating is settled
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
        "participation_rate": ratio(c["rated"], rating_concluded),
        "satisfaction_rate": ratio(c["satisfied"], c["rated"]),
        "repeat_rate": ratio(c["repeats"], c["received"]),
        # Petitions, each counted once: resolved = an assignment rated satisfied or basically
        # satisfied, a mediation agreement, or its backlog case resolved; concluded = rated, rating
        # window expired unrated, the mediation ended (agreed, refused, failed), or its backlog case
        # resolved or terminated. First petitions: the non-repeat ones.
        "resolution_rate": ratio(c["resolved"], c["concluded"]),
        "first_petition_resolution_rate": ratio(c["first_resolved"], c["first_concluded"]),
    }


def unit_rates(c: dict) -> dict:
    """One unit's assignments (readmodel.unit_counts), with the rates bulletins rank units by, as
    `rates` defines them for the whole."""
    return {"unit_id": c["unit_id"], "assignments": c["assignments"],
            "on_time_completion_rate": ratio(c["replied_on_time"],
                                             c["replied_on_time"] + c["replied_late"] + c["unreplied_overdue"]),
            "rated": c["rated"], "satisfied": c["satisfied"],
            "satisfaction_rate": ratio(c["satisfied"], c["rated"])}


# The level of resolution (化解层级): where the resolved petitions were handled — 小事不出村、
# 大事不出镇、矛盾不上交. "unknown": resolved without an assignment (by mediation or a backlog case
# alone) or by a unit the reference data does not list.
LEVELS = ("village", "township", "county", "city")


def resolution_levels(resolved_by_unit: dict[str, int], unit_levels: dict[str, str]) -> dict:
    counts = dict.fromkeys((*LEVELS, "unknown"), 0)
    for unit_id, n in resolved_by_unit.items():
        level = unit_levels.get(unit_id)
        counts[level if level in LEVELS else "unknown"] += n
    total = sum(counts.values())
    return {**counts, "shares": {level: ratio(counts[level], total) for level in counts}}


# The counts `rates` reads, each also kept per person (人次) as `<name>_persons`.
RATE_COUNTS = ("received", "accepted", "decided_in_time", "decided_late", "undecided_overdue", "repeats",
               "replied_on_time", "replied_late", "unreplied_overdue", "rated", "satisfied", "expired_unrated",
               "resolved", "concluded", "first_resolved", "first_concluded")


def per_person(c: dict, unit_levels: dict[str, str]) -> dict:
    """The same figures counted per person (人次): a group visit of 30 counts 30 in every count
    and in the rates' numerators and denominators alike."""
    weighted = {name: c.get(f"{name}_persons", 0) for name in RATE_COUNTS}
    figures = rates({**weighted, "persons": weighted["received"]})
    del figures["persons"]
    figures["resolution_levels"] = resolution_levels(c.get("resolved_by_unit_persons", {}), unit_levels)
    return figures


def summary(current: dict, previous: dict, unit_levels: dict[str, str] | None = None) -> dict:
    this, last = rates(current), rates(previous)
    for figures, counts in ((this, current), (last, previous)):
        figures["resolution_levels"] = resolution_levels(counts.get("resolved_by_unit", {}), unit_levels or {})
        figures["per_person"] = per_person(counts, unit_levels or {})
    this["five_volumes"] = five_volumes(current["received"], current.get("agency", {}), current.get("mediations", 0))
    last["five_volumes"] = five_volumes(previous["received"], previous.get("agency", {}),
                                        previous.get("mediations", 0))
    changes = {k: yoy(this[k], last[k]) for k in COUNT_KEYS}
    changes["five_volumes"] = {k: yoy(this["five_volumes"][k], last["five_volumes"][k]) for k in FIVE_VOLUMES}
    changes["per_person"] = {k: yoy(this["per_person"][k], last["per_person"][k]) for k in PER_PERSON_COUNT_KEYS}
    return {**this, "previous_year": last, "yoy": changes}


# -- mediation (调解) -----------------------------------------------------------------------------
MEDIATION_COUNT_KEYS = ("opened", "agreements", "ended", "refused", "failed")
LAYER_COUNT_KEYS = ("entered", "agreed", "failed", "refused")
CONFIRMATION_COUNT_KEYS = ("applied", "decided", "confirmed")


def layer_rates(layer: str, c: dict) -> dict:
    """One layer: the mediations that entered it and how they left it. failed = escalated to the
    next layer or, at the last, ended without agreement. Success = agreed ÷ concluded there."""
    counts = {k: c.get(k, 0) for k in LAYER_COUNT_KEYS}
    return {"layer": layer, **counts,
            "success_rate": ratio(counts["agreed"], counts["agreed"] + counts["failed"] + counts["refused"])}


def mediation_rates(c: dict) -> dict:
    """`c` holds the counts of the mediations opened in a period (readmodel.mediation_counts)."""
    ended = c["refused"] + c["failed"]
    layers = c.get("layers", {})
    return {
        "opened": c["opened"],
        "by_source": dict(sorted(c.get("by_source", {}).items())),
        "agreements": c["agreements"],
        "ended": ended,  # without agreement: a party refused, or the last layer failed
        "refused": c["refused"],
        "failed": c["failed"],
        # agreed ÷ (agreed + ended); mediations still under way are in neither
        "success_rate": ratio(c["agreements"], c["agreements"] + ended),
        "by_layer": [layer_rates(layer, layers.get(layer, {})) for layer in MEDIATION_LAYERS],
        "confirmation": {"applied": c["applied"], "decided": c["decided"], "confirmed": c["confirmed"],
                         # 司法确认: confirmed ÷ decided by the court
                         "confirmation_rate": ratio(c["confirmed"], c["decided"])},
    }


def mediation_summary(current: dict, previous: dict) -> dict:
    this, last = mediation_rates(current), mediation_rates(previous)
    sources = sorted(set(this["by_source"]) | set(last["by_source"]))
    for figures in (this, last):
        figures["by_source"] = {s: figures["by_source"].get(s, 0) for s in sources}
    changes = {k: yoy(this[k], last[k]) for k in MEDIATION_COUNT_KEYS}
    changes["by_source"] = {s: yoy(this["by_source"][s], last["by_source"][s]) for s in sources}
    changes["by_layer"] = [{"layer": now["layer"], **{k: yoy(now[k], then[k]) for k in LAYER_COUNT_KEYS}}
                           for now, then in zip(this["by_layer"], last["by_layer"], strict=True)]
    changes["confirmation"] = {k: yoy(this["confirmation"][k], last["confirmation"][k])
                               for k in CONFIRMATION_COUNT_KEYS}
    return {**this, "previous_year": last, "yoy": changes}


# -- backlog cases (信访积案) and leader ownership (领导包案) ---------------------------------------
# Local target: leader-owned resolution rate at least 85% (DOMAIN.md §6) [L].
OWNED_RESOLUTION_TARGET = Fraction(85, 100)
BACKLOG_COUNT_KEYS = ("designated", "owned", "resolved", "terminated", "open", "reviews_missed")


def meets_target(resolved: int, owned: int) -> bool | None:
    """Resolved ÷ owned against the target, compared exactly (17 of 20 meets 85%); None when no
    case is owned."""
    return Fraction(resolved, owned) >= OWNED_RESOLUTION_TARGET if owned else None


def _case_figures(c: dict) -> dict:
    designated, owned, resolved, terminated = c["designated"], c["owned"], c["resolved"], c["terminated"]
    return {"designated": designated, "owned": owned, "resolved": resolved, "terminated": terminated,
            "open": designated - resolved - terminated,
            # 积案化解率: resolved ÷ designated
            "backlog_resolution_rate": ratio(resolved, designated),
            # 领导包案化解率: resolved ÷ owned (a case is resolved only once a leader owns it)
            "leader_owned_resolution_rate": ratio(resolved, owned),
            "meets_target": meets_target(resolved, owned)}


def leader_rates(c: dict) -> dict:
    """One leader's cases (those they are the latest owner of)."""
    return {"leader_id": c["leader_id"], "leader_name": c.get("leader_name"), "level": c.get("level"),
            "owned": c["owned"], "resolved": c["resolved"], "terminated": c["terminated"],
            "resolution_rate": ratio(c["resolved"], c["owned"]), "meets_target": meets_target(c["resolved"], c["owned"])}


def backlog_rates(c: dict) -> dict:
    """`c` holds the counts of the backlog cases designated in a period (readmodel.backlog_counts);
    the per-leader and per-region lists when it has them."""
    figures = {**_case_figures(c), "target": float(OWNED_RESOLUTION_TARGET),
               "by_trigger": dict(sorted(c.get("by_trigger", {}).items())), "reviews_missed": c["reviews_missed"]}
    if "by_leader" in c:
        figures["by_leader"] = [leader_rates(row) for row in c["by_leader"]]
    if "by_region" in c:
        figures["by_region"] = [{"region": row["region"], **_case_figures(row)} for row in c["by_region"]]
    return figures


def backlog_summary(current: dict, previous: dict) -> dict:
    this, last = backlog_rates(current), backlog_rates(previous)
    triggers = sorted(set(this["by_trigger"]) | set(last["by_trigger"]))
    for figures in (this, last):
        figures["by_trigger"] = {t: figures["by_trigger"].get(t, 0) for t in triggers}
    changes = {k: yoy(this[k], last[k]) for k in BACKLOG_COUNT_KEYS}
    changes["by_trigger"] = {t: yoy(this["by_trigger"][t], last["by_trigger"][t]) for t in triggers}
    return {**this, "previous_year": last, "yoy": changes}


# -- supervision (督查督办) ---------------------------------------------------------------------------
# The four letters in escalating order (四函递进), as supervision's published language names them.
LETTERS = ("reminder", "warning", "supervision", "recommendation")
# The letters that ask for a written answer by their reply date: a warning's report, a supervision
# letter's result, an accountability recommendation's feedback. A reminder asks for the limit to be
# met (its reply date is the limit itself), which closing the watch shows, not an answer.
ANSWERED_LETTERS = ("warning", "supervision", "recommendation")
SUPERVISION_COUNT_KEYS = ("issued", "overdue", "overdue_open", "closed_late", "listed", "lifted",
                          "lifted_on_time", "still_listed", "answered", "answered_on_time", "answered_late",
                          "unanswered_overdue", "recommendations_answered", "recommendations_adopted")


def overdue_as_of(end: date, today: date) -> date:
    """Watches are judged overdue as of the period's end, or today when the period is not over."""
    return min(end, today)


def _letters(counts: dict) -> dict[str, int]:
    return {letter: counts.get(letter, 0) for letter in LETTERS}


def unit_letters(by_unit: dict[str, dict[str, int]]) -> list[dict]:
    """Letters per unit they went to, each letter counted (0 when none); most letters first."""
    rows = [{"unit_id": unit, **_letters(counts), "issued": sum(counts.values())} for unit, counts in by_unit.items()]
    return sorted(rows, key=lambda r: (-r["issued"], r["unit_id"]))


def supervision_rates(c: dict) -> dict:
    """`c` holds the counts of a period (readmodel.supervision_counts); the per-unit letters when
    it has them."""
    by_letter = _letters(c.get("by_letter", {}))
    answered, on_time = c["answered"], c["answered_on_time"]
    figures = {
        "overdue_as_of": c["overdue_as_of"].isoformat(),
        "issued": sum(by_letter.values()),
        "by_letter": by_letter,
        # open past the deadline as of overdue_as_of, plus closed late (after the deadline) in the period
        "overdue": c["overdue_open"] + c["closed_late"],
        "overdue_open": c["overdue_open"],
        "closed_late": c["closed_late"],
        "listed": c["listed"], "lifted": c["lifted"], "lifted_on_time": c["lifted_on_time"],
        "still_listed": c["still_listed"],
        # letters asking for a written answer, issued in the period: answered on time ÷ (answered +
        # unanswered past the reply date), an answer never given counting as a late one
        "answered": answered, "answered_on_time": on_time, "answered_late": answered - on_time,
        "unanswered_overdue": c["unanswered_overdue"],
        "response_timeliness_rate": ratio(on_time, answered + c["unanswered_overdue"]),
        # accountability recommendations issued in the period: adopted ÷ answered (written feedback)
        "recommendations_answered": c["recommendations_answered"],
        "recommendations_adopted": c["recommendations_adopted"],
        "adoption_rate": ratio(c["recommendations_adopted"], c["recommendations_answered"]),
    }
    if "by_unit" in c:
        figures["by_unit"] = unit_letters(c["by_unit"])
    return figures


def supervision_summary(current: dict, previous: dict) -> dict:
    this, last = supervision_rates(current), supervision_rates(previous)
    changes = {k: yoy(this[k], last[k]) for k in SUPERVISION_COUNT_KEYS}
    changes["by_letter"] = {k: yoy(this["by_letter"][k], last["by_letter"][k]) for k in LETTERS}
    return {**this, "previous_year": last, "yoy": changes}


def _highest(letter: str | None) -> int:
    return LETTERS.index(letter) if letter in LETTERS else -1


def overdue_by_unit(rows: list[dict]) -> dict:
    """The overdue list for the dispatch meeting: each unit's overdue watches, the longest overdue
    first; units with the most overdue items first."""
    units: dict[str, list[dict]] = {}
    for row in rows:
        item = {k: v for k, v in row.items() if k != "unit_id"}
        units.setdefault(row["unit_id"], []).append(item)
    grouped = [{"unit_id": unit, "overdue": len(items),
                "items": sorted(items, key=lambda i: (-i["days_overdue"], -_highest(i["highest_letter"]),
                                                      i["subject_id"]))}
               for unit, items in units.items()]
    grouped.sort(key=lambda u: (-u["overdue"], u["unit_id"]))
    return {"overdue": len(rows), "units": grouped}


def year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
