"""Supervision (督查督办), rule by rule: the four letters in escalating order (四函递进) across
weekends, 调休 and holidays; a limit met before a letter closes its watch; extensions, re-routings,
review hearings, mediation layers and missed monthly reviews; the daily scan that issues nothing
twice and catches up after downtime without back-dating; manual (A40) and listed (A39) supervision;
the units' answers (B36 for a recommendation's feedback) and the letters as documents.

Names carry the rule: A39 / A40 (信访工作条例), B36 (信访条例, 2005), L (local practice, DOMAIN.md §7).
Other services' events arrive as their published languages carry them (make_envelope), in order, each
with the next position of its source; the scan runs in the evening, after the day's events, on the
supervision's own FixedClock. Expected dates are worked out by hand from the 2026 schedule: Spring
Festival 15–23 Feb (Saturdays 14 and 28 Feb worked), Mid-Autumn Fri 25 Sep, National Day 1–7 Oct
(Sunday 20 Sep and Saturday 10 Oct worked).
"""
from collections import Counter
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from dispatch.application import assignment_id_for
from dispatch.policy import HANDLING_LIMIT_DAYS
from dispatch.review import answer_deadline
from intake.domain import acceptance_deadline
from mediation.application import mediation_id_for
from mediation.layers import LAYER_LIMIT_DAYS
from shared.clock import BEIJING, FixedClock, beijing_date
from shared.envelope import make_envelope
from shared.errors import Conflict, InvalidCommand
from shared.feed import NotificationFeed
from shared.notices import chinese_date
from shared.reference import load_reference
from shared.units import Unit, UnitDirectory
from shared.workdays import WorkingDayCalendar
from supervision.application import SupervisionApplication, SupervisionNotFound
from supervision.domain import supervision_id_for
from supervision.ladder import FEEDBACK_DAYS, LETTER_NAMES, LETTERS, LadderPolicy
from supervision.letters import ISSUER
from supervision.published import translate

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
CALENDAR = WorkingDayCalendar(overrides_dir=None)
REFERENCE = load_reference()
UNITS = UnitDirectory([Unit(**u) for u in REFERENCE.units])
REGION = "150623101"  # 鄂托克前旗 上海庙镇
BUREAU = "etkqq-xinfangju"  # 鄂托克前旗信访局: answers for the acceptance limit
UNIT = "etkqq-shanghaimiao"  # 鄂托克前旗上海庙镇人民政府
UNIT_NAME = "鄂托克前旗上海庙镇人民政府"
OTHER_UNIT = "etkqq-ziranziyuan"  # 鄂托克前旗自然资源局
COUNTY = "etkqq-zhengfu"  # 复查: one level up from a township
CITY = "ordos-zhengfu"  # 复核
COMMITTEE = "etkqq-tiaojie"  # the region's mediation committee
LEADER = "leader-etkqq-01"
CATEGORY = "land_grassland_rights"
OFFICE_NOTE = "经核查，该镇对交办事项长期推诿，未按期开展调查。"


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# The standard handling limit: accepted Monday 28 September 2026, 60 days (A34) run to Friday
# 27 November. Reminder 3 working days before (Tue 24 Nov); warning the first working day after the
# limit (Sat 28 → Mon 30 Nov), reply in 3 working days (Thu 3 Dec); supervision letter the day after
# (Fri 4 Dec), reply in 5 working days (Fri 11 Dec); recommendation the first working day after
# (Sat 12 → Mon 14 Dec), feedback within 30 days (Wed 13 Jan 2027).
ACCEPTED = at(2026, 9, 28)
LIMIT = date(2026, 11, 27)
AT_RISK = date(2026, 11, 24)
WARNING_ON, WARNING_REPLY = date(2026, 11, 30), date(2026, 12, 3)
SUPERVISION_ON, SUPERVISION_REPLY = date(2026, 12, 4), date(2026, 12, 11)
RECOMMENDATION_ON, RECOMMENDATION_REPLY = date(2026, 12, 14), date(2027, 1, 13)


