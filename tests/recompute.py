"""The oracle for the statistics: the figures of `GET /api/stats/summary` and `GET /api/stats/volume`
recomputed from scratch, from the services' event stores alone.

It reads every service's notification log straight from PostgreSQL (each service's schema, with the
System's cipher key), decodes the domain events with the application's own mapper, and counts them
with plain Python as DOMAIN.md §8 and docs/decisions/0008 define each figure. It imports nothing of
reporting/: where its figures and the API's differ, one of the two has misread the definitions.

The definitions, as read here:

- A period's cohort is the petitions received in it (Beijing date) whose region code starts with
  the prefix; what happens to them is counted whenever it happens.
- "Overdue" is judged as of the day of the query: a deadline before that day with nothing done.
- received (件次) = the cohort's petitions; persons (人次) = the people they stand for: a group
  visit's group_size, 1 for any other petition.
- timely acceptance = decided (accepted, not accepted or diverted) on or before the acceptance
  deadline ÷ (decided in time + decided late + undecided with the deadline passed).
- on-time completion = the cohort's assignments replied on or before their (extended) handling
  deadline ÷ (on time + late + unreplied with the deadline passed).
- participation = rated ÷ (rated + replied, unrated, rating window passed); satisfaction =
  (satisfied + basically satisfied) ÷ rated. Both count assignments.
- repeat rate = repeat petitions (linked to an earlier one) ÷ received.
- resolution = petitions resolved ÷ petitions concluded, each petition once. Resolved: an assignment
  rated satisfied or basically satisfied, a mediation of the petition reached agreement, or the
  backlog case naming it resolved. Concluded: an assignment rated or its rating window passed
  unrated, a mediation of the petition ended (agreed, refused, failed at the last layer), or the
  backlog case naming it resolved or terminated. First-petition resolution: the same over the
  cohort's non-repeat petitions.
- resolution levels: the resolved petitions by the level (reference data) of the unit that handled
  them — the assignment's latest unit where it was re-routed — "unknown" without an assignment or for
  an unlisted unit; each share of all resolved, null when none was.
- five volumes: 12345 work orders (work_order.created), 110 alerts (alert.received and
  alert.transferred), court cases (case.filed) by the event's Beijing date and region; petitions =
  received; mediation = mediations opened (by their opening date and region).
- The same period a year earlier, and YoY = (this − last) ÷ last, null when last is 0. A rate with
  nothing in its denominator is null.
- Per person (人次, `per_person`, decision 0016): every count above again, each petition and each
  of its assignments weighted by the people the petition stands for, in numerators and
  denominators alike.
- Volumes per month: petitions by channel (an agency channel's petitions under `petition:<channel>`),
  the agency volumes and the mediations opened; by category, matter type and region (one level
  below the filter) petitions only. The year-earlier series is shifted a year forward. Each cell
  also in persons: a petition's people, one for an agency event or a mediation.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID

from dispatch.domain import Assignment as AssignmentAggregate
from intake.agency import AgencyEvent as AgencyAggregate
from intake.domain import Petition as PetitionAggregate
from mediation.domain import Mediation as MediationAggregate
from ownership.domain import CaseOwnership
from shared.application import ContextApplication
from shared.persistence import application_env
from shared.settings import Settings

BEIJING = timezone(timedelta(hours=8))
REFERENCE = Path(__file__).resolve().parent.parent / "shared" / "reference"
SATISFIED = ("satisfied", "basically_satisfied")
LEVELS = ("village", "township", "county", "city")
AGENCY_CHANNELS = ("hotline12345", "police110", "court")
# Which agency events count in which of the five volumes (五量).
AGENCY_VOLUME = {"work_order.created": "hotline12345", "alert.received": "police110",
                 "alert.transferred": "police110", "case.filed": "court"}
FIVE_VOLUMES = ("hotline12345", "police110", "court", "petitions", "mediation")
COUNTS = ("received", "persons", "accepted", "repeats")


def beijing(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING).date()


def year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def change(this: int, last: int) -> float | None:
    return (this - last) / last if last else None


# -- the facts, as the events record them -------------------------------------------------------------
@dataclass
class Petition:
    id: UUID
    channel: str
    region_code: str
    category: str
    matter_type: str
    received_on: date
    acceptance_deadline: date
    group_size: int | None
    is_repeat: bool
    decision: str | None = None
    decided_on: date | None = None
    assignments: list[UUID] = field(default_factory=list)
    mediations: list[UUID] = field(default_factory=list)
    backlog_outcome: str | None = None  # resolved, terminated (of the case naming this petition)


@dataclass
class Assignment:
    id: UUID
    petition_id: UUID
    unit_id: str  # the latest: a re-routing moves it
    handling_deadline: date  # the latest: an extension moves it
    replied_on: date | None = None
    evaluation_deadline: date | None = None
    rating: str | None = None
    rerouted: bool = False
    first_unit_id: str = ""  # the unit it was first assigned to


@dataclass
class Mediation:
    id: UUID
    petition_id: UUID | None
    region_code: str
    opened_on: date
    outcome: str | None = None  # agreed, refused, failed (at the last layer); None while under way


@dataclass
class AgencyEvent:
    type: str
    region_code: str
    occurred_on: date


@dataclass
class Facts:
    petitions: dict[UUID, Petition] = field(default_factory=dict)
    assignments: dict[UUID, Assignment] = field(default_factory=dict)
    mediations: dict[UUID, Mediation] = field(default_factory=dict)
    agency_events: list[AgencyEvent] = field(default_factory=list)
    unit_levels: dict[str, str] = field(default_factory=dict)
    events_read: dict[str, int] = field(default_factory=dict)
    # The aggregates' own flags where the oracle recomputed them from dates and found otherwise.
    flag_disagreements: list[str] = field(default_factory=list)


# -- reading the event stores ---------------------------------------------------------------------------
def open_store(schema: str, settings: Settings) -> ContextApplication:
    """The service's eventsourcing application over its own schema (same settings, same cipher
    key), only for reading its notification log."""
    reader = type(f"{schema.title()}EventStore", (ContextApplication,), {"name": schema})
    return reader({**application_env(schema, settings), "CREATE_TABLE": "n"})


def stored_events(app: ContextApplication, page: int = 500) -> Iterator[tuple[int, str, object]]:
    """(notification id, topic, domain event) of every event in the log, in order."""
    after = 0
    while True:
        notifications = app.recorder.select_notifications(start=after, limit=page, inclusive_of_start=False)
        for notification in notifications:
            yield notification.id, notification.topic, app.mapper.to_domain_event(notification)
            after = notification.id
        if len(notifications) < page:
            return


def read_facts(settings: Settings) -> Facts:
    facts = Facts(unit_levels={u["id"]: u["level"] for u in
                               json.loads((REFERENCE / "units.json").read_text(encoding="utf-8"))})
    events = {}
    for schema in ("intake", "dispatch", "mediation", "ownership"):
        app = open_store(schema, settings)
        try:
            events[schema] = [e for _, _, e in stored_events(app)]
        finally:
            app.close()
        facts.events_read[schema] = len(events[schema])
    for e in events["intake"]:
        _intake(facts, e)
    for e in events["dispatch"]:
        _dispatch(facts, e)
    for e in events["mediation"]:
        _mediation(facts, e)
    for e in events["ownership"]:
        _ownership(facts, e)
    return facts


def _intake(facts: Facts, e) -> None:
    if isinstance(e, PetitionAggregate.Registered):
        facts.petitions[e.originator_id] = Petition(
            id=e.originator_id, channel=e.channel, region_code=e.region_code, category=e.category,
            matter_type=e.matter_type, received_on=beijing(e.received_at), acceptance_deadline=e.acceptance_deadline,
            group_size=getattr(e, "group_size", None), is_repeat=e.repeat_of is not None)
    elif isinstance(e, PetitionAggregate.AcceptanceDecided):
        p = facts.petitions[e.originator_id]
        p.decision, p.decided_on = e.decision, beijing(e.decided_at)
        if e.timely != (p.decided_on <= p.acceptance_deadline):
            facts.flag_disagreements.append(f"petition {p.id}: timely={e.timely}, decided {p.decided_on}, "
                                            f"deadline {p.acceptance_deadline}")
    elif isinstance(e, AgencyAggregate.Received):
        facts.agency_events.append(AgencyEvent(type=e.type, region_code=e.region_code or "",
                                               occurred_on=beijing(e.occurred_at)))


def _dispatch(facts: Facts, e) -> None:
    if isinstance(e, AssignmentAggregate.Created):
        facts.assignments[e.originator_id] = Assignment(
            id=e.originator_id, petition_id=e.petition_id, unit_id=e.unit_id, handling_deadline=e.handling_deadline,
            first_unit_id=e.unit_id)
        facts.petitions[e.petition_id].assignments.append(e.originator_id)
        return
    a = facts.assignments.get(e.originator_id)
    if a is None:
        return  # not an assignment (the rating due list, dead letters, parked events)
    if isinstance(e, AssignmentAggregate.Rerouted):
        a.unit_id, a.rerouted = e.to_unit, True
    elif isinstance(e, AssignmentAggregate.Extended):
        a.handling_deadline = e.handling_deadline
    elif isinstance(e, AssignmentAggregate.Replied):
        a.replied_on, a.evaluation_deadline = beijing(e.replied_at), e.evaluation_deadline
        if e.on_time != (a.replied_on <= a.handling_deadline):
            facts.flag_disagreements.append(f"assignment {a.id}: on_time={e.on_time}, replied {a.replied_on}, "
                                            f"deadline {a.handling_deadline}")
    elif isinstance(e, AssignmentAggregate.Evaluated):
        a.rating = e.rating


def _mediation(facts: Facts, e) -> None:
    if isinstance(e, MediationAggregate.Opened):
        facts.mediations[e.originator_id] = Mediation(
            id=e.originator_id, petition_id=e.petition_id, region_code=e.region_code,
            opened_on=beijing(e.opened_at))
        if e.petition_id in facts.petitions:
            facts.petitions[e.petition_id].mediations.append(e.originator_id)
        return
    m = facts.mediations.get(e.originator_id)
    if m is None:
        return
    if isinstance(e, MediationAggregate.Agreed):
        m.outcome = "agreed"
    elif isinstance(e, MediationAggregate.Refused):
        m.outcome = "refused"
    elif isinstance(e, MediationAggregate.Failed):  # the last layer failed (an escalation is not an end)
        m.outcome = "failed"


def _ownership(facts: Facts, e) -> None:
    if isinstance(e, CaseOwnership.Resolved | CaseOwnership.Terminated):
        # A backlog case names its matter's first petition; its outcome is that petition's alone.
        petition = facts.petitions.get(e.petition_id)
        if petition is not None:
            petition.backlog_outcome = "resolved" if isinstance(e, CaseOwnership.Resolved) else "terminated"


# -- the figures ---------------------------------------------------------------------------------------
def in_area(region_code: str, region: str) -> bool:
    return region_code.startswith(region)


def cohort(facts: Facts, start: date, end: date, region: str) -> list[Petition]:
    return [p for p in facts.petitions.values() if start <= p.received_on <= end and in_area(p.region_code, region)]


def rating_window_passed(a: Assignment, today: date) -> bool:
    return a.replied_on is not None and a.rating is None and a.evaluation_deadline < today


def resolved(facts: Facts, p: Petition) -> bool:
    assignments = [facts.assignments[a] for a in p.assignments]
    mediations = [facts.mediations[m] for m in p.mediations]
    return (any(a.rating in SATISFIED for a in assignments) or any(m.outcome == "agreed" for m in mediations)
            or p.backlog_outcome == "resolved")


def concluded(facts: Facts, p: Petition, today: date) -> bool:
    assignments = [facts.assignments[a] for a in p.assignments]
    mediations = [facts.mediations[m] for m in p.mediations]
    return (any(a.rating is not None or rating_window_passed(a, today) for a in assignments)
            or any(m.outcome is not None for m in mediations) or p.backlog_outcome is not None)


def level_of(facts: Facts, p: Petition, unit: str = "unit_id") -> str:
    """The level of the unit that handled the petition: its assignment's latest unit (`unit`:
    "first_unit_id" for the unit first assigned, to explain a difference)."""
    units = [getattr(facts.assignments[a], unit) for a in p.assignments]
    level = facts.unit_levels.get(units[-1]) if units else None
    return level if level in LEVELS else "unknown"


def headcount(p: Petition) -> int:
    """The people a petition stands for (人次): a group visit's size, else one."""
    return p.group_size or 1


