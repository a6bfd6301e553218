"""Events a follower could not process after repeated attempts, kept for operators (dead letters)."""
from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class ParkedEvent(Aggregate):
    @staticmethod
    def create_id(source: str, position: int) -> UUID:
        return uuid5(NAMESPACE_URL, f"xinfang:parked:{source}:{position}")

    @event("Parked")
    def __init__(self, source: str, position: int, type: str, reason: str, envelope: dict):
        self.source, self.position, self.type = source, position, type
        self.reason, self.envelope = reason, envelope

    @classmethod
    def park(cls, source: str, envelope: dict, reason: str) -> ParkedEvent:
        return cls._create(cls.Parked, id=cls.create_id(source, envelope["position"]), source=source,
                           position=envelope["position"], type=envelope["type"],
                           reason=reason[:2000], envelope=envelope)

    replayed_by: str | None = None

    @event("Replayed")
    def replayed(self, changed: list[str], by: str) -> None:
        """Processed again on an operator's command, once the cause was fixed; `changed` names the
        aggregates it changed (none: the event no longer changes anything here)."""
        self.replayed_by, self.changed = by, changed


def published_parked(event: ParkedEvent.Parked) -> tuple[str, dict]:
    # The envelope stays inside this service's (encrypted) store; the bus learns only that it happened.
    return "event.parked", {"source": event.source, "position": event.position,
                            "type": event.type, "reason": event.reason}


# Every context's published language: the bus learns of a parked event; a replay stays inside.
PARKING_TRANSLATIONS = {ParkedEvent.Parked: published_parked, ParkedEvent.Replayed: None}