class Office:
    """The joint-conference office's supervision in memory, fed other services' events in order."""

    def __init__(self, start: datetime = ACCEPTED, policy: LadderPolicy | None = None):
        self.clock = FixedClock(start)
        self.app = SupervisionApplication(ENV, units=UNITS, policy=policy, clock=self.clock, calendar=CALENDAR)
        self.positions: Counter = Counter()

    def _to(self, moment: datetime) -> None:
        if moment > self.clock.now():
            self.clock.at = moment

    def deliver(self, source: str, type_: str, data: dict, when: datetime | None = None,
                position: int | None = None, time: datetime | None = None) -> bool:
        """`when` the event happened (the clock moves there); `time` its envelope's time, if later
        delivered than it happened."""
        if when:
            self._to(when)
        if position is None:
            self.positions[source] += 1
            position = self.positions[source]
        subject = data.get("assignment_id") or data.get("mediation_id") or data.get("case_id") or data["petition_id"]
        return self.app.process(source, make_envelope(source, position, position - 1, type_,
                                                      time or self.clock.now(), subject, data))

    # -- what intake, dispatch, mediation and ownership publish --------------------------------
    def register(self, received_at: datetime, region: str = REGION, petition_id: str | None = None) -> str:
        petition_id = petition_id or str(uuid4())
        self.deliver("intake", "petition.registered", {
            "petition_id": petition_id, "channel": "letter", "region_code": region, "category": CATEGORY,
            "matter_type": "complaint", "received_at": received_at.isoformat(),
            "acceptance_deadline": acceptance_deadline(received_at, CALENDAR).isoformat(),
            "petitioner_ref": "ref-1", "repeat_of": None, "group_size": None, "representatives": 0,
            "accused_unit": None}, when=received_at)
        return petition_id

    def decide(self, petition_id: str, decided_at: datetime, decision: str = "accepted") -> None:
        self.deliver("intake", "petition.acceptance_decided", {
            "petition_id": petition_id, "decision": decision, "route": None, "decided_at": decided_at.isoformat(),
            "timely": True, "region_code": REGION, "category": CATEGORY, "matter_type": "complaint",
            "ground": None, "dispatch_mode": "assignment" if decision == "accepted" else None,
            "accused_unit": None, "dispatch_deadline": None}, when=decided_at)

    def assign(self, accepted_at: datetime = ACCEPTED, unit: str = UNIT, region: str = REGION,
               petition_id: str | None = None) -> str:
        """assignment.created with dispatch's limit: 60 calendar days from acceptance (A34)."""
        petition_id = petition_id or str(uuid4())
        assignment_id = str(assignment_id_for(UUID(petition_id)))
        accepted_on = beijing_date(accepted_at)
        self.deliver("dispatch", "assignment.created", {
            "assignment_id": assignment_id, "petition_id": petition_id, "unit_id": unit, "region_code": region,
            "category": CATEGORY, "matter_type": "complaint", "accepted_at": accepted_at.isoformat(),
            "sign_deadline": CALENDAR.add_working_days(accepted_on, 1).isoformat(),
            "handling_deadline": CALENDAR.calendar_deadline(accepted_on, HANDLING_LIMIT_DAYS).isoformat(),
            "mode": "assignment", "procedure": "ordinary", "dispatch_deadline": None}, when=accepted_at)
        return assignment_id

    def extend(self, assignment_id: str, extra_days: int, extended_at: datetime,
               accepted_at: datetime = ACCEPTED) -> date:
        """assignment.extended: 60 + n days from acceptance, the rest-day rule at the new end."""
        deadline = CALENDAR.calendar_deadline(beijing_date(accepted_at), HANDLING_LIMIT_DAYS + extra_days)
        self.deliver("dispatch", "assignment.extended", {
            "assignment_id": assignment_id, "days": extra_days, "extended_at": extended_at.isoformat(),
            "handling_deadline": deadline.isoformat()}, when=extended_at)
        return deadline

    def reroute(self, assignment_id: str, from_unit: str, to_unit: str, rerouted_at: datetime) -> None:
        self.deliver("dispatch", "assignment.rerouted", {
            "assignment_id": assignment_id, "from_unit": from_unit, "to_unit": to_unit,
            "rerouted_at": rerouted_at.isoformat(),
            "sign_deadline": CALENDAR.add_working_days(beijing_date(rerouted_at), 1).isoformat()}, when=rerouted_at)

    def reply(self, assignment_id: str, replied_at: datetime) -> None:
        self.deliver("dispatch", "assignment.replied", {
            "assignment_id": assignment_id, "outcome": "explain", "replied_at": replied_at.isoformat(),
            "on_time": beijing_date(replied_at) <= LIMIT,
            "evaluation_deadline": (beijing_date(replied_at) + timedelta(days=30)).isoformat()}, when=replied_at)

    def scan(self, day: date, **kw) -> dict:
        """The scan as of `day`, run that evening (after the day's events)."""
        self._to(at(day.year, day.month, day.day, 20))
        return self.app.scan(day, **kw)

    def scan_days(self, first: date, last: date) -> dict[date, dict]:
        """Scans every day as the hourly timer does; the days that issued something."""
        return {day: found["by_letter"] for day in days(first, last) if (found := self.scan(day))["issued"]}

    def watch(self, kind: str, subject: str):
        return self.app.get_supervision(supervision_id_for(kind, subject))

    def ladder(self, kind: str, subject: str) -> list[tuple]:
        """(letter, issued on, reply by, addressee), in the order issued."""
        letters = self.watch(kind, subject).letters
        return sorted(((k, v["issued_on"], v["reply_by"], v["unit_id"]) for k, v in letters.items()),
                      key=lambda x: (x[1], LETTERS.index(x[0])))

    def published(self) -> list[dict]:
        return NotificationFeed("supervision", self.app, translate).read(0, 1000)[0]


@pytest.fixture
def office():
    return Office()


# -- [L] the ladder's policy and its days ------------------------------------------------------

def test_L_the_ladder_policy_ships_the_seed_reports_defaults():
    assert LadderPolicy.from_settings(REFERENCE.policy["supervision"]) == LadderPolicy() == LadderPolicy(
        at_risk_working_days=3, warning_reply_working_days=3, supervision_reply_working_days=5)
    assert LadderPolicy.from_settings({"at_risk_working_days": 5}) == LadderPolicy(at_risk_working_days=5)
    assert LETTERS == ("reminder", "warning", "supervision", "recommendation")
    assert [LETTER_NAMES[k] for k in LETTERS] == ["提醒函", "预警函", "督办函", "问责建议函"]
    assert FEEDBACK_DAYS == 30


@pytest.mark.parametrize("limit, at_risk", [
    (date(2026, 11, 23), date(2026, 11, 18)),  # a Monday limit: the weekend is not counted
    (date(2026, 10, 8), date(2026, 9, 28)),  # right after National Day: Wed 30, Tue 29, Mon 28 Sep
    (date(2026, 9, 29), date(2026, 9, 23)),  # Mid-Autumn, Fri 25 Sep, is not counted
    (date(2026, 9, 23), date(2026, 9, 20)),  # Sunday 20 Sep is a worked day (调休)
    (date(2026, 2, 24), date(2026, 2, 12)),  # after the Spring Festival: Sat 14 Feb worked, Fri 13, Thu 12
])
def test_L_the_reminder_falls_three_working_days_before_the_limit(limit, at_risk):
    assert LadderPolicy().at_risk_on(limit, CALENDAR) == at_risk
    assert CALENDAR.is_working_day(at_risk)


def test_L_how_many_working_days_ahead_the_reminder_comes_is_the_bureaus_policy():
    assert LadderPolicy(at_risk_working_days=1).at_risk_on(date(2026, 10, 8), CALENDAR) == date(2026, 9, 30)
    assert LadderPolicy(at_risk_working_days=5).at_risk_on(date(2026, 10, 8), CALENDAR) == date(2026, 9, 23)


def test_L_an_acceptance_limit_right_after_national_day_escalates_letter_by_letter():
    office = Office(start=at(2026, 9, 16, 9))
    # Received 16 September: 15 days end on 1 October, a holiday, so the limit runs to 8 October.
    petition = office.register(at(2026, 9, 16, 9, 30))
    watch = office.watch("acceptance", petition)
    assert (watch.kind, watch.unit_id, watch.region_code, watch.status) == ("acceptance", BUREAU, REGION, "watching")
    assert (watch.deadline, watch.at_risk_on) == (date(2026, 10, 8), date(2026, 9, 28))

    issued = office.scan_days(date(2026, 9, 16), date(2026, 12, 31))
    assert issued == {date(2026, 9, 28): {"reminder": 1},  # before the holiday
                      date(2026, 10, 9): {"warning": 1},  # the day after the limit
                      date(2026, 10, 14): {"supervision": 1},  # after the warning's reply deadline
                      date(2026, 10, 22): {"recommendation": 1}}  # after the supervision letter's
    assert [x[:2] for x in office.ladder("acceptance", petition)] == [
        ("reminder", date(2026, 9, 28)), ("warning", date(2026, 10, 9)), ("supervision", date(2026, 10, 14)),
        ("recommendation", date(2026, 10, 22))]
    replies = {k: reply_by for k, _, reply_by, _ in office.ladder("acceptance", petition)}
    assert replies["reminder"] == date(2026, 10, 8)  # the answer to a reminder is meeting the limit
    assert replies["warning"] == date(2026, 10, 13)  # Sat 10 (worked), Mon 12, Tue 13
    assert replies["supervision"] == date(2026, 10, 21)  # Thu 15, Fri 16, Mon 19, Tue 20, Wed 21
    assert {unit for *_, unit in office.ladder("acceptance", petition)} == {BUREAU}


