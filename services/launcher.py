"""Starts every service of the Procfile as its own process, and keeps them running.

`./run up` uses it, and so do the end-to-end tests, so tests start the system as a newcomer does.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def read_procfile(path: Path = ROOT / "Procfile") -> dict[str, str]:
    processes = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            processes[name.strip()] = command.strip()
    return processes


class Launcher:
    def __init__(self, env: dict[str, str], log_dir: Path, procfile: Path = ROOT / "Procfile"):
        self.env = {**os.environ, **env}
        # The services run from the same installation as the launcher, whatever PATH says.
        self.env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), self.env.get("PATH", "")])
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.commands = read_procfile(procfile)
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, *names: str) -> None:
        for name in names or tuple(self.commands):
            log = open(self.log_dir / f"{name}.log", "ab")
            self.processes[name] = subprocess.Popen(
                ["bash", "-c", "exec env " + self.commands[name]], cwd=ROOT, env=self.env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.time() + 20
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def wait_healthy(self, ports: dict[str, int], timeout: float = 60) -> None:
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

    def supervise(self) -> None:
        """Restart a service that died; stop everything on SIGTERM or Ctrl-C."""
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        try:
            while not stopping:
                for name, process in list(self.processes.items()):
                    if process.poll() is not None:
                        print(f"{name} exited with {process.returncode}; restarting", flush=True)
                        self.start(name)
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        self.stop()


PORTS = {"intake": 8101, "dispatch": 8102, "reporting": 8103, "mediation": 8104, "ownership": 8105, "supervision": 8106, "gateway": 8000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--log-dir", default=str(ROOT / ".run" / "logs"))
    parser.add_argument("--ready-file", help="written once every service answers /health")
    args = parser.parse_args()
    launcher = Launcher({}, Path(args.log_dir))
    launcher.start()
    try:
        launcher.wait_healthy(PORTS, timeout=120)
    except Exception as exc:
        print(f"start-up failed: {exc}", file=sys.stderr)
        launcher.stop()
        sys.exit(1)
    if args.ready_file:
        Path(args.ready_file).write_text(str(os.getpid()))
    launcher.supervise()


if __name__ == "__main__":
    main()
