"""What must hold after every fault, once the system has recovered by itself.

1. Settled: every follower of every service has processed every source up to its newest published
   event (its tracking row there), and nothing new is being stored.
2. Nothing acknowledged was lost: each registration answered 201 is in intake's store, each
   acceptance answered 2xx too, each accepted petition has its assignment in dispatch (but the one a
   scenario poisoned, which must be parked instead), each agency event the broker confirmed is
   recorded.
3. Nothing applied twice: one Registered, one AcceptanceDecided per petition, one Assignment.Created
   per accepted petition, one AgencyEvent.Received per distinct (source, id), one mediation per
   dispute; reporting holds one row per registered petition and per assignment.
4. The statistics equal the recomputation over the event stores (tests/recompute.py).
"""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import requests

from dispatch.application import assignment_id_for
from intake.agency import agency_event_id
from tests import recompute
from tests.e2e.test_statistics_equal_recomputation import SOURCES, month_end, month_start
from tests.recompute import BEIJING

FOLLOWERS = ("intake", "dispatch", "mediation", "ownership", "supervision", "reporting")
DISPUTES = ("alert.transferred", "mediation.referred")


def newest_published(system) -> dict[str, int]:
    newest = {}
    for source, language in SOURCES.items():
        newest[source] = system.sql(f"SELECT coalesce(max(notification_id), 0) FROM {source}.{source}_events "
                                    "WHERE NOT (topic = ANY(%s))", sorted(language.internal_topics))[0][0]
    return newest


def behind(system, newest: dict[str, int]) -> dict:
    """Per service, the sources it has not processed to their newest event; a service that does not
    answer (being restarted) is behind on everything."""
    lagging = {}
    for service in FOLLOWERS:
        try:
            tracking = system.health(service)["tracking"]
        except (requests.RequestException, ValueError, KeyError) as exc:
            lagging[service] = f"no answer: {type(exc).__name__}"
            continue
        late = {s: (tracking.get(s, 0), newest[s]) for s in tracking if tracking.get(s, 0) < newest[s]}
        if late:
            lagging[service] = late
    return lagging


def settle(system, timeout: float = 90) -> dict[str, int]:
    """Until every follower has processed every source to its newest event twice in a row."""
    deadline = time.monotonic() + timeout
    previous, lagging = None, None
    while time.monotonic() < deadline:
        try:
            newest = newest_published(system)
            lagging = behind(system, newest)
        except Exception as exc:  # the database being restarted
            newest, lagging = None, f"{type(exc).__name__}: {exc}"
        if not lagging and newest == previous:
            return newest
        previous = None if lagging else newest
        time.sleep(0.5)
    raise AssertionError(f"not settled within {timeout}s: {lagging or 'still storing new events'}")


def tracking_rows(system) -> dict[tuple[str, str], int]:
    """(follower, source) -> the notification id its tracking row holds."""
    rows = {}
    for service in FOLLOWERS:
        for source, position in system.sql(f"SELECT application_name, notification_id FROM {service}.{service}_tracking"):
            rows[service, source] = position
    return rows


def ids(system, schema: str, topic_suffix: str) -> list[str]:
    """The originator of every stored event of that type (one per event: duplicates show)."""
    return [str(r[0]) for r in system.sql(f"SELECT originator_id FROM {schema}.{schema}_events WHERE topic LIKE %s",
                                          "%" + topic_suffix)]


def losses_and_doubles(system, ledger, poisoned: set[str] = frozenset()) -> dict:
    """Every broken promise, by kind (empty lists when none), and the counts behind them."""
    registered, accepted = ids(system, "intake", "Petition.Registered"), ids(system, "intake", "Petition.AcceptanceDecided")
    assigned = ids(system, "dispatch", "Assignment.Created")
    agency = ids(system, "intake", "AgencyEvent.Received")
    opened = ids(system, "mediation", "Mediation.Opened")
    acknowledged = set(ledger.registered.values())
    wanted_assignments = {str(assignment_id_for(_uuid(p))) for p in ledger.accepted - set(poisoned)}
    confirmed = {str(agency_event_id(e["source"], e["id"])) for e in ledger.published}
    disputes = sum(1 for e in {(e["source"], e["id"]): e for e in ledger.published}.values() if e["type"] in DISPUTES)
    reporting = system.sql("SELECT count(*), count(decision), (SELECT count(*) FROM reporting.stats_assignments) "
                           "FROM reporting.stats_petitions")[0]
    problems = {
        "registrations lost": sorted(acknowledged - set(registered)),
        "acceptances lost": sorted(ledger.accepted - set(accepted)),
        "assignments missing": sorted(wanted_assignments - set(assigned)),
        "agency events lost": sorted(confirmed - set(agency)),
        "registered twice": _twice(registered), "accepted twice": _twice(accepted),
        "assigned twice": _twice(assigned), "agency events twice": _twice(agency), "mediations twice": _twice(opened),
        "reporting rows": [] if reporting == (len(registered), len(accepted), len(assigned)) else
        [f"reporting holds {reporting}, the stores {(len(registered), len(accepted), len(assigned))}"],
    }
    counts = {"petitions": len(registered), "accepted": len(accepted), "assignments": len(assigned),
              "agency events": len(agency), "mediations": len(opened), "disputes confirmed": disputes}
    return {"problems": problems, "counts": counts}


