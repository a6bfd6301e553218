"""Scenario: three replicas of dispatch and two of reporting (started as `XINFANG_REPLICAS=dispatch=3,
reporting=2 ./run up` starts them), petitions registered and accepted over HTTP by several clerks
at once (400; 5,000 with XINFANG_REPLICAS_TEST_PETITIONS=5000, see PETITIONS), and one dispatch
replica and one reporting replica SIGKILLed when about 40% are registered. They are not restarted:
the others carry on.

Once every follower of every surviving replica has processed every source to its newest event,
each petition has exactly one assignment in dispatch's event store (none lost, none twice), and
reporting's figures equal the recomputation over the event stores (tests/recompute.py, compared as
tests/e2e/test_statistics_equal_recomputation.py compares them). Decision 0017.
"""
from __future__ import annotations

import os
import threading
import time
from collections import Counter

import requests

from dispatch.application import assignment_id_for
from tests.conftest import System, system_of_its_own
from tests.e2e import test_statistics_equal_recomputation as recomputation
from tests.support import CATEGORIES, id_number

# 5,000 is the size asked for: it passes in about 11 minutes on two cores (2026-12-06: registered and
# accepted in 437 s, about 11 a second for the whole system, every follower caught up 207 s later),
# too long beside the rest of CI, which runs 600 (about three minutes). Before the due lists were
# snapshotted (decision 0017), ownership and supervision slowed down the more petitions fell due on
# one day, and 5,000 did not settle within 40 minutes.
PETITIONS = int(os.environ.get("XINFANG_REPLICAS_TEST_PETITIONS", "400"))
CLIENTS = 8
REPLICAS = "dispatch=3,reporting=2"
KILLED = ("dispatch-2", "reporting-2")
KILL_AT = 0.4  # of the petitions registered
REGIONS = ("150623101", "150623", "150623101201", "371321", "110115")
CHANNELS = ("visit", "letter", "online", "phone")


replicated = system_of_its_own("replicas", replicas=REPLICAS)


def body(n: int) -> dict:
    """Petition n: every petitioner a different person, so no petition is a repeat that intake would
    refuse to accept again while its matter is being handled."""
    region = REGIONS[n % len(REGIONS)]
    return {"channel": CHANNELS[n % len(CHANNELS)], "region_code": region, "category": CATEGORIES[n % len(CATEGORIES)],
            "petitioner": {"name": f"副本某{n}", "id_number": id_number(f"{region[:6]}198{n // 1000 % 10}0101{n % 1000:03d}"),
                           "phone": f"137{n:08d}"},
            "subject": f"副本测试事项{n}", "content": f"副本测试事项{n}：请求依法处理。",
            "received_at": f"2026-{10 + n % 2}-{1 + n % 28:02d}T09:30:00+08:00"}


def clerk(system: System, numbers, registered: list, problems: list) -> None:
    """Registers and accepts each petition, once: a retried registration could register twice."""
    session = system.session()
    for n in numbers:
        try:
            answer = session.post(system.url("/api/petitions"), json=body(n), timeout=60)
            if answer.status_code != 201:
                problems.append((n, "register", answer.status_code, answer.text[:200]))
                continue
            petition_id = answer.json()["id"]
            registered.append(petition_id)
            answer = session.post(system.url(f"/api/petitions/{petition_id}/acceptance"), timeout=60,
                                  json={"decision": "accepted", "reason": "依法受理"})
            if answer.status_code not in (200, 201):
                problems.append((n, "accept", answer.status_code, answer.text[:200]))
        except requests.RequestException as exc:
            problems.append((n, "request", type(exc).__name__, str(exc)[:200]))


def stored(system: System, schema: str, topic_suffix: str, what: str = "count(*)") -> int:
    return system.sql(f"SELECT {what} FROM {schema}.{schema}_events WHERE topic LIKE %s", "%" + topic_suffix)[0][0]


