"""Health that tells the truth, and logs one can follow a request through.

A system of its own (its database and broker virtual host are made unreachable on purpose):
/health and /health/ready answer 503 naming the database or the broker while the service cannot
reach it, /health/live stays 200, and all turns 200 again by itself once they are back. A request's
X-Request-Id comes back in the response, is in the JSON log lines of the service that handled it and
in the envelopes of the events it caused, down to those another service stored in consequence.
"""
import json
import subprocess
import time
import uuid
from urllib.parse import quote

import psycopg
import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy

from tests.conftest import RABBIT_API, system_of_its_own
from tests.support import petition

pytestmark = pytest.mark.e2e
SERVICES = ("intake", "dispatch", "reporting", "mediation", "ownership", "supervision", "gateway")
WITH_DATABASE = tuple(s for s in SERVICES if s != "gateway")


own = system_of_its_own("health", XINFANG_HEALTH_TIMEOUT="1")


def probe(system, service, path):
    started = time.monotonic()
    answer = requests.get(f"http://127.0.0.1:{system.ports[service]}{path}", timeout=10)
    assert time.monotonic() - started < 5, f"{service}{path} took too long"  # never hangs on a dependency
    return answer.status_code, answer.json()


def all_ready(system):
    return all(probe(system, s, "/health/ready")[0] == 200 and probe(system, s, "/health")[0] == 200
               for s in SERVICES)


def test_every_service_is_live_healthy_and_ready(own):
    for service in SERVICES:
        assert probe(own, service, "/health/live") == (200, {"service": service, "status": "alive"})
    own.wait_until(lambda: all_ready(own), timeout=60, interval=0.5)
    status, body = probe(own, "dispatch", "/health/ready")
    assert body["service"] == "dispatch" and "tracking" in body and "relay_active" in body  # as before
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]
    assert body["checks"]["followers"]["lag"]["intake"] == 0
    status, body = probe(own, "gateway", "/health")
    assert set(body["checks"]) == {"broker"}  # the gateway keeps no database
    status, body = probe(own, "reporting", "/health/ready")  # two contexts: statistics and bulletins
    assert set(body["checks"]["followers"]["lag"]) == {"intake", "dispatch", "mediation", "ownership", "supervision"}


def test_a_request_is_followed_through_the_logs_and_the_events_by_its_id(own):
    rid = f"e2e-{uuid.uuid4().hex[:12]}"
    answer = own.session().post(own.url("/api/petitions"), json=petition(7301), headers={"X-Request-Id": rid}, timeout=30)
    assert answer.status_code == 201 and answer.headers["X-Request-Id"] == rid
    created = answer.json()
    decided = own.session().post(own.url(f"/api/petitions/{created['id']}/acceptance"), headers={"X-Request-Id": rid + "-a"},
                            json={"decision": "accepted", "reason": "属于受理范围",
                                  "decided_at": "2026-11-03T10:00:00+08:00"}, timeout=30)
    assert decided.status_code == 200, decided.text
    made = own.session().get(own.url(f"/api/petitions/{created['id']}"), timeout=30).headers["X-Request-Id"]
    assert len(made) == 32  # none given: one made

    # A refused command: the service logs it (a warning), with the request's id.
    missing = own.session().post(own.url(f"/api/petitions/{uuid.uuid4()}/acceptance"), headers={"X-Request-Id": rid + "-x"},
                            json={"decision": "accepted", "reason": "属于受理范围",
                                  "decided_at": "2026-11-03T10:00:00+08:00"}, timeout=30)
    assert missing.status_code == 404 and missing.headers["X-Request-Id"] == rid + "-x"

    # The events the commands stored, and those dispatch stored in consequence, carry the ids.
    own.wait_until(lambda: own.session().get(own.url(f"/api/petitions/{created['id']}"), timeout=30).json()["assignment_id"],
                   timeout=30)
    with ClusterRpcProxy({"AMQP_URI": own.amqp_uri}, timeout=30) as rpc:
        intake_events = rpc.intake.notifications(0, 1000)
        dispatch_events = rpc.dispatch.notifications(0, 1000)
    registered = [e for e in intake_events if e["subject"] == created["id"]]
    assert {e["type"]: e.get("correlationid") for e in registered}["petition.registered"] == rid
    assert rid + "-a" in {e.get("correlationid") for e in registered}
    caused = [e for e in dispatch_events if e["data"].get("petition_id") == created["id"]]
    assert caused and {e.get("correlationid") for e in caused} == {rid + "-a"}

    # Request metrics by route template; the followers' lag kept up to date.
    gateway = requests.get(f"http://127.0.0.1:{own.ports['gateway']}/metrics", timeout=5).text
    assert 'xinfang_http_request_seconds_count{method="POST",route="/api/petitions",status="201"}' in gateway
    assert ('xinfang_http_request_seconds_count{method="POST",route="/api/petitions/<string:petition_id>/acceptance",'
            'status="404"}') in gateway
    assert created["id"] not in gateway
    own.wait_until(lambda: 'xinfang_follower_lag_events{service="dispatch",source="intake"} 0.0' in requests.get(
        f"http://127.0.0.1:{own.ports['dispatch']}/metrics", timeout=5).text)

    # Logs: one JSON object per line, with the fields; the refused command's warning carries its id.
    def log_lines(service):
        text = (own.launcher.log_dir / f"{service}.log").read_text(encoding="utf-8", errors="replace")
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    def refused_logged():
        return [line for line in log_lines("intake") if line["correlation_id"] == rid + "-x"]
    logged = own.wait_until(refused_logged, timeout=10)
    assert logged[0]["service"] == "intake" and logged[0]["level"] in ("WARNING", "ERROR")
    for service in SERVICES:
        lines = log_lines(service)
        assert lines, f"no JSON log lines from {service}"
        for line in lines:
            assert {"time", "level", "service", "logger", "message", "correlation_id"} <= set(line)
            assert line["service"] == service


