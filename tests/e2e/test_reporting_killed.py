"""Scenario: the reporting service is SIGKILLed in the middle of a burst of 200 registrations.

After its restart the statistics must equal what the event stores hold: nothing lost, nothing
counted twice — and a rebuild from zero must give the same figures again.
"""
import subprocess
import sys
import threading
import time

import pytest
import requests

from tests.conftest import System
from tests.support import petition

BURST = 200
REGION = "110115"


@pytest.fixture(scope="module")
def fault_system(tmp_path_factory):
    running = System(tmp_path_factory.mktemp("faults")).start()
    yield running
    running.stop()


def stored(system, schema, topic_suffix):
    return system.sql(f"SELECT count(*) FROM {schema}.{schema}_events WHERE topic LIKE %s",
                      "%" + topic_suffix)[0][0]


def summary(system):
    return requests.get(system.url(f"/api/stats/summary?from=2026-11-01&to=2026-11-30&region={REGION}"),
                        timeout=30).json()


def register_burst(system, numbers, answers):
    session = requests.Session()
    for n in numbers:
        # Every tenth petitioner comes twice: repeats must be counted once each, too.
        body = petition(n - n % 10 if n % 10 == 1 else n, region_code=REGION)
        answer = session.post(system.url("/api/petitions"), json=body, timeout=60)
        answers.append(answer.status_code)
        if answer.status_code == 201 and n % 4 == 0:
            session.post(system.url(f"/api/petitions/{answer.json()['id']}/acceptance"), timeout=60,
                         json={"decision": "accepted", "reason": "依法受理"})


def test_statistics_equal_the_event_stores_after_sigkill(fault_system):
    system = fault_system
    answers: list[int] = []
    senders = [threading.Thread(target=register_burst, args=(system, range(k, BURST, 4), answers))
               for k in range(4)]
    for sender in senders:
        sender.start()
    system.wait_until(lambda: len(answers) >= BURST // 4, timeout=60, interval=0.01)
    system.launcher.kill("reporting")  # SIGKILL: no chance to finish or acknowledge anything
    killed_at = len(answers)
    time.sleep(0.5)
    system.launcher.start("reporting")
    for sender in senders:
        sender.join()
    assert answers.count(201) == BURST and killed_at < BURST

    registered = stored(system, "intake", "Petition.Registered")
    accepted = stored(system, "intake", "Petition.AcceptanceDecided")
    assert registered == BURST and accepted == BURST // 4
    system.wait_until(lambda: stored(system, "dispatch", "Assignment.Created") == accepted, timeout=30)
    assigned = stored(system, "dispatch", "Assignment.Created")

    last = {}

    def caught_up():
        stats = summary(system)
        tracked = system.sql("SELECT application_name, notification_id FROM reporting.reporting_tracking "
                             "WHERE application_name IN ('intake', 'dispatch')")
        # The newest event each source published (the repeat index is internal to intake).
        newest = {s: system.sql(f"SELECT max(notification_id) FROM {s}.{s}_events "
                                "WHERE topic NOT LIKE 'intake.repeats:%%'")[0][0] for s in ("intake", "dispatch")}
        last.update(received=stats["received"], tracked=dict(tracked), newest=newest)
        return stats["received"] == BURST and dict(tracked) == newest and stats

    try:
        stats = system.wait_until(caught_up, timeout=60, interval=0.5)
    except AssertionError:
        raise AssertionError(f"reporting did not catch up: {last}") from None
    rows = system.sql("SELECT count(*), count(decision), (SELECT count(*) FROM reporting.stats_assignments) "
                      "FROM reporting.stats_petitions")[0]
    assert rows == (registered, accepted, assigned)
    assert stats["accepted"] == accepted
    assert stats["repeats"] == BURST // 10 and stats["persons"] == BURST - BURST // 10

    # Rebuilt from zero through the operator's command, the figures are the same.
    subprocess.run([sys.executable, "-m", "services.admin", "rebuild-statistics"], check=True,
                   env={**system.launcher.env}, capture_output=True, timeout=300)
    rebuilt = system.wait_until(lambda: (s := summary(system))["received"] == BURST and s, timeout=60)
    assert {k: v for k, v in rebuilt.items() if k != "as_of"} == {k: v for k, v in stats.items() if k != "as_of"}