def consumed(system: System, name: str) -> Counter:
    """xinfang's consumed-events counter of one process, by source and outcome."""
    counts = Counter()
    for line in requests.get(f"http://127.0.0.1:{system.ports[name]}/metrics", timeout=10).text.splitlines():
        if line.startswith("xinfang_events_consumed_total{"):
            labels = dict(part.split("=", 1) for part in line[line.index("{") + 1:line.index("}")].split(","))
            counts[labels["source"].strip('"'), labels["outcome"].strip('"')] += float(line.rsplit(" ", 1)[1])
    return counts


def test_replicas_sigkilled_mid_run_lose_nothing_and_count_nothing_twice(replicated):
    system = replicated
    started, laps = time.monotonic(), {}

    def lap(name: str) -> None:
        laps[name] = round(time.monotonic() - started, 1)

    assert {"dispatch-2", "dispatch-3", "reporting-2"} <= set(system.ports)
    registered: list[str] = []
    problems: list[tuple] = []
    clerks = [threading.Thread(target=clerk, args=(system, range(k, PETITIONS, CLIENTS), registered, problems))
              for k in range(CLIENTS)]
    for thread in clerks:
        thread.start()
    system.wait_until(lambda: len(registered) >= PETITIONS * KILL_AT or not any(t.is_alive() for t in clerks),
                      timeout=600, interval=0.05)
    for name in KILLED:
        system.launcher.kill(name)  # SIGKILL: what it had taken and not acknowledged goes back to the queue
    killed_at = len(registered)
    lap(f"{killed_at} registered, {', '.join(KILLED)} killed")
    for thread in clerks:
        thread.join()
    lap("all registered and accepted")
    assert not problems, f"{len(problems)} requests failed, e.g. {problems[:5]}"
    assert len(set(registered)) == PETITIONS and killed_at < PETITIONS * 0.6

    alive = [name for name in system.ports if name not in KILLED and name.split("-")[0] in recomputation.FOLLOWERS]
    try:
        newest = recomputation.settle(system, timeout=max(180, PETITIONS * 0.3), names=alive)
    finally:
        lap("settled")
        print(f"\nseconds since the start: {laps}")

    # Intake holds every petition, each accepted once.
    assert stored(system, "intake", "Petition.Registered") == PETITIONS
    assert stored(system, "intake", "Petition.AcceptanceDecided") == PETITIONS
    # Dispatch: exactly one assignment per petition, none lost, none twice.
    created = stored(system, "dispatch", "Assignment.Created")
    assert created == stored(system, "dispatch", "Assignment.Created", "count(DISTINCT originator_id)") == PETITIONS

    # Reporting's figures against the recomputation over the event stores (settles again first).
    scenario = recomputation.Scenario(recomputation.SEED, recomputation.now().date())
    facts, differences, notes = recomputation.compared(recomputation.Api(system), system, scenario, "replicas")
    lap("compared with the recomputation")
    assert len(facts.petitions) == PETITIONS
    twice = {p.id: p.assignments for p in facts.petitions.values() if p.assignments != [assignment_id_for(p.id)]}
    assert not twice, f"{len(twice)} petitions without exactly their one assignment, e.g. {list(twice.items())[:3]}"
    assert not differences, f"{len(differences)} figures differ: " + "\n".join(m for _, m in differences[:10])

    rows = system.sql("SELECT count(*), count(decision), (SELECT count(*) FROM reporting.stats_assignments) "
                      "FROM reporting.stats_petitions")[0]
    assert rows == (PETITIONS, PETITIONS, PETITIONS)
    first, last = scenario.current
    whole = system.session().get(system.url(f"/api/stats/summary?from={first}&to={last}"), timeout=30).json()
    assert (whole["received"], whole["accepted"]) == (PETITIONS, PETITIONS), whole

    # How the work was shared: events each surviving replica processed from each source.
    shares = {name: {f"{s}:{o}": int(v) for (s, o), v in sorted(consumed(system, name).items())
                     if o in ("processed", "duplicate", "gap", "deferred")}
              for name in alive if name.split("-")[0] in ("dispatch", "reporting")}
    print(f"\nseconds since the start: {laps}")
    print(f"newest positions: {newest}; notes: {sorted(set(notes))}")
    for name, counts in shares.items():
        print(f"{name}: {counts}")