def test_L_a_handling_limit_after_the_spring_festival_escalates_on_working_days():
    office = Office(start=at(2025, 12, 26, 9))
    assignment = office.assign(at(2025, 12, 26, 10))
    assert office.watch("handling", assignment).deadline == date(2026, 2, 24)  # 60 days, a Tuesday

    issued = office.scan_days(date(2025, 12, 26), date(2026, 4, 30))
    assert issued == {date(2026, 2, 12): {"reminder": 1}, date(2026, 2, 25): {"warning": 1},
                      date(2026, 3, 2): {"supervision": 1}, date(2026, 3, 10): {"recommendation": 1}}
    assert office.ladder("handling", assignment) == [
        ("reminder", date(2026, 2, 12), date(2026, 2, 24), UNIT),
        ("warning", date(2026, 2, 25), date(2026, 2, 28), UNIT),  # Thu 26, Fri 27, Sat 28 (worked)
        # Due Sunday 1 March: it goes out on Monday 2 March; Tue 3 … Mon 9.
        ("supervision", date(2026, 3, 2), date(2026, 3, 9), UNIT),
        ("recommendation", date(2026, 3, 10), date(2026, 4, 9), UNIT)]


def test_L_the_standard_limit_escalates_on_working_days_only(office):
    assignment = office.assign()
    assert (office.watch("handling", assignment).deadline, office.watch("handling", assignment).at_risk_on) == (
        LIMIT, AT_RISK)
    issued = office.scan_days(date(2026, 9, 28), date(2027, 1, 31))
    assert issued == {AT_RISK: {"reminder": 1}, WARNING_ON: {"warning": 1}, SUPERVISION_ON: {"supervision": 1},
                      RECOMMENDATION_ON: {"recommendation": 1}}
    assert office.ladder("handling", assignment) == [
        ("reminder", AT_RISK, LIMIT, UNIT), ("warning", WARNING_ON, WARNING_REPLY, UNIT),
        ("supervision", SUPERVISION_ON, SUPERVISION_REPLY, UNIT),
        ("recommendation", RECOMMENDATION_ON, RECOMMENDATION_REPLY, UNIT)]
    assert all(CALENDAR.is_working_day(issued_on) for _, issued_on, _, _ in office.ladder("handling", assignment))


# -- [L] a limit met closes its watch -----------------------------------------------------------

@pytest.mark.parametrize("replied_on, letters, on_time", [
    (date(2026, 11, 23), [], True),  # before the reminder
    (AT_RISK, [], True),  # on the reminder's day, before the evening's scan
    (LIMIT, ["reminder"], True),  # on the limit
    (date(2026, 12, 2), ["reminder", "warning"], False),  # after the warning, before its reply deadline
    (SUPERVISION_REPLY, ["reminder", "warning", "supervision"], False),
])
def test_L_a_limit_met_closes_the_watch_and_no_letter_follows(office, replied_on, letters, on_time):
    assignment = office.assign()
    office.scan_days(date(2026, 9, 28), replied_on - timedelta(days=1))
    office.reply(assignment, at(replied_on.year, replied_on.month, replied_on.day, 15))
    watch = office.watch("handling", assignment)
    assert watch.status == "closed"
    assert watch.closed == {"reason": "assignment.replied", "at": at(replied_on.year, replied_on.month,
                                                                     replied_on.day, 15), "on_time": on_time}
    assert office.scan_days(replied_on, date(2027, 2, 28)) == {}
    assert [x[0] for x in office.ladder("handling", assignment)] == letters


def test_L_a_reply_delivered_again_closes_nothing_twice(office):
    assignment = office.assign()
    office.reply(assignment, at(2026, 11, 2))
    assert office.deliver("dispatch", "assignment.replied", {
        "assignment_id": assignment, "outcome": "explain", "replied_at": at(2026, 11, 3).isoformat(),
        "on_time": True, "evaluation_deadline": "2026-12-03"}) is False
    assert [type(e).__name__ for e in office.app.history(office.watch("handling", assignment).id)] == [
        "Opened", "Closed"]


# -- [L] what opens, moves and closes a watch -------------------------------------------------

def test_L_the_acceptance_limit_is_watched_for_the_regions_bureau_until_the_decision(office):
    petition = office.register(at(2026, 10, 26, 9))
    watch = office.watch("acceptance", petition)
    assert (watch.unit_id, watch.deadline, str(watch.petition_id)) == (BUREAU, date(2026, 11, 10), petition)
    office.decide(petition, at(2026, 11, 6, 11))
    assert office.watch("acceptance", petition).closed == {
        "reason": "petition.acceptance_decided", "at": at(2026, 11, 6, 11), "on_time": True}
    assert office.scan_days(date(2026, 10, 26), date(2026, 12, 31)) == {}

    late = office.register(at(2026, 10, 26, 9))
    office.decide(late, at(2026, 11, 12, 11), decision="not_accepted")  # a notice sent late
    assert office.watch("acceptance", late).closed["on_time"] is False


def test_L_an_event_delivered_again_opens_one_watch(office):
    petition = str(uuid4())
    office.assign(petition_id=petition)
    envelope_data = {"assignment_id": str(assignment_id_for(UUID(petition))),
                     "petition_id": petition, "unit_id": OTHER_UNIT, "region_code": REGION,
                     "handling_deadline": "2026-12-31"}
    assert office.deliver("dispatch", "assignment.created", envelope_data) is False
    watch = office.watch("handling", envelope_data["assignment_id"])
    assert (watch.unit_id, watch.deadline, len(office.app.history(watch.id))) == (UNIT, LIMIT, 1)
    # A decision for a petition supervision never saw changes nothing.
    office.decide(str(uuid4()), at(2026, 9, 29))
    with pytest.raises(SupervisionNotFound):
        office.app.get_supervision(uuid4())