def one(p: Petition) -> int:
    return 1


def counts(facts: Facts, petitions: list[Petition], today: date, weight=one) -> dict:
    """What the rates are made of, each petition (and each of its assignments) counted `weight(p)`
    times: once per petition (件次), or once per person it stands for (人次)."""
    c = Counter()
    for p in petitions:
        w = weight(p)
        c["received"] += w
        c["accepted"] += w * (p.decision == "accepted")
        c["repeats"] += w * p.is_repeat
        if p.decision is not None:
            c["decided_in_time" if p.decided_on <= p.acceptance_deadline else "decided_late"] += w
        elif p.acceptance_deadline < today:
            c["undecided_overdue"] += w
        for a in (facts.assignments[a] for a in p.assignments):
            if a.replied_on is not None:
                c["replied_on_time" if a.replied_on <= a.handling_deadline else "replied_late"] += w
            elif a.handling_deadline < today:
                c["unreplied_overdue"] += w
            c["rated"] += w * (a.rating is not None)
            c["satisfied"] += w * (a.rating in SATISFIED)
            c["expired_unrated"] += w * rating_window_passed(a, today)
        if resolved(facts, p):
            c["resolved"] += w
            c["resolved, mediated more than once"] += w * (len(p.mediations) > 1)
            c["first_resolved"] += w * (not p.is_repeat)
            c[f"level:{level_of(facts, p)}"] += w
            c[f"first unit level:{level_of(facts, p, 'first_unit_id')}"] += w
            c["resolved, re-routed"] += w * any(facts.assignments[a].rerouted for a in p.assignments)
        if concluded(facts, p, today):
            c["concluded"] += w
            c["first_concluded"] += w * (not p.is_repeat)
    return c


