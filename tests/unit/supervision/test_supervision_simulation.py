"""Supervision over a simulated 120 days (August–November 2026, across Mid-Autumn and National Day):
a seeded population of petitions and assignments — decided on time, late or never; replied on time,
late or never; a few re-routed, a few extended — fed to supervision as intake and dispatch publish
them, in time order, with the scan run every evening as of that day (and now and then once more, as
the hourly timer does). An oracle written here from the limits and the ladder policy alone, without
the scan's due lists, says which letters each watch should get, on which day and to which unit; each
must have been issued exactly once, on that day, to that unit, and none to a limit met in time."""
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from dispatch.application import assignment_id_for
from dispatch.policy import HANDLING_LIMIT_DAYS
from intake.domain import ACCEPTANCE_LIMIT_DAYS
from shared.clock import BEIJING, FixedClock
from shared.envelope import make_envelope
from shared.feed import NotificationFeed
from shared.reference import load_reference
from shared.units import Unit, UnitDirectory
from shared.workdays import WorkingDayCalendar
from supervision.application import SupervisionApplication
from supervision.domain import supervision_id_for
from supervision.published import translate

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
CALENDAR = WorkingDayCalendar(overrides_dir=None)
UNITS = UnitDirectory([Unit(**u) for u in load_reference().units])
SEED = 20260803
START = date(2026, 8, 3)  # a Monday
END = START + timedelta(days=119)  # 30 November 2026
PETITIONS = 140

# The policy the oracle applies (the shipped defaults, DOMAIN.md §7 [L]): reminder 3 working days
# before the limit; warning once the limit has passed; supervision letter once the warning's 3
# working days have; recommendation once the supervision letter's 5 have, with 30 days of feedback;
# letters on working days.
AT_RISK_WORKING_DAYS, WARNING_REPLY_WORKING_DAYS, SUPERVISION_REPLY_WORKING_DAYS, FEEDBACK_DAYS = 3, 3, 5, 30

# Regions, their petition bureau (answers for the acceptance limit) and units that handle matters.
REGIONS = {
    "150623101": ("etkqq-xinfangju", ["etkqq-shanghaimiao", "etkqq-ziranziyuan", "etkqq-renshe", "etkqq-zhujian"]),
    "371321104": ("yinan-xinfangju", ["yinan-qingtuo", "yinan-renshe", "yinan-zhujian"]),
    "360781107": ("ruijin-xinfangju", ["ruijin-yeping", "ruijin-renshe", "ruijin-ziranziyuan"]),
    "110115103": ("daxing-xinfangban", ["daxing-qingyundian", "daxing-renshe", "daxing-zhujianwei"]),
}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING)


@dataclass
class Watched:
    """One limit as the oracle sees it: from when each deadline and each addressee held, and the day
    it was met (the day's events come before the evening's scan, so nothing is issued that day)."""
    kind: str
    subject: str
    opened: date
    deadlines: list = field(default_factory=list)  # (from day, deadline)
    units: list = field(default_factory=list)  # (from day, unit)
    met: date | None = None

    @property
    def id(self):
        return supervision_id_for(self.kind, self.subject)

    def deadline_on(self, day: date) -> date:
        return [deadline for since, deadline in self.deadlines if since <= day][-1]

    def unit_on(self, day: date) -> str:
        return [unit for since, unit in self.units if since <= day][-1]


def working_days_before(day: date, count: int) -> date:
    while count:
        day -= timedelta(days=1)
        count -= CALENDAR.is_working_day(day)
    return day


