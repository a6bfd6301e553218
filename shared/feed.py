"""A service's published language: its notification log, translated to integration events.

The relay publishes from here and the `notifications` RPC answers from here, so a follower that
fills a gap or rebuilds from zero sees exactly what the broker carried.
"""
from __future__ import annotations

from typing import Callable

from eventsourcing.application import Application

from shared.envelope import make_envelope

# (domain event) -> (integration event type, JSON-ready data with personal data masked)
Translator = Callable[[object], tuple[str, dict]]


class NotificationFeed:
    def __init__(self, service: str, app: Application, translate: Translator):
        self.service = service
        self.app = app
        self.translate = translate

    def read(self, after: int, limit: int) -> list[dict]:
        notifications = self.app.recorder.select_notifications(
            start=after, limit=limit, inclusive_of_start=False)
        envelopes = []
        for notification in notifications:
            event = self.app.mapper.to_domain_event(notification)
            type_, data = self.translate(event)
            envelopes.append(make_envelope(self.service, notification.id, type_, event.timestamp,
                                           str(event.originator_id), data))
        return envelopes

    def newest_position(self) -> int:
        return self.app.recorder.max_notification_id() or 0


def translator(table: dict[type, Callable[[object], tuple[str, dict]]]) -> Translator:
    """One translation per domain event class; an event without one is a bug, not something to skip."""
    def translate(event: object) -> tuple[str, dict]:
        try:
            return table[type(event)](event)
        except KeyError:
            raise KeyError(f"no published translation for {type(event).__qualname__}") from None
    return translate