def rates(c: Counter) -> dict:
    levels = {level: c[f"level:{level}"] for level in (*LEVELS, "unknown")}
    levels["shares"] = {level: ratio(c[f"level:{level}"], c["resolved"]) for level in (*LEVELS, "unknown")}
    return {
        "received": c["received"], "accepted": c["accepted"], "repeats": c["repeats"],
        "timely_acceptance_rate": ratio(c["decided_in_time"],
                                        c["decided_in_time"] + c["decided_late"] + c["undecided_overdue"]),
        "on_time_completion_rate": ratio(c["replied_on_time"],
                                         c["replied_on_time"] + c["replied_late"] + c["unreplied_overdue"]),
        "participation_rate": ratio(c["rated"], c["rated"] + c["expired_unrated"]),
        "satisfaction_rate": ratio(c["satisfied"], c["rated"]),
        "repeat_rate": ratio(c["repeats"], c["received"]),
        "resolution_rate": ratio(c["resolved"], c["concluded"]),
        "first_petition_resolution_rate": ratio(c["first_resolved"], c["first_concluded"]),
        "resolution_levels": levels,
    }


def basis(c: Counter) -> dict:
    """The counts behind each rate, in words."""
    first_unit = {k.split(":")[1]: v for k, v in sorted(c.items()) if k.startswith("first unit level:")}
    return {
        "timely_acceptance_rate": f"{c['decided_in_time']} in time, {c['decided_late']} late, "
                                  f"{c['undecided_overdue']} undecided past the deadline",
        "on_time_completion_rate": f"{c['replied_on_time']} on time, {c['replied_late']} late, "
                                   f"{c['unreplied_overdue']} unreplied past the deadline",
        "participation_rate": f"{c['rated']} rated, {c['expired_unrated']} window passed unrated",
        "satisfaction_rate": f"{c['satisfied']} satisfied or basically of {c['rated']} rated",
        "resolution_rate": f"{c['resolved']} resolved of {c['concluded']} concluded; "
                           f"{c['resolved, mediated more than once']} resolved ones mediated more than once",
        "first_petition_resolution_rate": f"{c['first_resolved']} resolved of {c['first_concluded']} concluded non-repeat",
        "resolution_levels": f"{c['resolved']} resolved, {c['resolved, re-routed']} of them re-routed; by the unit "
                             f"first assigned the counts would be {first_unit}",
    }


