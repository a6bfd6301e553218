"""Starts every service of the Procfile as its own process (or several), and keeps them running.

`./run up` uses it, and so do the end-to-end tests, so tests start the system as a newcomer does.

Replicas (docs/decisions/0017): `--replicas dispatch=3,reporting=2` or `XINFANG_REPLICAS=...` runs
that many processes of a service, named `dispatch`, `dispatch-2`, `dispatch-3` (logs
`dispatch-2.log`). They share the service's queues and compete for its messages. Each one serves
/health and /metrics at its own WEB_SERVER_ADDRESS: `<NAME>_ADDRESS` where set (`DISPATCH_2_ADDRESS`),
otherwise the first replica's port plus 10 per replica (dispatch 8102, 8112, 8122; the gateway
8000, 8010). The gateway's public port is the first gateway's alone: more gateways each answer on
their own port, behind whatever balances the load (a Kubernetes Service in deploy/).
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PORT_STEP = 10  # between a service's replicas; more than the number of services in a port range
GRACE_SECONDS = 20  # after SIGTERM, before SIGKILL: nameko finishes its workers meanwhile
# `WEB_SERVER_ADDRESS=${DISPATCH_ADDRESS:-127.0.0.1:8102}` in a Procfile command
ADDRESS = re.compile(r"WEB_SERVER_ADDRESS=\$\{(\w+):-([^}]+)\}")


class RestartPolicy:
    """When a process that exited is started again, as Kubernetes' `restartPolicy: Always` (with its
    crash-loop back-off) and compose's `restart: always` do (decision 0020): at once the first time,
    then after 1, 2, 4 … up to `cap` seconds while it keeps dying; a process that ran `settle`
    seconds counts as healthy again and its next death is restarted at once."""

    def __init__(self, cap: float = 30.0, settle: float = 60.0):
        self.cap, self.settle = cap, settle
        self.failures: dict[str, int] = {}
        self.started_at: dict[str, float] = {}
        self.restarts: dict[str, int] = {}  # how often each process was restarted (for operators and tests)

    def started(self, name: str, now: float) -> None:
        self.started_at[name] = now

    def delay(self, name: str, exited_at: float) -> float:
        """Seconds after its exit at which the process is started again."""
        if exited_at - self.started_at.get(name, 0.0) >= self.settle:
            self.failures[name] = 0
        failures = self.failures.get(name, 0)
        return 0.0 if failures == 0 else min(self.cap, 2.0 ** (failures - 1))

    def restarting(self, name: str) -> None:
        self.failures[name] = self.failures.get(name, 0) + 1
        self.restarts[name] = self.restarts.get(name, 0) + 1


def read_procfile(path: Path = ROOT / "Procfile") -> dict[str, str]:
    processes = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            processes[name.strip()] = command.strip()
    return processes


def parse_replicas(spec: str | None, services=None) -> dict[str, int]:
    """`dispatch=3,reporting=2` -> {"dispatch": 3, "reporting": 2}; an empty spec runs one of each.
    Unknown services (when `services` is given), counts below 1 and repeats are refused."""
    replicas: dict[str, int] = {}
    for part in (spec or "").replace(" ", "").split(","):
        if not part:
            continue
        name, equals, count = part.partition("=")
        if not equals or not name or not count.isdigit():
            raise ValueError(f"replicas: {part!r} is not service=count")
        if services is not None and name not in services:
            raise ValueError(f"replicas: no service {name!r} in the Procfile ({', '.join(services)})")
        if name in replicas:
            raise ValueError(f"replicas: {name!r} given twice")
        if int(count) < 1:
            raise ValueError(f"replicas: {name}={count}; at least 1")
        replicas[name] = int(count)
    return replicas


def replica_names(service: str, count: int) -> list[str]:
    return [service] + [f"{service}-{k}" for k in range(2, count + 1)]


def replica_of(name: str) -> tuple[str, int]:
    """`dispatch-3` -> ("dispatch", 3); `dispatch` -> ("dispatch", 1)."""
    service, dash, k = name.rpartition("-")
    return (service, int(k)) if dash and k.isdigit() else (name, 1)


def address_variable(name: str) -> str:
    """The environment variable naming a replica's WEB_SERVER_ADDRESS: DISPATCH_ADDRESS, DISPATCH_2_ADDRESS."""
    return re.sub(r"\W", "_", name).upper() + "_ADDRESS"


