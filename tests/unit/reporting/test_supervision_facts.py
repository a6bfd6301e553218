"""Supervision (督查督办) in the statistics: the facts each of supervision's published events sets, the
supervision figures (letters by kind and unit, overdue watches, listings, response timeliness,
recommendation adoption, year on year) and the overdue list per unit for the dispatch meeting.

The events are supervision's own: its deadline watch runs in memory, fed other services' events and
scanned day by day as its hourly timer would, and is read through its notification feed, so a change
to supervision/published.py (or to when the ladder issues its letters) that reporting depends on
shows here. The SQL runs against a throwaway PostgreSQL database when one is reachable
(127.0.0.1:5432 by default), else is skipped.
"""
import uuid
from datetime import date, datetime, timedelta

import pytest

from reporting import statistics
from reporting.facts import SUPERVISION_EVENTS, FactUpdate, letter_key, updates
from reporting.queries import Statistics
from shared.clock import FixedClock
from shared.contracts.http import (OverdueListSchema, OverdueQuerySchema, SupervisionStatsQuerySchema,
                                   SupervisionStatsSchema)
from shared.envelope import make_envelope
from shared.feed import NotificationFeed
from shared.reference import load_reference
from shared.units import Unit, UnitDirectory
from supervision.application import SupervisionApplication, SupervisionNotFound
from supervision.domain import supervision_id_for
from supervision.ladder import LETTERS
from supervision.published import translate
from support import throwaway_readmodel

REGION = "110115"
TODAY = "2026-10-20"
P_A, P_B, P_C, P_D, P_E, P_F, P_G = (str(uuid.UUID(int=n)) for n in range(1, 8))
A_A, A_B, A_C, A_G = (str(uuid.UUID(int=0xA0 + n)) for n in range(4))
CASE = str(uuid.UUID(int=0xC0))
ZHUJIAN, RENSHE, QINGYUNDIAN, BUREAU, NONGYE = ("daxing-zhujianwei", "daxing-renshe", "daxing-qingyundian",
                                                "daxing-xinfangban", "daxing-nongye")
S_A, S_B, S_C, S_G = (str(supervision_id_for("handling", a)) for a in (A_A, A_B, A_C, A_G))
S_D, S_E, S_F = (str(supervision_id_for("acceptance", p)) for p in (P_D, P_E, P_F))
S_M = str(supervision_id_for("buck_passing", NONGYE))
S_R = str(supervision_id_for("monthly_review", f"{CASE}:2026-07"))


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00+08:00")


class Office:
    """The supervision context as its service runs it: other services' events, the daily scan."""

    def __init__(self, start: str):
        self.clock = FixedClock(at(start))
        self.app = SupervisionApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=self.clock,
                                          units=UnitDirectory([Unit(**u) for u in load_reference().units]))
        self.positions: dict[str, int] = {}
        self.listings: dict[str, uuid.UUID] = {}

    def feed(self, source: str, kind: str, data: dict) -> None:
        n = self.positions[source] = self.positions.get(source, 0) + 1
        self.app.process(source, make_envelope(source, n, n - 1, kind, self.clock.now(), "x", data))

    def registered(self, petition: str, region: str, deadline: str) -> None:
        self.feed("intake", "petition.registered", {"petition_id": petition, "region_code": region,
                                                    "acceptance_deadline": deadline})

    def assigned(self, assignment: str, petition: str, unit: str, deadline: str) -> None:
        self.feed("dispatch", "assignment.created", {"assignment_id": assignment, "petition_id": petition,
                                                     "unit_id": unit, "region_code": REGION + "103",
                                                     "handling_deadline": deadline})

    def replied(self, assignment: str) -> None:
        self.feed("dispatch", "assignment.replied", {"assignment_id": assignment,
                                                     "replied_at": self.clock.now().isoformat()})

    def listed(self, name: str, target: str, target_id: str, unit: str, region: str, deadline: str) -> None:
        self.listings[name] = self.app.list_target(target, target_id, unit, region, "督办事由",
                                                   date.fromisoformat(deadline)).id

    def lifted(self, name: str) -> None:
        self.app.lift(self.listings[name], "已整改到位")

    def letter(self, supervision_id: str, letter: str) -> dict | None:
        try:
            return self.app.get_supervision(uuid.UUID(supervision_id)).letters.get(letter)
        except SupervisionNotFound:  # not opened yet
            return None

    def answer(self, supervision_id: str, letter: str, when: str, adopted: bool | None = None) -> None:
        """Answers the letter once issued: `when` is "issued" (that day, on time) or "late" (the day
        after its reply date)."""
        issued = self.letter(supervision_id, letter)
        if issued is None or issued["response"] is not None:
            return
        today = self.clock.now().date()
        if (when == "issued" and today >= issued["issued_on"]) or (when == "late" and today > issued["reply_by"]):
            self.app.respond(uuid.UUID(supervision_id), letter, issued["unit_id"], "已书面报告办理情况", adopted)

    def run(self, first: str, last: str, actions: dict, answers: list) -> None:
        day = date.fromisoformat(first)
        while day <= date.fromisoformat(last):
            self.clock.at = at(day.isoformat())
            for action in actions.get(day.isoformat(), ()):
                action()
            self.app.scan(day)
            for answer in answers:
                self.answer(*answer)
            day += timedelta(days=1)