def test_an_unreachable_database_makes_health_fail_naming_it_and_it_recovers(own):
    own.wait_until(lambda: all_ready(own), timeout=60, interval=0.5)
    with psycopg.connect(own.settings.postgres_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{own.name}" WITH ALLOW_CONNECTIONS false')
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (own.name,))
    try:
        for service in WITH_DATABASE:
            for path in ("/health", "/health/ready"):
                status, body = own.wait_until(lambda service=service, path=path: (r := probe(own, service, path))[0] == 503 and r,
                                              timeout=15)
                assert "database" in body["failing"] and not body["checks"]["database"]["ok"], (service, body)
                assert body["checks"]["broker"]["ok"]
            assert probe(own, service, "/health/live")[0] == 200
        assert probe(own, "gateway", "/health")[0] == 200  # it keeps no database
        time.sleep(3)  # the pools' broken connections are gone: now each check waits for a new one, in vain
        for service in WITH_DATABASE:
            status, body = probe(own, service, "/health")
            assert status == 503 and body["failing"] == ["database"], (service, body)
    finally:
        with psycopg.connect(own.settings.postgres_conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{own.name}" WITH ALLOW_CONNECTIONS true')
    own.wait_until(lambda: all_ready(own), timeout=60, interval=0.5)
    assert own.session().post(own.url("/api/petitions"), json=petition(7302), timeout=30).status_code == 201


def vhost(system):
    return quote(system.name, safe="")


def test_an_unreachable_broker_makes_health_fail_naming_it_and_it_recovers(own):
    own.wait_until(lambda: all_ready(own), timeout=60, interval=0.5)
    limit = f"{RABBIT_API}/vhost-limits/{vhost(own)}/max-connections"
    requests.put(limit, json={"value": 0}, timeout=10).raise_for_status()
    try:
        for connection in requests.get(f"{RABBIT_API}/vhosts/{vhost(own)}/connections", timeout=10).json():
            requests.delete(f"{RABBIT_API}/connections/{quote(connection['name'], safe='')}", timeout=10)
        for service in SERVICES:
            for path in ("/health", "/health/ready", "/health/live"):
                expected = 200 if path == "/health/live" else 503
                try:
                    status, body = own.wait_until(lambda service=service, path=path, expected=expected:
                                                  (r := probe(own, service, path))[0] == expected and r,
                                                  timeout=15)
                except requests.ConnectionError:
                    try:  # a connection cut mid-answer: the process is on its way out (see below)
                        own.launcher.processes[service].wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        raise AssertionError(f"{service} stopped answering {path} but did not exit") from None
                    break
                if expected == 503:
                    assert "broker" in body["failing"] and not body["checks"]["broker"]["ok"], (service, body)
    finally:
        requests.delete(limit, timeout=10)
    # nameko gives up sending an RPC reply after 3 attempts (~3 s) and then stops the whole service:
    # a service that was replying when the broker went away exits, and its orchestrator (Kubernetes,
    # compose `restart:`) starts it again; here the test does. The others reconnect by themselves.
    # One may still exit a moment later (a reply it was retrying): restarted too, as a restart policy would.
    def recovered():
        for name in SERVICES:
            if own.launcher.processes[name].poll() is not None:
                own.launcher.start(name)
        try:
            return all_ready(own)
        except requests.ConnectionError:  # restarted, not listening yet
            return False

    own.wait_until(recovered, timeout=90, interval=0.5)
    # The services reconnected by themselves: a command goes through the gateway and the bus again.
    created = own.wait_until(lambda: (r := own.session().post(own.url("/api/petitions"), json=petition(7303),
                                                         timeout=30)).status_code == 201 and r.json(), timeout=60)
    assert created["status"] == "registered"
