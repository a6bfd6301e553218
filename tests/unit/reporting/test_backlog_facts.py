"""Backlog cases (信访积案) in the statistics: the facts each of ownership's published events sets, the
backlog figures (backlog and leader-owned resolution rates against the 85% target, per leader, per
region, year on year), and a petition whose backlog case was resolved or terminated counted once in
the resolution rate.

The events are ownership's own: cases run in memory and read through its notification feed, so a
change to ownership/published.py that reporting depends on shows here. The SQL runs against a
throwaway PostgreSQL database when one is reachable (127.0.0.1:5432 by default), else is skipped.
"""
import uuid
from datetime import date, datetime

import pytest

from ownership.application import OwnershipApplication
from ownership.domain import CHECKS, MEETINGS, case_id_for
from ownership.published import translate
from reporting import statistics
from reporting.facts import FactUpdate, missed_review_key, updates
from reporting.queries import Statistics
from shared.clock import FixedClock
from shared.contracts.http import BacklogStatsQuerySchema, BacklogStatsSchema
from shared.envelope import make_envelope
from shared.feed import NotificationFeed
from support import throwaway_readmodel

REGION = "110115"
P_A, R_1, R_2, R_3, P_B, P_C, P_D, P_E, P_F = (str(uuid.UUID(int=n)) for n in range(1, 10))
C_A, C_B, C_C, C_D, C_E, C_F = (str(case_id_for(uuid.UUID(p))) for p in (P_A, P_B, P_C, P_D, P_E, P_F))
LIU = {"id": "leader-liu", "name": "刘某某", "post": "区委副书记", "level": "county"}
WANG = {"id": "leader-wang", "name": "王某某", "post": "副区长", "level": "county"}
ZHANG = {"id": "leader-zhang", "name": "张某某", "post": "镇党委书记", "level": "township"}
PLAN = {"steps": ["复核", "补偿", "回访"], "target_date": "2026-09-30"}


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00+08:00")


def registrations() -> list[dict]:
    """What intake publishes of the petitions: P_A and its three repeats (the third makes P_A's
    matter a backlog case by policy), P_B, P_C, P_F in May 2026, P_D a year earlier, P_E elsewhere."""
    petitions = [(P_A, "2026-05-04", REGION + "001", None), (R_1, "2026-05-11", REGION + "001", P_A),
                 (R_2, "2026-05-18", REGION + "001", P_A), (R_3, "2026-05-25", REGION + "001", P_A),
                 (P_B, "2026-05-06", REGION + "002", None), (P_C, "2026-05-07", REGION + "001", None),
                 (P_F, "2026-05-08", REGION + "001", None), (P_D, "2025-05-06", REGION + "001", None),
                 (P_E, "2026-05-09", "150623", None)]
    return [make_envelope("intake", n, n - 1, "petition.registered", at(day), p, {
        "petition_id": p, "channel": "visit", "region_code": region, "category": "housing_expropriation",
        "matter_type": "request", "received_at": at(day).isoformat(), "acceptance_deadline": "2026-06-30",
        "petitioner_ref": f"ref-{p[-1]}", "repeat_of": repeat_of}) for n, (p, day, region, repeat_of)
        in enumerate(petitions, start=1)]


def closed_as_resolved(app, case_id, day):
    for kind in MEETINGS:
        app.record_meeting(case_id, kind, date.fromisoformat(day), "已见面")
    for kind in CHECKS:
        app.confirm_check(case_id, kind, "有据可查")
    app.resolve(case_id, "案结事了", at(day))


