"""Inbound agency-event throughput and latency, end to end, against a whole system started for the run.

Measures in one run on one machine:
  (a) the raw broker baseline: the simulator's own publisher (kombu, publisher confirms, persistent)
      into quorum queues declared exactly as intake's (shared/inbound.py), drained by one kombu
      consumer with manual acks and intake's prefetch, in a scratch vhost; the same simulator events
      (so the same sizes); messages/s from the first publish to the last message consumed;
  (b) sustained inbound events/s: simulator events (mostly work_order.created, with the natural
      mix of 110 and court events and the work orders marked for transfer to a petition) published
      by services.simulator.publish (confirms) to a running system, until the statistics read model
      (reporting.stats_agency_events) counts every one of them, and the publish->counted latency
      of each event;
  (c) publish->counted latency at half of (b)'s throughput, from an open-loop paced publisher.

    cd /work/main && PATH=/work/venv/bin:$PATH /work/venv/bin/python bench/inbound_throughput.py [--quick]

Target: (b)/(a) >= 0.3. The exit status is 1 when it does not hold (or events went missing).
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import shared  # noqa: E402,F401  (PSYCOPG_WAIT_FUNC, as every service sets it)
import requests  # noqa: E402
from kombu import Connection, Consumer  # noqa: E402

# The system under test, the CPU meter and the printing helpers are the registration bench's.
from bench.registration_throughput import (  # noqa: E402
    RABBIT_API, CpuMeter, System, Watcher, tear_down, machine, ms, percentile, server_versions
)
from intake.agency import agency_event_id  # noqa: E402
from services.simulator import generate, publish  # noqa: E402
from shared.contracts.agency import AGENCY_EXCHANGES  # noqa: E402
from shared.inbound import inbound_queue  # noqa: E402

WATCH_INTERVAL = 0.010
TARGET_RATIO = 0.3
FIRST_DAY, LAST_DAY = date(2026, 11, 2), date(2026, 12, 31)  # a year the working-day calendar knows
INTAKE_PREFETCH = 50  # shared.inbound.InboundConsumer's default


def now() -> float:
    return time.monotonic()


Event = tuple[str, str, dict]  # (exchange, routing key, CloudEvent), as services.simulator.generate yields


# -- events ---------------------------------------------------------------------------------------
class Events:
    """One deterministic stream of simulator events, handed out in disjoint slices (every event is
    new to the system: a redelivered one would have no effect and never be counted again)."""

    def __init__(self, seed: int, work_orders: float):
        self.stream = generate(FIRST_DAY, LAST_DAY, seed, per_day={"work_orders": work_orders})

    def take(self, count: int) -> list[Event]:
        events = list(itertools.islice(self.stream, count))
        if len(events) < count:
            raise RuntimeError(f"the simulator ran out of events ({len(events)} of {count}); "
                               "raise --work-orders")
        return events


def expected_id(event: dict) -> str:
    return str(agency_event_id(event["source"], event["id"]))


def body_size(event: dict) -> int:
    return len(json.dumps(event, ensure_ascii=False).encode("utf-8"))  # as publish() encodes it


def describe_mix(events: list[Event]) -> str:
    types = Counter(e[2]["type"] for e in events)
    transfers = sum(1 for e in events if e[2]["type"] == "work_order.created"
                    and e[2]["data"].get("transfer_to_petition"))
    sizes = sorted(body_size(e[2]) for e in events)
    mix = ", ".join(f"{t} {n} ({100 * n / len(events):.0f}%)" for t, n in types.most_common())
    return (f"{mix}; work orders transferred to a petition: {transfers}; "
            f"body bytes mean {sum(sizes) / len(sizes):.0f} (min {sizes[0]}, max {sizes[-1]})")


class Stamped:
    """Wraps the events handed to services.simulator.publish and notes, per event, when the
    publisher took it (just before it encodes and publishes it and waits for its confirm).
    With `rate`, paces the events itself on an open-loop schedule (publish's own `rate` sleeps
    after taking an event, which would put the wait inside the latency)."""

    def __init__(self, events: list[Event], rate: float | None = None):
        self.events, self.rate = events, rate
        self.sent: dict[str, float] = {}  # expected agency_event_id -> when taken
        self.behind = 0.0  # largest delay behind the schedule

    def __iter__(self):
        start = now() + 0.05
        for i, event in enumerate(self.events):
            if self.rate:
                delay = start + i / self.rate - now()
                if delay > 0:
                    time.sleep(delay)
                else:
                    self.behind = max(self.behind, -delay)
            self.sent[expected_id(event[2])] = now()
            yield event

    @property
    def first(self) -> float:
        return min(self.sent.values())


# -- (a) raw baseline -------------------------------------------------------------------------------
def rabbit_vhost(name: str, create: bool) -> None:
    vhost = quote(name, safe="")
    if create:
        requests.put(f"{RABBIT_API}/vhosts/{vhost}", timeout=10).raise_for_status()
        requests.put(f"{RABBIT_API}/permissions/{vhost}/guest", timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    else:
        requests.delete(f"{RABBIT_API}/vhosts/{vhost}", timeout=10)


class Drain(threading.Thread):
    """One consumer on its own connection: manual ack of every message, intake's prefetch."""

    def __init__(self, amqp_uri: str, queues: list, expected: int):
        super().__init__(daemon=True, name="drain")
        self.amqp_uri, self.queues, self.expected = amqp_uri, queues, expected
        self.consumed = 0
        self.last: float | None = None
        self.ready = threading.Event()
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with Connection(self.amqp_uri, connect_timeout=10) as connection:
                channel = connection.channel()
                channel.basic_qos(0, INTAKE_PREFETCH, False)
                with Consumer(channel, queues=self.queues, on_message=self.on_message, no_ack=False):
                    self.ready.set()
                    while self.consumed < self.expected and not self.stopping.is_set():
                        try:
                            connection.drain_events(timeout=0.5)
                        except TimeoutError:
                            pass
        except BaseException as exc:
            self.error = exc
            self.ready.set()

    def on_message(self, message) -> None:
        message.ack()
        self.consumed += 1
        self.last = now()


