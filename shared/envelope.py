"""CloudEvents 1.0 envelopes (structured JSON mode) for events between services.

`position` and `previous` are extension attributes: the event's notification id in its source's log,
which is what followers track, and that of the published event before it. `actor` (an extension
too) is the staff user on whose behalf it happened, or "system". `correlationid` (an optional
extension, absent when unknown) is the id of the request that caused it (the gateway's X-Request-Id),
for following one request through the logs of every service. `id` is unique per `source`, as
CloudEvents requires.
"""
from __future__ import annotations

from datetime import datetime

SOURCE_PREFIX = "urn:xinfang:"


def make_envelope(service: str, position: int, previous: int, type_: str, time: datetime,
                  subject: str, data: dict, actor: str | None = None,
                  correlation_id: str | None = None) -> dict:
    envelope = {
        "specversion": "1.0",
        "id": f"{service}-{position}",
        "source": SOURCE_PREFIX + service,
        "type": type_,
        "time": time.isoformat(),
        "subject": subject,
        "datacontenttype": "application/json",
        "position": position,
        "previous": previous,
        "actor": actor or "system",
        "data": data,
    }
    if correlation_id:
        envelope["correlationid"] = correlation_id
    return envelope


def correlation_id(envelope: dict) -> str | None:
    value = envelope.get("correlationid")
    return value if isinstance(value, str) and value else None


def source_service(envelope: dict) -> str:
    return envelope["source"].removeprefix(SOURCE_PREFIX)
