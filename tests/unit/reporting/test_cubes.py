"""The pre-aggregated statistics (reporting/cubes.py) against the fact rows they summarise.

A seeded history of petitions, assignments, mediations, backlog outcomes and agency events is
processed event by event and in batches, the sources interleaved at random; then
- the cubes kept up to date event by event equal the cubes built from zero from the fact rows, and
- every summary count, for random periods (whole months, parts of months, across years), region
  prefixes and days "as of", equals the same count summed directly over the fact rows.
"""
import random
import uuid
from datetime import date, datetime, timedelta

import pytest
from psycopg.sql import SQL, Identifier

from reporting import cubes
from shared.clock import BEIJING
from shared.envelope import make_envelope
from support import throwaway_readmodel

REGIONS = ("150623", "150623101", "150623101201", "150624", "150624102", "150721")
START = date(2025, 1, 1)
RUNNING_DAY = date(2025, 11, 20)  # limits run on it for the petitions of the weeks before


def at(day: date) -> str:
    return datetime(day.year, day.month, day.day, 10, tzinfo=BEIJING).isoformat()


def history(rnd: random.Random, petitions: int = 160) -> list[tuple[str, str, dict]]:
    """(source, type, data) in the order each source published them."""
    events = []
    for n in range(petitions):
        p, received = str(uuid.UUID(int=rnd.getrandbits(128))), START + timedelta(days=rnd.randrange(700))
        events.append(("intake", "petition.registered", {
            "petition_id": p, "channel": rnd.choice(("visit", "letter", "online", "phone")),
            "region_code": rnd.choice(REGIONS), "category": rnd.choice(("land", "wages", "housing")),
            "matter_type": rnd.choice(("complaint", "request", "suggestion")), "received_at": at(received),
            "acceptance_deadline": (received + timedelta(days=15)).isoformat(), "petitioner_ref": f"r{n % 90}",
            "repeat_of": p if rnd.random() < 0.2 else None,
            "group_size": rnd.choice((None, None, None, 6, 40))}))
        if rnd.random() < 0.85:
            decided = received + timedelta(days=rnd.randrange(25))
            events.append(("intake", "petition.acceptance_decided", {
                "petition_id": p, "decision": rnd.choice(("accepted", "accepted", "not_accepted")),
                "decided_at": at(decided), "timely": decided <= received + timedelta(days=15)}))
        for _ in range(rnd.choice((0, 1, 1, 2))):
            a, created = str(uuid.UUID(int=rnd.getrandbits(128))), received + timedelta(days=3)
            events.append(("dispatch", "assignment.created", {
                "assignment_id": a, "petition_id": p, "unit_id": f"u{rnd.randrange(4)}",
                "handling_deadline": (created + timedelta(days=60)).isoformat()}))
            if rnd.random() < 0.2:
                events.append(("dispatch", "assignment.extended", {
                    "assignment_id": a, "handling_deadline": (created + timedelta(days=90)).isoformat()}))
            if rnd.random() < 0.8:
                replied = created + timedelta(days=rnd.randrange(80))
                events.append(("dispatch", "assignment.replied", {
                    "assignment_id": a, "replied_at": at(replied), "on_time": replied <= created + timedelta(days=60),
                    "outcome": "explain", "evaluation_deadline": (replied + timedelta(days=30)).isoformat()}))
                if rnd.random() < 0.6:
                    events.append(("dispatch", "assignment.evaluated", {
                        "assignment_id": a, "rating": rnd.choice(("satisfied", "basically_satisfied", "unsatisfied")),
                        "rated_at": at(replied + timedelta(days=5))}))
        if rnd.random() < 0.1:
            m = str(uuid.UUID(int=rnd.getrandbits(128)))
            events.append(("mediation", "mediation.opened", {
                "mediation_id": m, "opened_at": at(received + timedelta(days=2)), "region_code": rnd.choice(REGIONS),
                "category": "land", "source": "petition", "layer": "people", "petition_id": p}))
            if rnd.random() < 0.5:
                events.append(("mediation", "mediation.agreement_reached", {
                    "mediation_id": m, "layer": "people", "effective_on": (received + timedelta(days=9)).isoformat(),
                    "petition_id": p}))
            else:
                events.append(("mediation", "mediation.ended", {
                    "mediation_id": m, "layer": "people", "reason": "failed", "ended_at": at(received + timedelta(9)),
                    "petition_id": p}))
        if rnd.random() < 0.05:
            events.append(("ownership", "ownership.resolved", {
                "case_id": str(uuid.UUID(int=rnd.getrandbits(128))), "region_code": "150623",
                "resolved_at": at(received + timedelta(days=100)), "petition_id": p, "leader_id": "L1"}))
    for _ in range(60):
        events.append(("intake", "agency_event.received", {
            "agency_event_id": str(uuid.UUID(int=rnd.getrandbits(128))),
            "agency": "hotline12345", "type": rnd.choice(("work_order.created", "alert.received", "case.filed")),
            "region_code": rnd.choice(REGIONS), "occurred_at": at(START + timedelta(days=rnd.randrange(700)))}))
    return events


