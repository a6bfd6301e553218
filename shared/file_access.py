"""Who read a person's file (查阅留痕): every read of personal data by a person leaves a record.

Petition practice and PIPL (RELIABILITY.md scenario 14) ask that every access to a petitioner's file
be recorded. The service that serves the read records it, as an event of its own, published like any
other so that reporting's audit trail lists it (decision 0023).

One aggregate per read, with a random id: recording is a single insert that never loads anything
and never conflicts with another read (a per-petition or per-day record would have to be loaded and
would make simultaneous readers retry). The record names the record read, the view, and the reader's
role and unit; the reader is the event's `actor`. It holds nothing of what was read.
"""
from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.domain import event

from shared.access import Principal, current_principal
from shared.actors import AuditedAggregate


class FileAccess(AuditedAggregate):
    @classmethod
    def record(cls, principal: Principal, record_id: UUID, view: str, petition_id: UUID | None) -> FileAccess:
        return cls._create(cls.Read, id=uuid4(), record_id=record_id, petition_id=petition_id, view=view,
                           role=str(principal.role), unit=principal.unit)

    @event("Read")
    def __init__(self, record_id: UUID, petition_id: UUID | None, view: str, role: str, unit: str | None):
        self.record_id, self.petition_id, self.view = record_id, petition_id, view


class RecordsReads:
    """Mixed into an Application whose views show personal data; uses its save()."""

    def record_read(self, record_id: UUID, view: str, petition_id: UUID | None = None) -> FileAccess | None:
        """Records that the person the request acts for read `view` of `record_id`. Called before the
        data leaves the service, and not caught: a read that cannot be recorded fails (PIPL: every
        access recorded). Reads with no person behind them (a timer, another service's event, an
        operator's command line) are the system's own and not recorded."""
        principal = current_principal()
        if principal is None:
            return None
        access = FileAccess.record(principal, record_id, view, petition_id)
        self.save(access)
        return access