@pytest.mark.parametrize("extended_on, extra, new_limit, new_at_risk, reminder_on", [
    # Before the reminder: the reminder moves with the limit (75 days: Sat 12 Dec → Mon 14 Dec).
    (date(2026, 11, 10), 15, date(2026, 12, 14), date(2026, 12, 9), date(2026, 12, 9)),
    # After the reminder went out: no second reminder (90 days: Sun 27 Dec → Mon 28 Dec).
    (date(2026, 11, 25), 30, date(2026, 12, 28), date(2026, 12, 23), AT_RISK),
])
def test_L_an_extension_moves_the_limit_and_the_reminder_day(office, extended_on, extra, new_limit, new_at_risk,
                                                             reminder_on):
    assignment = office.assign()
    office.scan_days(date(2026, 9, 28), extended_on - timedelta(days=1))
    assert office.extend(assignment, extra, at(extended_on.year, extended_on.month, extended_on.day, 9)) == new_limit
    watch = office.watch("handling", assignment)
    assert (watch.deadline, watch.at_risk_on, watch.unit_id) == (new_limit, new_at_risk, UNIT)

    office.scan_days(extended_on, date(2027, 1, 31))
    ladder = office.ladder("handling", assignment)
    assert [(k, issued_on) for k, issued_on, *_ in ladder][:2] == [
        ("reminder", reminder_on), ("warning", new_limit + timedelta(days=1))]
    assert [k for k, *_ in ladder] == list(LETTERS)  # one of each, never twice
    assert ladder[1][3] == UNIT
    moved = [e["data"] for e in office.published() if e["type"] == "supervision.limit_moved"]
    assert moved == [{"supervision_id": str(watch.id), "deadline": new_limit.isoformat(), "unit_id": UNIT}]


def test_L_a_re_routed_assignments_letters_go_to_the_unit_it_was_re_routed_to(office):
    early = office.assign(unit=OTHER_UNIT)
    office.reroute(early, OTHER_UNIT, UNIT, at(2026, 9, 30))  # an objection upheld within 5 working days
    assert (office.watch("handling", early).unit_id, office.watch("handling", early).deadline) == (UNIT, LIMIT)

    late = office.assign(unit=OTHER_UNIT)
    office.scan_days(date(2026, 9, 28), AT_RISK)
    office.reroute(late, OTHER_UNIT, UNIT, at(2026, 11, 25))  # after the reminder went out
    office.scan_days(AT_RISK + timedelta(days=1), WARNING_ON)

    assert [(k, unit) for k, _, _, unit in office.ladder("handling", early)] == [("reminder", UNIT), ("warning", UNIT)]
    assert [(k, unit) for k, _, _, unit in office.ladder("handling", late)] == [
        ("reminder", OTHER_UNIT), ("warning", UNIT)]
    # Each letter is answered by the unit it went to.
    watch = office.watch("handling", late)
    with pytest.raises(Conflict):
        office.app.respond(watch.id, "reminder", UNIT, "已接收转办，正在办理。")
    office.app.respond(watch.id, "reminder", OTHER_UNIT, "已按异议程序移交上海庙镇。")
    with pytest.raises(Conflict):
        office.app.respond(watch.id, "warning", OTHER_UNIT, "已移交。")
    office.app.respond(watch.id, "warning", UNIT, "正在调查，三日内答复。")


@pytest.mark.parametrize("stage, reviewer", [("review", COUNTY), ("re_review", CITY)])
def test_L_review_limits_are_watched_for_the_reviewing_body_and_a_hearing_moves_them(office, stage, reviewer):
    assignment = office.assign()
    office.reply(assignment, at(2026, 10, 20))
    requested = at(2026, 11, 2, 9)
    limit = answer_deadline(beijing_date(requested), 0, CALENDAR)
    assert limit == date(2026, 12, 2)  # 30 days
    office.deliver("dispatch", "assignment.review_requested", {
        "assignment_id": assignment, "stage": stage, "reviewer_unit": reviewer,
        "requested_at": requested.isoformat(), "deadline": limit.isoformat()}, when=requested)
    watch = office.watch(stage, assignment)
    # The region is the handling watch's: the review event names none.
    assert (watch.kind, watch.unit_id, watch.region_code, watch.deadline, watch.at_risk_on) == (
        stage, reviewer, REGION, limit, date(2026, 11, 27))

    # A five-day hearing is not counted (A36): the limit and the reminder move.
    office.scan_days(date(2026, 11, 2), date(2026, 11, 19))
    moved = answer_deadline(beijing_date(requested), 5, CALENDAR)
    assert moved == date(2026, 12, 7)
    office.deliver("dispatch", "assignment.hearing_held", {
        "assignment_id": assignment, "stage": stage, "held_from": "2026-11-16", "held_to": "2026-11-20",
        "days": 5, "deadline": moved.isoformat()}, when=at(2026, 11, 20, 17))
    assert (office.watch(stage, assignment).deadline, office.watch(stage, assignment).at_risk_on) == (
        moved, date(2026, 12, 2))
    assert office.scan_days(date(2026, 11, 20), date(2026, 12, 6)) == {date(2026, 12, 2): {"reminder": 1}}

    office.deliver("dispatch", "assignment.review_decided", {
        "assignment_id": assignment, "stage": stage, "unit_id": reviewer, "decision": "upheld",
        "decided_at": at(2026, 12, 7, 16).isoformat(), "on_time": True}, when=at(2026, 12, 7, 16))
    assert office.watch(stage, assignment).closed["on_time"] is True
    assert office.scan_days(date(2026, 12, 7), date(2027, 1, 31)) == {}
    assert [(k, unit) for k, _, _, unit in office.ladder(stage, assignment)] == [("reminder", reviewer)]


def _pre_litigation(office, opened_at):
    mediation = str(mediation_id_for("court", f"(2026)蒙0623诉前调{uuid4().hex[:4]}号"))
    limit = CALENDAR.calendar_deadline(beijing_date(opened_at), LAYER_LIMIT_DAYS["pre_litigation"])
    office.deliver("mediation", "mediation.opened", {
        "mediation_id": mediation, "petition_id": None, "source": "court", "source_ref": "(2026)蒙0623诉前调1号",
        "layer": "pre_litigation", "region_code": REGION, "category": "neighbour_dispute",
        "opened_at": opened_at.isoformat(), "deadline": limit.isoformat(), "parties": 2}, when=opened_at)
    return mediation, limit


@pytest.mark.parametrize("ending, data", [
    ("mediation.agreement_reached", {"layer": "pre_litigation", "signed_at": "2026-11-20T10:00:00+08:00",
                                     "effective_on": "2026-11-20", "confirm_by": "2026-12-21"}),
    ("mediation.ended", {"reason": "failed", "layer": "pre_litigation", "ended_at": "2026-11-20T10:00:00+08:00"}),
    ("mediation.escalated", {"petition_id": None, "region_code": REGION, "from_layer": "pre_litigation",
                             "to_layer": "litigation", "escalated_at": "2026-11-20T10:00:00+08:00",
                             "deadline": None}),
])
def test_L_a_pre_litigation_mediation_is_watched_for_30_days_until_it_ends(office, ending, data):
    mediation, limit = _pre_litigation(office, at(2026, 11, 2, 9))
    assert limit == date(2026, 12, 2)
    watch = office.watch("mediation", mediation)
    assert (watch.unit_id, watch.region_code, watch.deadline) == (COMMITTEE, REGION, limit)
    office.deliver("mediation", ending, {"mediation_id": mediation, **data}, when=at(2026, 11, 20, 10))
    assert office.watch("mediation", mediation).closed == {"reason": ending, "at": at(2026, 11, 20, 10),
                                                           "on_time": True}
    assert office.scan_days(date(2026, 11, 2), date(2026, 12, 31)) == {}