def raw_baseline(events: list[Event], timeout: float) -> dict:
    vhost = f"xinfang_bench_raw_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    amqp_uri = f"pyamqp://guest:guest@127.0.0.1:5672/{vhost}"
    rabbit_vhost(vhost, create=True)
    try:
        # Queues exactly as intake declares them (quorum, delivery limit, dead-letter arguments).
        queues = [inbound_queue("benchraw", exchange, keys) for exchange, keys in AGENCY_EXCHANGES.items()]
        with Connection(amqp_uri, connect_timeout=10) as connection:
            channel = connection.channel()
            for queue in queues:
                queue(channel).declare()
        drain = Drain(amqp_uri, queues, len(events))
        drain.start()
        if not drain.ready.wait(30) or drain.error:
            raise RuntimeError(f"baseline consumer did not start: {drain.error!r}")
        stamped = Stamped(events)
        cpu_before = broker_cpu()
        publish(stamped, amqp_uri)
        published = now()
        drain.join(timeout)
        drain.stopping.set()
        cpu = {k: v - cpu_before[k] for k, v in broker_cpu().items()}
        if drain.error:
            raise RuntimeError(f"baseline consumer failed: {drain.error!r}")
        first, last = stamped.first, drain.last or published
        busy = cpu["machine"] / ((last - first) * len(os.sched_getaffinity(0)))
        return {"vhost": vhost, "consumed": drain.consumed, "count": len(events),
                "seconds": last - first,
                "rate": drain.consumed / (last - first),
                "publish_rate": len(events) / (published - first),
                "cpu": f"CPU per message (ms): rabbitmq {1000 * cpu['rabbitmq'] / len(events):.1f}, bench "
                       f"{1000 * cpu['bench'] / len(events):.1f}; machine busy {100 * busy:.0f}%"}
    finally:
        rabbit_vhost(vhost, create=False)


def broker_cpu() -> dict[str, float]:
    """CPU seconds of RabbitMQ (every beam.smp), this process and the whole machine so far."""
    def comm(pid: str) -> str:
        try:
            return Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            return ""
    counters = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    beam = [int(p) for p in os.listdir("/proc") if p.isdigit() and comm(p) == "beam.smp"]
    return {"rabbitmq": sum(CpuMeter.process(p) for p in beam),
            "bench": CpuMeter.process(os.getpid()),
            "machine": (sum(counters) - counters[3] - counters[4]) / CpuMeter.HZ}


# -- watching the statistics ----------------------------------------------------------------------
def latencies(stamped: Stamped, first_seen: dict[str, float]) -> list[float]:
    return sorted(first_seen[i] - sent for i, sent in stamped.sent.items() if i in first_seen)


def wait_for_inbound_queues(system: System, timeout: float) -> None:
    """Intake declares its inbound queues from a thread of its own, after /health may answer:
    events published before they are bound would be dropped by the exchanges."""
    names = {f"intake.inbound.{exchange}" for exchange in AGENCY_EXCHANGES}
    deadline = now() + timeout
    while True:
        answer = requests.get(f"{RABBIT_API}/queues/{quote(system.name, safe='')}", timeout=10)
        if answer.ok:
            ready = {q["name"] for q in answer.json() if q["name"] in names and q.get("consumers", 0) >= 1}
            if ready == names:
                return
        if now() > deadline:
            raise TimeoutError(f"intake's inbound queues not consumed after {timeout:g}s")
        time.sleep(0.3)