@pytest.fixture(scope="module")
def office() -> Office:
    """A year earlier: P_F's acceptance (110115103) overdue, all four letters unanswered, decided
    late; listing L_3 lifted late.
    The period (July to September 2026) in 110115:
    D (acceptance of P_D, the bureau): never decided; warning and recommendation (not adopted)
      answered on time, the supervision letter never;
    A (handling, 住建委): extended, never replied; warning answered late, supervision letter and
      recommendation (adopted) on time; listed as a matter (L_2), still listed;
    B (handling, 住建委, re-routed to 人社局 after its warning): replied late; the warning unanswered;
    C (handling, 青云店镇): replied on time, no letter;
    G (handling, 住建委): replied late after its warning, answered on time;
    M (manual, 推诿 by 农业农村局): its supervision letter answered on time, closed on time (within the
      letter's reply date: no escalation);
    R (ownership's July review of a case, leader-liu): flagged in August, no letter answered;
    L_1 (住建委 listed) lifted on time; L_4 listed in June, lifted late in July.
    Elsewhere (150623): E (acceptance) never decided, L_5 listed."""
    office = Office("2025-07-01")
    app = office.app
    previous_year = {
        "2025-07-01": [lambda: office.registered(P_F, REGION + "103", "2025-07-10")],
        "2025-07-15": [lambda: office.listed("L_3", "unit", RENSHE, RENSHE, REGION, "2025-08-15")],
        "2025-08-01": [lambda: office.feed("intake", "petition.acceptance_decided", {
            "petition_id": P_F, "decided_at": at("2025-08-01").isoformat()})],
        "2025-09-01": [lambda: office.lifted("L_3")]}
    office.run("2025-07-01", "2025-09-30", previous_year, [])

    office.clock.at = at("2026-06-01")
    office.listed("L_4", "unit", QINGYUNDIAN, QINGYUNDIAN, REGION + "103", "2026-06-30")
    period = {
        "2026-07-01": [lambda: office.registered(P_D, REGION + "106", "2026-07-10"),
                       lambda: office.registered(P_E, "150623", "2026-07-10"),
                       lambda: office.assigned(A_A, P_A, ZHUJIAN, "2026-07-20"),
                       lambda: office.assigned(A_B, P_B, ZHUJIAN, "2026-07-15"),
                       lambda: office.assigned(A_C, P_C, QINGYUNDIAN, "2026-08-31")],
        "2026-07-06": [lambda: app.open_manual("buck_passing", NONGYE, NONGYE, REGION, date(2026, 7, 24), "推诿扯皮")],
        "2026-07-08": [lambda: office.feed("dispatch", "assignment.extended", {"assignment_id": A_A,
                                                                               "handling_deadline": "2026-07-31"})],
        "2026-07-10": [lambda: app.close_manual(uuid.UUID(S_M), "已整改到位"),  # before its letter's reply date
                       lambda: office.listed("L_1", "unit", ZHUJIAN, ZHUJIAN, REGION, "2026-08-10"),
                       lambda: office.listed("L_5", "unit", "etkqq-zhujian", "etkqq-zhujian", "150623", "2026-08-10")],
        "2026-07-15": [lambda: office.lifted("L_4")],
        "2026-07-17": [lambda: office.feed("dispatch", "assignment.rerouted", {"assignment_id": A_B,
                                                                               "to_unit": RENSHE})],
        "2026-07-20": [lambda: office.replied(A_B),
                       lambda: office.listed("L_2", "matter", P_A, ZHUJIAN, REGION + "103", "2026-08-20")],
        "2026-08-05": [lambda: office.lifted("L_1")],
        "2026-08-10": [lambda: office.replied(A_C)],
        "2026-08-15": [lambda: office.feed("ownership", "ownership.review_missed", {
            "case_id": CASE, "month": "2026-07", "region_code": REGION + "106", "leader_id": "leader-liu",
            "petition_id": P_D})],
        "2026-08-20": [lambda: office.assigned(A_G, P_G, ZHUJIAN, "2026-09-10")],
        "2026-09-16": [lambda: office.replied(A_G)]}
    answers = [(S_D, "warning", "issued"), (S_D, "recommendation", "issued", False), (S_A, "warning", "late"),
               (S_A, "supervision", "issued"), (S_A, "recommendation", "issued", True), (S_G, "warning", "issued"),
               (S_M, "supervision", "issued")]
    office.run("2026-07-01", "2026-09-30", period, answers)
    office.clock.at = at(TODAY)
    return office