def interleaved(rnd: random.Random, events) -> list[tuple[str, list[dict]]]:
    """Each source's events in its own order with its positions; the sources interleaved at random,
    in batches of 1 to 30 (as a follower catching up would take them)."""
    streams: dict[str, list[dict]] = {}
    for source, kind, data in events:
        stream = streams.setdefault(source, [])
        stream.append(make_envelope(source, len(stream) + 1, len(stream), kind, datetime(2026, 1, 1, tzinfo=BEIJING),
                                    "x", data))
    batches = []
    while streams:
        source = rnd.choice(sorted(streams))
        size = rnd.choice((1, 1, 1, 5, 30))
        batches.append((source, streams[source][:size]))
        streams[source] = streams[source][size:]
        if not streams[source]:
            del streams[source]
    return batches


def direct_counts(readmodel, start: date, end: date, region: str, as_of: date) -> dict:
    """The summary's counts summed over the fact rows themselves: no cube."""
    where = "p.received_on BETWEEN %(start)s AND %(end)s AND p.region_code LIKE %(region)s"
    with readmodel.datastore.transaction(commit=False) as curs:
        curs.execute(SQL("SELECT {} FROM ({}) c").format(
            SQL(", ").join(SQL("coalesce(sum({0}), 0)::bigint AS {0}").format(Identifier(m))
                           for m in cubes.PETITION_MEASURES),
            cubes.contribution_sql(readmodel.table, where)),
            {"start": start, "end": end, "region": region + "%", "as_of": as_of})
        return dict(curs.fetchone())


@pytest.fixture(scope="module")
def readmodel():
    with throwaway_readmodel("CREATE TABLE reporting.stats_petitions (petition_id uuid PRIMARY KEY)") as model:
        rnd = random.Random(20261206)
        batches = interleaved(rnd, history(rnd))
        for n, (source, batch) in enumerate(batches):
            if n == len(batches) // 2:  # from here on, the running cells are kept up to date too
                assert model.move_running_day(RUNNING_DAY) and not model.move_running_day(RUNNING_DAY)
            if len(batch) == 1:
                model.process(source, batch[0])
            else:
                model.process_batch(source, batch)
        yield model


def test_the_cubes_kept_event_by_event_equal_the_cubes_built_from_the_facts(readmodel):
    incremental = readmodel.cube_rows()
    assert sum(len(rows) for rows in incremental.values()) > 500  # the history fills many cells
    readmodel.rebuild_cubes()
    assert readmodel.cube_rows() == incremental


