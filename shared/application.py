"""Base for every context's eventsourcing Application: follows other services' events too.

Its recorder is a process recorder, so the tracking position of an event from another service is
written in the same transaction as the events it caused: exactly-once effects, at-least-once
delivery.
"""
from __future__ import annotations

from datetime import date

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import JSONTranscoder, Tracking, Transcoding

from shared.parking import ParkedEvent


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ContextApplication(Application):
    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def construct_recorder(self):
        return self.factory.process_recorder()

    # -- following other services -----------------------------------------------------------
    def tracked_position(self, source: str) -> int:
        return self.recorder.max_tracking_id(source) or 0

    def process(self, source: str, envelope: dict) -> None:
        processing = ProcessingEvent(tracking=Tracking(source, envelope["position"]))
        self.policy(envelope, processing)
        self._record(processing)

    def policy(self, envelope: dict, processing: ProcessingEvent) -> None:
        """React to another service's event by collecting the aggregates it changes. Events a
        context does not react to are only tracked."""

    def park(self, source: str, envelope: dict, reason: str) -> None:
        processing = ProcessingEvent(tracking=Tracking(source, envelope["position"]))
        processing.collect_events(ParkedEvent.park(source, envelope, reason))
        self._record(processing)

    def parked_events(self, limit: int = 100) -> list[dict]:
        topic = f"{ParkedEvent.Parked.__module__}:{ParkedEvent.Parked.__qualname__}"
        notifications = self.recorder.select_notifications(start=None, limit=limit, topics=[topic])
        parked = [self.mapper.to_domain_event(n) for n in notifications]
        return [{"source": e.source, "position": e.position, "type": e.type, "reason": e.reason,
                 "parked_at": e.timestamp.isoformat()} for e in parked]