@pytest.fixture(scope="module")
def published(office) -> list[dict]:
    return NotificationFeed("supervision", office.app, translate).read(0, 1000)[0]


def of(published, kind, key, value) -> list[dict]:
    return [e for e in published if e["type"] == kind and e["data"][key] == value]


def issued(published, supervision_id, letter) -> dict:
    [envelope] = [e for e in of(published, "supervision.letter_issued", "supervision_id", supervision_id)
                  if e["data"]["letter"] == letter]
    return envelope["data"]


# -- the facts each event sets ----------------------------------------------------------------------
def test_a_watch_opened_is_a_row_with_its_kind_unit_deadline_and_petition(published):
    [envelope] = of(published, "supervision.opened", "supervision_id", S_A)
    assert updates(envelope) == [FactUpdate("supervisions", S_A, {
        "kind": "handling", "subject_id": A_A, "unit_id": ZHUJIAN, "region_code": "110115103",
        "deadline": "2026-07-20", "manual": False, "opened_on": "2026-07-01", "petition_id": P_A})]
    [acceptance] = updates(of(published, "supervision.opened", "supervision_id", S_D)[0])
    assert acceptance.values["unit_id"] == BUREAU and acceptance.values["kind"] == "acceptance"


def test_a_manual_supervision_has_no_petition_and_is_marked_manual(published):
    [envelope] = of(published, "supervision.opened", "supervision_id", S_M)
    [row] = updates(envelope)
    assert row == FactUpdate("supervisions", S_M, {
        "kind": "buck_passing", "subject_id": NONGYE, "unit_id": NONGYE, "region_code": REGION,
        "deadline": "2026-07-24", "manual": True, "opened_on": "2026-07-06"})


def test_a_monthly_review_watch_is_answered_for_by_the_regions_bureau(published):
    # ownership names a leader, not a unit: the region's petition bureau answers for the case
    [row] = updates(of(published, "supervision.opened", "supervision_id", S_R)[0])
    assert row.values["unit_id"] == BUREAU and row.values["opened_on"] == "2026-08-15"
    assert row.values["deadline"] == "2026-07-31" and row.values["subject_id"] == f"{CASE}:2026-07"


