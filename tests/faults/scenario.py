"""One fault scenario: a seeded workload, the fault injected once it is under way, recovery left to
the system, then the checks (tests/faults/checks.py) and a line for docs/reliability.md."""
from __future__ import annotations

import itertools
import time

from tests.faults import checks
from tests.faults.workload import Workload

PETITIONS = 16  # per scenario: small enough for the whole suite to stay within about four minutes
AGENCY_EVENTS = 20
_numbers = itertools.count(0, 1000)  # each scenario's petition numbers (and petitioners) its own


def run(system, scenario: str, injected: str, region: str, seed: int, inject, at: float = 0.3,
        petitions: int = PETITIONS, agency_events: int = AGENCY_EVENTS, poison: frozenset[int] = frozenset(),
        **workload) -> dict:
    """Starts the workload, calls `inject()` once `at` of the petitions are answered (mid-stream),
    waits for the workload to end and everything to settle, checks, records; returns the counts.
    `poison`: the workload's petitions (0 = its first) whose acceptance a consumer fails on."""
    base = next(_numbers)
    restarts_before = system.restarts()
    load = Workload(system, range(base, base + petitions), region, seed, agency_events=agency_events,
                    regions={base + k: region for k, region in workload.pop("regions", {}).items()},
                    **workload).start()
    system.wait_until(lambda: load.progress() >= at, timeout=120, interval=0.05)
    fault_at = time.monotonic()
    extra = inject() or {}
    ledger = load.join()
    system.ledger.merge(ledger)
    system.poisoned |= {ledger.registered[base + k] for k in poison if base + k in ledger.registered}
    assert not ledger.failures, f"{len(ledger.failures)} commands refused, e.g. {ledger.failures[:3]}"
    assert len(ledger.registered) == petitions and len(ledger.published) == agency_events
    counts = checks.verify(system, system.ledger, (region[:6],), poisoned=system.poisoned)
    system.record(scenario, injected, ledger, counts, restarts_before, fault_at, **extra)
    return counts