@pytest.fixture(scope="module")
def published() -> list[dict]:
    """What ownership publishes for six cases:
    A (P_A, by repeats): owned by Liu, reassigned to Wang, reviewed, resolved;
    B (P_B, by hand): owned by Liu, terminated; C (P_C): never owned, two months unreviewed, terminated;
    F (P_F): owned by Zhang, two months unreviewed, open; D: a year earlier, resolved; E: another region."""
    app = OwnershipApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=FixedClock(at("2026-10-01")))
    for envelope in registrations():
        app.process("intake", envelope)
    a, b, c, d, e, f = (uuid.UUID(case) for case in (C_A, C_B, C_C, C_D, C_E, C_F))
    assert app.get_case(a).trigger == "repeats"
    app.designate(uuid.UUID(P_B), "久拖未决", designated_at=at("2026-05-10"))
    app.designate(uuid.UUID(P_C), "群众反映强烈", designated_at=at("2026-05-12"))
    app.designate(uuid.UUID(P_F), "涉及面广", designated_at=at("2026-05-20"))
    app.designate(uuid.UUID(P_D), "历史遗留", designated_at=at("2025-05-20"))
    app.designate(uuid.UUID(P_E), "跨区事项", designated_at=at("2026-05-15"))

    app.assign_leader(a, LIU, ["区信访局"], PLAN, at("2026-06-01"))
    app.assign_leader(a, WANG, ["区信访局", "区住建局"], PLAN, at("2026-06-15"))
    app.review_month(a, "2026-06", "补偿款已拨付")
    closed_as_resolved(app, a, "2026-07-10")
    app.assign_leader(b, LIU, ["区信访局"], PLAN, at("2026-06-02"))
    app.terminate(b, "信访人诉求无政策依据", at("2026-08-01"))
    app.assign_leader(f, ZHANG, ["镇综治中心"], PLAN, at("2026-06-03"))
    app.assign_leader(d, LIU, ["区信访局"], {**PLAN, "target_date": "2025-09-30"}, at("2025-06-01"))
    closed_as_resolved(app, d, "2025-09-01")
    app.flag_missed_reviews(date(2026, 8, 15))  # C, F and E: June and July
    app.terminate(c, "信访人已去世", at("2026-09-01"))
    return NotificationFeed("ownership", app, translate).read(0, 1000)[0]


def of(published, kind, case_id) -> list[dict]:
    return [e for e in published if e["type"] == kind and e["data"]["case_id"] == case_id]


# -- the facts each event sets ----------------------------------------------------------------------
def test_a_designated_case_is_a_row_with_its_trigger_region_and_petition(published):
    [envelope] = of(published, "ownership.designated", C_A)
    assert updates(envelope) == [FactUpdate("backlog_cases", C_A, {
        "designated_on": "2026-05-25", "category": "housing_expropriation", "trigger": "repeats",
        "region_code": "110115001", "petition_id": P_A})]  # the matter's first petition, not the repeat
    [by_hand] = updates(of(published, "ownership.designated", C_B)[0])
    assert by_hand.values["trigger"] == "manual" and by_hand.values["region_code"] == "110115002"


def test_the_latest_leader_assigned_is_the_cases_owner(published):
    first, second = (updates(e) for e in of(published, "ownership.leader_assigned", C_A))
    assert first == [FactUpdate("backlog_cases", C_A, {
        "leader_id": "leader-liu", "leader_name": "刘某某", "leader_level": "county",
        "region_code": "110115001", "petition_id": P_A})]
    # applied in order (one source's events are), the reassignment replaces the leader columns
    assert second[0].values["leader_id"] == "leader-wang" and second[0].values["leader_name"] == "王某某"
    assert "post" not in second[0].values  # the post travels, but is not counted


def test_a_resolved_case_sets_its_date_and_its_petitions_outcome(published):
    [envelope] = of(published, "ownership.resolved", C_A)
    assert updates(envelope) == [
        FactUpdate("backlog_cases", C_A, {"resolved_on": "2026-07-10", "leader_id": "leader-wang",
                                          "region_code": "110115001", "petition_id": P_A}),
        FactUpdate("petitions", P_A, {"backlog_outcome": "resolved"})]


def test_a_terminated_case_never_owned_leaves_the_leader_alone(published):
    [envelope] = of(published, "ownership.terminated", C_C)
    assert envelope["data"]["leader_id"] is None
    case, petition = updates(envelope)
    assert case == FactUpdate("backlog_cases", C_C, {"terminated_on": "2026-09-01", "region_code": "110115001",
                                                     "petition_id": P_C})
    assert petition == FactUpdate("petitions", P_C, {"backlog_outcome": "terminated"})
    case, _ = updates(of(published, "ownership.terminated", C_B)[0])
    assert case.values["leader_id"] == "leader-liu"