def test_an_extension_and_a_re_routing_move_the_latest_deadline_and_unit(published):
    [extended] = of(published, "supervision.limit_moved", "supervision_id", S_A)
    assert updates(extended) == [FactUpdate("supervisions", S_A, {"deadline": "2026-07-31", "unit_id": ZHUJIAN})]
    [rerouted] = of(published, "supervision.limit_moved", "supervision_id", S_B)
    assert updates(rerouted) == [FactUpdate("supervisions", S_B, {"deadline": "2026-07-15", "unit_id": RENSHE})]


def test_a_closed_watch_sets_the_day_and_whether_its_deadline_was_met(published):
    [late] = of(published, "supervision.closed", "supervision_id", S_B)
    assert updates(late) == [FactUpdate("supervisions", S_B, {
        "closed_on": "2026-07-20", "closed_on_time": False, "unit_id": RENSHE, "region_code": "110115103"})]
    [on_time] = updates(of(published, "supervision.closed", "supervision_id", S_C)[0])
    assert on_time.values["closed_on_time"] is True and on_time.values["closed_on"] == "2026-08-10"


def test_each_letter_is_a_row_of_its_own_with_the_unit_it_went_to(published):
    warning = issued(published, S_B, "warning")
    [envelope] = [e for e in published if e["type"] == "supervision.letter_issued" and e["data"] == warning]
    assert updates(envelope) == [FactUpdate("letters", letter_key(S_B, "warning"), {
        "supervision_id": S_B, "letter": "warning", "unit_id": ZHUJIAN, "region_code": "110115103",
        "issued_on": warning["issued_on"], "reply_by": warning["reply_by"]})]  # before the re-routing
    assert letter_key(S_B, "warning") != letter_key(S_B, "reminder") != letter_key(S_A, "reminder")


def test_an_answer_sets_its_day_whether_it_was_on_time_and_the_adoption(published):
    answers = {(e["data"]["supervision_id"], e["data"]["letter"]): e
               for e in published if e["type"] == "supervision.letter_answered"}
    late = updates(answers[(S_A, "warning")])
    reply_by = date.fromisoformat(issued(published, S_A, "warning")["reply_by"])
    assert late == [FactUpdate("letters", letter_key(S_A, "warning"), {
        "supervision_id": S_A, "letter": "warning", "unit_id": ZHUJIAN, "region_code": "110115103",
        "answered_on": (reply_by + timedelta(days=1)).isoformat(), "answered_on_time": False, "adopted": None})]
    [adopted] = updates(answers[(S_A, "recommendation")])
    assert adopted.values["adopted"] is True and adopted.values["answered_on_time"] is True
    [refused] = updates(answers[(S_D, "recommendation")])
    assert refused.values["adopted"] is False and refused.values["unit_id"] == BUREAU


def test_a_listing_and_its_lifting(published):
    [listed] = of(published, "supervision.listed", "target_id", P_A)
    listing = listed["data"]["listing_id"]
    assert updates(listed) == [FactUpdate("listings", listing, {
        "target": "matter", "target_id": P_A, "unit_id": ZHUJIAN, "region_code": "110115103",
        "correction_deadline": "2026-08-20", "listed_on": "2026-07-20"})]
    [lifted] = [e for e in published if e["type"] == "supervision.lifted" and e["data"]["lifted_at"].startswith("2026-07")]
    assert updates(lifted) == [FactUpdate("listings", lifted["data"]["listing_id"], {
        "lifted_on": "2026-07-15", "lifted_on_time": False, "unit_id": QINGYUNDIAN, "region_code": "110115103"})]


def test_every_published_event_sets_facts_and_the_ladder_is_the_same(published):
    assert {e["type"] for e in published} == set(SUPERVISION_EVENTS)  # the due lists stay inside
    assert all(updates(e) for e in published)
    assert statistics.LETTERS == LETTERS  # reporting's order of the letters is supervision's