def test_L_a_mediation_without_a_limit_is_not_watched(office):
    mediation = str(mediation_id_for("police110", "alert-1"))
    assert office.deliver("mediation", "mediation.opened", {
        "mediation_id": mediation, "petition_id": None, "source": "police110", "source_ref": "alert-1",
        "layer": "people", "region_code": REGION, "category": "neighbour_dispute",
        "opened_at": at(2026, 11, 2).isoformat(), "deadline": None, "parties": 2}) is False
    with pytest.raises(SupervisionNotFound):
        office.watch("mediation", mediation)


def test_L_an_overdue_pre_litigation_mediation_gets_its_letters_until_a_later_layer_takes_it(office):
    mediation, limit = _pre_litigation(office, at(2026, 11, 2, 9))
    issued = office.scan_days(date(2026, 11, 2), date(2026, 12, 3))
    assert issued == {date(2026, 11, 27): {"reminder": 1}, date(2026, 12, 3): {"warning": 1}}
    office.deliver("mediation", "mediation.escalated", {
        "mediation_id": mediation, "petition_id": None, "region_code": REGION, "from_layer": "pre_litigation",
        "to_layer": "litigation", "escalated_at": at(2026, 12, 4, 9).isoformat(), "deadline": None},
        when=at(2026, 12, 4, 9))
    assert office.watch("mediation", mediation).closed["on_time"] is False
    assert office.scan_days(date(2026, 12, 4), date(2027, 1, 31)) == {}
    assert {unit for *_, unit in office.ladder("mediation", mediation)} == {COMMITTEE}


def test_L_a_mediation_escalated_into_pre_litigation_is_watched_for_its_own_region(office):
    mediation = str(mediation_id_for("police110", "alert-2"))
    office.deliver("mediation", "mediation.opened", {
        "mediation_id": mediation, "petition_id": None, "source": "police110", "source_ref": "alert-2",
        "layer": "people", "region_code": REGION, "category": "neighbour_dispute",
        "opened_at": at(2026, 10, 20).isoformat(), "deadline": None, "parties": 2})
    # The people's layer had no limit, so no watch: the escalation names the region itself.
    office.deliver("mediation", "mediation.escalated", {
        "mediation_id": mediation, "petition_id": None, "region_code": REGION, "from_layer": "people",
        "to_layer": "pre_litigation", "escalated_at": at(2026, 11, 2).isoformat(), "deadline": "2026-12-02"},
        when=at(2026, 11, 2))
    watch = office.watch("mediation", mediation)
    assert watch.deadline == date(2026, 12, 2)
    assert (watch.unit_id, watch.region_code) == (COMMITTEE, REGION)


@pytest.mark.parametrize("leader, addressee", [(LEADER, BUREAU), (None, BUREAU)])
def test_L_a_missed_monthly_review_gets_a_warning_at_the_next_scan(leader, addressee):
    office = Office(start=at(2026, 11, 1, 8))
    case = str(uuid4())
    assert office.scan(date(2026, 11, 1))["issued"] == 0
    office.deliver("ownership", "ownership.review_missed", {
        "case_id": case, "petition_id": str(uuid4()), "month": "2026-10", "leader_id": leader,
        "region_code": REGION}, when=at(2026, 11, 2, 0, 30))
    subject = f"{case}:2026-10"
    watch = office.watch("monthly_review", subject)
    assert (watch.deadline, watch.unit_id) == (date(2026, 10, 31), addressee)
    assert office.scan(date(2026, 11, 2))["by_letter"] == {"warning": 1}
    assert office.ladder("monthly_review", subject) == [("warning", date(2026, 11, 2), date(2026, 11, 5), addressee)]

    office.deliver("ownership", "ownership.month_reviewed", {
        "case_id": case, "month": "2026-10", "reviewed_on": "2026-11-04"}, when=at(2026, 11, 4, 9))
    assert office.watch("monthly_review", subject).closed["on_time"] is False
    assert office.scan_days(date(2026, 11, 3), date(2026, 12, 31)) == {}


@pytest.mark.parametrize("ending, when_field", [("ownership.resolved", "resolved_at"),
                                                ("ownership.terminated", "terminated_at")])
def test_L_a_backlog_case_that_ends_closes_the_months_still_waiting_for_their_review(ending, when_field):
    office = Office(start=at(2026, 10, 1, 8))
    case = str(uuid4())
    for month, day in (("2026-09", date(2026, 10, 1)), ("2026-10", date(2026, 11, 2))):
        office.deliver("ownership", "ownership.review_missed", {
            "case_id": case, "petition_id": None, "month": month, "leader_id": LEADER, "region_code": REGION},
            when=at(day.year, day.month, day.day, 0, 30))
    office.deliver("ownership", "ownership.month_reviewed", {
        "case_id": case, "month": "2026-09", "reviewed_on": "2026-10-09"}, when=at(2026, 10, 9, 9))
    office.deliver("ownership", ending, {
        "case_id": case, when_field: at(2026, 11, 2, 16).isoformat(), "leader_id": LEADER, "region_code": REGION,
        "unreviewed_months": ["2026-10"]}, when=at(2026, 11, 2, 16))
    assert office.watch("monthly_review", f"{case}:2026-09").closed["reason"] == "ownership.month_reviewed"
    assert office.watch("monthly_review", f"{case}:2026-10").closed == {
        "reason": ending, "at": at(2026, 11, 2, 16), "on_time": False}
    assert office.scan_days(date(2026, 11, 2), date(2026, 12, 31)) == {}


def test_L_a_watch_is_opened_when_its_event_happened_not_when_supervision_read_it(office):
    office.clock.at = at(2026, 10, 5, 8)  # supervision follows dispatch's log a week late
    assignment = str(assignment_id_for(uuid4()))
    office.deliver("dispatch", "assignment.created", {
        "assignment_id": assignment, "petition_id": str(uuid4()), "unit_id": UNIT, "region_code": REGION,
        "handling_deadline": LIMIT.isoformat()}, time=at(2026, 9, 28, 14, 5))
    assert office.watch("handling", assignment).opened_at == at(2026, 9, 28, 14, 5)
    [opened] = [e["data"] for e in office.published() if e["type"] == "supervision.opened"]
    assert opened["opened_at"] == "2026-09-28T14:05:00+08:00"


# -- [L] the scan --------------------------------------------------------------------------------

