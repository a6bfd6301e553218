"""Health checks that tell the truth (and never hang), the gateway's request ids and request metrics,
and the correlation id from a command's events to their published envelopes."""
import socket
import time
from types import SimpleNamespace

import eventlet
import pytest
import requests
from eventsourcing.domain import event
from nameko.containers import ServiceContainer
from werkzeug.wrappers import Response

from shared import metrics
from shared.actors import AuditedAggregate
from shared.application import ContextApplication
from shared.context import Context, Health, _timed, check_broker
from shared.endpoints import traced_http
from shared.feed import NotificationFeed, Translator
from shared.logs import CORRELATION_KEY, Correlation, correlated, current_correlation_id


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_broker_fails_the_check_at_once():
    result = _timed(check_broker, f"pyamqp://guest:guest@127.0.0.1:{closed_port()}//", 1.0)
    assert result["ok"] is False and result["error"] and result["ms"] < 1500


def test_a_broker_that_does_not_answer_fails_within_the_timeout():
    with socket.socket() as server:  # accepts the connection, never speaks AMQP
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        started = time.monotonic()
        result = _timed(check_broker, f"pyamqp://guest:guest@127.0.0.1:{server.getsockname()[1]}//", 0.5)
    assert result["ok"] is False and time.monotonic() - started < 2


class FakeFollower:
    def __init__(self, lag):
        self.current_lag = lag


def health_for(followers, database=None, max_lag=1000):
    context = Context.__new__(Context)
    context.app, context.followers, context.database_ok, context.attr_name = object(), followers, True, "context"
    context.check_database = database or (lambda timeout: None)
    health = Health()
    health.container = SimpleNamespace(config={"AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:{closed_port()}//"},
                                       dependencies={context, health})
    health.settings = SimpleNamespace(health_timeout=0.5, ready_max_lag=max_lag)
    return health


def test_health_names_the_dependency_that_failed_and_readiness_the_follower_behind():
    def database_down(timeout):
        raise ConnectionError("connection refused")
    health = health_for({"intake": FakeFollower(5), "dispatch": FakeFollower(1000), "mediation": FakeFollower(None)},
                        database=database_down)
    checks, failing = health.check(ready=False)
    assert failing == ["broker", "database"] and "followers" not in checks
    assert "connection refused" in checks["database"]["error"]
    checks, failing = health.check(ready=True)
    assert failing == ["broker", "database", "followers"]
    assert checks["followers"]["behind"] == ["dispatch", "mediation"]  # at the limit; never caught up
    assert checks["followers"]["lag"]["intake"] == 5


def test_a_database_check_that_hangs_is_cut_short():
    def hangs(timeout):
        with eventlet.Timeout(timeout, TimeoutError("no answer")):
            eventlet.sleep(60)
    health = health_for({}, database=hangs)
    started = time.monotonic()
    checks, failing = health.check(ready=True)
    assert "database" in failing and time.monotonic() - started < 2
    assert "followers" not in checks  # a service that follows nobody


class Traced:
    name = "traced"
    correlation = Correlation()

    @traced_http("GET", "/api/things/<string:thing_id>")
    def thing(self, request, thing_id):
        # What an RpcProxy would pass on (worker_ctx.context_data) is this worker's correlation id.
        return Response(f"{thing_id} {self.correlation} {current_correlation_id()}")

    @traced_http("GET", "/api/broken")
    def broken(self, request):
        raise RuntimeError("boom")


@pytest.fixture
def traced():
    port = closed_port()
    container = ServiceContainer(Traced, {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
                                          "AMQP_URI": "pyamqp://guest:guest@127.0.0.1:1//"})
    container.start()
    yield f"http://127.0.0.1:{port}"
    container.stop()


def test_the_request_id_is_taken_or_made_passed_to_the_worker_and_returned(traced):
    given = requests.get(traced + "/api/things/42", headers={"X-Request-Id": "abc-123"}, timeout=5)
    assert given.headers["X-Request-Id"] == "abc-123"
    assert given.text == "42 abc-123 abc-123"
    made = requests.get(traced + "/api/things/43", headers={"X-Request-Id": "bad id\twith tab"}, timeout=5)
    rid = made.headers["X-Request-Id"]
    assert len(rid) == 32 and made.text == f"43 {rid} {rid}"


def test_requests_are_counted_and_timed_by_route_template_never_by_path(traced):
    for thing in ("1", "2", "3"):
        requests.get(traced + f"/api/things/{thing}", timeout=5)
    assert requests.get(traced + "/api/broken", timeout=5).status_code == 500
    samples = {(s.labels["route"], s.labels["status"]): s.value
               for s in metrics.HTTP_REQUEST_SECONDS.collect()[0].samples
               if s.name.endswith("_count") and s.labels["method"] == "GET"}
    assert samples[("/api/things/<string:thing_id>", "200")] >= 3
    assert samples[("/api/broken", "500")] >= 1
    assert not any("/api/things/1" == route for route, _ in samples)


class Thing(AuditedAggregate):
    @event("Created")
    def __init__(self, name: str):
        self.name = name


class Things(ContextApplication):
    pass


def test_events_a_command_stores_carry_its_correlation_id_into_their_envelopes():
    app = Things(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    with correlated("req-7"):
        app.save(Thing("first"))
    app.save(Thing("second"))
    feed = NotificationFeed("things", app, Translator({Thing.Created: lambda e: ("thing.created", {"name": e.name})}))
    envelopes, _ = feed.read(0, 10)
    assert envelopes[0]["correlationid"] == "req-7"
    assert "correlationid" not in envelopes[1]
    assert CORRELATION_KEY == "correlation_id"


def test_every_context_of_a_service_counts():
    """reporting has two contexts (statistics, which follows, and bulletins): both databases are
    checked, and the follower of the one is not hidden by the other."""
    health = health_for({"intake": FakeFollower(2000)})
    statistics = next(iter(d for d in health.container.dependencies if isinstance(d, Context)))
    bulletins = Context.__new__(Context)
    bulletins.app, bulletins.followers, bulletins.database_ok, bulletins.attr_name = object(), {}, True, "bulletins"

    def bulletins_down(timeout):
        bulletins.database_ok = False
        raise ConnectionError("bulletins pool")
    bulletins.check_database = bulletins_down
    health.container.dependencies = {statistics, bulletins, health}
    checks, failing = health.check(ready=True)
    assert failing == ["broker", "database", "followers"]
    assert "bulletins pool" in checks["database"]["error"] and checks["followers"]["behind"] == ["intake"]
