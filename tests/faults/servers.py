"""A RabbitMQ node and a PostgreSQL cluster of the fault suite's own, created and removed by it.

The fault scenarios stop and start the broker and the database. Other test runs on this machine use
the shared ones (5672, 5432): a restart there would break them. So the suite runs its own, on free
ports, with every file in a temporary folder: a RabbitMQ node `xinfang-faults-<pid>@localhost`
(own AMQP, distribution and management ports, own mnesia and logs, own Erlang cookie) and a
PostgreSQL cluster made with `initdb` (run as the `postgres` user when the tests run as root,
since PostgreSQL refuses to run as root). Both binaries are those `./run` installs (Debian's).
"""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

RABBIT_BIN = Path(os.environ.get("XINFANG_RABBITMQ_BIN", "/usr/lib/rabbitmq/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not within {timeout}s")
        time.sleep(interval)


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class PrivateRabbit:
    """One RabbitMQ node in a folder of its own. `stop_app()`/`start_app()` as an operator's
    `rabbitmqctl -n <node> stop_app` / `start_app`: the Erlang node keeps running, the broker inside
    it stops (every connection closed, non-durable queues gone) and comes back."""

    def __init__(self, root: Path):
        self.root = root
        self.node = f"xinfang-faults-{os.getpid()}@localhost"
        self.port, self.dist_port, self.management_port = free_port(), free_port(), free_port()
        self.env = {**os.environ, "HOME": str(root),  # the node's and rabbitmqctl's Erlang cookie
                    "RABBITMQ_NODENAME": self.node, "RABBITMQ_NODE_PORT": str(self.port),
                    "RABBITMQ_DIST_PORT": str(self.dist_port),
                    "RABBITMQ_MNESIA_BASE": str(root / "mnesia"), "RABBITMQ_LOG_BASE": str(root / "log"),
                    "RABBITMQ_PID_FILE": str(root / "rabbit.pid"),
                    "RABBITMQ_CONFIG_FILE": str(root / "rabbitmq.conf"),
                    # not /etc/rabbitmq/rabbitmq-env.conf, which names the shared node
                    "RABBITMQ_CONF_ENV_FILE": str(root / "rabbitmq-env.conf"),
                    "RABBITMQ_ENABLED_PLUGINS_FILE": str(root / "enabled_plugins")}
        self.process: subprocess.Popen | None = None

    @property
    def amqp_uri(self) -> str:
        return f"pyamqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def api(self) -> str:
        return f"http://guest:guest@127.0.0.1:{self.management_port}/api"

    def start(self) -> PrivateRabbit:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "rabbitmq-env.conf").write_text("")
        (self.root / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{self.port}\n"
            f"management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = {self.management_port}\n"
            "log.file.level = warning\n")
        (self.root / "enabled_plugins").write_text("[rabbitmq_management].\n")
        log = open(self.root / "server.out", "ab")
        self.process = subprocess.Popen([str(RABBIT_BIN / "rabbitmq-server")], env=self.env, cwd=self.root,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_for(self._booted, 120, f"RabbitMQ node {self.node}", interval=1)
        wait_for(lambda: port_open(self.management_port), 60, "RabbitMQ management")
        return self

    def _booted(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"RabbitMQ node {self.node} exited; see {self.root / 'server.out'}")
        try:  # refused until the node has registered with epmd; then waits for the broker inside it
            self.ctl("await_startup", timeout=120)
            return True
        except RuntimeError:
            return False

    def ctl(self, *args: str, timeout: float = 60) -> str:
        done = subprocess.run([str(RABBIT_BIN / "rabbitmqctl"), "-n", self.node, *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {done.stdout[-500:]} {done.stderr[-1000:]}")
        return done.stdout

    def stop_app(self) -> None:
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app", timeout=120)
        self.ctl("await_startup", timeout=120)

    def remove(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                self.ctl("stop", timeout=60)
            except Exception:  # it is going away anyway
                pass
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


class PrivatePostgres:
    """One PostgreSQL cluster in a temporary folder, owned by the `postgres` user when run as root.
    `restart()` is an immediate stop (as a crash: no checkpoint, open transactions aborted, every
    connection cut) followed by a start, which recovers from the WAL."""

    def __init__(self):
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="xinfang-faults-pg-"))
        self.data = self.root / "data"
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.bin = Path(os.environ.get("XINFANG_POSTGRES_BIN") or _postgres_bin())

    def _run(self, *args: str, timeout: float = 120) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)}: {done.stdout[-500:]} {done.stderr[-1000:]}")

    def start(self) -> PrivatePostgres:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        self._start()
        return self

    def _start(self) -> None:
        # fsync off: the machine itself never crashes here, so what reached the OS survives an immediate
        # stop. synchronous_commit stays on (the default, and what production must run): with it off, a
        # commit is acknowledged before its WAL is written, and an immediate stop loses the last few
        # hundred milliseconds of acknowledged commits — a follower that saw its commit acknowledged
        # then moves on past an effect the database no longer has (decision 0026).
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
                   "-c full_page_writes=off -c max_connections=300")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w",
                  "start")

    def restart(self, down_seconds: float = 0.0) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        time.sleep(down_seconds)
        self._start()

    def remove(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
        except Exception:  # not running
            pass
        shutil.rmtree(self.root, ignore_errors=True)


def _postgres_bin() -> str:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if versions:
        return str(versions[-1].parent)
    found = shutil.which("initdb")
    if not found:
        raise RuntimeError("initdb not found: install postgresql (./run does)")
    return str(Path(found).resolve().parent)