# -- the figures ----------------------------------------------------------------------------------
COUNTS = {"overdue_as_of": date(2026, 9, 30),
          "by_letter": {"reminder": 4, "warning": 5, "supervision": 4, "recommendation": 3},
          "answered": 7, "answered_on_time": 6, "unanswered_overdue": 5,
          "recommendations_answered": 2, "recommendations_adopted": 1,
          "overdue_open": 3, "closed_late": 2, "listed": 2, "lifted": 2, "lifted_on_time": 1, "still_listed": 1,
          "by_unit": {"u-b": {"warning": 1}, "u-a": {"reminder": 3, "warning": 3, "supervision": 1, "recommendation": 1},
                      "u-c": {"supervision": 1}}}
NONE = {"overdue_as_of": date(2025, 9, 30), "by_letter": {}, "answered": 0, "answered_on_time": 0,
        "unanswered_overdue": 0, "recommendations_answered": 0, "recommendations_adopted": 0, "overdue_open": 0,
        "closed_late": 0, "listed": 0, "lifted": 0, "lifted_on_time": 0, "still_listed": 0}


def test_letters_overdue_timeliness_and_adoption():
    r = statistics.supervision_rates(COUNTS)
    assert r["overdue_as_of"] == "2026-09-30" and r["issued"] == 16
    assert r["by_letter"] == {"reminder": 4, "warning": 5, "supervision": 4, "recommendation": 3}
    assert (r["overdue"], r["overdue_open"], r["closed_late"]) == (5, 3, 2)
    assert (r["listed"], r["lifted"], r["lifted_on_time"], r["still_listed"]) == (2, 2, 1, 1)
    # answered on time ÷ (answered + unanswered past the reply date): 6 of 12
    assert (r["answered"], r["answered_on_time"], r["answered_late"], r["unanswered_overdue"]) == (7, 6, 1, 5)
    assert r["response_timeliness_rate"] == 0.5
    assert (r["recommendations_answered"], r["recommendations_adopted"], r["adoption_rate"]) == (2, 1, 0.5)
    assert r["by_unit"] == [  # every letter in each row, most letters first
        {"unit_id": "u-a", "reminder": 3, "warning": 3, "supervision": 1, "recommendation": 1, "issued": 8},
        {"unit_id": "u-b", "reminder": 0, "warning": 1, "supervision": 0, "recommendation": 0, "issued": 1},
        {"unit_id": "u-c", "reminder": 0, "warning": 0, "supervision": 1, "recommendation": 0, "issued": 1}]


def test_nothing_answered_or_due_is_no_figure_not_zero():
    r = statistics.supervision_rates(NONE)
    assert r["response_timeliness_rate"] is None and r["adoption_rate"] is None
    assert r["issued"] == 0 and r["by_letter"] == dict.fromkeys(LETTERS, 0) and "by_unit" not in r
    never = statistics.supervision_rates({**NONE, "unanswered_overdue": 2})
    assert never["response_timeliness_rate"] == 0  # unanswered past the reply date count as late
    ignored = statistics.supervision_rates({**NONE, "recommendations_answered": 1})
    assert ignored["adoption_rate"] == 0


def test_overdue_is_judged_at_the_periods_end_or_today_whichever_is_earlier():
    assert statistics.overdue_as_of(date(2026, 9, 30), date(2026, 10, 20)) == date(2026, 9, 30)
    assert statistics.overdue_as_of(date(2026, 12, 31), date(2026, 10, 20)) == date(2026, 10, 20)
    assert statistics.ANSWERED_LETTERS == ("warning", "supervision", "recommendation")  # a reminder asks no answer