def test_L_scanning_the_same_date_twice_issues_nothing_twice(office):
    assignment = office.assign()
    office.scan_days(date(2026, 9, 28), AT_RISK - timedelta(days=1))
    first = office.scan(AT_RISK)
    assert (first["issued"], first["by_letter"], first["swept_from"]) == (1, {"reminder": 1}, AT_RISK.isoformat())
    assert office.scan(AT_RISK)["issued"] == 0
    assert office.app.scan()["issued"] == 0  # the hourly timer, as of today
    assert office.scan(AT_RISK, since=date(2026, 9, 1))["issued"] == 0  # re-reading the days
    assert office.scan(date(2026, 11, 20))["issued"] == 0  # a day already scanned
    watch = office.watch("handling", assignment)
    assert [type(e).__name__ for e in office.app.history(watch.id)] == ["Opened", "Issued"]


def test_L_letters_are_not_issued_ahead_of_time(office):
    office.assign()
    with pytest.raises(InvalidCommand) as refused:
        office.app.scan(date(2026, 9, 29))  # the clock is on 28 September
    assert refused.value.errors == {"as_of": ["not after today"]}


def test_L_a_scan_after_downtime_catches_up_one_step_per_watch_dated_the_day_it_runs():
    office = Office(start=at(2026, 11, 1, 8))
    warned = office.register(at(2026, 11, 1, 9))  # online on a Sunday: limit Mon 16 Nov
    overdue = office.assign()  # the standard limit, Fri 27 Nov
    office.scan_days(date(2026, 11, 1), date(2026, 11, 18))
    at_risk = office.register(at(2026, 11, 19, 9))  # limit Fri 4 Dec, reminder Tue 1 Dec
    assert office.scan_days(date(2026, 11, 19), date(2026, 11, 20)) == {}
    assert office.ladder("acceptance", warned) == [
        ("reminder", date(2026, 11, 11), date(2026, 11, 16), BUREAU),
        ("warning", date(2026, 11, 17), date(2026, 11, 20), BUREAU)]

    # No scan from Saturday 21 November to Wednesday 2 December (the timer was down).
    caught_up = office.scan(date(2026, 12, 3))
    assert caught_up["swept_from"] == "2026-11-21"
    assert (caught_up["issued"], caught_up["by_letter"]) == (3, {"reminder": 1, "supervision": 1, "warning": 1})
    # One step each, dated the day the scan ran; nothing back-dated into the days not scanned; no
    # reminder for a limit already passed.
    assert office.ladder("acceptance", at_risk) == [("reminder", date(2026, 12, 3), date(2026, 12, 4), BUREAU)]
    assert office.ladder("handling", overdue) == [("warning", date(2026, 12, 3), date(2026, 12, 8), UNIT)]
    assert office.ladder("acceptance", warned)[-1] == ("supervision", date(2026, 12, 3), date(2026, 12, 10), BUREAU)
    issued_on = [x[1] for s, k in ((warned, "acceptance"), (overdue, "handling"), (at_risk, "acceptance"))
                 for x in office.ladder(k, s)]
    assert not [d for d in issued_on if date(2026, 11, 21) <= d <= date(2026, 12, 2)]

    # The next steps come on their own days again.
    assert office.scan_days(date(2026, 12, 4), date(2026, 12, 11)) == {
        date(2026, 12, 7): {"warning": 1},  # at_risk's limit (Fri 4 Dec) passed: Sat → Monday
        date(2026, 12, 9): {"supervision": 1},  # overdue: after Tue 8 Dec
        # warned: after the supervision letter's Thu 10 Dec; at_risk: after the warning's Thu 10 Dec
        date(2026, 12, 11): {"recommendation": 1, "supervision": 1}}


@pytest.mark.parametrize("case", ["registered_after_fridays_scan", "timer_down_on_friday"])
def test_L_a_reminder_due_on_a_rest_day_goes_out_on_the_next_working_day_before_the_limit(case):
    office = Office(start=at(2026, 11, 2, 8))
    if case == "registered_after_fridays_scan":
        office.scan_days(date(2026, 11, 2), date(2026, 11, 6))
        # A letter received on 26 October registered on Friday evening, after the day's scan: limit
        # Tue 10 Nov, at risk since Thu 5 Nov.
        petition = str(uuid4())
        office.clock.at = at(2026, 11, 6, 21)
        office.deliver("intake", "petition.registered", {
            "petition_id": petition, "channel": "letter", "region_code": REGION, "category": CATEGORY,
            "matter_type": "complaint", "received_at": at(2026, 10, 26, 9).isoformat(),
            "acceptance_deadline": acceptance_deadline(at(2026, 10, 26, 9), CALENDAR).isoformat(),
            "petitioner_ref": "ref-1", "repeat_of": None, "group_size": None, "representatives": 0,
            "accused_unit": None})
        limit, resumed = date(2026, 11, 10), date(2026, 11, 7)
    else:
        petition = office.register(at(2026, 10, 27, 9))  # limit Wed 11 Nov, reminder Fri 6 Nov
        office.scan_days(date(2026, 11, 2), date(2026, 11, 5))  # the timer is down on Friday
        limit, resumed = date(2026, 11, 11), date(2026, 11, 7)
    assert office.watch("acceptance", petition).deadline == limit
    office.scan_days(resumed, limit + timedelta(days=3))
    assert office.ladder("acceptance", petition)[0][:2] == ("reminder", date(2026, 11, 9))  # Monday


# -- A40 manual supervision ----------------------------------------------------------------------

def _manual(office, deadline: date, subject: str = "matter-1", trigger: str = "buck_passing"):
    return office.app.open_manual(trigger, subject, UNIT, REGION, deadline, OFFICE_NOTE)


@pytest.mark.parametrize("deadline", [date(2026, 11, 2), date(2026, 11, 6), date(2026, 11, 9)])
def test_A40_manual_supervision_sends_a_supervision_letter_at_once_and_escalates_after_its_reply_deadline(deadline):
    office = Office(start=at(2026, 11, 2, 9, 30))  # a Monday
    watch = _manual(office, deadline)
    assert (watch.kind, watch.manual, watch.status, watch.unit_id, watch.note) == (
        "buck_passing", True, "watching", UNIT, OFFICE_NOTE)
    assert office.ladder("buck_passing", "matter-1") == [
        ("supervision", date(2026, 11, 2), date(2026, 11, 9), UNIT)]  # Tue 3 … Mon 9
    assert office.scan_days(date(2026, 11, 2), date(2026, 12, 31)) == {date(2026, 11, 10): {"recommendation": 1}}
    assert [x[:2] for x in office.ladder("buck_passing", "matter-1")] == [
        ("supervision", date(2026, 11, 2)), ("recommendation", date(2026, 11, 10))]


def test_A40_a_manual_supervision_with_a_later_correction_deadline_escalates_after_its_reply_deadline():
    office = Office(start=at(2026, 11, 2, 9, 30))
    _manual(office, date(2026, 11, 30))
    office.scan_days(date(2026, 11, 2), date(2026, 12, 31))
    assert [x[:2] for x in office.ladder("buck_passing", "matter-1")] == [
        ("supervision", date(2026, 11, 2)), ("recommendation", date(2026, 11, 10))]


