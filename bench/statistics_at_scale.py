"""Statistics over a million petitions: query latency from the pre-aggregated read model, and the
rate of a rebuild from zero against the raw rate of reading the same notification log.

Measures in one run on one machine:
  (a) loads N simulated petitions (default 1,000,000) with the lifecycle their fact rows record —
      acceptance (timely or late), assignments (extended, replied on time or late, rated or left
      unrated), mediation and backlog outcomes, group visits, repeats; the last weeks still under
      way — plus 12345/110/court events and mediations, into reporting's read model (COPY), then
      builds the cubes from the rows with the same SQL a rebuild uses;
  (b) GET /api/stats/summary and /api/stats/volume through the gateway of a whole system started on
      that database, for a mix of periods (month, quarter, year, odd ranges) and region prefixes
      (the whole city, a county, a township): p50/p99; beside them, the same summaries computed
      the raw way (scanning the fact rows of the period, in the same database): p50;
  (c) the rebuild: M petitions registered and decided through intake's application (PostgreSQL,
      encrypted at rest, as the service stores them), then the raw read rate of intake's
      notification log (pages of 500, decrypted, translated to published events, as the
      `notifications` RPC serves them), and the rate of rebuilding reporting's read model from zero
      from the same pages (follower + batch processing + cubes), events/s; ratio rebuild/raw.

    .venv/bin/python bench/statistics_at_scale.py \
        [--petitions 1000000] [--rebuild-petitions 8000] [--queries 60]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import shared  # noqa: E402,F401
from eventsourcing.postgres import PostgresFactory  # noqa: E402
from eventsourcing.utils import Environment  # noqa: E402
from psycopg.sql import SQL, Identifier  # noqa: E402

from bench.registration_throughput import (System, authorized_session, drop_database, machine, ms,  # noqa: E402
                                           now, percentile, server_versions)
from intake.published import translate  # noqa: E402
from reporting import cubes  # noqa: E402
from reporting.queries import Statistics  # noqa: E402
from reporting.readmodel import StatisticsReadModel  # noqa: E402
from services.intake import build as build_intake  # noqa: E402
from shared.clock import SystemClock, beijing_date  # noqa: E402
from shared.feed import NotificationFeed  # noqa: E402
from shared.follower import Follower  # noqa: E402
from shared.persistence import application_env, ensure_schema  # noqa: E402
from shared.settings import Settings, new_key  # noqa: E402
from tests.support import CATEGORIES, petition  # noqa: E402

TODAY = beijing_date(SystemClock().now())  # the services judge limits on today, as the data is made for
FIRST_DAY = date(2025, 1, 1)
COUNTIES = [f"1506{n:02d}" for n in range(21, 31)]  # ten counties of one city
TOWNSHIPS = [f"{c}{t:03d}" for c in COUNTIES for t in range(101, 113)]
COUNTY_DEPARTMENTS = ("gov", "housing", "hrss", "land", "education")


def handling_unit(rnd: random.Random, region_code: str) -> str:
    """As routing does: the township government, or the county government or one of its departments."""
    if rnd.random() < 0.4:
        return f"unit-{region_code[:9]}"
    return f"unit-{region_code[:6]}-{rnd.choice(COUNTY_DEPARTMENTS)}"


def readmodel_in(dbname: str) -> StatisticsReadModel:
    settings = Settings(postgres_dbname=dbname, cipher_key=new_key())  # the read model itself has no cipher
    ensure_schema("reporting", settings)
    env = {**application_env("reporting", settings), "CIPHER_TOPIC": "", "CIPHER_KEY": "", "CREATE_TABLE": "y"}
    return PostgresFactory(Environment("reporting", env)).tracking_recorder(StatisticsReadModel)


# -- (a) a million petitions' facts ----------------------------------------------------------------------
def region(rnd: random.Random) -> str:
    township = rnd.choice(TOWNSHIPS)
    return township + f"{rnd.randrange(200, 230):03d}" if rnd.random() < 0.4 else township


def facts(rnd: random.Random, n: int):
    """(petition row, [assignment rows]) as the projection would have written them."""
    span = (TODAY - FIRST_DAY).days
    for k in range(n):
        received = FIRST_DAY + timedelta(days=rnd.randrange(span))
        age = (TODAY - received).days
        p = uuid.UUID(int=rnd.getrandbits(128))
        decided = age > 20 or rnd.random() < age / 20
        lag = rnd.choice((2, 5, 9, 14, 14, 17))
        decision = rnd.choice(("accepted",) * 8 + ("not_accepted", "diverted")) if decided else None
        row = (p, rnd.choice(("visit", "letter", "online", "phone", "hotline12345")), region(rnd),
               rnd.choice(CATEGORIES), rnd.choice(("complaint", "request", "request", "suggestion")), received,
               received + timedelta(days=15), f"ref{rnd.randrange(n // 2)}", rnd.random() < 0.12,
               rnd.choice((None,) * 30 + (8, 45)), decision, received + timedelta(days=lag) if decided else None,
               (lag <= 15) if decided else None,
               rnd.choice(("agreed", "failed")) if decision == "diverted" else None,
               "resolved" if rnd.random() < 0.004 else None)
        assignments = []
        if decision == "accepted":
            for _ in range(1 if rnd.random() < 0.95 else 2):
                created = received + timedelta(days=lag + 1)
                deadline = created + timedelta(days=rnd.choice((30, 60, 60, 90)))
                replied = created + timedelta(days=rnd.randrange(10, 100))
                replied_on = replied if replied <= TODAY else None
                rated = replied_on and rnd.random() < 0.75 and replied + timedelta(days=7) <= TODAY
                assignments.append((uuid.UUID(int=rnd.getrandbits(128)), p, handling_unit(rnd, row[2]), deadline, replied_on,
                                    (replied <= deadline) if replied_on else None, "explain" if replied_on else None,
                                    replied + timedelta(days=30) if replied_on else None,
                                    rnd.choice(("satisfied", "satisfied", "basically_satisfied", "unsatisfied"))
                                    if rated else None, replied + timedelta(days=7) if rated else None))
        yield row, assignments
        if k % 200_000 == 199_999:
            print(f"    {k + 1:,} petitions generated", flush=True)


def load(readmodel: StatisticsReadModel, n: int, seed: int = 1) -> dict:
    rnd = random.Random(seed)
    counts = {"petitions": 0, "assignments": 0, "agency_events": 0, "mediations": 0}
    petitions = ("petition_id", "channel", "region_code", "category", "matter_type", "received_on",
                 "acceptance_deadline", "petitioner_ref", "is_repeat", "group_size", "decision", "decided_on",
                 "timely", "mediation_outcome", "backlog_outcome")
    assignments = ("assignment_id", "petition_id", "unit_id", "handling_deadline", "replied_on", "on_time",
                   "outcome", "evaluation_deadline", "rating", "rated_on")
    span = (TODAY - FIRST_DAY).days
    with readmodel.datastore.get_connection() as conn, conn.cursor() as curs:
        with curs.copy(SQL("COPY {} ({}) FROM STDIN").format(
                readmodel.table("petitions"), SQL(", ").join(map(Identifier, petitions)))) as copy:
            kept = []
            for row, rows in facts(rnd, n):
                copy.write_row(row)
                kept += rows
                counts["petitions"] += 1
        with curs.copy(SQL("COPY {} ({}) FROM STDIN").format(
                readmodel.table("assignments"), SQL(", ").join(map(Identifier, assignments)))) as copy:
            for row in kept:
                copy.write_row(row)
                counts["assignments"] += 1
        with curs.copy(SQL("COPY {} (agency_event_id, agency, type, region_code, occurred_on) FROM STDIN")
                       .format(readmodel.table("agency_events"))) as copy:
            for _ in range(n // 3):
                kind = rnd.choice(("work_order.created",) * 6 + ("alert.received",) * 3 + ("case.filed",))
                copy.write_row((uuid.UUID(int=rnd.getrandbits(128)), kind.split(".")[0], kind, region(rnd),
                                FIRST_DAY + timedelta(days=rnd.randrange(span))))
                counts["agency_events"] += 1
        with curs.copy(SQL("COPY {} (mediation_id, opened_on, region_code, category, source, first_layer, outcome) "
                           "FROM STDIN").format(readmodel.table("mediations"))) as copy:
            for _ in range(n // 20):
                copy.write_row((uuid.UUID(int=rnd.getrandbits(128)), FIRST_DAY + timedelta(days=rnd.randrange(span)),
                                region(rnd), rnd.choice(CATEGORIES), "direct", "people",
                                rnd.choice(("agreed", "failed", None))))
                counts["mediations"] += 1
        conn.commit()
    return counts


# -- (b) queries ----------------------------------------------------------------------------------------
PERIODS = [(date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 7, 1), date(2026, 9, 30)),
           (date(2026, 1, 1), date(2026, 12, 31)), (date(2026, 3, 15), date(2026, 10, 20)),
           (date(2026, 10, 8), date(2026, 10, 21)), (date(2025, 6, 1), date(2026, 5, 31))]
REGIONS = ["", "150623", "150625104"]


def query_mix(count: int) -> list[tuple[date, date, str]]:
    rnd = random.Random(7)
    return [(*rnd.choice(PERIODS), rnd.choice(REGIONS)) for _ in range(count)]


def timed(fn, mix) -> list[float]:
    fn(*mix[0])  # warm-up: connections, plans
    spent = []
    for args in mix:
        started = now()
        fn(*args)
        spent.append(now() - started)
    return sorted(spent)


def raw_summary(readmodel: StatisticsReadModel):
    """The summary the raw way: every fact row of the period (and of the period a year earlier)."""
    def run(start: date, end: date, region: str) -> None:
        where = "p.received_on BETWEEN %(start)s AND %(end)s AND p.region_code LIKE %(region)s"
        query = SQL("SELECT {} FROM ({}) c").format(
            SQL(", ").join(SQL("sum({0})").format(Identifier(m)) for m in cubes.PETITION_MEASURES),
            cubes.contribution_sql(readmodel.table, where))
        with readmodel.datastore.transaction(commit=False) as curs:
            for first, last in ((start, end), (start.replace(year=start.year - 1), end.replace(year=end.year - 1))):
                curs.execute(query, {"start": first, "end": last, "region": region + "%", "as_of": TODAY})
                curs.fetchall()
    return run


def over_http(system: System, path: str, **extra):
    session = authorized_session()

    def run(start: date, end: date, region: str) -> None:
        answer = session.get(system.url(path), timeout=60,
                             params={"from": start.isoformat(), "to": end.isoformat(), "region": region, **extra})
        answer.raise_for_status()
    return run


# -- (c) rebuild against the raw read -------------------------------------------------------------------
def store_intake_events(dbname: str, petitions: int) -> tuple[object, NotificationFeed]:
    settings = Settings(postgres_dbname=dbname, cipher_key=new_key(), pseudonym_key=new_key())
    ensure_schema("intake", settings)
    app = build_intake(application_env("intake", settings), settings)
    rnd = random.Random(3)
    for n in range(petitions):
        received = FIRST_DAY + timedelta(days=rnd.randrange(600))
        body = petition(n, region_code=rnd.choice(("150623", "150623101", "371321")), category=rnd.choice(CATEGORIES),
                        received_at=f"{received.isoformat()}T09:30:00+08:00")
        body["received_at"] = datetime.fromisoformat(body["received_at"])
        registered = app.register(uuid.uuid4(), **body)
        app.decide_acceptance(registered.id, "accepted", "依法受理",
                              decided_at=body["received_at"] + timedelta(days=rnd.randrange(1, 20)))
    return app, NotificationFeed("intake", app, translate)


def raw_read(feed: NotificationFeed, page: int = 500) -> tuple[int, float]:
    started, position, events = now(), 0, 0
    while True:
        envelopes = feed.read(position, page)[0]
        if not envelopes:
            break
        events += len(envelopes)
        position = envelopes[-1]["position"]
    return events, now() - started


def rebuild(readmodel: StatisticsReadModel, feed: NotificationFeed, page: int = 500) -> tuple[int, float]:
    statistics = Statistics(readmodel)
    readmodel.reset()
    follower = Follower("reporting", "intake", statistics, lambda after, limit: feed.read(after, limit)[0],
                        batch_size=page)
    started = now()
    events = follower.catch_up()
    return events, now() - started


# -- main -------------------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--petitions", type=int, default=1_000_000)
    parser.add_argument("--rebuild-petitions", type=int, default=8000)
    parser.add_argument("--queries", type=int, default=60)
    args = parser.parse_args()
    print(f"machine: {machine()}; {server_versions()}", flush=True)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-stats-"))
    system = System(log_dir)
    rebuild_db = system.name + "_rebuild"
    try:
        print(f"\n(c) rebuild from zero against the raw read of the notification log ({args.rebuild_petitions:,}"
              " petitions registered and decided through intake's application)", flush=True)
        readmodel = readmodel_in(rebuild_db)
        started = now()
        _, feed = store_intake_events(rebuild_db, args.rebuild_petitions)
        print(f"    stored in {now() - started:.0f} s", flush=True)
        read_events, read_seconds = raw_read(feed)
        rebuilt_events, rebuild_seconds = rebuild(readmodel, feed)
        raw_rate, rebuild_rate = read_events / read_seconds, rebuilt_events / rebuild_seconds
        assert rebuilt_events == read_events, (rebuilt_events, read_events)
        received = Statistics(readmodel).summary(FIRST_DAY, TODAY)["received"]
        assert received == args.rebuild_petitions, received
        print(f"    raw read: {read_events:,} events in {read_seconds:.2f} s = {raw_rate:,.0f} events/s")
        print(f"    rebuild:  {rebuilt_events:,} events in {rebuild_seconds:.2f} s = {rebuild_rate:,.0f} events/s")
        print(f"    rebuild / raw read = {rebuild_rate / raw_rate:.2f}  (target >= 0.30)", flush=True)

        print(f"\n(a) loading {args.petitions:,} petitions' facts", flush=True)
        readmodel = readmodel_in(system.name)
        started = now()
        counts = load(readmodel, args.petitions)
        loaded = now() - started
        started = now()
        readmodel.rebuild_cubes()
        with readmodel.datastore.get_connection() as conn:
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE")
            conn.autocommit = False
        with readmodel.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT (SELECT count(*) FROM {}) AS petitions, (SELECT count(*) FROM {}) AS volumes")
                         .format(readmodel.table("cube_petitions"), readmodel.table("cube_volumes")))
            cells = curs.fetchone()
        print(f"    {counts}: loaded in {loaded:.0f} s; cubes built in {now() - started:.0f} s "
              f"({cells['petitions']:,} + {cells['volumes']:,} cells)", flush=True)

        print(f"\n(b) {args.queries} queries each over the mix of periods {len(PERIODS)} × regions {REGIONS}", flush=True)
        system.start()
        started = now()
        while readmodel.running_day() != TODAY:  # reporting computes today's running cells at start
            time.sleep(0.5)
        print(f"    today's running cells computed by reporting within {now() - started:.0f} s of its start")
        mix = query_mix(args.queries)
        rows = {
            "GET /api/stats/summary (cubes, HTTP)": timed(over_http(system, "/api/stats/summary"), mix),
            "GET /api/stats/volume by channel, month": timed(over_http(system, "/api/stats/volume"), mix),
            "GET /api/stats/volume by region, week": timed(
                over_http(system, "/api/stats/volume", by="region", granularity="week"), mix),
            "summary counts in-process, cubes": timed(lambda s, e, r: Statistics(readmodel).summary(s, e, r), mix),
            "summary counts in-process, raw scan": timed(raw_summary(readmodel), mix[: max(6, args.queries // 6)]),
        }
        for name, spent in rows.items():
            print(f"    {name:42s} p50 {ms(percentile(spent, 0.5)):>8s}  p99 {ms(percentile(spent, 0.99)):>8s}"
                  f"  (n={len(spent)})")
        cube, raw = percentile(rows["summary counts in-process, cubes"], 0.5), percentile(
            rows["summary counts in-process, raw scan"], 0.5)
        print(f"    raw scan / cubes (p50) = {raw / cube:.0f}×; summary p50 over HTTP "
              f"{ms(percentile(rows['GET /api/stats/summary (cubes, HTTP)'], 0.5))} (target < 50 ms)")
        return 0
    finally:
        system.stop()
        drop_database(rebuild_db)


if __name__ == "__main__":
    sys.exit(main())
