"""CloudEvents 1.0 envelopes (structured JSON mode) for events between services.

`position` and `previous` are extension attributes: the event's notification id in its source's log,
which is what followers track, and that of the published event before it. `actor` (an extension
too) is the staff user on whose behalf it happened, or "system". `id` is unique per `source`, as
CloudEvents requires.
"""
from __future__ import annotations

from datetime import datetime

SOURCE_PREFIX = "urn:xinfang:"


def make_envelope(service: str, position: int, previous: int, type_: str, time: datetime,
                  subject: str, data: dict, actor: str | None = None) -> dict:
    return {
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


def source_service(envelope: dict) -> str:
    return envelope["source"].removeprefix(SOURCE_PREFIX)
