"""PostgreSQL restarted mid-write, with concurrent writers (RELIABILITY.md scenarios 4 and 9).

An immediate stop (as a crash: open transactions aborted, every connection cut), three seconds down,
a start that recovers from the WAL — while clerks, the inbound consumers, the relays and every
follower write. A command either committed whole or was refused (503) and retried by its client
(registration with its Idempotency-Key); followers resume from their tracking positions; no service
exits (the connection pools reconnect). The cluster keeps what it acknowledged (synchronous_commit on,
decision 0026). Then the same checks as after a SIGKILL.
"""
from tests.faults import scenario

DOWN_SECONDS = 3


def test_database_restart_mid_write_loses_nothing(fault_system):
    system = fault_system

    def restart_database():
        system.postgres.restart(down_seconds=DOWN_SECONDS)
        return {"database down s": DOWN_SECONDS}

    before = system.restarts()
    scenario.run(system, "database restart", f"pg_ctl stop -m immediate, {DOWN_SECONDS} s, start at 30%",
                 "360781107", seed=301, inject=restart_database)
    assert system.restarts() == before, "a service exited instead of reconnecting"
    system.wait_healthy()
