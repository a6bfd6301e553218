"""A sweep reads no further back than a first sweep does, or for an operator's `since` MAX_SWEEP_DAYS.

Found by HTTP fuzzing: a sweep as of 1950 left the cursor there, and every later sweep (the hourly
timer's too) then read each day from 1950 on, longer than the gateway waits."""
from datetime import date, timedelta
from uuid import uuid4

from shared.application import ContextApplication
from shared.due import FIRST_SWEEP_DAYS, MAX_SWEEP_DAYS, DueCalendar

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
TODAY = date(2026, 12, 1)


def sweep(app, as_of, since=None):
    read = []
    swept = DueCalendar(app, "unresolved").sweep(as_of, lambda item: read.append(item) or True, since)
    return swept, read


def test_a_cursor_left_decades_back_does_not_make_the_next_sweep_read_every_day_since():
    app = ContextApplication(ENV)
    sweep(app, date(1950, 1, 1))  # the cursor now stands at 1949-12-31
    swept, _ = sweep(app, TODAY)
    assert swept["swept_from"] == (TODAY - timedelta(days=FIRST_SWEEP_DAYS)).isoformat()
    swept, _ = sweep(app, TODAY + timedelta(days=3))  # and from then on, the days not yet swept
    assert swept["swept_from"] == TODAY.isoformat()


def test_since_further_back_is_read_from_the_bound_and_what_fell_due_within_it_is_handled():
    app = ContextApplication(ENV)
    calendar = DueCalendar(app, "unresolved")
    within, beyond = uuid4(), uuid4()
    app.save(calendar.schedule(within, TODAY - timedelta(days=30)))
    app.save(calendar.schedule(beyond, TODAY - timedelta(days=MAX_SWEEP_DAYS + 30)))
    swept, read = sweep(app, TODAY, since=date(1990, 1, 1))
    assert swept["swept_from"] == (TODAY - timedelta(days=MAX_SWEEP_DAYS)).isoformat()
    assert read == [within] and swept["handled"] == 1