def test_each_month_without_review_is_a_row_of_its_own(published):
    june, july = (updates(e) for e in of(published, "ownership.review_missed", C_F))
    assert june == [FactUpdate("backlog_missed_reviews", missed_review_key(C_F, "2026-06"),
                               {"case_id": C_F, "month": "2026-06", "leader_id": "leader-zhang"})]
    assert july[0].key == missed_review_key(C_F, "2026-07") != missed_review_key(C_C, "2026-07")
    assert [u[0].values["leader_id"] for u in map(updates, of(published, "ownership.review_missed", C_C))] == [None,
                                                                                                              None]


def test_meetings_checks_and_reviews_are_not_counted(published):
    for kind in ("ownership.meeting_recorded", "ownership.check_confirmed", "ownership.month_reviewed"):
        envelopes = of(published, kind, C_A)
        assert envelopes and all(updates(e) == [] for e in envelopes), kind
    assert {e["type"] for e in published} == {
        "ownership.designated", "ownership.leader_assigned", "ownership.meeting_recorded",
        "ownership.check_confirmed", "ownership.month_reviewed", "ownership.review_missed",
        "ownership.resolved", "ownership.terminated"}  # the watches and the register stay inside


# -- the figures ----------------------------------------------------------------------------------
COUNTS = {"designated": 20, "owned": 18, "resolved": 15, "terminated": 2, "reviews_missed": 3,
          "by_trigger": {"repeats": 8, "unresolved": 10, "manual": 2},
          "by_leader": [{"leader_id": "l1", "leader_name": "甲", "level": "county", "designated": 10, "owned": 10,
                         "resolved": 9, "terminated": 0},
                        {"leader_id": "l2", "leader_name": "乙", "level": "township", "designated": 8, "owned": 8,
                         "resolved": 6, "terminated": 2}],
          "by_region": [{"region": "110115001", "designated": 12, "owned": 12, "resolved": 11, "terminated": 0},
                        {"region": "110115002", "designated": 8, "owned": 6, "resolved": 4, "terminated": 2}]}
NONE = {"designated": 0, "owned": 0, "resolved": 0, "terminated": 0, "reviews_missed": 0, "by_trigger": {}}


def test_backlog_and_leader_owned_resolution_rates_against_the_target():
    r = statistics.backlog_rates(COUNTS)
    assert (r["designated"], r["owned"], r["resolved"], r["terminated"], r["open"]) == (20, 18, 15, 2, 3)
    assert r["backlog_resolution_rate"] == pytest.approx(15 / 20)
    assert r["leader_owned_resolution_rate"] == pytest.approx(15 / 18)
    assert r["target"] == 0.85 and r["meets_target"] is False  # 83.3%
    assert r["by_trigger"] == {"manual": 2, "repeats": 8, "unresolved": 10} and r["reviews_missed"] == 3
    assert r["by_leader"] == [
        {"leader_id": "l1", "leader_name": "甲", "level": "county", "owned": 10, "resolved": 9, "terminated": 0,
         "resolution_rate": 0.9, "meets_target": True},
        {"leader_id": "l2", "leader_name": "乙", "level": "township", "owned": 8, "resolved": 6, "terminated": 2,
         "resolution_rate": 0.75, "meets_target": False}]
    first, second = r["by_region"]
    assert first == {"region": "110115001", "designated": 12, "owned": 12, "resolved": 11, "terminated": 0,
                     "open": 1, "backlog_resolution_rate": pytest.approx(11 / 12),
                     "leader_owned_resolution_rate": pytest.approx(11 / 12), "meets_target": True}
    assert second["open"] == 2 and second["leader_owned_resolution_rate"] == pytest.approx(4 / 6)


def test_the_target_is_met_at_exactly_85_percent():
    assert statistics.OWNED_RESOLUTION_TARGET == pytest.approx(0.85)
    assert statistics.meets_target(17, 20) is True and statistics.meets_target(85, 100) is True
    assert statistics.meets_target(16, 20) is False and statistics.meets_target(84, 99) is False
    assert statistics.meets_target(0, 0) is None


