"""SIGKILL of each service mid-stream (RELIABILITY.md scenario 1, one service at a time).

While clerks register and accept petitions over HTTP and agencies publish onto the bus, one service
is SIGKILLed: no chance to finish a request, acknowledge a message or save a position. The launcher's
restart policy starts it again (the test does not); afterwards nothing acknowledged is lost, nothing
is applied twice, every follower's tracking row is at its source's newest event, and the statistics
equal the recomputation from the event stores.
"""
import pytest

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
