"""The one source of "now" for every rule, so tests and replays can run as of any date."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol

# Statutory limits are counted in Beijing time: a petition received at 23:30 UTC is "tomorrow" there.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(BEIJING)


class FixedClock:
    """A clock for tests and replays: stands still until moved."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at = self.at + timedelta(**delta)


def beijing_date(moment: datetime):
    """The calendar date of a moment in Beijing, where every time limit is counted."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING).date()


def moment(value: str | None) -> datetime | None:
    """An ISO 8601 time from the wire; a time without zone is taken as Beijing time."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BEIJING)


# Clocks of clerks' machines drift; a few minutes ahead is not "in the future".
ALLOWED_SKEW = timedelta(minutes=5)


def when(moment: datetime | None, clock: Clock, field: str) -> datetime:
    """The time a command says something happened (default: now); never later than now, since
    a reply or a decision cannot be recorded before it happened."""
    from shared.errors import InvalidCommand  # the kernel's errors; kept local to keep clock import-light
    now = clock.now()
    if moment is None:
        return now
    if moment > now + ALLOWED_SKEW:
        raise InvalidCommand(f"{field} lies in the future", {field: ["must not lie in the future"]})
    return moment
