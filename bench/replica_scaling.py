"""End-to-end registrations/s with 1, 2 and 3 replicas of the busiest service, and where the time goes.

For each replica count, a whole system of its own (as registration_throughput.py starts it, with
`XINFANG_REPLICAS=<service>=N`) takes `--count` registrations from `--concurrency` client threads
(closed loop) until reporting counts them all. Printed per run: registrations/s counted, the ratio
to the single-replica run (the scaling curve), POST→201 p50/p99, CPU by process group (each
service's replicas together, PostgreSQL backends, RabbitMQ), and how many PostgreSQL sessions were
waiting on a lock on average (sampled every 50 ms: the serialized event-table write shows here).
The raw baseline (eventsourcing saves/s on the same database server) is measured first.

    .venv/bin/python bench/replica_scaling.py [--service intake] [--replicas 1,2,3] [--count 1200]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from registration_throughput import (  # noqa: E402
    CpuMeter, Run, System, Watcher, baseline, closed_loop, drop_database, machine, ms, now, percentile,
    server_versions, tear_down,
)

from services.launcher import replica_of  # noqa: E402
from shared.settings import Settings  # noqa: E402


class LockSampler(threading.Thread):
    """Average number of the system's PostgreSQL sessions waiting on a lock, sampled every 50 ms."""

    def __init__(self, dbname: str):
        super().__init__(daemon=True, name="locks")
        self.dbname, self.samples, self.waiting = dbname, 0, 0
        self.stopping = threading.Event()

    def run(self) -> None:
        with psycopg.connect(Settings().postgres_conninfo("postgres"), autocommit=True) as conn:
            while not self.stopping.is_set():
                self.waiting += conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                    (self.dbname,), prepare=True).fetchone()[0]
                self.samples += 1
                time.sleep(0.05)

    def average(self) -> float:
        return self.waiting / max(1, self.samples)


def cpu_by_service(system: System) -> dict[str, float]:
    """CPU seconds so far of each service's processes (replicas together)."""
    used: dict[str, float] = defaultdict(float)
    for name, process in system.launcher.processes.items():
        used[replica_of(name)[0]] += CpuMeter.process(process.pid)
    return used


def one_run(service: str, replicas: int, count: int, clients: int, warmup: int) -> dict:
    log_dir = Path(tempfile.mkdtemp(prefix="xinfang_scaling_"))
    system = watcher = None
    ok = False
    try:
        system = System(log_dir, replicas=f"{service}={replicas}").start()
        watcher = Watcher(system.settings.postgres_conninfo())
        watcher.start()
        warm = Run("warm-up", first_n=0)
        closed_loop(warm, system.base_url, warmup, min(4, clients))
        if warm.errors or not watcher.wait_for(warm.ids.values(), timeout=60):
            raise RuntimeError(f"warm-up failed: {warm.errors[:3]}")
        meter, sampler = CpuMeter(system), LockSampler(system.name)
        before, services_before, started = meter.snapshot(), cpu_by_service(system), now()
        sampler.start()
        run = Run("full", first_n=1_000_000)
        closed_loop(run, system.base_url, count, clients)
        counted = watcher.wait_for(run.ids.values(), timeout=120)
        sampler.stopping.set()
        seconds = now() - started
        after, services_after = meter.snapshot(), cpu_by_service(system)
        seen = [watcher.first_seen[p] for p in run.ids.values() if p in watcher.first_seen]
        first = min(run.sent.values())
        ok = True
        return {
            "replicas": replicas, "counted": len(seen), "sent": len(run.ids), "errors": len(run.errors),
            "complete": counted,
            "rate": len(seen) / (max(seen) - first) if seen else 0.0,
            "post_p50": percentile(run.post_latencies(), .5), "post_p99": percentile(run.post_latencies(), .99),
            "machine_cpu": (after["machine"] - before["machine"]) / (seconds * len(os.sched_getaffinity(0))),
            "cpu_ms": {**{k: 1000 * (services_after[k] - services_before[k]) / max(1, len(seen))
                          for k in services_after},
                       "postgres": 1000 * (after["postgres backends"] - before["postgres backends"]) / max(1, len(seen)),
                       "rabbitmq": 1000 * (after["rabbitmq"] - before["rabbitmq"]) / max(1, len(seen))},
            "lock_waiters": sampler.average(),
        }
    finally:
        tear_down(watcher, system, ok, log_dir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--service", default="intake", help="the service to replicate (the busiest: intake)")
    parser.add_argument("--replicas", default="1,2,3")
    parser.add_argument("--count", type=int, default=1200)
    parser.add_argument("--concurrency", "-c", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--baseline-saves", type=int, default=1000)
    args = parser.parse_args()
    counts = [int(n) for n in args.replicas.split(",")]
    print(f"replica scaling of {args.service}: {args.count} registrations, {args.concurrency} clients")
    print(f"  machine: {machine()}\n  servers: {server_versions()}", flush=True)
    scratch = f"xinfang_bench_raw_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        save_rate = baseline(scratch, args.baseline_saves)
    finally:
        drop_database(scratch)
    print(f"  raw baseline: {save_rate:.0f} eventsourcing saves/s\n", flush=True)
    results = []
    for n in counts:
        result = one_run(args.service, n, args.count, args.concurrency, args.warmup)
        results.append(result)
        top = sorted(result["cpu_ms"].items(), key=lambda kv: -kv[1])
        print(f"{args.service}={n}: {result['rate']:.1f} registrations/s counted ({result['counted']}/{result['sent']}"
              f"{'' if result['complete'] else ', incomplete'}, {result['errors']} errors); POST→201 p50 "
              f"{ms(result['post_p50'])}, p99 {ms(result['post_p99'])}; machine CPU {100 * result['machine_cpu']:.0f}%; "
              f"sessions waiting on a lock {result['lock_waiters']:.2f}", flush=True)
        print("    CPU ms per registration: " + ", ".join(f"{k} {v:.1f}" for k, v in top), flush=True)
    base = results[0]["rate"] or float("nan")
    print("\nscaling curve (registrations/s, ratio to the first run, ratio to the raw save rate)")
    for result in results:
        print(f"  {args.service}={result['replicas']}: {result['rate']:7.1f}/s  x{result['rate'] / base:.2f}  "
              f"{result['rate'] / save_rate:.3f} of raw")
    worst = results[-1]
    if worst["machine_cpu"] > 0.9:
        verdict = "CPU: the machine's cores are saturated; more replicas share the same cores"
    elif worst["lock_waiters"] >= 1:
        verdict = "the serialized event-table write: sessions queue for the table lock"
    else:
        verdict = "neither CPU nor the table lock is saturated: look at the broker and the clients"
    print(f"bottleneck at {args.service}={worst['replicas']}: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