@pytest.mark.parametrize("seed", range(12))
def test_every_summary_count_equals_the_facts_summed_directly(readmodel, seed):
    rnd = random.Random(seed)
    for _ in range(10):
        start = START + timedelta(days=rnd.randrange(-20, 700))
        end = start + timedelta(days=rnd.choice((0, 1, 13, 30, 59, 90, 364, 800)))
        if rnd.random() < 0.3:  # whole months
            start, end = start.replace(day=1), (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(1)
        region = rnd.choice(("", "15", "150623", "150623101", "150623101201", "150624", "150721", "9"))
        as_of = START + timedelta(days=rnd.randrange(0, 900))
        counts = readmodel.counts(start, end, region, as_of)
        expected = direct_counts(readmodel, start, end, region, as_of)
        assert {m: counts[m] for m in cubes.PETITION_MEASURES} == expected, (start, end, region, as_of)
        assert counts["persons"] == expected["received_persons"]


@pytest.mark.parametrize("seed", range(6))
def test_on_the_running_day_the_counts_come_from_the_running_cells_and_equal_the_facts(readmodel, seed):
    rnd = random.Random(seed)
    assert readmodel.running_day() == RUNNING_DAY
    for _ in range(10):
        start = RUNNING_DAY - timedelta(days=rnd.randrange(0, 400))
        end = start + timedelta(days=rnd.choice((0, 13, 30, 90, 364)))
        region = rnd.choice(("", "150623", "150623101", "150624"))
        counts = readmodel.counts(start, end, region, RUNNING_DAY)
        expected = direct_counts(readmodel, start, end, region, RUNNING_DAY)
        assert {m: counts[m] for m in cubes.PETITION_MEASURES} == expected, (start, end, region)


def test_moving_the_running_day_recomputes_its_cells_from_the_facts(readmodel):
    later = RUNNING_DAY + timedelta(days=9)
    assert readmodel.move_running_day(later)
    counts = readmodel.counts(date(2025, 9, 1), date(2025, 11, 30), "", later)
    assert {m: counts[m] for m in cubes.PETITION_MEASURES} == direct_counts(
        readmodel, date(2025, 9, 1), date(2025, 11, 30), "", later)
    assert counts["undecided_overdue"] + counts["unreplied_overdue"] + counts["expired_unrated"] > 0
    assert readmodel.move_running_day(RUNNING_DAY)


def test_volumes_by_month_and_by_week_add_up_to_the_received(readmodel):
    start, end = date(2025, 3, 17), date(2025, 9, 9)
    received = direct_counts(readmodel, start, end, "150623", date(2026, 1, 1))["received"]
    for granularity in ("month", "week", "day"):
        rows = readmodel.volume(start, end, "150623", granularity, "category")
        assert sum(r["count"] for r in rows) == received, granularity
    by_region = readmodel.volume(start, end, "150623", "month", "region")
    assert {r["key"] for r in by_region} <= {"150623", "150623101"} and sum(r["count"] for r in by_region) == received
    # a township broken down into its villages: finer than the cubes, summed from the facts
    township = readmodel.volume(start, end, "150623101", "month", "region")
    in_township = direct_counts(readmodel, start, end, "150623101", date(2026, 1, 1))["received"]
    assert {r["key"] for r in township} <= {"150623101", "150623101201"}
    assert sum(r["count"] for r in township) == in_township > 0


def test_whole_months_are_read_from_the_month_cells_and_the_rest_from_the_days():
    assert cubes.whole_months(date(2026, 1, 1), date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 4, 1))
    assert cubes.whole_months(date(2026, 1, 2), date(2026, 3, 30)) == (date(2026, 2, 1), date(2026, 3, 1))
    first, after = cubes.whole_months(date(2026, 1, 5), date(2026, 1, 20))
    assert first >= after  # none
    assert cubes.whole_months(date(2026, 12, 1), date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))


def test_an_event_parked_again_after_a_rebuild_is_recorded_once_with_the_new_reason():
    with throwaway_readmodel("CREATE TABLE reporting.stats_petitions (petition_id uuid PRIMARY KEY)") as model:
        poison = {"position": 1, "previous": 0, "type": "petition.registered", "data": {}}
        assert model.parked_events() == []  # nothing parked yet: no table either
        model.park("intake", poison, "KeyError: 'id'")
        model.reset()
        model.park("intake", poison, "KeyError: 'received_at'")
        with model.datastore.transaction(commit=False) as curs:
            curs.execute("SELECT source, position, reason FROM reporting.stats_parked")
            assert [tuple(row.values()) for row in curs.fetchall()] == [("intake", 1, "KeyError: 'received_at'")]
        assert model.tracked_position("intake") == 1
        [listed] = model.parked_events()
        assert (listed["source"], listed["position"], listed["reason"]) == ("intake", 1, "KeyError: 'received_at'")