def oracle(w: Watched) -> list[tuple]:
    """(letter, issued on, reply by, unit) for each letter the watch should get by END."""
    def first(start: date | None, due) -> date | None:
        day = start
        while day is not None and day <= END and (w.met is None or day < w.met):
            if CALENDAR.is_working_day(day) and due(day):
                return day
            day += timedelta(days=1)
        return None

    letters = []
    reminder = first(w.opened, lambda d: working_days_before(w.deadline_on(d), AT_RISK_WORKING_DAYS)
                     <= d <= w.deadline_on(d))
    if reminder:
        letters.append(("reminder", reminder, w.deadline_on(reminder), w.unit_on(reminder)))
    warning = first(reminder or w.opened, lambda d: d > w.deadline_on(d))
    if warning is None:
        return letters
    warning_reply = CALENDAR.add_working_days(warning, WARNING_REPLY_WORKING_DAYS)
    letters.append(("warning", warning, warning_reply, w.unit_on(warning)))
    supervision = first(warning_reply + timedelta(days=1), lambda d: True)
    if supervision is None:
        return letters
    supervision_reply = CALENDAR.add_working_days(supervision, SUPERVISION_REPLY_WORKING_DAYS)
    letters.append(("supervision", supervision, supervision_reply, w.unit_on(supervision)))
    recommendation = first(supervision_reply + timedelta(days=1), lambda d: True)
    if recommendation:  # feedback within 30 days (B36), running on past a rest day
        letters.append(("recommendation", recommendation, CALENDAR.calendar_deadline(recommendation, FEEDBACK_DAYS),
                        w.unit_on(recommendation)))
    return letters


