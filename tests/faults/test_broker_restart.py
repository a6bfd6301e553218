"""RabbitMQ restarted while everything publishes (RELIABILITY.md scenario 2).

`rabbitmqctl stop_app`, ten seconds without a broker (well beyond the 3 s after which nameko used to
give up an RPC reply and stop the service), `start_app`. Every service reconnects by itself: none
exits (the restart policy restarts nothing), relays publish again from their recorded positions,
consumers resume, what was unacknowledged is delivered again and absorbed; agencies and clerks
retry what failed. Then the same checks as after a SIGKILL.
"""
import time

from tests.faults import scenario

DOWN_SECONDS = 10


def test_broker_restart_during_publishing_loses_nothing(fault_system):
    system = fault_system

    def restart_broker():
        system.rabbit.stop_app()
        time.sleep(DOWN_SECONDS)
        system.rabbit.start_app()
        return {"broker down s": DOWN_SECONDS}

    before = system.restarts()
    scenario.run(system, "broker restart", f"rabbitmqctl stop_app, {DOWN_SECONDS} s, start_app at 30%",
                 "360781", seed=201, inject=restart_broker)
    assert system.restarts() == before, "a service exited instead of reconnecting"
    system.wait_healthy()
