"""Scenario: the reporting service is SIGKILLed in the middle of a burst of 200 registrations.

After its restart the statistics must equal what the event stores hold: nothing lost, nothing
counted twice — and a rebuild from zero must give the same figures again.
"""
import json
import subprocess
import sys
import threading
import time

import requests

from tests.conftest import system_of_its_own
from tests.support import petition

BURST = 200
REGION = "110115"


# Small batches: the rebuild below takes long enough to be cut short.
fault_system = system_of_its_own("faults", XINFANG_FOLLOWER_BATCH="4")


def stored(system, schema, topic_suffix):
    return system.sql(f"SELECT count(*) FROM {schema}.{schema}_events WHERE topic LIKE %s",
                      "%" + topic_suffix)[0][0]


def summary(system):
    answer = system.session().get(system.url(f"/api/stats/summary?from=2026-11-01&to=2026-11-30&region={REGION}"), timeout=30)
    assert answer.status_code == 200, (answer.status_code, answer.text[:500])
    return answer.json()


def register_burst(system, numbers, answers):
    session = system.session()
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
        # The positions first, the figures after: read the other way round, the last event could be
        # processed between the two, and figures a step behind would pass for caught up.
        tracked = system.sql("SELECT application_name, notification_id FROM reporting.reporting_tracking "
                             "WHERE application_name IN ('intake', 'dispatch')")
        # The newest event each source published (the repeat index is internal to intake).
        newest = {s: system.sql(f"SELECT max(notification_id) FROM {s}.{s}_events "
                                "WHERE topic NOT LIKE 'intake.repeats:%%'")[0][0] for s in ("intake", "dispatch")}
        if dict(tracked) != newest:
            last.update(tracked=dict(tracked), newest=newest)
            return False
        stats = summary(system)
        last.update(received=stats["received"], tracked=dict(tracked), newest=newest)
        return stats["received"] == BURST and stats

    try:
        stats = system.wait_until(caught_up, timeout=60, interval=0.5)
    except AssertionError:
        raise AssertionError(f"reporting did not catch up: {last}") from None
    rows = system.sql("SELECT count(*), count(decision), (SELECT count(*) FROM reporting.stats_assignments) "
                      "FROM reporting.stats_petitions")[0]
    assert rows == (registered, accepted, assigned)
    assert stats["accepted"] == accepted
    assert stats["repeats"] == BURST // 10 and stats["persons"] == BURST  # 人次: one each
    repeats = system.session().get(system.url("/api/stats/repeats"), params={"from": "2026-11-01", "to": "2026-11-30", "region": REGION},
                           timeout=10).json()
    assert repeats["totals"]["persons"] == BURST - BURST // 10  # distinct petitioners

    # Rebuilt from zero through the operator's command, the figures are the same.
    subprocess.run([sys.executable, "-m", "services.admin", "rebuild-statistics"], check=True,
                   env={**system.launcher.env}, capture_output=True, timeout=300)
    rebuilt = system.wait_until(lambda: (s := summary(system))["received"] == BURST and s, timeout=60)
    assert {k: v for k, v in rebuilt.items() if k != "as_of"} == {k: v for k, v in stats.items() if k != "as_of"}


def test_a_rebuild_cut_short_by_sigkill_resumes_and_ends_with_the_same_figures(fault_system):
    system = fault_system
    before = summary(system)
    assert before["received"] == BURST  # the burst of the test above

    def rebuild(*extra):
        return subprocess.Popen([sys.executable, "-m", "services.admin", "rebuild-statistics", *extra],
                                env={**system.launcher.env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)

    watcher = rebuild()
    # Part of the way through, reporting and the operator's command are both killed.
    system.wait_until(lambda: 0 < (_try_summary(system) or {"received": 0})["received"] < BURST // 2, timeout=60,
                      interval=0.02)
    system.launcher.kill("reporting")
    watcher.kill()
    partial = summary_when_up(system, restart=True)
    assert partial["received"] < BURST

    # The same command again watches the rebuild that reporting resumed on its own, to the end.
    again = rebuild()
    output, _ = again.communicate(timeout=300)
    assert again.returncode == 0, output
    assert "under way: watching it" in output and "events/s" in output and "100.0%" in output
    result = json.loads(output[output.index("{"):])
    assert result["rebuilt"] is True and result["events"] > 0
    after = summary(system)
    assert {k: v for k, v in after.items() if k != "as_of"} == {k: v for k, v in before.items() if k != "as_of"}
    assert system.health("reporting")["tracking"]["intake"] >= 1


def summary_when_up(system, restart: bool):
    if restart:
        system.launcher.start("reporting")
    return system.wait_until(lambda: _try_summary(system), timeout=60, interval=0.2)


def _try_summary(system):
    try:
        answer = system.session().get(system.url(f"/api/stats/summary?from=2026-11-01&to=2026-11-30&region={REGION}"),
                              timeout=5)
        if answer.status_code != 200:
            print("summary:", answer.status_code, answer.text[:300])
        return answer.json() if answer.status_code == 200 else None
    except requests.RequestException:
        return None
