"""The audit trail (审计留痕): who did what, when, to which record — one entry per event reporting follows.

Every published event already names its actor (the user on whose behalf the command ran, or
"system"), the request it came from (correlation id) and the aggregate it happened to (`subject`).
An entry keeps those, the event's type and the service that recorded it, and the petition it
concerns where the event names one. Nothing else of the event is kept: no names, ID numbers,
phones or texts, so the trail can be read by an administrator without reading personal data.

A petition's trail also holds the events of the records handling it (its assignment, mediation,
backlog case, supervisions), whose later events often no longer name the petition: each event
that names both its aggregate and a petition links the two, and a petition's trail is read through
those links (`links`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from shared.envelope import correlation_id, source_service

MAX_LIMIT = 1000
# A read of a person's file (decision 0023): the entry's record is the one read (`record_id`), not
# the read's own aggregate, so a petition's or a mediation's trail lists who read it.
READ = ".personal_data_read"


@dataclass(frozen=True)
class AuditEntry:
    service: str
    position: int  # in the service's notification log: with `service`, the entry's identity
    at: str  # the event's time, ISO 8601 with its offset
    type: str
    actor: str
    aggregate_id: str
    petition_id: str | None
    correlation_id: str | None

    def row(self) -> dict:
        return asdict(self)


def _text(value) -> str | None:
    return str(value) if value not in (None, "") else None


def entry(source: str, envelope: dict) -> AuditEntry | None:
    """The entry of one published event of `source`, or None for an envelope without a position or
    a valid time (a malformed event being parked: no "when", no entry). Written for every event,
    including those that change no statistic, so it takes only what every envelope carries."""
    data = envelope.get("data") if isinstance(envelope.get("data"), dict) else {}
    try:
        position, at = int(envelope["position"]), datetime.fromisoformat(envelope["time"])
    except (KeyError, TypeError, ValueError):
        return None
    if at.utcoffset() is None:
        return None
    try:
        service = source_service(envelope)
    except (KeyError, AttributeError):
        service = source
    return AuditEntry(service=service or source, position=position, at=at.isoformat(),
                      type=str(envelope.get("type") or "?"), actor=_text(envelope.get("actor")) or "system",
                      aggregate_id=_text(data.get("record_id") if _is_read(envelope) else envelope.get("subject")) or "",
                      petition_id=_text(data.get("petition_id")),
                      correlation_id=correlation_id(envelope))


def links(envelope: dict) -> list[tuple[str, str]]:
    """(record id, petition id) pairs the event makes known: its own aggregate and the petition it
    names, and the assignment intake links to a petition (petition.assignment_linked)."""
    data = envelope.get("data") if isinstance(envelope.get("data"), dict) else {}
    petition = _text(data.get("petition_id"))
    if petition is None or _is_read(envelope):
        return []  # a read names its record and petition itself: no link row per read
    pairs = {(_text(envelope.get("subject")), petition), (_text(data.get("assignment_id")), petition)}
    return sorted((record, petition) for record, petition in pairs if record and record != petition)


def _is_read(envelope: dict) -> bool:
    return str(envelope.get("type") or "").endswith(READ)


def bounded_limit(limit) -> int:
    """At least 1, at most MAX_LIMIT entries per answer."""
    return max(1, min(int(limit), MAX_LIMIT))
