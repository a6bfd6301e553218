"""A day's due list is snapshotted, so adding to a long one does not replay it whole."""
from datetime import date
from uuid import uuid4

from shared.application import ContextApplication
from shared.due import DueCalendar, DueList

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
DAY = date(2027, 3, 1)


class Scheduling(ContextApplication):
    """Schedules the petition an event names, as ownership's policy does."""

    def policy(self, envelope, processing):
        processing.collect_events(DueCalendar(self, "unresolved").schedule(envelope["data"]["id"], DAY))


def test_a_long_due_list_loads_from_its_latest_snapshot_with_every_item():
    app = Scheduling(ENV)
    calendar = DueCalendar(app, "unresolved")
    saved = [uuid4() for _ in range(25)]
    for item in saved:
        app.save(calendar.schedule(item, DAY))
    followed = [uuid4() for _ in range(20)]
    for position, item in enumerate(followed, start=1):  # the follower's path records by itself
        assert app.process("intake", {"position": position, "data": {"id": item}})

    due_id = DueList.create_id("unresolved", DAY)
    snapshots = list(app.snapshots.get(due_id))
    assert [s.originator_version for s in snapshots] == [20, 40]
    assert app.repository.get(due_id).ids == saved + followed
    assert app.repository.get(due_id, version=30).ids == (saved + followed)[:29]  # Started is version 1