# -- CPU --------------------------------------------------------------------------------------------
class Cpu(CpuMeter):
    """The registration bench's meter, with each service apart, the watcher's PostgreSQL backend
    apart from the system's, and per-event figures."""

    def __init__(self, system: System, watcher: Watcher):
        super().__init__(system)
        self.watcher = watcher

    def snapshot(self) -> dict[str, float]:
        snap = super().snapshot()
        for name, process in self.system.launcher.processes.items():
            snap[name] = self.process(process.pid)  # the nameko process (bash -c "exec env ...")
        snap["watcher backend"] = self.process(self.watcher.backend_pid) if self.watcher.backend_pid else 0.0
        snap["postgres backends"] -= snap["watcher backend"]
        return snap

    def report(self, before: dict, after: dict, seconds: float, events: int) -> str:
        used = {k: after[k] - before[k] for k in before}
        cpus = len(os.sched_getaffinity(0))
        known = sum(v for k, v in used.items()
                    if k in ("services", "postgres backends", "watcher backend", "rabbitmq", "bench"))
        used["everything else"] = max(0.0, used["machine"] - known)
        share = {k: f"{k} {100 * v / (seconds * cpus):.0f}%" for k, v in used.items()}
        per_event = {k: 1000 * used[k] / max(1, events)
                     for k in (*self.system.launcher.processes, "postgres backends", "rabbitmq")}
        own = used["services"] + used["postgres backends"] + used["rabbitmq"]
        return (f"CPU (% of {cpus} cpus over {seconds:.1f}s): machine {100 * used['machine'] / (seconds * cpus):.0f}%: "
                + ", ".join(share[k] for k in ("services", "postgres backends", "rabbitmq", "bench",
                                                "watcher backend", "everything else"))
                + "\n    CPU per event (ms): " + ", ".join(f"{k} {v:.1f}" for k, v in per_event.items())
                + f"; services+postgres+rabbitmq {1000 * own / max(1, events):.1f}")


