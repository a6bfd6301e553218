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
    def __init__(self, env=None):
        super().__init__(env)
        self.on_recorded: list = []  # called after events were stored (the relay's doorbell)

    def _record(self, processing_event):
        recordings = super()._record(processing_event)
        if recordings:
            for callback in self.on_recorded:
                callback()
        return recordings

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def construct_recorder(self):
        return self.factory.process_recorder()

    # -- following other services -----------------------------------------------------------
    def tracked_position(self, source: str) -> int:
        return self.recorder.max_tracking_id(source) or 0

    def process(self, source: str, envelope: dict) -> bool:
        """Applies the policy; returns False (and writes nothing) when the event changes nothing."""
        processing = ProcessingEvent(tracking=Tracking(source, envelope["position"]))
        self.policy(envelope, processing)
        if not processing.events:
            return False
        self._record(processing)
        return True

    def record_position(self, source: str, position: int) -> None:
        """Tracks events that changed nothing, so a restart need not fetch them again."""
        self._record(ProcessingEvent(tracking=Tracking(source, position)))

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
