"""Registration throughput and latency, end to end, against a whole system started for the run.

Measures in one run on one machine:
  (a) the raw eventsourcing-on-PostgreSQL save rate (one minimal aggregate per save);
  (b) sustained registrations/s: POST /api/petitions with C client threads, from the first POST
      until the statistics read model (reporting.stats_petitions) counts every one of them, and
      the POST->counted latency of each petition;
  (c) POST->counted latency at half of (b)'s throughput, from an open-loop rate-limited sender.

    cd /work/main && PATH=/work/venv/bin:$PATH /work/venv/bin/python bench/registration_throughput.py [--quick]

The bench process is not monkey-patched: plain threads, one requests.Session per thread.
"""
from __future__ import annotations

import argparse
import itertools
import math
import os
import platform
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import shared  # noqa: E402,F401  (PSYCOPG_WAIT_FUNC, as every service sets it)
import psycopg  # noqa: E402
import requests  # noqa: E402
from eventsourcing.application import Application  # noqa: E402
from eventsourcing.domain import Aggregate  # noqa: E402

from services.launcher import Launcher  # noqa: E402
from shared.persistence import application_env, ensure_schema  # noqa: E402
from shared.access import Principal, Role  # noqa: E402
from shared.settings import Settings, new_key  # noqa: E402
from shared.tokens import TokenStore  # noqa: E402
from tests.support import CATEGORIES, id_number  # noqa: E402  (plain module: no pytest, no eventlet)

RABBIT_API = os.environ.get("RABBIT_API", "http://guest:guest@127.0.0.1:15672/api")
PERIOD = "from=2026-11-01&to=2026-11-30"
WATCH_INTERVAL = 0.010


def now() -> float:
    return time.perf_counter()  # CLOCK_MONOTONIC: comparable across the bench's threads


# -- the system under test (as tests/conftest.py System, without pytest or eventlet) -------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The administrator's bearer token of the running system (access control, decision 0022): every
# request of the benches carries it.
HEADERS: dict[str, str] = {}


def authorized_session() -> requests.Session:
    session = requests.Session()
    session.headers.update(HEADERS)
    return session