def test_A40_a_manual_supervision_closed_before_its_reply_deadline_goes_no_further():
    office = Office(start=at(2026, 11, 2, 9, 30))
    watch = _manual(office, date(2026, 11, 6), trigger="refusal_to_carry_out")
    office.scan_days(date(2026, 11, 2), date(2026, 11, 8))
    office.clock.at = at(2026, 11, 9, 10)
    with pytest.raises(InvalidCommand):
        office.app.close_manual(watch.id, "  ")
    closed = office.app.close_manual(watch.id, "已按处理意见执行到位。")
    assert closed.closed == {"reason": "已按处理意见执行到位。", "at": at(2026, 11, 9, 10), "on_time": False}
    assert office.scan_days(date(2026, 11, 9), date(2026, 12, 31)) == {}
    assert [x[0] for x in office.ladder("refusal_to_carry_out", "matter-1")] == ["supervision"]


def test_A40_only_a_manual_supervision_is_closed_by_hand(office):
    assignment = office.assign()
    with pytest.raises(InvalidCommand) as refused:
        office.app.close_manual(office.watch("handling", assignment).id, "已办结")
    assert refused.value.errors == {"_schema": ["not a manual supervision"]}


def test_A40_manual_supervision_needs_a_known_trigger_and_unit_a_finding_and_a_deadline_ahead():
    office = Office(start=at(2026, 11, 2, 9, 30))
    for trigger, unit, note, deadline, field in [
            ("late_lunch", UNIT, OFFICE_NOTE, date(2026, 11, 9), "trigger"),
            ("delay", "no-such-unit", OFFICE_NOTE, date(2026, 11, 9), "unit"),
            ("delay", UNIT, "   ", date(2026, 11, 9), "note"),
            ("delay", UNIT, OFFICE_NOTE, date(2026, 11, 1), "deadline")]:
        with pytest.raises(InvalidCommand) as refused:
            office.app.open_manual(trigger, "matter-2", unit, REGION, deadline, note)
        assert list(refused.value.errors) == [field]
    first = office.app.open_manual("non_compliant_handling", "matter-2", UNIT, REGION, date(2026, 11, 9), OFFICE_NOTE)
    again = office.app.open_manual("non_compliant_handling", "matter-2", UNIT, REGION, date(2026, 11, 20), "再次")
    assert again.id == first.id and again.deadline == date(2026, 11, 9)
    assert len(office.app.history(first.id)) == 2  # opened, one supervision letter


# -- A39 listed supervision ----------------------------------------------------------------------

@pytest.mark.parametrize("lifted_at, on_time", [(at(2026, 11, 30, 17), True), (at(2026, 12, 1, 9), False)])
def test_A39_a_listing_has_a_correction_deadline_and_is_lifted_on_time_or_late(lifted_at, on_time):
    office = Office(start=at(2026, 11, 2, 9))
    listing = office.app.list_target("unit", UNIT, UNIT, REGION, "交办事项超期率居全旗首位", date(2026, 11, 30))
    assert (listing.target, listing.correction_deadline, listing.lifted) == ("unit", date(2026, 11, 30), None)
    office.clock.at = lifted_at
    lifted = office.app.lift(listing.id, "已逐件清理超期事项并建立台账。")
    assert lifted.lifted == {"correction": "已逐件清理超期事项并建立台账。", "at": lifted_at, "on_time": on_time}
    with pytest.raises(Conflict):
        office.app.lift(listing.id, "再次解除")
    [listed, lifted_event] = [e for e in office.published() if e["type"] in ("supervision.listed", "supervision.lifted")]
    assert listed["data"]["correction_deadline"] == "2026-11-30"
    assert (lifted_event["data"]["on_time"], lifted_event["data"]["unit_id"]) == (on_time, UNIT)
    assert "correction" not in lifted_event["data"]  # what was corrected stays in supervision


def test_A39_a_listing_needs_a_target_a_reason_a_known_unit_and_a_deadline_ahead():
    office = Office(start=at(2026, 11, 2, 9))
    with pytest.raises(InvalidCommand) as refused:
        office.app.list_target("person", "x", UNIT, REGION, " ", date(2026, 11, 1))
    assert set(refused.value.errors) == {"target", "reason", "correction_deadline"}
    with pytest.raises(InvalidCommand):
        office.app.list_target("matter", "m-1", "no-such-unit", REGION, "久拖不决", date(2026, 11, 30))
    listing = office.app.list_target("matter", "m-1", UNIT, REGION, "久拖不决", date(2026, 11, 30))
    with pytest.raises(InvalidCommand):
        office.app.lift(listing.id, "  ")
    with pytest.raises(SupervisionNotFound):
        office.app.get_listing(uuid4())


# -- answers (B36 for a recommendation) ----------------------------------------------------------

def test_L_answers_are_recorded_per_letter_only_by_the_addressed_unit_and_judged_against_reply_by(office):
    assignment = office.assign()
    office.scan_days(date(2026, 9, 28), WARNING_ON)
    watch_id = office.watch("handling", assignment).id
    office.clock.at = at(2026, 12, 4, 9)
    with pytest.raises(Conflict):
        office.app.respond(watch_id, "supervision", UNIT, "已办结。")  # not issued
    with pytest.raises(Conflict):
        office.app.respond(watch_id, "warning", OTHER_UNIT, "非我单位事项。")  # not addressed to it
    with pytest.raises(InvalidCommand) as refused:
        office.app.respond(watch_id, "warning", UNIT, "  ")
    assert list(refused.value.errors) == ["text"]
    with pytest.raises(InvalidCommand):
        office.app.respond(watch_id, "warning", UNIT, "已办理。", responded_at=at(2026, 11, 29))  # before it
    with pytest.raises(InvalidCommand):
        office.app.respond(watch_id, "warning", UNIT, "已办理。", responded_at=at(2026, 12, 5))  # in the future

    # 23:30 in Beijing on the reply deadline is on time; 00:30 the day after is not.
    warning = office.app.respond(watch_id, "warning", UNIT, " 已成立专班，正在调查。 ",
                                 responded_at=datetime.fromisoformat("2026-12-03T15:30:00+00:00"))
    assert warning.letters["warning"]["response"] == {
        "text": "已成立专班，正在调查。", "at": datetime.fromisoformat("2026-12-03T15:30:00+00:00"), "on_time": True,
        "adopted": None}
    reminder = office.app.respond(watch_id, "reminder", UNIT, "正在办理。",
                                  responded_at=datetime.fromisoformat("2026-11-27T16:30:00+00:00"))
    assert reminder.letters["reminder"]["response"]["on_time"] is False
    with pytest.raises(Conflict):
        office.app.respond(watch_id, "warning", UNIT, "补充报告。")  # answered already

    answered = [e["data"] for e in office.published() if e["type"] == "supervision.letter_answered"]
    assert [(a["letter"], a["unit_id"], a["on_time"], a["adopted"]) for a in answered] == [
        ("warning", UNIT, True, None), ("reminder", UNIT, False, None)]
    assert all("text" not in a for a in answered)  # the answers' texts stay in supervision


