"""The operator's commands over the bus against the running services: every service that parks
events answers `parked`, and a replay of an event nobody parked is refused in the service's words."""
import json
import subprocess
import sys

from services.admin import PARKING


def admin(system, *args):
    return subprocess.run([sys.executable, "-m", "services.admin", *args], env={**system.launcher.env},
                          capture_output=True, text=True, timeout=120)


def test_parked_lists_every_service_that_parks_events(system):
    done = admin(system, "parked")
    assert done.returncode == 0, done.stderr[-2000:]
    listed = json.loads(done.stdout)
    assert sorted(listed) == sorted(PARKING)
    assert all(isinstance(events, list) for events in listed.values())


def test_a_replay_of_an_event_nobody_parked_is_refused_and_changes_nothing(system):
    before = json.loads(admin(system, "parked").stdout)
    done = admin(system, "replay-parked", "dispatch", "intake", "987654321")
    assert done.returncode == 1
    assert "no parked event intake #987654321" in done.stderr
    assert json.loads(admin(system, "parked").stdout) == before


def test_reporting_is_replayed_by_a_rebuild_not_one_event_at_a_time(system):
    done = admin(system, "replay-parked", "reporting", "intake", "1")
    assert done.returncode == 1 and "rebuild-statistics --from-zero" in done.stderr
