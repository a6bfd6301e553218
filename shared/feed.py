"""A service's published language: its notification log, translated to integration events.

The relay publishes from here and the `notifications` RPC answers from here, so a follower that
fills a gap or rebuilds from zero sees exactly what the broker carried. Internal events (those a
context keeps to itself, like the repeat index) are skipped; each envelope names the position of the
published event before it (`previous`), so a follower can tell a skipped event from a lost one.
"""
from __future__ import annotations

from collections.abc import Callable

from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from shared.envelope import make_envelope

# (domain event) -> (integration event type, JSON-ready data with personal data masked)
Translation = Callable[[object], tuple[str, dict]]


class Translator:
    """One translation per domain event class, or None for an event the context keeps internal;
    an event class in neither is a bug, not something to skip."""

    def __init__(self, table: dict[type, Translation | None]):
        self.table = table
        self.internal_topics = {get_topic(cls) for cls, fn in table.items() if fn is None}

    def __call__(self, event: object) -> tuple[str, dict]:
        try:
            translation = self.table[type(event)]
        except KeyError:
            raise KeyError(f"no published translation for {type(event).__qualname__}") from None
        if translation is None:
            raise KeyError(f"{type(event).__qualname__} is internal and never published")
        return translation(event)


translator = Translator


class NotificationFeed:
    def __init__(self, service: str, app: Application, translate: Translator):
        self.service = service
        self.app = app
        self.translate = translate

    def read(self, after: int, limit: int, previous: int | None = None) -> tuple[list[dict], int]:
        """Up to `limit` published events after position `after`, and the position read up to.
        `previous` is the last published position at or before `after` (default: `after`)."""
        envelopes: list[dict] = []
        # An application that seals personal data reads with a mapper that leaves it sealed:
        # translations never publish it, so no person's key is looked up for them.
        mapper = getattr(self.app, "published_mapper", None) or self.app.mapper
        scanned = after
        previous = after if previous is None else previous
        while len(envelopes) < limit:
            notifications = self.app.recorder.select_notifications(
                start=scanned, limit=limit, inclusive_of_start=False)
            for notification in notifications:
                scanned = notification.id
                if notification.topic in self.translate.internal_topics:
                    continue  # not even decrypted
                event = mapper.to_domain_event(notification)
                type_, data = self.translate(event)
                envelopes.append(make_envelope(self.service, notification.id, previous, type_,
                                               event.timestamp, str(event.originator_id), data,
                                               getattr(event, "actor", None),
                                               getattr(event, "correlation_id", None)))
                previous = notification.id
                if len(envelopes) == limit:
                    break
            if len(notifications) < limit:
                break
        return envelopes, scanned

    def newest_position(self) -> int:
        return self.app.recorder.max_notification_id() or 0