def replica_address(name: str, command: str, env: dict[str, str]) -> str | None:
    """host:port of one replica; None for a command without a WEB_SERVER_ADDRESS."""
    match = ADDRESS.search(command)
    if match is None:
        return None
    k = replica_of(name)[1]
    own = env.get(address_variable(name))
    if own:
        return own
    host, _, port = (env.get(match.group(1)) or match.group(2)).rpartition(":")
    return f"{host}:{int(port) + PORT_STEP * (k - 1)}"


class Launcher:
    def __init__(self, env: dict[str, str], log_dir: Path, procfile: Path = ROOT / "Procfile",
                 replicas: dict[str, int] | str | None = None):
        self.env = {**os.environ, **env}
        # The services run from the same installation as the launcher, whatever PATH says.
        self.env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), self.env.get("PATH", "")])
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.commands = read_procfile(procfile)
        if replicas is None or isinstance(replicas, str):
            spec = self.env.get("XINFANG_REPLICAS", "") if replicas is None else replicas
            replicas = parse_replicas(spec, self.commands)
        self.replicas = {service: replicas.get(service, 1) for service in self.commands}
        self.processes: dict[str, subprocess.Popen] = {}
        self.policy = RestartPolicy()
        self._lock = threading.RLock()  # start() and the restart policy's watcher
        self._stopping = threading.Event()
        self._exited_at: dict[str, float] = {}
        self.addresses = {name: replica_address(name, self.commands[replica_of(name)[0]], self.env)
                          for name in self.names()}
        taken: dict[str, str] = {}
        for name, address in self.addresses.items():
            # nameko listens with SO_REUSEPORT: a second process on a port would not fail, but share it.
            if address is not None and address in taken:
                raise ValueError(f"{name} and {taken[address]} would both listen on {address}")
            taken[address] = name

    def names(self) -> list[str]:
        """Every process to run, in Procfile order, each service's replicas together."""
        return [name for service, count in self.replicas.items() for name in replica_names(service, count)]

    def ports(self) -> dict[str, int]:
        return {name: int(address.rpartition(":")[2]) for name, address in self.addresses.items() if address}

    def start(self, *names: str, timeout: float = 120) -> None:
        """The given processes (a service's name is its first replica), or all of them: then the
        first replica of each service answers /health before the others start, so that replicas
        never race each other to create the service's schema and tables."""
        if not names:
            firsts = [name for name in self.names() if replica_of(name)[1] == 1]
            self.start(*firsts)
            further = [name for name in self.names() if replica_of(name)[1] > 1]
            if further:
                self.wait_healthy({name: self.ports()[name] for name in firsts if name in self.ports()}, timeout)
                self.start(*further)
            return
        for name in names:
            service, _ = replica_of(name)
            if name not in self.addresses:
                raise KeyError(f"no process {name!r}: {', '.join(self.names())}")
            env = dict(self.env)
            if self.addresses[name]:  # into the variable the Procfile command reads
                env[ADDRESS.search(self.commands[service]).group(1)] = self.addresses[name]
            log = open(self.log_dir / f"{name}.log", "ab")
            with self._lock:
                self.processes[name] = subprocess.Popen(
                    ["bash", "-c", "exec env " + self.commands[service]], cwd=ROOT, env=env,
                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
                self._exited_at.pop(name, None)
                self.policy.started(name, time.monotonic())
            log.close()  # the child has its own copy

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def restart_exited(self) -> list[str]:
        """One round of the restart policy: starts again each process that exited and whose back-off
        has passed; returns their names. Nothing while stopping."""
        restarted = []
        with self._lock:
            now = time.monotonic()
            for name, process in list(self.processes.items()):
                if self._stopping.is_set() or process.poll() is None:
                    continue
                exited_at = self._exited_at.setdefault(name, now)
                if now - exited_at < self.policy.delay(name, exited_at):
                    continue
                print(f"{name} exited with {process.returncode}; restarting", flush=True)
                self.policy.restarting(name)
                self.start(name)
                restarted.append(name)
        return restarted

    def watch(self, interval: float = 0.5) -> threading.Thread:
        """The restart policy in a thread of its own, until stop(): how the end-to-end systems of the
        fault tests run, so that a service killed or exiting comes back without anyone's step."""
        def loop():
            while not self._stopping.wait(interval):
                self.restart_exited()
        thread = threading.Thread(target=loop, name="restart-policy", daemon=True)
        thread.start()
        return thread

    def stop(self, grace: float = GRACE_SECONDS) -> None:
        """SIGTERM to every process (nameko finishes its running workers; what it has not
        acknowledged the broker delivers again), SIGKILL to those still running after `grace`."""
        self._stopping.set()  # the restart policy starts nothing more
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.time() + grace
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=10)

    def wait_healthy(self, ports: dict[str, int] | None = None, timeout: float = 60) -> None:
        """Until each process (default: every started one) answers /health on its port."""
        if ports is None:
            ports = {name: port for name, port in self.ports().items() if name in self.processes}
        deadline = time.time() + timeout
        for name, port in ports.items():
            while True:
                if self.processes[name].poll() is not None:
                    raise RuntimeError(f"{name} exited; see {self.log_dir / (name + '.log')}")
                try:
                    if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).ok:
                        break
                except requests.RequestException:
                    pass
                if time.time() > deadline:
                    raise TimeoutError(f"{name} not healthy after {timeout}s")
                time.sleep(0.3)

    def supervise(self, stopping: list | None = None) -> None:
        """Restart a process that died; stop everything on SIGTERM or Ctrl-C."""
        stopping = [] if stopping is None else stopping
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        try:
            while not stopping:
                self.restart_exited()
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        self.stop()


