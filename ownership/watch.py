"""What ownership follows of each petition to apply the designation policy: which matter it belongs
to, when it was accepted, its rating, whether it was resolved or re-reviewed, and its repeats.
Internal. Intake's and dispatch's logs are followed separately, so either may tell of a petition
first: a watch can start from a dispatch event and learn its matter when intake's registration
arrives."""
from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class MatterWatch(Aggregate):
    @staticmethod
    def create_id(petition_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"xinfang:ownership-watch:{petition_id}")

    @classmethod
    def start(cls, petition_id: UUID) -> MatterWatch:
        return cls._create(cls.Started, id=cls.create_id(petition_id), petition_id=petition_id)

    @event("Started")
    def __init__(self, petition_id: UUID):
        self.petition_id = petition_id
        self.original: UUID | None = None
        self.region_code: str | None = None
        self.category: str | None = None
        self.repeats = 0
        self.accepted_on: date | None = None
        self.resolved = False
        self.rating: str | None = None
        self.re_reviewed_at: datetime | None = None

    @property
    def identified(self) -> bool:
        return self.original is not None

    @event("Identified")
    def identify(self, original: UUID, region_code: str, category: str) -> None:
        self.original, self.region_code, self.category = original, region_code, category

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

    @property
    def re_reviewed(self) -> bool:
        return self.re_reviewed_at is not None

    @event("ReReviewed")
    def mark_re_reviewed(self, at: datetime) -> None:
        self.re_reviewed_at = at
