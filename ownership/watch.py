"""What ownership follows of each petition to apply the designation policy: which matter it belongs
to, when it was accepted, whether it has been resolved, its rating, and its repeats. Internal."""
from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class MatterWatch(Aggregate):
    @staticmethod
    def create_id(petition_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"xinfang:ownership-watch:{petition_id}")

    @classmethod
    def start(cls, petition_id: UUID, original: UUID, region_code: str, category: str) -> MatterWatch:
        return cls._create(cls.Started, id=cls.create_id(petition_id), petition_id=petition_id, original=original,
                           region_code=region_code, category=category)

    @event("Started")
    def __init__(self, petition_id: UUID, original: UUID, region_code: str, category: str):
        self.petition_id, self.original = petition_id, original
        self.region_code, self.category = region_code, category
        self.repeats = 0
        self.accepted_on: date | None = None
        self.resolved = False
        self.rating: str | None = None

    @event("RepeatCounted")
    def count_repeat(self, repeat_id: UUID) -> None:
        self.repeats += 1

    @event("Accepted")
    def accepted(self, on: date) -> None:
        self.accepted_on = on

    @event("Rated")
    def rated(self, rating: str) -> None:
        self.rating = rating

    @event("Resolved")
    def mark_resolved(self, how: str) -> None:
        self.resolved = True
