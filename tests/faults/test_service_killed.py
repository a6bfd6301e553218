"""SIGKILL of each service mid-stream (RELIABILITY.md scenario 1, one service at a time).

While clerks register and accept petitions over HTTP and agencies publish onto the bus, one service
is SIGKILLed: no chance to finish a request, acknowledge a message or save a position. The launcher's
restart policy starts it again (the test does not); afterwards nothing acknowledged is lost, nothing
is applied twice, every follower's tracking row is at its source's newest event, and the statistics
equal the recomputation from the event stores.
"""
import signal
import time

import pytest

from services.launcher import GRACE_SECONDS
from tests.faults import scenario

SERVICES = {"intake": "150623", "dispatch": "371321", "mediation": "110115", "ownership": "530302",
            "supervision": "150623102", "reporting": "371321104", "gateway": "110115103"}


@pytest.mark.parametrize("service", list(SERVICES))
def test_service_sigkilled_mid_stream_recovers_by_itself(fault_system, service):
    system = fault_system

    def kill():
        system.launcher.kill(service)  # SIGKILL to its process group; the restart policy brings it back
        return {"killed": service}

    scenario.run(system, f"SIGKILL {service}", f"SIGKILL of {service} at 30% of the workload", SERVICES[service],
                 seed=100 + list(SERVICES).index(service), inject=kill)
    assert system.restarts().get(service, 0) >= 1, "the restart policy did not start it again"


def test_service_stopped_gracefully_mid_stream_finishes_or_requeues_its_work(fault_system):
    """SIGTERM, as `./run down`, a rolling update or a scale-down sends: intake (clerks' RPC, agencies'
    messages, its relay) finishes its running workers and leaves what it had not started on the
    broker for the next process; it exits within the grace period, not killed at its end."""
    system = fault_system
    seen = {}

    def stop():
        process = system.launcher.processes["intake"]  # the restart policy replaces the entry soon after
        began = time.monotonic()
        system.launcher.kill("intake", signal.SIGTERM)
        seen["stopped in s"] = round(time.monotonic() - began, 1)
        seen["exit code"] = process.returncode
        return {"stopped": "intake", **seen}

    scenario.run(system, "SIGTERM intake", "SIGTERM of intake at 30% of the workload (graceful stop)", "150623104",
                 seed=200, inject=stop)
    assert seen["stopped in s"] < GRACE_SECONDS, seen
    assert seen["exit code"] != -signal.SIGKILL, seen
    assert system.restarts().get("intake", 0) >= 1, "the restart policy did not start it again"
