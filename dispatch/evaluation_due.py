"""Which replies' rating windows end on which day, so the expiry sweep (超期未评价) reads one small
record per day instead of every assignment. Internal bookkeeping of dispatch, never published."""
from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class EvaluationsDue(Aggregate):
    """The replies whose rating window ends on one day."""

    @staticmethod
    def create_id(day: date) -> UUID:
        return uuid5(NAMESPACE_URL, f"xinfang:evaluations-due:{day.isoformat()}")

    @classmethod
    def for_day(cls, day: date) -> EvaluationsDue:
        return cls._create(cls.Started, id=cls.create_id(day), day=day)

    @event("Started")
    def __init__(self, day: date):
        self.day = day
        self.assignment_ids: list[UUID] = []

    @event("Added")
    def add(self, assignment_id: UUID) -> None:
        self.assignment_ids.append(assignment_id)


class ExpirySweep(Aggregate):
    """How far the sweep has gone: days up to `swept_through` have had their windows closed."""

    ID = uuid5(NAMESPACE_URL, "xinfang:evaluation-expiry-sweep")

    @classmethod
    def start(cls) -> ExpirySweep:
        return cls._create(cls.Started, id=cls.ID)

    @event("Started")
    def __init__(self):
        self.swept_through: date | None = None

    @event("Swept")
    def swept(self, through: date, expired: int) -> None:
        self.swept_through = through
