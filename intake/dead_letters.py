"""Messages from other agencies that could not be accepted, kept with the reason for operators.

An operator lists them and, once the sender has fixed what was wrong, re-submits one: it is then
processed as if it had just arrived, and the dead letter is marked resolved.
"""
from __future__ import annotations

import hashlib
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from shared.errors import Conflict

KEPT_BODY_BYTES = 64 * 1024  # the broker's dead-letter queue keeps the whole body


class AlreadyResolved(Conflict):
    pass


def dead_letter_id(exchange: str, body: bytes) -> UUID:
    """The same bad message delivered twice is one dead letter."""
    return uuid5(NAMESPACE_URL, f"xinfang:dead-letter:{exchange}:{hashlib.sha256(body).hexdigest()}")


class DeadLetter(Aggregate):
    @event("Recorded")
    def __init__(self, exchange: str, routing_key: str, content_type: str | None, reason: str,
                 errors: dict, body: str, body_bytes: int, sha256: str):
        self.exchange, self.routing_key, self.content_type = exchange, routing_key, content_type
        self.reason, self.errors = reason, errors
        self.body, self.body_bytes, self.sha256 = body, body_bytes, sha256
        self.resolved = False

    @classmethod
    def record(cls, exchange: str, routing_key: str, content_type: str | None, body: bytes,
               reason: str, errors: dict) -> DeadLetter:
        return cls._create(cls.Recorded, id=dead_letter_id(exchange, body), exchange=exchange,
                           routing_key=routing_key, content_type=content_type, reason=reason,
                           errors=errors, body=body[:KEPT_BODY_BYTES].decode("utf-8", "replace"),
                           body_bytes=len(body), sha256=hashlib.sha256(body).hexdigest())

    @property
    def complete_body(self) -> bytes | None:
        """The original bytes, when they were kept whole and were text."""
        raw = self.body.encode("utf-8")
        return raw if len(raw) == self.body_bytes and hashlib.sha256(raw).hexdigest() == self.sha256 else None

    def resolve(self, by: str) -> None:
        if self.resolved:
            raise AlreadyResolved("this dead letter has already been re-submitted successfully")
        self._resolved(by=by)

    @event("Resolved")
    def _resolved(self, by: str) -> None:
        self.resolved = True