# -- main -----------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=3000, help="events in the full-load run (b)")
    parser.add_argument("--baseline-count", type=int, help="messages in the raw baseline (a); default --count")
    parser.add_argument("--half-seconds", type=float, default=15.0, help="duration of the half-load run (c)")
    parser.add_argument("--warmup", type=int, default=40, help="events before measuring")
    parser.add_argument("--work-orders", type=float, default=160,
                        help="simulator work orders per area per working day (default 4x the simulator's "
                             "40, so that most events are work_order.created; alerts and court cases as usual)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--drain-timeout", type=float, default=90.0,
                        help="seconds to wait, after the last publish, for the statistics to count all")
    parser.add_argument("--quick", action="store_true", help="smoke run: count 300, shorter runs")
    args = parser.parse_args()
    if args.quick:
        args.count, args.half_seconds, args.warmup = 300, 5.0, 20
    baseline_count = args.baseline_count or args.count

    def terminate(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, terminate)

    print("inbound agency-event throughput benchmark")
    print(f"  machine: {machine()}")
    print(f"  servers: {server_versions()}")
    print(f"  settings: count={args.count} baseline_count={baseline_count} warmup={args.warmup} "
          f"half_load_seconds={args.half_seconds:g} work_orders/area/day={args.work_orders:g} seed={args.seed}"
          + (" (--quick)" if args.quick else ""), flush=True)

    stream = Events(args.seed, args.work_orders)
    warm_events = stream.take(args.warmup)
    full_events = stream.take(args.count)
    print(f"  events (b): {describe_mix(full_events)}", flush=True)

    log_dir = Path(tempfile.mkdtemp(prefix="xinfang_bench_inbound_"))
    system: System | None = None
    watcher: Watcher | None = None
    ok = False
    try:
        # (a) before the system starts, so that nothing else competes for the CPUs.
        print(f"\n(a) raw baseline: {baseline_count} of the same events, services.simulator.publish "
              f"(confirms) -> quorum queues as intake's -> 1 consumer, manual ack, prefetch {INTAKE_PREFETCH}",
              flush=True)
        raw = raw_baseline(full_events[:baseline_count], timeout=120)
        if raw["consumed"] < raw["count"]:
            raise RuntimeError(f"baseline: only {raw['consumed']} of {raw['count']} messages consumed")
        print(f"    {raw['count']} messages in {raw['seconds']:.2f}s: {raw['rate']:.0f} messages/s end to end "
              f"(publisher alone {raw['publish_rate']:.0f}/s)")
        print(f"    {raw['cpu']}", flush=True)

        started = now()
        system = System(log_dir)  # assigned before start(): a failed start is cleaned up too
        system.start()
        amqp_uri = system.env["AMQP_URI"]
        wait_for_inbound_queues(system, timeout=60)
        print(f"\nsystem started in {now() - started:.1f}s (database and vhost {system.name})", flush=True)
        watcher = Watcher(system.settings.postgres_conninfo(), "reporting.stats_agency_events", "agency_event_id")
        watcher.start()

        # Warm-up: connections, relay leadership, prepared statements, the reporting followers.
        warm = Stamped(warm_events)
        publish(warm, amqp_uri)
        if not watcher.wait_for(warm.sent, timeout=60):
            raise RuntimeError("warm-up events were never counted by the statistics; "
                               f"{len(watcher.first_seen)} of {len(warm.sent)} seen")

        # (b) full load: everything published as fast as the broker confirms.
        print(f"\n(b) full load: {args.count} events published back to back with confirms", flush=True)
        meter = Cpu(system, watcher)
        full = Stamped(full_events)
        cpu_before, cpu_started = meter.snapshot(), now()
        publish(full, amqp_uri)
        published = now()
        all_counted = watcher.wait_for(full.sent, timeout=args.drain_timeout)
        cpu_full = meter.report(cpu_before, meter.snapshot(), now() - cpu_started, len(full.sent))
        first = full.first
        counted = [watcher.first_seen[i] for i in full.sent if i in watcher.first_seen]
        last_counted = max(counted) if counted else published
        throughput = len(counted) / (last_counted - first)
        full_lat = latencies(full, watcher.first_seen)
        print(f"    counted by statistics: {len(counted)} of {len(full.sent)}"
              + ("" if all_counted else f" (gave up {args.drain_timeout:g}s after the last publish)"))
        print(f"    first publish -> last counted: {last_counted - first:.2f}s (publishing took "
              f"{published - first:.2f}s, {len(full.sent) / (published - first):.0f}/s; counting lagged "
              f"{max(0.0, last_counted - published):.2f}s behind)")
        print(f"    end-to-end throughput: {throughput:.1f} events/s")
        print(f"    latency publish -> counted: p50 {ms(percentile(full_lat, .5))}, "
              f"p99 {ms(percentile(full_lat, .99))}, max {ms(full_lat[-1] if full_lat else float('nan'))}")
        print(f"    {cpu_full}", flush=True)

        # (c) half load, open loop.
        rate = throughput / 2
        half_events = stream.take(max(1, round(rate * args.half_seconds)))
        print(f"\n(c) half load: {rate:.1f} events/s open loop for {args.half_seconds:g}s "
              f"({len(half_events)} events)", flush=True)
        half = Stamped(half_events, rate=rate)
        cpu_before, cpu_started = meter.snapshot(), now()
        publish(half, amqp_uri)
        half_counted = watcher.wait_for(half.sent, timeout=min(args.drain_timeout, 60.0))
        cpu_half = meter.report(cpu_before, meter.snapshot(), now() - cpu_started, len(half.sent))
        half_lat = latencies(half, watcher.first_seen)
        print(f"    counted by statistics: {len(half_lat)} of {len(half.sent)}"
              + ("" if half_counted else f" (gave up {min(args.drain_timeout, 60.0):g}s after the last publish)")
              + f"; publisher at most {ms(half.behind)} behind schedule")
        print(f"    latency publish -> counted: p50 {ms(percentile(half_lat, .5))}, "
              f"p99 {ms(percentile(half_lat, .99))}, max {ms(half_lat[-1] if half_lat else float('nan'))}")
        print(f"    {cpu_half}")
        print(f"    watcher: {watcher.polls} polls, {watcher.slow_polls} longer than "
              f"{WATCH_INTERVAL * 1000:.0f} ms", flush=True)

        ratio = throughput / raw["rate"]
        complete = all_counted and half_counted
        ratio_ok = ratio >= TARGET_RATIO and complete
        print("\nresults")
        print(f"  machine                       {machine()}")
        print(f"  event mix (b)                 {describe_mix(full_events)}")
        print(f"  (a) raw broker baseline       {raw['rate']:.0f} messages/s "
              "(publish with confirms -> consumed, acked)")
        print(f"  (b) inbound end to end        {throughput:.1f} events/s (publish -> counted in reporting)")
        print(f"      full load p50 / p99       {ms(percentile(full_lat, .5))} / {ms(percentile(full_lat, .99))}")
        print(f"      ratio b/a                 {ratio:.3f}  (target >= {TARGET_RATIO}: "
              f"{'MET' if ratio_ok else 'NOT MET'})")
        print(f"  (c) half load ({rate:.1f}/s) p50 / p99  {ms(percentile(half_lat, .5))} / "
              f"{ms(percentile(half_lat, .99))}")
        if not complete:
            print("  incomplete: some events were never counted; see the lines above (dead letters?)")
        ok = True
        return 0 if ratio_ok else 1
    except BaseException as exc:
        if not isinstance(exc, SystemExit):
            print(f"\nbenchmark failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        raise
    finally:
        tear_down(watcher, system, ok, log_dir)


if __name__ == "__main__":
    sys.exit(main())