def figures(facts: Facts, start: date, end: date, region: str, today: date) -> tuple[dict, dict]:
    """The period's figures, and the counts behind each rate (for messages). `per_person`: the same
    figures with every count weighted by the people each petition stands for (人次)."""
    petitions = cohort(facts, start, end, region)
    per_petition, per_person = counts(facts, petitions, today), counts(facts, petitions, today, headcount)

    volumes = dict.fromkeys(FIVE_VOLUMES, 0)
    volumes["petitions"] = len(petitions)
    for event in facts.agency_events:
        if event.type in AGENCY_VOLUME and start <= event.occurred_on <= end and in_area(event.region_code, region):
            volumes[AGENCY_VOLUME[event.type]] += 1
    volumes["mediation"] = sum(start <= m.opened_on <= end and in_area(m.region_code, region)
                               for m in facts.mediations.values())

    result = {**rates(per_petition), "persons": per_person["received"], "five_volumes": volumes,
              "per_person": rates(per_person)}
    explained = {**basis(per_petition), **{f"per_person.{k}": v for k, v in basis(per_person).items()},
                 "persons": f"{len(petitions)} petitions, {sum(p.group_size is not None for p in petitions)} "
                            "group visits; 人次 sums their sizes, distinct petitioners are another figure"}
    return result, explained