class Population:
    """Petitions and their assignments, drawn from one seed; the events intake and dispatch publish
    for them, and the limits as the oracle sees them."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.events: list[tuple] = []  # (moment, sequence, source, type, data)
        self.watched: list[Watched] = []
        self.tally: Counter = Counter()
        for _ in range(PETITIONS):
            self.petition()

    def uuid(self) -> str:
        return str(UUID(int=self.rng.getrandbits(128), version=4))

    def emit(self, moment: datetime, source: str, type_: str, data: dict) -> None:
        if moment.date() <= END:
            self.events.append((moment, len(self.events), source, type_, data))

    def petition(self) -> None:
        rng = self.rng
        region = rng.choice(sorted(REGIONS))
        bureau, units = REGIONS[region]
        received_on = START + timedelta(days=rng.randrange(46))
        received_at = at(received_on, rng.randint(8, 11), rng.randrange(60))
        limit = CALENDAR.calendar_deadline(received_on, ACCEPTANCE_LIMIT_DAYS)
        petition_id = self.uuid()
        self.emit(received_at, "intake", "petition.registered", {
            "petition_id": petition_id, "channel": rng.choice(["visit", "letter", "online", "phone"]),
            "region_code": region, "category": "land_grassland_rights", "matter_type": "complaint",
            "received_at": received_at.isoformat(), "acceptance_deadline": limit.isoformat(),
            "petitioner_ref": f"ref-{rng.randrange(10**6)}", "repeat_of": None, "group_size": None,
            "representatives": 0, "accused_unit": None})
        acceptance = Watched("acceptance", petition_id, received_on, [(received_on, limit)], [(received_on, bureau)])
        self.watched.append(acceptance)

        fate = rng.random()
        if fate < 0.06:
            self.tally["acceptance never decided"] += 1
            return
        if fate < 0.18:
            decided_on = limit + timedelta(days=rng.randint(1, 12))
            self.tally["acceptance late"] += 1
        else:
            decided_on = received_on + timedelta(days=rng.randint(0, (limit - received_on).days))
        decided_at = at(decided_on, rng.randint(13, 17), rng.randrange(60))
        accepted = rng.random() > 0.1
        self.emit(decided_at, "intake", "petition.acceptance_decided", {
            "petition_id": petition_id, "decision": "accepted" if accepted else "not_accepted", "route": None,
            "decided_at": decided_at.isoformat(), "timely": decided_on <= limit, "region_code": region,
            "category": "land_grassland_rights", "matter_type": "complaint", "ground": None,
            "dispatch_mode": "assignment" if accepted else None, "accused_unit": None,
            "dispatch_deadline": limit.isoformat()})
        acceptance.met = decided_on
        if accepted:
            self.assignment(petition_id, region, units, decided_at)

    def assignment(self, petition_id: str, region: str, units: list[str], accepted_at: datetime) -> None:
        rng = self.rng
        accepted_on = accepted_at.date()
        assignment_id = str(assignment_id_for(UUID(petition_id)))
        unit = rng.choice(units)
        limit = CALENDAR.calendar_deadline(accepted_on, HANDLING_LIMIT_DAYS)  # A34, dispatch's rule
        self.emit(accepted_at, "dispatch", "assignment.created", {
            "assignment_id": assignment_id, "petition_id": petition_id, "unit_id": unit, "region_code": region,
            "category": "land_grassland_rights", "matter_type": "complaint", "accepted_at": accepted_at.isoformat(),
            "sign_deadline": CALENDAR.add_working_days(accepted_on, 1).isoformat(),
            "handling_deadline": limit.isoformat(), "mode": "assignment", "procedure": "ordinary",
            "dispatch_deadline": None})
        handling = Watched("handling", assignment_id, accepted_on, [(accepted_on, limit)], [(accepted_on, unit)])
        self.watched.append(handling)
        busy_until = accepted_on  # the last day something happened to it

        if rng.random() < 0.12:  # an objection upheld: re-routed within 5 working days
            rerouted_on = CALENDAR.add_working_days(accepted_on, rng.randint(1, 5))
            to_unit = rng.choice([u for u in units if u != unit])
            self.emit(at(rerouted_on, 10), "dispatch", "assignment.rerouted", {
                "assignment_id": assignment_id, "petition_id": petition_id, "from_unit": unit, "to_unit": to_unit,
                "rerouted_at": at(rerouted_on, 10).isoformat(),
                "sign_deadline": CALENDAR.add_working_days(rerouted_on, 1).isoformat()})
            handling.units.append((rerouted_on, to_unit))
            busy_until = rerouted_on
            self.tally["re-routed"] += 1
        if rng.random() < 0.15:  # extended once, by up to 30 days, before the limit (A34)
            extended_on = accepted_on + timedelta(days=rng.randint(20, (limit - accepted_on).days - 1))
            extra = rng.randint(5, 30)
            limit = CALENDAR.calendar_deadline(accepted_on, HANDLING_LIMIT_DAYS + extra)
            self.emit(at(extended_on, 11), "dispatch", "assignment.extended", {
                "assignment_id": assignment_id, "petition_id": petition_id, "days": extra,
                "extended_at": at(extended_on, 11).isoformat(), "handling_deadline": limit.isoformat()})
            handling.deadlines.append((extended_on, limit))
            busy_until = max(busy_until, extended_on)
            self.tally["extended"] += 1

        fate = rng.random()
        if fate < 0.25:
            self.tally["handling never replied"] += 1
            return
        if fate < 0.5:
            replied_on = limit + timedelta(days=rng.randint(1, 30))
            self.tally["handling late"] += 1
        else:
            replied_on = accepted_on + timedelta(days=rng.randint(3, (limit - accepted_on).days))
        replied_on = max(replied_on, busy_until + timedelta(days=1))
        replied_at = at(replied_on, 15, rng.randrange(60))
        self.emit(replied_at, "dispatch", "assignment.replied", {
            "assignment_id": assignment_id, "petition_id": petition_id, "outcome": "explain",
            "replied_at": replied_at.isoformat(), "on_time": replied_on <= limit,
            "evaluation_deadline": (replied_on + timedelta(days=30)).isoformat()})
        if replied_on <= END:
            handling.met = replied_on


def test_L_every_letter_of_120_days_is_issued_once_on_its_day_to_its_unit():
    population = Population(SEED)
    clock = FixedClock(at(START, 7))
    app = SupervisionApplication(ENV, units=UNITS, clock=clock, calendar=CALENDAR)
    positions: Counter = Counter()
    by_day = defaultdict(list)
    for event in sorted(population.events):
        by_day[event[0].date()].append(event)
    timer = random.Random(SEED + 1)

    scanned: dict[date, Counter] = {}
    day = START
    while day <= END:
        for moment, _, source, type_, data in by_day.pop(day, []):
            clock.at = moment
            positions[source] += 1
            position = positions[source]
            app.process(source, make_envelope(source, position, position - 1, type_, moment,
                                              data.get("assignment_id") or data["petition_id"], data))
        clock.at = at(day, 20)
        scan = app.scan(as_of=day)
        assert scan["swept_from"] == day.isoformat() or day == START
        scanned[day] = Counter(scan["by_letter"])
        if timer.random() < 0.3:  # the hourly timer comes round again: nothing twice
            clock.at = at(day, 21)
            assert app.scan()["issued"] == 0
        day += timedelta(days=1)
    assert not by_day  # every event of the period was delivered

    published = NotificationFeed("supervision", app, translate).read(0, 100_000)[0]
    issued = [e["data"] for e in published if e["type"] == "supervision.letter_issued"]
    counts = Counter((x["supervision_id"], x["letter"]) for x in issued)
    assert set(counts.values()) == {1}, [k for k, n in counts.items() if n > 1]  # each letter exactly once

    actual = defaultdict(list)
    for x in issued:
        actual[x["supervision_id"]].append((x["letter"], date.fromisoformat(x["issued_on"]),
                                            date.fromisoformat(x["reply_by"]), x["unit_id"]))
    expected = {str(w.id): oracle(w) for w in population.watched}
    assert {str(x["supervision_id"]) for x in (e["data"] for e in published if e["type"] == "supervision.opened")} == set(
        expected)
    wrong = {sid: (letters, actual.get(sid, [])) for sid, letters in expected.items() if actual.get(sid, []) != letters}
    assert not wrong, f"{len(wrong)} watches differ from the oracle, e.g. {next(iter(wrong.items()))}"
    assert set(actual) <= set(expected)

    # The scans' own counts agree, day by day, and no letter is dated a rest day.
    per_day = defaultdict(Counter)
    for letters in expected.values():
        for letter, issued_on, _, _ in letters:
            per_day[issued_on][letter] += 1
    assert {d: c for d, c in scanned.items() if c} == dict(per_day)
    assert all(CALENDAR.is_working_day(d) for d in per_day)

    # Limits met in time: closed on time, never a letter after the day they were met.
    closed = {e["data"]["supervision_id"]: e["data"] for e in published if e["type"] == "supervision.closed"}
    for w in population.watched:
        if w.met is not None:
            assert closed[str(w.id)]["on_time"] is (w.met <= w.deadline_on(w.met))
            assert all(issued_on < w.met for _, issued_on, _, _ in actual.get(str(w.id), []))
        else:
            assert str(w.id) not in closed

    # The seed exercises every path.
    letters = Counter(letter for ls in expected.values() for letter, *_ in ls)
    assert min(letters[k] for k in ("reminder", "warning", "supervision", "recommendation")) >= 3, letters
    quiet = [w for w in population.watched if w.met is not None and not expected[str(w.id)]]
    assert len(quiet) >= 30  # met before any letter
    assert min(population.tally.values()) >= 3, population.tally
    extended = {str(w.id): w for w in population.watched if len(w.deadlines) > 1}
    reminders = {sid: [d for letter, d, *_ in expected[sid] if letter == "reminder"] for sid in extended}
    # An extension before the reminder moves it; one after it sends no second reminder.
    assert any(reminders[sid] == [working_days_before(w.deadlines[-1][1], AT_RISK_WORKING_DAYS)]
               for sid, w in extended.items())
    assert any(reminders[sid] == [working_days_before(w.deadlines[0][1], AT_RISK_WORKING_DAYS)]
               for sid, w in extended.items())
    assert any(len(w.units) > 1 and any(unit == w.units[-1][1] for *_, unit in expected[str(w.id)])
               for w in population.watched)
    holidays = [d for d in per_day if date(2026, 9, 25) <= d <= date(2026, 10, 12)]
    assert holidays  # some letters fall around Mid-Autumn and National Day