class System:
    """A whole running system of its own: database, RabbitMQ virtual host, ports, keys."""

    def __init__(self, log_dir: Path, replicas: str = ""):
        self.name = f"xinfang_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.ports = {name: free_port() for name in ("intake", "dispatch", "reporting", "mediation", "ownership",
                                                     "supervision", "gateway")}
        self.env = {
            "POSTGRES_DBNAME": self.name, "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{self.name}",
            "XINFANG_CIPHER_KEY": new_key(), "XINFANG_PSEUDONYM_KEY": new_key(),
            "XINFANG_CATCH_UP_SECONDS": "1",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            **{f"{n.upper()}_ADDRESS": f"127.0.0.1:{p}" for n, p in self.ports.items()}}
        self.base_url = f"http://127.0.0.1:{self.ports['gateway']}"
        self.launcher = Launcher(self.env, log_dir, replicas=replicas)
        self.settings = Settings(postgres_dbname=self.name)
        self.vhost_created = False

    def start(self) -> System:
        vhost = quote(self.name, safe="")
        requests.put(f"{RABBIT_API}/vhosts/{vhost}", timeout=10).raise_for_status()
        self.vhost_created = True
        requests.put(f"{RABBIT_API}/permissions/{vhost}/guest", timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        self.launcher.start()
        self.launcher.wait_healthy(self.launcher.ports(), timeout=120)  # every replica
        store = TokenStore(self.settings.postgres_conninfo())
        store.create_schema()
        HEADERS["Authorization"] = "Bearer " + store.issue(Principal("bench", Role.ADMINISTRATOR), "bench").token
        return self

    def stop(self) -> None:
        try:
            self.launcher.stop()
        finally:
            if self.vhost_created:
                try:
                    requests.delete(f"{RABBIT_API}/vhosts/{quote(self.name, safe='')}", timeout=10)
                except requests.RequestException as exc:
                    print(f"  could not delete vhost {self.name}: {exc}", file=sys.stderr)
            drop_database(self.name)

    def url(self, path: str) -> str:
        return self.base_url + path


def drop_database(name: str) -> None:
    try:
        with psycopg.connect(Settings().postgres_conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error as exc:
        print(f"  could not drop database {name}: {exc}", file=sys.stderr)


# -- (a) raw baseline -------------------------------------------------------------------------------
class Probe(Aggregate):
    def __init__(self, n: int):
        self.n = n


class ProbeApplication(Application):
    name = "benchprobe"


def baseline(dbname: str, saves: int) -> float:
    settings = Settings(postgres_dbname=dbname, cipher_key=new_key())
    schema = "baseline"
    ensure_schema(schema, settings)
    app = ProbeApplication(env=application_env(schema, settings))
    try:
        for n in range(min(50, saves)):  # warm-up: pool connections, prepared statements
            app.save(Probe(n))
        started = now()
        for n in range(saves):
            app.save(Probe(n))
        return saves / (now() - started)
    finally:
        app.close()


# -- petitions and the watcher --------------------------------------------------------------------
def body(n: int) -> dict:
    """A valid petition (as tests/support.py) whose petitioner is unique for every n < 10**9."""
    return {"channel": "visit",
            "petitioner": {"name": "测试某某", "id_number": id_number(f"15062319{n:09d}"),
                           "phone": f"13{n % 10**9:09d}"},
            "region_code": "150623", "category": CATEGORIES[0], "subject": "草牧场边界纠纷",
            "content": "与邻村就草牧场边界发生争议，请求依法确权。",
            "received_at": "2026-11-02T09:30:00+08:00"}


class Watcher(threading.Thread):
    """Polls a read-model table every 10 ms; records when each id (a uuid key column) is first seen.
    One aggregated string per poll: cheap for the bench process, which shares the CPUs."""

    def __init__(self, conninfo: str, table: str = "reporting.stats_petitions", key: str = "petition_id"):
        super().__init__(daemon=True, name="watcher")
        self.conninfo = conninfo
        self.table = table
        self.query = f"SELECT string_agg({key}::text, ',') FROM {table}"
        self.first_seen: dict[str, float] = {}
        self.backend_pid: int | None = None  # its PostgreSQL backend, whose CPU is reported apart
        self.polls = 0
        self.slow_polls = 0
        self.stopping = threading.Event()
        self.changed = threading.Condition()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with psycopg.connect(self.conninfo, autocommit=True) as conn:
                self.backend_pid = conn.info.backend_pid
                while not self.stopping.is_set():  # the table appears with reporting's read model
                    if conn.execute("SELECT to_regclass(%s)", (self.table,)).fetchone()[0]:
                        break
                    time.sleep(0.2)
                tick = now()
                while not self.stopping.is_set():
                    text = conn.execute(self.query, prepare=True).fetchone()[0] or ""
                    seen = now()
                    self.polls += 1
                    if len(text) > 37 * len(self.first_seen):
                        fresh = [i for i in text.split(",") if i not in self.first_seen]
                        if fresh:
                            with self.changed:
                                for i in fresh:
                                    self.first_seen[i] = seen
                                self.changed.notify_all()
                    tick += WATCH_INTERVAL
                    delay = tick - now()
                    if delay > 0:
                        time.sleep(delay)
                    else:
                        self.slow_polls += 1
                        tick = now()
        except BaseException as exc:  # reported by wait_for
            self.error = exc
            with self.changed:
                self.changed.notify_all()

    def wait_for(self, ids, timeout: float) -> bool:
        ids = list(ids)
        deadline = now() + timeout
        with self.changed:
            while True:
                if self.error:
                    raise RuntimeError(f"watcher failed: {self.error!r}")
                if all(i in self.first_seen for i in ids):
                    return True
                left = deadline - now()
                if left <= 0:
                    return False
                self.changed.wait(min(left, 0.5))


class Run:
    """One batch of registrations: when each was sent, its id, and how its POST went."""

    def __init__(self, label: str, first_n: int):
        self.label = label
        self.first_n = first_n
        self.lock = threading.Lock()
        self.sent: dict[int, float] = {}
        self.answered: dict[int, float] = {}
        self.ids: dict[int, str] = {}
        self.errors: list[str] = []

    def post(self, session: requests.Session, base_url: str, i: int) -> None:
        payload = body(self.first_n + i)
        sent = now()
        try:
            answer = session.post(base_url + "/api/petitions", json=payload, timeout=60)
            answered = now()
            if answer.status_code != 201:
                raise RuntimeError(f"HTTP {answer.status_code}: {answer.text[:200]}")
            pid = answer.json()["id"]
        except Exception as exc:
            with self.lock:
                self.errors.append(f"#{i}: {type(exc).__name__}: {exc}")
            return
        with self.lock:
            self.sent[i], self.answered[i], self.ids[i] = sent, answered, pid

    def latencies(self, first_seen: dict[str, float]) -> list[float]:
        return sorted(first_seen[pid] - self.sent[i] for i, pid in self.ids.items() if pid in first_seen)

    def post_latencies(self) -> list[float]:
        return sorted(self.answered[i] - self.sent[i] for i in self.ids)


def in_threads(threads: int, count: int, send) -> None:
    """`threads` clients take petition numbers 0..count-1 in turn; send(session, i) posts one."""
    counter = itertools.count()
    counter_lock = threading.Lock()

    def client() -> None:
        with authorized_session() as session:
            while True:
                with counter_lock:
                    i = next(counter)
                if i >= count:
                    return
                send(session, i)

    workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()


def closed_loop(run: Run, base_url: str, count: int, clients: int) -> None:
    """C threads, each POSTing the next petition as soon as its previous one is answered."""
    in_threads(clients, count, lambda session, i: run.post(session, base_url, i))


def open_loop(run: Run, base_url: str, rate: float, count: int, senders: int) -> float:
    """Petition i is sent at start + i/rate, whatever the answers to earlier ones; returns the
    largest delay behind that schedule (a sender pool too small or a saturated machine)."""
    start = now() + 0.05
    behind = [0.0]

    def send(session, i: int) -> None:
        delay = start + i / rate - now()
        if delay > 0:
            time.sleep(delay)
        else:
            behind[0] = max(behind[0], -delay)
        run.post(session, base_url, i)

    in_threads(senders, count, send)
    return behind[0]


class CpuMeter:
    """CPU seconds used by the system under test, the bench, the broker and the rest of the machine,
    so that a noisy neighbour shows in the figures instead of hiding in them."""

    HZ = os.sysconf("SC_CLK_TCK")

    def __init__(self, system: System):
        self.system = system

    @classmethod
    def process(cls, pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / cls.HZ
        except (OSError, IndexError, ValueError):
            return 0.0

    def snapshot(self) -> dict[str, float]:
        with psycopg.connect(Settings().postgres_conninfo("postgres"), autocommit=True) as conn:
            backends = [r[0] for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.system.name,))]
        beam = [int(p) for p in os.listdir("/proc") if p.isdigit() and _comm(p) == "beam.smp"]
        counters = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return {"services": sum(self.process(p.pid) for p in self.system.launcher.processes.values()),
                "postgres backends": sum(self.process(p) for p in backends),
                "rabbitmq": sum(self.process(p) for p in beam),
                "bench": self.process(os.getpid()),
                "machine": (sum(counters) - counters[3] - counters[4]) / self.HZ}

    @staticmethod
    def report(before: dict, after: dict, seconds: float, registrations: int) -> str:
        used = {k: after[k] - before[k] for k in before}
        used["everything else"] = max(0.0, used["machine"] - sum(v for k, v in used.items() if k != "machine"))
        cpus = len(os.sched_getaffinity(0))
        parts = [f"{k} {100 * v / (seconds * cpus):.0f}%" for k, v in used.items() if k != "machine"]
        own = used["services"] + used["postgres backends"]
        return (f"CPU (% of {cpus} cpus): machine {100 * used['machine'] / (seconds * cpus):.0f}%: "
                + ", ".join(parts) + f"; services+postgres {1000 * own / max(1, registrations):.1f} ms "
                f"CPU per registration")


def _comm(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return float("nan")
    return values[max(0, math.ceil(q * len(values)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def summary(system: System) -> dict:
    answer = authorized_session().get(system.url(f"/api/stats/summary?{PERIOD}"), timeout=30)
    answer.raise_for_status()
    return answer.json()


# -- main -----------------------------------------------------------------------------------------
def machine() -> str:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"nproc={cpus}, CPU: {model}, Python {platform.python_version()} ({platform.system()} {platform.release()})"


def server_versions() -> str:
    parts = []
    try:
        with psycopg.connect(Settings().postgres_conninfo("postgres")) as conn:
            parts.append("PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0])
    except psycopg.Error:
        pass
    try:
        parts.append("RabbitMQ " + requests.get(f"{RABBIT_API}/overview", timeout=5).json()["rabbitmq_version"])
    except (requests.RequestException, ValueError, KeyError):
        pass
    return ", ".join(parts)


def tear_down(watcher, system, ok: bool, log_dir) -> None:
    """Stops the watcher and the system (dropping its database and vhost); keeps the logs of a failed run."""
    if watcher:
        watcher.stopping.set()
        watcher.join(timeout=5)
    if system:
        print("\nstopping the system and removing its database and vhost...", flush=True)
        system.stop()
    if ok:
        shutil.rmtree(log_dir, ignore_errors=True)
    else:
        print(f"service logs kept in {log_dir}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000, help="registrations in the full-load run (b)")
    parser.add_argument("--concurrency", "-c", type=int, default=16, help="client threads in run (b)")
    parser.add_argument("--baseline-saves", type=int, default=2000, help="saves in the raw baseline (a)")
    parser.add_argument("--half-seconds", type=float, default=20.0, help="duration of the half-load run (c)")
    parser.add_argument("--warmup", type=int, default=30, help="registrations before measuring")
    parser.add_argument("--drain-timeout", type=float, default=90.0,
                        help="seconds to wait, after the last POST, for the statistics to count all")
    parser.add_argument("--quick", action="store_true", help="smoke run: count 300, shorter runs")
    args = parser.parse_args()
    if args.quick:
        args.count, args.baseline_saves, args.half_seconds, args.warmup = 300, 300, 8.0, 10

    def terminate(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, terminate)

    print("registration throughput benchmark")
    print(f"  machine: {machine()}")
    print(f"  servers: {server_versions()}")
    print(f"  settings: count={args.count} clients={args.concurrency} baseline_saves={args.baseline_saves} "
          f"half_load_seconds={args.half_seconds:g}" + (" (--quick)" if args.quick else ""), flush=True)

    log_dir = Path(tempfile.mkdtemp(prefix="xinfang_bench_"))
    scratch = f"xinfang_bench_raw_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    system: System | None = None
    watcher: Watcher | None = None
    ok = False
    try:
        # (a) before the system starts, so that nothing else competes for the CPUs.
        print("\n(a) raw baseline: eventsourcing on PostgreSQL, 1 new aggregate per save()", flush=True)
        try:
            save_rate = baseline(scratch, args.baseline_saves)
        finally:
            drop_database(scratch)
        print(f"    {args.baseline_saves} saves: {save_rate:.0f} saves/s", flush=True)

        started = now()
        system = System(log_dir).start()
        print(f"\nsystem started in {now() - started:.1f}s (database and vhost {system.name}, "
              f"gateway {system.base_url})", flush=True)
        watcher = Watcher(system.settings.postgres_conninfo())
        watcher.start()

        # Warm-up: connections, reply queues, relay leadership, prepared statements.
        warm = Run("warm-up", first_n=0)
        closed_loop(warm, system.base_url, args.warmup, min(4, args.concurrency))
        if warm.errors:
            raise RuntimeError(f"warm-up failed: {warm.errors[:3]}")
        if not watcher.wait_for(warm.ids.values(), timeout=60):
            raise RuntimeError("warm-up petitions were never counted by the statistics")

        # (b) full load, closed loop.
        print(f"\n(b) full load: {args.count} registrations, {args.concurrency} client threads", flush=True)
        meter = CpuMeter(system)
        full = Run("full", first_n=1_000_000)
        cpu_before, cpu_started = meter.snapshot(), now()
        closed_loop(full, system.base_url, args.count, args.concurrency)
        posted = now()
        all_counted = watcher.wait_for(full.ids.values(), timeout=args.drain_timeout)
        cpu_full = CpuMeter.report(cpu_before, meter.snapshot(), now() - cpu_started, len(full.ids))
        first_post = min(full.sent.values())
        counted_times = [watcher.first_seen[p] for p in full.ids.values() if p in watcher.first_seen]
        last_counted = max(counted_times) if counted_times else posted
        throughput = len(counted_times) / (last_counted - first_post)
        post_rate = len(full.ids) / (max(full.answered.values()) - first_post)
        full_lat = full.latencies(watcher.first_seen)
        full_post = full.post_latencies()
        stats = summary(system)
        expected = args.warmup + len(full.ids)
        print(f"    accepted (201): {len(full.ids)}, failed: {len(full.errors)}"
              + (f" e.g. {full.errors[0]}" if full.errors else ""))
        print(f"    counted by statistics: {len(counted_times)} of {len(full.ids)}"
              + ("" if all_counted else f" (gave up {args.drain_timeout:g}s after the last POST)"))
        print(f"    first POST -> last counted: {last_counted - first_post:.2f}s "
              f"(POSTs took {max(full.answered.values()) - first_post:.2f}s, {post_rate:.1f} answered/s; "
              f"counting lagged {max(0.0, last_counted - max(full.answered.values())):.2f}s behind)")
        print(f"    end-to-end throughput: {throughput:.1f} registrations/s")
        print(f"    latency POST -> counted: p50 {ms(percentile(full_lat, .5))}, "
              f"p99 {ms(percentile(full_lat, .99))}, max {ms(full_lat[-1] if full_lat else float('nan'))}")
        print(f"    latency POST -> 201:     p50 {ms(percentile(full_post, .5))}, "
              f"p99 {ms(percentile(full_post, .99))}")
        print(f"    GET /api/stats/summary received={stats['received']} (expected {expected})")
        print(f"    {cpu_full}", flush=True)

        # (c) half load, open loop.
        rate = throughput / 2
        half_count = max(1, round(rate * args.half_seconds))
        senders = max(8, 2 * args.concurrency)
        print(f"\n(c) half load: {rate:.1f} registrations/s open loop for {args.half_seconds:g}s "
              f"({half_count} registrations, {senders} sender threads)", flush=True)
        half = Run("half", first_n=2_000_000)
        cpu_before, cpu_started = meter.snapshot(), now()
        behind = open_loop(half, system.base_url, rate, half_count, senders)
        half_counted = watcher.wait_for(half.ids.values(), timeout=args.drain_timeout)
        cpu_half = CpuMeter.report(cpu_before, meter.snapshot(), now() - cpu_started, len(half.ids))
        half_lat = half.latencies(watcher.first_seen)
        half_post = half.post_latencies()
        print(f"    accepted (201): {len(half.ids)}, failed: {len(half.errors)}"
              + (f" e.g. {half.errors[0]}" if half.errors else "")
              + f"; sender at most {ms(behind)} behind schedule")
        print(f"    counted by statistics: {len(half_lat)} of {len(half.ids)}"
              + ("" if half_counted else f" (gave up {args.drain_timeout:g}s after the last POST)"))
        print(f"    latency POST -> counted: p50 {ms(percentile(half_lat, .5))}, "
              f"p99 {ms(percentile(half_lat, .99))}, max {ms(half_lat[-1] if half_lat else float('nan'))}")
        print(f"    latency POST -> 201:     p50 {ms(percentile(half_post, .5))}, "
              f"p99 {ms(percentile(half_post, .99))}")
        print(f"    {cpu_half}")
        print(f"    watcher: {watcher.polls} polls, {watcher.slow_polls} longer than "
              f"{WATCH_INTERVAL * 1000:.0f} ms", flush=True)

        ratio = throughput / save_rate
        p99_half = percentile(half_lat, .99)
        complete = all_counted and half_counted and not full.errors and not half.errors
        ratio_ok = ratio >= 0.5 and complete
        p99_ok = p99_half < 1.0 and complete
        print("\nresults")
        print(f"  machine                      {machine()}")
        print(f"  (a) raw save rate            {save_rate:.0f} saves/s")
        print(f"  (b) end-to-end throughput    {throughput:.1f} registrations/s")
        print(f"      ratio b/a                {ratio:.3f}  (target >= 0.5: {'MET' if ratio_ok else 'NOT MET'})")
        print(f"      full load p50 / p99      {ms(percentile(full_lat, .5))} / {ms(percentile(full_lat, .99))}")
        print(f"  (c) half load ({rate:.1f}/s) p50 / p99  {ms(percentile(half_lat, .5))} / {ms(p99_half)}"
              f"  (target p99 < 1 s: {'MET' if p99_ok else 'NOT MET'})")
        if not complete:
            print("  incomplete: some registrations failed or were never counted; see the lines above")
        ok = True
        return 0 if ratio_ok and p99_ok else 1
    except BaseException as exc:
        if not isinstance(exc, SystemExit):
            print(f"\nbenchmark failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        raise
    finally:
        tear_down(watcher, system, ok, log_dir)


if __name__ == "__main__":
    sys.exit(main())