def _twice(values: list[str]) -> list[str]:
    seen, twice = set(), set()
    for value in values:
        (twice if value in seen else seen).add(value)
    return sorted(twice)


def _uuid(text: str):
    from uuid import UUID
    return UUID(text)


def statistics_differences(system, regions: tuple[str, ...]) -> list[str]:
    """The summary (with its year-earlier figures) for the current four months and for the last
    month, in the whole area and in each region, and the monthly volumes by channel and by region,
    against the recomputation; a message per differing figure."""
    facts = recompute.read_facts(system.settings)
    session = system.session(role="analyst")
    today = datetime.now(BEIJING).date()
    first, last = month_start(today, 3), month_end(today)
    recent = today - timedelta(days=30)
    problems = []
    for start, end in ((first, last), (recent, today)):
        for region in ("", *regions):
            answer = session.get(system.url(f"/api/stats/summary?from={start}&to={end}&region={region}"), timeout=60)
            assert answer.status_code == 200, answer.text[:300]
            got = answer.json()
            expected, _ = recompute.summary(facts, start, end, region, date.fromisoformat(got["as_of"][:10]))
            for name, a, b in recompute.differences(got, expected):
                problems.append(f"summary {name} {start}..{end} region {region or '(all)'}: API {a!r}, recomputed {b!r}")
    for by in ("channel", "region"):
        answer = session.get(system.url(f"/api/stats/volume?from={first}&to={last}&region=&granularity=month&by={by}"),
                             timeout=60)
        assert answer.status_code == 200, answer.text[:300]
        got = {(row["period"], row["key"]): row for row in answer.json()["series"]}
        want = recompute.volume(facts, first, last, "", by)
        for cell in sorted(set(got) | set(want)):
            for name, a, b in recompute.differences(got.get(cell, {}), want.get(cell, {})) if cell in want else \
                    [("series entry", got[cell], "<none>")]:
                problems.append(f"volume by {by} {cell}: {name}: API {a!r}, recomputed {b!r}")
    return problems


def verify(system, ledger, regions: tuple[str, ...], poisoned: set[str] = frozenset(), timeout: float = 90) -> dict:
    """Settles, then checks everything; returns the counts for the results table. Compared again
    should anything have been stored meanwhile."""
    for _ in range(3):
        newest = settle(system, timeout)
        outcome = losses_and_doubles(system, ledger, poisoned)
        # Reporting's rows follow its tracked position within its next catch-up: an event whose
        # commit was cut by the database's restart is processed again by it (a second or two here).
        deadline = time.monotonic() + 30
        while outcome["problems"]["reporting rows"] and time.monotonic() < deadline:
            time.sleep(1)
            outcome = losses_and_doubles(system, ledger, poisoned)
        differences = statistics_differences(system, regions)
        if newest_published(system) == newest:
            break
    else:
        raise AssertionError("the event stores kept changing while they were compared")
    # A follower writes the position of events that changed nothing at its next catch-up (1 s here).
    follows = {service: list(system.health(service)["tracking"]) for service in FOLLOWERS}
    for _ in range(20):
        tracking = tracking_rows(system)
        untracked = {f"{service}<-{source}": (tracking.get((service, source), 0), newest[source])
                     for service, sources in follows.items() for source in sources
                     if tracking.get((service, source), 0) != newest[source]}
        if not untracked:
            break
        time.sleep(0.5)
    broken = {kind: found[:5] for kind, found in outcome["problems"].items() if found}
    assert not broken, f"promises broken: {broken}"
    assert not untracked, f"tracking rows behind the sources' newest events: {untracked}"
    assert not differences, f"{len(differences)} figures differ from the recomputation:\n" + "\n".join(differences[:10])
    return {**outcome["counts"], "figures compared": "ok"}