# The first replica of each service, as the Procfile says when nothing is set (README, ./run up).
PORTS = {"intake": 8101, "dispatch": 8102, "reporting": 8103, "mediation": 8104, "ownership": 8105, "supervision": 8106, "gateway": 8000}


class _Stopped(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--log-dir", default=str(ROOT / ".run" / "logs"))
    parser.add_argument("--ready-file", help="written once every service answers /health")
    parser.add_argument("--replicas", default=os.environ.get("XINFANG_REPLICAS", ""),
                        help="processes per service, e.g. dispatch=3,reporting=2 (default: "
                             "$XINFANG_REPLICAS, else one each)")
    args = parser.parse_args()
    try:
        launcher = Launcher({}, Path(args.log_dir), replicas=args.replicas)
    except ValueError as exc:
        parser.error(str(exc))

    stopping: list = []

    def on_sigterm(*_):
        stopping.append(True)
        if not started:
            raise _Stopped()

    # SIGTERM while starting (./run down straight after ./run up) stops what was started, too.
    started = False
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        launcher.start()
        launcher.wait_healthy(timeout=120)
        started = True
    except (_Stopped, KeyboardInterrupt):
        launcher.stop()
        sys.exit(0)
    except Exception as exc:
        print(f"start-up failed: {exc}", file=sys.stderr)
        launcher.stop()
        sys.exit(1)
    print("running: " + ", ".join(f"{name} ({address})" for name, address in launcher.addresses.items()), flush=True)
    if args.ready_file:
        Path(args.ready_file).write_text(str(os.getpid()))
    launcher.supervise(stopping)


if __name__ == "__main__":
    main()
