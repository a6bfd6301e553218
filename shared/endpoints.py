"""Entrypoints every service shares: /metrics and /health, its log for followers, the catch-up timer;
and `traced_http`, the gateway's HTTP entrypoint (request id, request metrics)."""
from __future__ import annotations

import json
import time
from functools import partial
from uuid import UUID

from contextlib import ExitStack

from eventlet.event import Event
from nameko.extensions import DependencyProvider
from nameko.events import event_handler
from nameko.rpc import rpc
from nameko.timer import timer
from nameko.web.handlers import HttpRequestHandler, http
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.wrappers import Response

from shared import metrics
from shared.access import Principal
from shared.actors import acting_as
from shared.commands import WIRE_ERRORS, command
from shared.context import Health
from shared.logs import CORRELATION_KEY, REQUEST_ID_HEADER, Correlation, correlated, request_id
from shared.settings import Settings
from shared.views import dead_letter_view


def _json(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


class Caller(DependencyProvider):
    """Sets the person a worker acts for (shared.actors.current_principal): the one the gateway
    authenticated, who travels with every RPC call in nameko's context data, or nobody (a timer,
    another service's event)."""

    def worker_setup(self, worker_ctx):
        principal = Principal.from_context_data(worker_ctx.data)
        worker_ctx.caller_stack = ExitStack()
        if principal:
            worker_ctx.caller_stack.enter_context(acting_as(principal.user, principal))

    def worker_teardown(self, worker_ctx):
        stack = getattr(worker_ctx, "caller_stack", None)
        if stack is not None:
            stack.close()


class Observable:
    """/metrics for Prometheus and the health checks for the orchestrator, on the service's own port:

    - /health/live: the process answers (200), whatever its dependencies do: restart it only when not;
    - /health: 503 when the service cannot reach its database or the broker (names which, in `failing`);
    - /health/ready: as /health, and 503 as well while a follower is behind (XINFANG_READY_MAX_LAG).

    Every worker of the service runs with its correlation id set (shared.logs.Correlation)."""

    correlation = Correlation()
    caller = Caller()
    health_checks = Health()

    @http("GET", "/metrics")
    def metrics(self, request):
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)

    @http("GET", "/health")
    def health(self, request):
        return self._health(ready=False)

    @http("GET", "/health/live")
    def health_live(self, request):
        return _json(200, {"service": self.name, "status": "alive"})

    @http("GET", "/health/ready")
    def health_ready(self, request):
        return self._health(ready=True)

    def _health(self, ready: bool) -> Response:
        checks, failing = self.health_checks.check(ready=ready)
        body = {**self.health_status(), "status": "failing" if failing else "ok", "checks": checks}
        if failing:
            body["failing"] = failing
        return _json(503 if failing else 200, body)

    def health_status(self) -> dict:
        return self.context.health()


class TracedHttpRequestHandler(HttpRequestHandler):
    """nameko's @http, plus: the request's X-Request-Id (or a new one) becomes the worker's
    correlation id (passed on with every RPC call it makes) and the response's X-Request-Id, and
    the request is counted and timed by method, route template (never the path with its ids) and
    status (xinfang_http_request_seconds)."""

    def handle_request(self, request):
        started = time.perf_counter()
        rid = request_id(request.headers.get(REQUEST_ID_HEADER))
        with correlated(rid):
            response = self._handle(request, rid)
        response.headers[REQUEST_ID_HEADER] = rid
        metrics.HTTP_REQUEST_SECONDS.labels(request.method, self.url, str(response.status_code)).observe(
            time.perf_counter() - started)
        return response

    def _handle(self, request, rid: str):
        # HttpRequestHandler.handle_request, with the correlation id in the worker's context data.
        request.shallow = False
        try:
            context_data = dict(self.server.context_data_from_headers(request))
            context_data[CORRELATION_KEY] = rid
            args, kwargs = self.get_entrypoint_parameters(request)
            self.check_signature(args, kwargs)
            event = Event()
            self.container.spawn_worker(self, args, kwargs, context_data=context_data,
                                        handle_result=partial(self.handle_result, event))
            result = event.wait()
            return self.response_from_result(result)
        except Exception as exc:
            return self.response_from_exception(exc)


traced_http = TracedHttpRequestHandler.decorator


class Publishing:
    """What a service whose events others follow answers: its log from a position, its parked events."""

    @rpc
    def notifications(self, after, limit=200):
        return self.context.notifications(after, limit)

    @rpc
    def newest_position(self):
        return self.context.feed.newest_position()

    @rpc
    def parked_events(self):
        return self.context.app.parked_events()

    @rpc
    def replay_parked(self, source, position, by):
        return self.context.app.replay_parked(source, int(position), by)


def _receiver(source: str):
    def receive(self, envelope):
        self.context.receive(source, envelope)
    receive.__name__ = receive.__qualname__ = f"on_{source}_event"
    return receive


class Following:
    """A service that follows other services' events: one handler per source its context follows
    (`on_<source>_event`, queue `evt-<source>-#--<service>.on_<source>_event`), added when the
    service class is defined, and the periodic catch-up that makes delivery complete whatever the
    broker lost."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for source in getattr(cls.__dict__.get("context"), "follows", ()):
            name = f"on_{source}_event"
            if name not in cls.__dict__:
                setattr(cls, name, event_handler(source, "#")(_receiver(source)))

    @timer(interval=Settings().catch_up_interval)
    def catch_up(self):
        self.context.catch_up()


class DeadLetterEndpoints:
    """What operators ask of a service that consumes other systems' messages (its `inbound`)."""

    @rpc(expected_exceptions=WIRE_ERRORS)
    @command("dead_letters")
    def dead_letters(self, after=0, limit=50):
        letters, next_after = self.context.app.dead_letters(int(after), min(int(limit), 200))
        return {"items": [dead_letter_view(letter) for letter in letters], "next_after": next_after}

    @rpc(expected_exceptions=WIRE_ERRORS)
    @command("resubmit_dead_letter")
    def resubmit_dead_letter(self, letter_id, by):
        app = self.context.app
        received = app.resubmit_dead_letter(UUID(letter_id), self.inbound.parse, by)
        return {"dead_letter": dead_letter_view(app.get_dead_letter(UUID(letter_id))),
                "received_id": str(received.id) if received else None}