def test_the_same_figures_a_year_earlier_and_the_change_of_each_count():
    s = statistics.supervision_summary(COUNTS, {**NONE, "by_letter": {"reminder": 2, "warning": 1},
                                                "closed_late": 1, "listed": 1, "answered": 2, "answered_on_time": 2})
    last = s["previous_year"]
    assert last["issued"] == 3 and last["by_letter"] == {"reminder": 2, "warning": 1, "supervision": 0,
                                                         "recommendation": 0}
    assert last["response_timeliness_rate"] == 1.0 and last["overdue_as_of"] == "2025-09-30"
    y = s["yoy"]
    assert (y["issued"], y["overdue"], y["closed_late"], y["listed"]) == (pytest.approx(13 / 3), 4.0, 1.0, 1.0)
    assert (y["answered"], y["answered_on_time"], y["answered_late"], y["unanswered_overdue"]) == (2.5, 2.0, None,
                                                                                                   None)
    assert y["by_letter"] == {"reminder": 1.0, "warning": 4.0, "supervision": None, "recommendation": None}
    assert "response_timeliness_rate" not in y and "by_unit" not in y and "by_unit" not in last


def test_the_overdue_list_groups_by_unit_most_items_first():
    rows = [{"unit_id": "u-b", "supervision_id": "s1", "kind": "handling", "subject_id": "a1", "petition_id": "p1",
             "region_code": "110115", "deadline": "2026-09-01", "days_overdue": 14, "highest_letter": "warning",
             "manual": False},
            {"unit_id": "u-a", "supervision_id": "s2", "kind": "acceptance", "subject_id": "p2", "petition_id": "p2",
             "region_code": "110115", "deadline": "2026-07-10", "days_overdue": 67,
             "highest_letter": "recommendation", "manual": False},
            {"unit_id": "u-b", "supervision_id": "s3", "kind": "delay", "subject_id": "x", "petition_id": None,
             "region_code": "110115", "deadline": "2026-08-01", "days_overdue": 45, "highest_letter": None,
             "manual": True}]
    listed = statistics.overdue_by_unit(rows)
    assert listed["overdue"] == 3
    assert [(u["unit_id"], u["overdue"]) for u in listed["units"]] == [("u-b", 2), ("u-a", 1)]
    assert [i["supervision_id"] for i in listed["units"][0]["items"]] == ["s3", "s1"]  # longest overdue first
    assert "unit_id" not in listed["units"][0]["items"][0]
    assert statistics.overdue_by_unit([]) == {"overdue": 0, "units": []}


def test_the_queries_ask_for_the_period_a_year_earlier_and_the_overdue_list_as_of_today():
    class ReadModel:
        calls = []

        def supervision_counts(self, start, end, region, as_of, overdue_as_of, breakdowns=True):
            self.calls.append((start, end, region, as_of, overdue_as_of, breakdowns))
            return {**(COUNTS if breakdowns else NONE), "overdue_as_of": None}

        def overdue_supervisions(self, as_of, region, unit):
            self.calls.append((as_of, region, unit))
            return []

    readmodel = ReadModel()
    stats = Statistics(readmodel, clock=FixedClock(at("2026-10-20")))
    result = stats.supervision(date(2026, 7, 1), date(2026, 12, 31), "1101")
    assert readmodel.calls == [
        (date(2026, 7, 1), date(2026, 12, 31), "1101", date(2026, 10, 20), date(2026, 10, 20), True),
        (date(2025, 7, 1), date(2025, 12, 31), "1101", date(2026, 10, 20), date(2025, 12, 31), False)]
    assert (result["from"], result["to"], result["as_of"], result["overdue_as_of"]) == (
        "2026-07-01", "2026-12-31", "2026-10-20", "2026-10-20")
    dumped = SupervisionStatsSchema().dump(result)
    assert dumped["from"] == "2026-07-01" and dumped["by_letter"]["warning"] == 5 and dumped["issued"] == 16
    assert dumped["by_unit"][0] == {"unit_id": "u-a", "reminder": 3, "warning": 3, "supervision": 1,
                                    "recommendation": 1, "issued": 8}
    assert dumped["previous_year"]["overdue_as_of"] == "2025-12-31" and "by_unit" not in dumped["previous_year"]
    assert dumped["yoy"]["issued"] is None and dumped["yoy"]["by_letter"]["reminder"] is None
    assert SupervisionStatsQuerySchema().load({"from": "2026-07-01", "to": "2026-09-30"})["region"] == ""

    readmodel.calls.clear()
    assert stats.overdue() == {"as_of": "2026-10-20", "region": "", "unit": None, "overdue": 0, "units": []}
    stats.overdue(date(2026, 9, 15), "daxing-zhujianwei", "110115")
    assert readmodel.calls == [(date(2026, 10, 20), "", None), (date(2026, 9, 15), "110115", "daxing-zhujianwei")]
    assert OverdueQuerySchema().load({}) == {"as_of": None, "unit": None, "region": ""}
    assert OverdueQuerySchema().load({"as_of": "2026-09-15", "unit": "leader-liu"})["as_of"] == date(2026, 9, 15)
    assert set(OverdueQuerySchema().validate({"unit": "", "region": "11a"})) == {"unit", "region"}