def test_nothing_designated_or_owned_is_no_figure_not_zero():
    r = statistics.backlog_rates(NONE)
    assert r["backlog_resolution_rate"] is None and r["leader_owned_resolution_rate"] is None
    assert r["meets_target"] is None and r["open"] == 0
    assert "by_leader" not in r and "by_region" not in r  # lists only when asked for
    unowned = statistics.backlog_rates({**NONE, "designated": 3, "terminated": 1})
    assert unowned["backlog_resolution_rate"] == 0 and unowned["leader_owned_resolution_rate"] is None
    assert unowned["meets_target"] is None and unowned["open"] == 2
    owned = statistics.backlog_rates({**NONE, "designated": 2, "owned": 1})
    assert owned["leader_owned_resolution_rate"] == 0 and owned["meets_target"] is False


def test_the_same_figures_a_year_earlier_and_the_change_of_each_count():
    s = statistics.backlog_summary(COUNTS, {**NONE, "designated": 10, "owned": 10, "resolved": 10,
                                            "by_trigger": {"repeats": 4, "court": 6}})
    last = s["previous_year"]
    assert last["leader_owned_resolution_rate"] == 1.0 and last["meets_target"] is True and last["open"] == 0
    # every trigger of either year in both, so the two years line up
    assert s["by_trigger"] == {"court": 0, "manual": 2, "repeats": 8, "unresolved": 10}
    assert last["by_trigger"] == {"court": 6, "manual": 0, "repeats": 4, "unresolved": 0}
    y = s["yoy"]
    assert (y["designated"], y["owned"], y["resolved"]) == (1.0, pytest.approx(0.8), pytest.approx(0.5))
    assert (y["terminated"], y["open"], y["reviews_missed"]) == (None, None, None)
    assert y["by_trigger"] == {"court": -1.0, "manual": None, "repeats": 1.0, "unresolved": None}
    assert "backlog_resolution_rate" not in y and "by_leader" not in y


def test_the_query_asks_for_the_period_and_the_totals_a_year_earlier():
    class ReadModel:
        calls = []

        def backlog_counts(self, start, end, region, breakdowns=True):
            self.calls.append((start, end, region, breakdowns))
            return COUNTS if breakdowns else NONE

    readmodel = ReadModel()
    result = Statistics(readmodel).backlog(date(2024, 2, 1), date(2024, 2, 29), "1101")
    assert readmodel.calls == [(date(2024, 2, 1), date(2024, 2, 29), "1101", True),
                               (date(2023, 2, 1), date(2023, 2, 28), "1101", False)]
    assert (result["from"], result["to"], result["region"], result["designated"]) == ("2024-02-01", "2024-02-29",
                                                                                      "1101", 20)
    dumped = BacklogStatsSchema().dump(result)
    assert dumped["from"] == "2024-02-01" and dumped["target"] == 0.85 and dumped["meets_target"] is False
    assert dumped["by_leader"][0]["meets_target"] is True and dumped["by_region"][1]["region"] == "110115002"
    assert dumped["previous_year"]["meets_target"] is None and "by_leader" not in dumped["previous_year"]
    assert dumped["yoy"]["designated"] is None and dumped["yoy"]["by_trigger"]["repeats"] is None
    assert BacklogStatsQuerySchema().load({"from": "2024-02-01", "to": "2024-02-29"})["region"] == ""


# -- the SQL, against a throwaway database ---------------------------------------------------------
@pytest.fixture(scope="module")
def readmodel():
    # A read model made before backlog cases were counted gains the column when the service starts.
    older = ("CREATE TABLE reporting.stats_petitions (petition_id uuid PRIMARY KEY, "
             "channel text, mediation_outcome text)")
    with throwaway_readmodel(older) as model:
        yield model


