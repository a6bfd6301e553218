"""The fault-injection suite's system: every service as its own process (as `./run up` starts them),
on a RabbitMQ node and a PostgreSQL cluster of the suite's own (tests/faults/servers.py), so that
stopping the broker or the database disturbs no other test run on the machine.

The launcher runs with its restart policy (services/launcher.py RestartPolicy, decision 0020), as
Kubernetes or compose would: a service killed by a scenario is started again by it, never by the
test. One system serves every scenario of the package (starting one costs half a minute); each
scenario adds its own workload, and the checks cover everything stored so far.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from shared.settings import Settings
from tests.conftest import System
from tests.faults.proxy import BlackHoleProxy
from tests.faults.servers import PrivatePostgres, PrivateRabbit
from tests.faults.workload import Ledger

ROOT = Path(__file__).resolve().parents[2]
# The one event the poison scenario's consumer fails on: dispatch, on the acceptance of the petition
# from this (unlisted) village. Set for the whole system; only that scenario registers one there.
POISON_REGION = "360781107299"
POISON = f"dispatch/intake/petition.acceptance_decided/region_code={POISON_REGION}"
RESULTS_FILE = ROOT / ".run" / "faults-last-run.json"


class FaultSystem(System):
    """A System (tests/conftest.py) on the private broker and database, under the restart policy.

    The services reach the broker through a BlackHoleProxy (tests/faults/proxy.py), which forwards
    until a scenario black-holes the link; the tests' own clients (agencies' publishers, SQL) go
    direct. `vhost`: a virtual host of its own on the node (a system started for one scenario
    must not share queues with the suite's); the default one otherwise."""

    def __init__(self, tmp: Path, rabbit: PrivateRabbit, postgres: PrivatePostgres, vhost: str = "", **settings):
        direct = rabbit.amqp_uri + quote(vhost, safe="")
        self.proxy = BlackHoleProxy(rabbit.port).start()
        super().__init__(tmp, AMQP_URI=self.proxy.uri(direct), POSTGRES_HOST="127.0.0.1",
                         POSTGRES_PORT=str(postgres.port), **settings)
        self.rabbit, self.postgres, self.vhost = rabbit, postgres, vhost
        self.amqp_uri = direct  # the tests' own publishers: the node is ours alone
        self.settings = Settings(amqp_uri=direct, postgres_host="127.0.0.1", postgres_port=str(postgres.port),
                                 postgres_dbname=self.name, cipher_key=self.env["XINFANG_CIPHER_KEY"],
                                 pseudonym_key=self.env["XINFANG_PSEUDONYM_KEY"])
        self.ledger = Ledger()  # everything acknowledged over the whole suite: the checks are global
        self.results: list[dict] = []
        self.poisoned: set[str] = set()  # petitions whose acceptance a consumer failed on: parked, no assignment

    def provision(self):
        if self.vhost:  # the default virtual host exists; the first service creates the database
            api, name = self.rabbit.api, quote(self.vhost, safe="")
            requests.put(f"{api}/vhosts/{name}", timeout=10).raise_for_status()
            requests.put(f"{api}/permissions/{name}/guest", timeout=10,
                         json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        return self

    def start(self):
        super().start()
        self.launcher.watch()
        return self

    def stop(self):
        self.launcher.stop()  # the servers go with their own fixture
        self.proxy.stop()

    def restarts(self) -> dict[str, int]:
        return dict(self.launcher.policy.restarts)

    def wait_healthy(self, timeout: float = 90) -> None:
        """Until every service answers /health (200: its database and broker reachable)."""
        def healthy():
            for port in self.ports.values():
                try:
                    if not requests.get(f"http://127.0.0.1:{port}/health", timeout=3).ok:
                        return False
                except requests.RequestException:
                    return False
            return True
        self.wait_until(healthy, timeout=timeout, interval=0.5)

    def metric(self, service: str, name: str, **labels) -> float:
        """A counter's value on one service's /metrics (0 when absent)."""
        text = requests.get(f"http://127.0.0.1:{self.ports[service]}/metrics", timeout=10).text
        total = 0.0
        for line in text.splitlines():
            if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def record(self, scenario: str, injected: str, ledger: Ledger, counts: dict, restarts_before: dict,
               fault_at: float, **extra) -> None:
        restarted = {k: v - restarts_before.get(k, 0) for k, v in self.restarts().items()
                     if v > restarts_before.get(k, 0)}
        result = {"scenario": scenario, "injected": injected,
                  "load": {"petitions registered": len(ledger.registered), "accepted": len(ledger.accepted),
                           "agency events confirmed": len(ledger.published), "client retries": ledger.retries},
                  "restarted by the policy": restarted, "recovered in s": round(time.monotonic() - fault_at, 1),
                  "records lost": 0, "applied twice": 0, "totals after": counts, **extra}
        self.results.append(result)
        print("\n" + json.dumps(result, ensure_ascii=False))


@pytest.fixture(scope="package")
def servers():
    rabbit = PrivateRabbit(Path(tempfile.mkdtemp(prefix="xinfang-faults-rabbit-")))
    postgres = PrivatePostgres()
    try:
        rabbit.start()
        postgres.start()
        yield rabbit, postgres
    finally:
        rabbit.remove()
        postgres.remove()


@pytest.fixture(scope="package")
def fault_results():
    """Every scenario's result, written for docs/reliability.md once the package is done."""
    results = {"started in s": None, "scenarios": []}
    yield results
    if results["scenarios"]:
        RESULTS_FILE.parent.mkdir(exist_ok=True)
        RESULTS_FILE.write_text(json.dumps(results, ensure_ascii=False, indent=1))


@contextmanager
def running_system(servers, tmp: Path, results: dict, **settings):
    """A FaultSystem started on the private servers, stopped afterwards, its results kept."""
    rabbit, postgres = servers
    began = time.monotonic()
    running = FaultSystem(tmp, rabbit, postgres, **settings).start()
    running.started_in = round(time.monotonic() - began, 1)
    try:
        yield running
    finally:
        running.stop()
        results["scenarios"] += running.results
        if os.environ.get("XINFANG_FAULTS_KEEP_LOGS"):
            print(f"logs: {running.launcher.log_dir}")


@pytest.fixture(scope="package")
def fault_system(servers, fault_results, tmp_path_factory):
    """The system every scenario shares but those needing settings of their own."""
    with running_system(servers, tmp_path_factory.mktemp("faults"), fault_results,
                        XINFANG_FAULT_POISON=POISON) as running:
        fault_results["started in s"] = running.started_in
        yield running
