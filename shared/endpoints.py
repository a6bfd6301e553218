"""Entrypoints every service shares: /metrics and /health, its log for followers, the catch-up timer."""
from __future__ import annotations

import json
from uuid import UUID

from nameko.events import event_handler
from nameko.rpc import rpc
from nameko.timer import timer
from nameko.web.handlers import http
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.wrappers import Response

from shared.commands import WIRE_ERRORS, command
from shared.settings import Settings
from shared.views import dead_letter_view


class Observable:
    """/metrics for Prometheus and /health for the orchestrator, on the service's own port."""

    @http("GET", "/metrics")
    def metrics(self, request):
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)

    @http("GET", "/health")
    def health(self, request):
        return Response(json.dumps(self.health_status()), mimetype="application/json")

    def health_status(self) -> dict:
        return self.context.health()


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