def test_the_sql_counts_backlog_cases_and_resolution_once_per_petition(readmodel, published):
    # Ownership's events first: case outcomes reach petitions that intake has not yet told of.
    for envelope in published:
        readmodel.process("ownership", envelope)
    for envelope in registrations():
        assert readmodel.process("intake", envelope)
    # P_B was rated satisfied before its case was terminated: resolved, and concluded, once.
    assignment = str(uuid.UUID(int=0xF0))
    for n, (kind, data) in enumerate((
            ("assignment.created", {"assignment_id": assignment, "petition_id": P_B, "unit_id": "u1",
                                    "handling_deadline": "2026-06-30"}),
            ("assignment.replied", {"assignment_id": assignment, "replied_at": at("2026-05-20").isoformat(),
                                    "on_time": True, "outcome": "explain", "evaluation_deadline": "2026-06-20"}),
            ("assignment.evaluated", {"assignment_id": assignment, "rating": "satisfied",
                                      "rated_at": at("2026-05-22").isoformat()})), start=1):
        assert readmodel.process("dispatch", make_envelope("dispatch", n, n - 1, kind, at("2026-05-22"), "x", data))

    counts = readmodel.counts(date(2026, 5, 1), date(2026, 5, 31), REGION, date(2026, 10, 1))
    assert counts["received"] == 7  # P_A and its three repeats, P_B, P_C, P_F
    assert (counts["resolved"], counts["concluded"]) == (2, 3)  # P_A (case), P_B (rating) of P_A, P_B, P_C
    assert (counts["first_resolved"], counts["first_concluded"]) == (2, 3)  # the repeats carry no outcome
    earlier = readmodel.counts(date(2025, 5, 1), date(2025, 5, 31), REGION, date(2026, 10, 1))
    assert (earlier["resolved"], earlier["concluded"]) == (1, 1)  # P_D

    b = Statistics(readmodel).backlog(date(2026, 5, 1), date(2026, 5, 31), REGION)
    assert (b["designated"], b["owned"], b["resolved"], b["terminated"], b["open"]) == (4, 3, 1, 2, 1)  # A B C F
    assert b["by_trigger"] == {"manual": 3, "repeats": 1} and b["reviews_missed"] == 4  # C and F: June, July
    assert b["backlog_resolution_rate"] == pytest.approx(1 / 4)
    assert b["leader_owned_resolution_rate"] == pytest.approx(1 / 3) and b["meets_target"] is False
    assert b["by_leader"] == [  # each case under its latest owner: A is Wang's, not Liu's
        {"leader_id": "leader-liu", "leader_name": "刘某某", "level": "county", "owned": 1, "resolved": 0,
         "terminated": 1, "resolution_rate": 0.0, "meets_target": False},
        {"leader_id": "leader-wang", "leader_name": "王某某", "level": "county", "owned": 1, "resolved": 1,
         "terminated": 0, "resolution_rate": 1.0, "meets_target": True},
        {"leader_id": "leader-zhang", "leader_name": "张某某", "level": "township", "owned": 1, "resolved": 0,
         "terminated": 0, "resolution_rate": 0.0, "meets_target": False}]
    assert [(r["region"], r["designated"], r["owned"], r["resolved"], r["terminated"], r["open"])
            for r in b["by_region"]] == [("110115001", 3, 2, 1, 1, 1), ("110115002", 1, 1, 0, 1, 0)]
    assert b["previous_year"] == {
        "designated": 1, "owned": 1, "resolved": 1, "terminated": 0, "open": 0, "backlog_resolution_rate": 1.0,
        "leader_owned_resolution_rate": 1.0, "meets_target": True, "target": 0.85,
        "by_trigger": {"manual": 1, "repeats": 0}, "reviews_missed": 0}
    assert b["yoy"] == {"designated": 3.0, "owned": 2.0, "resolved": 0.0, "terminated": None, "open": None,
                        "reviews_missed": None, "by_trigger": {"manual": 2.0, "repeats": None}}

    # A county's prefix breaks down into townships; the whole country's into counties.
    county = Statistics(readmodel).backlog(date(2026, 5, 1), date(2026, 5, 31), "")
    assert county["designated"] == 5 and [r["region"] for r in county["by_region"]] == ["110115", "150623"]
    township = Statistics(readmodel).backlog(date(2026, 5, 1), date(2026, 5, 31), REGION + "002")
    assert township["designated"] == 1 and township["by_leader"][0]["leader_id"] == "leader-liu"
