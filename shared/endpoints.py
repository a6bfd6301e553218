"""Entrypoints every service shares: /metrics and /health, its log for followers, the catch-up timer."""
from __future__ import annotations

import json

from nameko.rpc import rpc
from nameko.timer import timer
from nameko.web.handlers import http
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.wrappers import Response

from shared.settings import Settings


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
    def parked_events(self):
        return self.context.app.parked_events()


class Following:
    """The periodic catch-up that makes delivery complete whatever the broker lost."""

    @timer(interval=Settings().catch_up_interval)
    def catch_up(self):
        self.context.catch_up()