# -- the SQL, against a throwaway database ---------------------------------------------------------
@pytest.fixture(scope="module")
def readmodel():
    # A read model made before the letters' answers were counted gains the columns when the service starts.
    older = ("CREATE TABLE reporting.stats_letters (letter_id uuid PRIMARY KEY, "
             "supervision_id uuid, letter text, issued_on date)")
    with throwaway_readmodel(older) as model:
        yield model


@pytest.fixture(scope="module")
def projected(readmodel, published):
    for envelope in published:
        assert readmodel.process("supervision", envelope)
    assert readmodel.tracked_position("supervision") == published[-1]["position"]
    return Statistics(readmodel, clock=FixedClock(at(TODAY)))


def test_the_sql_counts_letters_overdue_watches_listings_and_answers(projected, published):
    s = projected.supervision(date(2026, 7, 1), date(2026, 9, 30), REGION)
    assert (s["as_of"], s["overdue_as_of"]) == (TODAY, "2026-09-30")
    # D, A, B, G a reminder; D, A, B, G, R a warning; D, A, M, R a supervision letter; D, A, R a recommendation
    assert s["by_letter"] == {"reminder": 4, "warning": 5, "supervision": 4, "recommendation": 3}
    assert s["issued"] == 16
    assert s["by_unit"] == [  # each letter under the unit it went to: B's before its re-routing
        {"unit_id": ZHUJIAN, "reminder": 3, "warning": 3, "supervision": 1, "recommendation": 1, "issued": 8},
        {"unit_id": BUREAU, "reminder": 1, "warning": 2, "supervision": 2, "recommendation": 2, "issued": 7},
        {"unit_id": NONGYE, "reminder": 0, "warning": 0, "supervision": 1, "recommendation": 0, "issued": 1}]
    # open past the deadline on 30 September: D, A, R; closed late in the period: B, G
    assert (s["overdue"], s["overdue_open"], s["closed_late"]) == (5, 3, 2)
    # listed: L_1, L_2; lifted: L_1 on time, L_4 (listed in June) late; still listed: L_2
    assert (s["listed"], s["lifted"], s["lifted_on_time"], s["still_listed"]) == (2, 2, 1, 1)
    # answered: D's warning and recommendation, A's three, G's warning, M's letter — A's warning late;
    # unanswered past the reply date: D's supervision letter, B's warning, R's three
    assert (s["answered"], s["answered_on_time"], s["answered_late"], s["unanswered_overdue"]) == (7, 6, 1, 5)
    assert s["response_timeliness_rate"] == 0.5
    assert (s["recommendations_answered"], s["recommendations_adopted"], s["adoption_rate"]) == (2, 1, 0.5)

    last = s["previous_year"]  # P_F: four letters, none answered, closed late; L_3 lifted late
    assert last["by_letter"] == {"reminder": 1, "warning": 1, "supervision": 1, "recommendation": 1}
    assert (last["overdue_as_of"], last["overdue_open"], last["closed_late"]) == ("2025-09-30", 0, 1)
    assert (last["listed"], last["lifted"], last["lifted_on_time"], last["still_listed"]) == (1, 1, 0, 0)
    assert (last["answered"], last["unanswered_overdue"], last["response_timeliness_rate"]) == (0, 3, 0.0)
    assert last["adoption_rate"] is None and "by_unit" not in last
    assert (s["yoy"]["issued"], s["yoy"]["overdue"], s["yoy"]["listed"]) == (3.0, 4.0, 1.0)
    assert s["yoy"]["by_letter"] == {"reminder": 3.0, "warning": 4.0, "supervision": 3.0, "recommendation": 2.0}

    # Not over yet: overdue as of today. A township's prefix; the whole country takes in 150623.
    ongoing = projected.supervision(date(2026, 7, 1), date(2026, 12, 31), REGION)
    assert (ongoing["overdue_as_of"], ongoing["overdue_open"], ongoing["closed_late"]) == (TODAY, 3, 2)
    township = projected.supervision(date(2026, 7, 1), date(2026, 9, 30), REGION + "106")
    assert township["issued"] == 7 and township["overdue_open"] == 2 and township["listed"] == 0  # D and R
    everywhere = projected.supervision(date(2026, 7, 1), date(2026, 9, 30), "")
    assert everywhere["issued"] == 20 and everywhere["overdue_open"] == 4 and everywhere["still_listed"] == 2
    # Early in the period: A was not yet overdue, B not yet closed; R not yet opened.
    july = projected.supervision(date(2026, 7, 1), date(2026, 7, 16), REGION)
    assert (july["overdue_open"], july["closed_late"]) == (2, 0)  # D and B (deadline 15 July)