def test_B36_a_recommendation_needs_written_feedback_saying_whether_it_was_adopted(office):
    assignment = office.assign()
    office.scan_days(date(2026, 9, 28), RECOMMENDATION_ON)
    watch_id = office.watch("handling", assignment).id
    office.clock.at = at(2026, 12, 20, 9)
    with pytest.raises(InvalidCommand) as refused:
        office.app.respond(watch_id, "recommendation", UNIT, "已对相关责任人进行诫勉谈话。")
    assert list(refused.value.errors) == ["adopted"]
    answered = office.app.respond(watch_id, "recommendation", UNIT, "经研究，暂不追究，已责令整改。", adopted=False)
    assert answered.letters["recommendation"]["reply_by"] == RECOMMENDATION_REPLY == RECOMMENDATION_ON + timedelta(
        days=30)
    assert answered.letters["recommendation"]["response"]["on_time"] is True
    assert answered.letters["recommendation"]["response"]["adopted"] is False


def test_B36_feedback_after_30_days_is_late():
    office = Office()
    assignment = office.assign()
    office.scan_days(date(2026, 9, 28), RECOMMENDATION_ON)
    office.clock.at = at(2027, 1, 14, 9)
    answered = office.app.respond(office.watch("handling", assignment).id, "recommendation", UNIT,
                                  "已给予相关责任人诫勉处理。", adopted=True)
    assert answered.letters["recommendation"]["response"]["on_time"] is False


def test_B36_thirty_days_of_feedback_ending_on_a_rest_day_run_to_the_next_working_day():
    office = Office(start=at(2026, 9, 16, 9))
    petition = office.register(at(2026, 9, 16, 9, 30))
    office.scan_days(date(2026, 9, 16), date(2026, 10, 22))
    [*_, recommendation] = office.ladder("acceptance", petition)
    assert recommendation[:3] == ("recommendation", date(2026, 10, 22), date(2026, 11, 23))


# -- A40 the letters as documents; what supervision publishes -------------------------------

def test_A40_letters_are_documents_to_the_unit_with_the_facts_limit_reply_deadline_and_legal_basis(office):
    assignment = office.assign()
    office.scan_days(date(2026, 9, 28), RECOMMENDATION_ON)
    watch_id = office.watch("handling", assignment).id
    office.clock.at = at(2026, 12, 15, 9)
    office.app.respond(watch_id, "warning", UNIT, "正在办理。")
    documents = office.app.letters(watch_id)
    assert [d["kind"] for d in documents] == list(LETTERS)
    assert [d["title"] for d in documents] == ["信访事项提醒函", "信访事项预警函", "信访事项督办函", "信访事项问责建议函"]
    assert [d["issued_on"] for d in documents] == [x.isoformat() for x in (
        AT_RISK, WARNING_ON, SUPERVISION_ON, RECOMMENDATION_ON)]
    assert [d["reply_by"] for d in documents] == [x.isoformat() for x in (
        LIMIT, WARNING_REPLY, SUPERVISION_REPLY, RECOMMENDATION_REPLY)]
    bases = ["《信访工作条例》第四十条", "《信访工作条例》第四十条", "《信访工作条例》第三十九条、第四十条",
             "《信访条例》第三十六条"]
    for document, basis, reply_by in zip(documents, bases, (LIMIT, WARNING_REPLY, SUPERVISION_REPLY,
                                                             RECOMMENDATION_REPLY), strict=True):
        lines = document["text"].split("\n")
        assert lines[0] == document["title"] and lines[2] == f"{UNIT_NAME}："
        assert lines[-2:] == [ISSUER, chinese_date(date.fromisoformat(document["issued_on"]))]
        assert document["issued_by"] == ISSUER
        assert f"信访事项（编号 {assignment}）的办理期限为{chinese_date(LIMIT)}" in document["text"]
        [basis_line] = [line for line in lines if line.strip().startswith("依据：")]
        assert basis in basis_line
        if document["kind"] != "reminder":
            assert f"于{chinese_date(reply_by)}前" in document["text"]
    assert "是否采纳" in documents[3]["text"]
    assert documents[1]["response"]["text"] == "正在办理。"
    assert documents[0]["response"] is None


def test_A40_a_manual_supervision_letter_names_its_correction_deadline_as_a_limit():
    office = Office(start=at(2026, 11, 2, 9, 30))
    watch = _manual(office, date(2026, 11, 9))
    [document] = office.app.letters(watch.id)
    facts = document["text"].split("\n")[3]
    assert OFFICE_NOTE in facts
    assert f"期限为{chinese_date(date(2026, 11, 9))}" in facts


def test_L_a_missed_review_letter_is_addressed_by_name_not_by_an_internal_id():
    office = Office(start=at(2026, 11, 2, 8))
    office.deliver("ownership", "ownership.review_missed", {
        "case_id": "case-1", "petition_id": None, "month": "2026-10", "leader_id": LEADER, "region_code": REGION})
    office.scan(date(2026, 11, 2))
    [document] = office.app.letters(office.watch("monthly_review", "case-1:2026-10").id)
    addressee = document["text"].split("\n")[2]
    assert LEADER not in addressee


def test_L_what_supervision_publishes_of_a_watch(office):
    assignment = office.assign()
    office.scan_days(date(2026, 9, 28), WARNING_ON)
    office.reply(assignment, at(2026, 12, 1, 15))
    watch_id = str(office.watch("handling", assignment).id)
    published = office.published()
    assert [e["type"] for e in published] == ["supervision.opened", "supervision.letter_issued",
                                              "supervision.letter_issued", "supervision.closed"]
    opened, reminder, warning, closed = (e["data"] for e in published)
    assert (opened["kind"], opened["unit_id"], opened["deadline"], opened["manual"]) == (
        "handling", UNIT, LIMIT.isoformat(), False)
    assert warning == {"supervision_id": watch_id, "petition_id": opened["petition_id"], "letter": "warning",
                       "kind": "handling", "unit_id": UNIT, "region_code": REGION,
                       "issued_on": WARNING_ON.isoformat(), "reply_by": WARNING_REPLY.isoformat(),
                       "deadline": LIMIT.isoformat()}
    assert reminder["letter"] == "reminder"
    assert (closed["on_time"], closed["unit_id"]) == (False, UNIT)
