"""Things that fall due on a day (a rating window closing, a matter unresolved for 90 days), and a
sweep that reads each day once. One small record per day and kind, saved with whatever made the
thing due, so a timer (or an operator naming a date) never reads every aggregate of a context.
Internal bookkeeping: never published."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, event

# A first sweep (no cursor yet) looks this far back.
FIRST_SWEEP_DAYS = 400
# A sweep reads one day at a time (~2 ms a day on PostgreSQL). A cursor left decades back by a sweep
# as of an old day made every later sweep, the timer's too, read tens of thousands of days, longer
# than the gateway waits (found by HTTP fuzzing). So a sweep without `since` reads no further back
# than a first sweep does, and an operator's `since` no further than MAX_SWEEP_DAYS (about 4 s).
# Nothing older can still fall due: the longest limit watched is well under a year.
MAX_SWEEP_DAYS = 1830


class DueList(Aggregate):
    """The ids of one kind falling due on one day."""

    @staticmethod
    def create_id(kind: str, day: date) -> UUID:
        return uuid5(NAMESPACE_URL, f"xinfang:due:{kind}:{day.isoformat()}")

    @event("Started")
    def __init__(self, kind: str, day: date):
        self.kind, self.day = kind, day
        self.ids: list[UUID] = []

    @event("Added")
    def add(self, item_id: UUID) -> None:
        self.ids.append(item_id)


class SweepCursor(Aggregate):
    """How far the sweep of one kind has gone: days up to `swept_through` have been read."""

    @staticmethod
    def create_id(kind: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"xinfang:sweep:{kind}")

    @event("Started")
    def __init__(self, kind: str):
        self.kind = kind
        self.swept_through: date | None = None

    @event("Swept")
    def swept(self, through: date, handled: int) -> None:
        self.swept_through = through


INTERNAL_EVENTS = (DueList.Started, DueList.Added, SweepCursor.Started, SweepCursor.Swept)


class DueCalendar:
    def __init__(self, app: Application, kind: str):
        self.app, self.kind = app, kind

    def _get(self, aggregate_id: UUID):
        try:
            return self.app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def _cursor(self) -> SweepCursor:
        return self._get(SweepCursor.create_id(self.kind)) or SweepCursor._create(
            SweepCursor.Started, id=SweepCursor.create_id(self.kind), kind=self.kind)

    def schedule(self, item_id: UUID, day: date) -> DueList:
        """The day's list with the item added, to be saved with the change that made it due. An
        item due on a day already swept joins the first day the sweep has yet to read."""
        swept = self._cursor().swept_through
        if swept and day <= swept:
            day = swept + timedelta(days=1)
        due = self._get(DueList.create_id(self.kind, day)) or DueList._create(
            DueList.Started, id=DueList.create_id(self.kind, day), kind=self.kind, day=day)
        due.add(item_id)
        return due

    def sweep(self, as_of: date, handle: Callable[[UUID], bool], since: date | None = None) -> dict:
        """Calls `handle(item_id)` for everything due before `as_of` on days not yet swept (or from
        `since`); `handle` saves what it changes and says whether it did anything."""
        cursor = self._cursor()
        if since:
            first = max(since, as_of - timedelta(days=MAX_SWEEP_DAYS))
        else:
            after_cursor = cursor.swept_through + timedelta(days=1) if cursor.swept_through else date.min
            first = max(after_cursor, as_of - timedelta(days=FIRST_SWEEP_DAYS))
        handled, day = 0, first
        while day < as_of:
            due = self._get(DueList.create_id(self.kind, day))
            handled += sum(1 for item_id in (due.ids if due else ()) if handle(item_id))
            day += timedelta(days=1)
        through = as_of - timedelta(days=1)
        if cursor.swept_through is None or through > cursor.swept_through:
            cursor.swept(through=through, handled=handled)
            self.app.save(cursor)
        return {"as_of": as_of.isoformat(), "swept_from": first.isoformat(), "handled": handled}