def test_the_overdue_list_per_unit_for_the_dispatch_meeting(projected, published):
    meeting = projected.overdue(date(2026, 9, 15), region=REGION)
    assert meeting["as_of"] == "2026-09-15" and meeting["overdue"] == 4
    assert [(u["unit_id"], u["overdue"]) for u in meeting["units"]] == [
        (BUREAU, 2), (ZHUJIAN, 2)]  # most first, then by unit
    d, r = meeting["units"][0]["items"]
    a, g = meeting["units"][1]["items"]
    assert a == {"supervision_id": S_A, "kind": "handling", "subject_id": A_A, "petition_id": P_A,
                 "region_code": "110115103", "deadline": "2026-07-31", "days_overdue": 46,
                 "highest_letter": "recommendation", "manual": False}
    assert (g["supervision_id"], g["days_overdue"], g["highest_letter"]) == (S_G, 5, "warning")  # closed the 16th
    assert (d["kind"], d["petition_id"], d["days_overdue"]) == ("acceptance", P_D, 67)
    assert (r["kind"], r["subject_id"], r["petition_id"]) == ("monthly_review", f"{CASE}:2026-07", P_D)
    assert OverdueListSchema().dump(meeting)["units"][1]["items"][0]["days_overdue"] == 46

    today = projected.overdue(region=REGION)  # G closed since
    assert today["as_of"] == TODAY and [(u["unit_id"], u["overdue"]) for u in today["units"]] == [
        (BUREAU, 2), (ZHUJIAN, 1)]
    everywhere = projected.overdue()  # and E, in 150623
    assert everywhere["overdue"] == 4 and everywhere["units"][2]["unit_id"] == "etkqq-xinfangju"
    only = projected.overdue(date(2026, 9, 15), ZHUJIAN, REGION)
    assert only["unit"] == ZHUJIAN and [u["unit_id"] for u in only["units"]] == [ZHUJIAN]
    # On 10 August R was not yet opened and B closed; the highest letter is the one issued by then.
    august = projected.overdue(date(2026, 8, 10), region=REGION)
    assert {i["supervision_id"] for u in august["units"] for i in u["items"]} == {S_D, S_A}
    warning_on = date.fromisoformat(issued(published, S_A, "warning")["issued_on"])
    before_supervision = projected.overdue(warning_on, region=REGION)
    [a_then] = [i for u in before_supervision["units"] for i in u["items"] if i["supervision_id"] == S_A]
    assert a_then["highest_letter"] == "warning"
    assert projected.overdue(date(2026, 7, 10), region=REGION)["overdue"] == 0  # a deadline day is not overdue