def summary(facts: Facts, start: date, end: date, region: str, today: date) -> tuple[dict, dict]:
    """The summary as the API shapes it: the period's figures, the same period a year earlier and
    the year-on-year changes; and the counts behind the rates."""
    this, explained = figures(facts, start, end, region, today)
    last, last_explained = figures(facts, year_earlier(start), year_earlier(end), region, today)
    yoy = {k: change(this[k], last[k]) for k in COUNTS}
    yoy["five_volumes"] = {k: change(this["five_volumes"][k], last["five_volumes"][k]) for k in FIVE_VOLUMES}
    yoy["per_person"] = {k: change(this["per_person"][k], last["per_person"][k])
                         for k in ("received", "accepted", "repeats")}
    explained.update({f"previous_year.{k}": v for k, v in last_explained.items()})
    return {**this, "previous_year": last, "yoy": yoy}, explained


def _month(day: date, shift_years: int = 0) -> date:
    return date(day.year + shift_years, day.month, 1)


def channel_key(channel: str) -> str:
    """Petitions by channel beside the agencies' own volumes: a petition that came as a 12345 work
    order is keyed apart from the work orders, which are counted already."""
    return f"petition:{channel}" if channel in AGENCY_CHANNELS else channel


def region_key_length(region: str) -> int:
    """One level below the filter: counties, then townships, then villages."""
    return 6 if len(region) < 6 else 9 if len(region) < 9 else 12


def petition_key(p: Petition, by: str, region: str) -> str:
    if by == "channel":
        return channel_key(p.channel)
    if by == "region":
        return p.region_code[:region_key_length(region)]
    return {"category": p.category, "matter_type": p.matter_type}[by]


def _monthly(facts: Facts, start: date, end: date, region: str, by: str, shift_years: int) -> dict:
    """(month, key) → [count, persons]: a petition counts the people it stands for, an agency event
    or a mediation one."""
    cells: dict[tuple[str, str], list[int]] = {}

    def add(day: date, key: str, persons: int = 1) -> None:
        cell = cells.setdefault((_month(day, shift_years).isoformat(), key), [0, 0])
        cell[0] += 1
        cell[1] += persons

    for p in cohort(facts, start, end, region):
        add(p.received_on, petition_key(p, by, region), headcount(p))
    if by == "channel":
        for event in facts.agency_events:
            if event.type in AGENCY_VOLUME and start <= event.occurred_on <= end and in_area(event.region_code, region):
                add(event.occurred_on, AGENCY_VOLUME[event.type])
        for m in facts.mediations.values():
            if start <= m.opened_on <= end and in_area(m.region_code, region):
                add(m.opened_on, "mediation")
    return cells


def volume(facts: Facts, start: date, end: date, region: str, by: str) -> dict[tuple[str, str], dict]:
    """Per month and key: the count and the persons, the same a year earlier (shifted a year
    forward), and YoY of each."""
    now = _monthly(facts, start, end, region, by, 0)
    earlier = _monthly(facts, year_earlier(start), year_earlier(end), region, by, 1)
    series = {}
    for cell in sorted(set(now) | set(earlier)):
        (count, persons), (count_then, persons_then) = now.get(cell, (0, 0)), earlier.get(cell, (0, 0))
        series[cell] = {"count": count, "previous_year_count": count_then, "yoy": change(count, count_then),
                        "persons": persons, "previous_year_persons": persons_then,
                        "persons_yoy": change(persons, persons_then)}
    return series


# -- comparing ------------------------------------------------------------------------------------------
def differences(api: dict, oracle: dict, path: str = "") -> list[tuple[str, object, object]]:
    """(figure, API value, recomputed value) wherever the API's answer differs from the oracle's;
    figures the oracle does not compute are not compared."""
    found = []
    for key, expected in oracle.items():
        name = f"{path}{key}"
        if key not in api:
            found.append((name, "<missing>", expected))
        elif isinstance(expected, dict):
            if isinstance(api[key], dict):
                found += differences(api[key], expected, name + ".")
            else:
                found.append((name, api[key], expected))
        elif not same(api[key], expected):
            found.append((name, api[key], expected))
    return found


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b
