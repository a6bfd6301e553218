"""Turning an aggregate's stored events into the `history` a response shows."""
from __future__ import annotations

import re
from datetime import date, datetime
from uuid import UUID

from shared.privacy import mask_in_text


def plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def event_type(event) -> str:
    """Registered → registered, AcceptanceDecided → acceptance_decided."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(event).__name__).lower()


def history(events, hidden: tuple[str, ...] = ()) -> list[dict]:
    entries = []
    for event in events:
        detail = {k: plain(v) for k, v in event.__dict__.items()
                  if k not in ("originator_id", "originator_version", "timestamp") and k not in hidden}
        entries.append({"type": event_type(event), "at": event.timestamp.isoformat(), **detail})
    return entries


def dead_letter_view(letter) -> dict:
    return plain({
        "id": letter.id, "exchange": letter.exchange, "routing_key": letter.routing_key,
        "content_type": letter.content_type, "reason": letter.reason, "errors": letter.errors,
        "received_at": letter.created_on, "resolved": letter.resolved, "body_bytes": letter.body_bytes,
        "body": mask_in_text(letter.body)})
