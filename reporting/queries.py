"""Statistics as analysts ask for them: a period, a region prefix, and the same period a year earlier."""
from __future__ import annotations

from datetime import date, datetime

from reporting import statistics
from reporting.readmodel import StatisticsReadModel
from shared.clock import Clock, SystemClock, beijing_date

GRANULARITIES = ("day", "week", "month")
VOLUME_KEYS = ("channel", "region", "category", "matter_type")


class Statistics:
    """The reporting context's processor (it follows intake, dispatch, mediation, ownership and
    supervision) and its queries."""

    def __init__(self, readmodel: StatisticsReadModel, clock: Clock | None = None, close=None,
                 unit_levels: dict[str, str] | None = None):
        self.readmodel = readmodel
        self.unit_levels = unit_levels or {}  # unit id → village, township, county, city
        self.clock = clock or SystemClock()
        self._close = close

    # the follower's side
    def tracked_position(self, source: str) -> int:
        return self.readmodel.tracked_position(source)

    def process(self, source: str, envelope: dict) -> bool:
        return self.readmodel.process(source, envelope)

    def record_position(self, source: str, position: int) -> None:
        self.readmodel.record_position(source, position)

    def park(self, source: str, envelope: dict, reason: str) -> None:
        self.readmodel.park(source, envelope, reason)

    def parked_events(self) -> list[dict]:
        return self.readmodel.parked_events()

    def process_batch(self, source: str, envelopes: list[dict]) -> bool:
        return self.readmodel.process_batch(source, envelopes)

    # rebuilding from zero (shared.context.Context.rebuild)
    def start_rebuild(self) -> None:
        self.readmodel.reset()

    def rebuild_started_at(self):
        return self.readmodel.rebuild_started_at()

    def move_running_day(self) -> bool:
        """Today becomes the day the running limits are judged on, when it is not yet (module cubes)."""
        return self.readmodel.move_running_day(beijing_date(self.clock.now()))

    def caught_up(self) -> None:
        """Every source processed to its newest event: a rebuild under way is finished."""
        if self.readmodel.rebuild_started_at():
            self.readmodel.finish_rebuild()

    def close(self) -> None:
        if self._close:
            self._close()

    # the work queues (reporting.worklists)
    def worklist(self, name: str, **params) -> list[dict]:
        """A queue as of today: acceptance, assignments, pre_review, letters."""
        return self.readmodel.worklist(name, today=beijing_date(self.clock.now()), **params)

    def petitions_of_person(self, petitioner_ref: str, limit: int) -> list[dict]:
        return self.readmodel.worklist("petitions_of_person", petitioner_ref=petitioner_ref, limit=limit)

    # the analyst's side
    def summary(self, start: date, end: date, region: str = "") -> dict:
        today = beijing_date(self.clock.now())
        current = self.readmodel.counts(start, end, region, today)
        previous = self.readmodel.counts(statistics.year_earlier(start), statistics.year_earlier(end),
                                         region, today)
        return {"from": start.isoformat(), "to": end.isoformat(), "region": region, "as_of": today.isoformat(),
                **statistics.summary(current, previous, self.unit_levels)}

    def volume(self, start: date, end: date, region: str = "", granularity: str = "month",
               by: str = "channel") -> dict:
        now = keyed(self.readmodel.volume(start, end, region, granularity, by), by)
        earlier = keyed(self.readmodel.volume(statistics.year_earlier(start), statistics.year_earlier(end),
                                              region, granularity, by, shift_years=1), by)
        series = []
        for period, key in sorted(set(now) | set(earlier)):
            (count, persons), (count_then, persons_then) = now.get((period, key), (0, 0)), earlier.get((period, key), (0, 0))
            series.append({"period": period.isoformat(), "key": key, "count": count, "previous_year_count": count_then,
                           "yoy": statistics.yoy(count, count_then), "persons": persons,
                           "previous_year_persons": persons_then, "persons_yoy": statistics.yoy(persons, persons_then)})
        return {"granularity": granularity, "by": by, "series": series}

    def repeats(self, start: date, end: date, region: str = "", limit: int = 20) -> dict:
        """Repeat petitions per petitioner (a pseudonym) and per matter, with the totals of the
        same period a year earlier."""
        current = self.readmodel.repeats(start, end, region, limit)
        previous = self.readmodel.repeats(statistics.year_earlier(start), statistics.year_earlier(end),
                                          region, 0)
        return {"from": start.isoformat(), "to": end.isoformat(), "region": region,
                "totals": current["totals"], "previous_year": previous["totals"],
                "petitioners": current["petitioners"], "matters": current["matters"]}

    def mediation(self, start: date, end: date, region: str = "") -> dict:
        """Mediations opened in the period: outcomes, each layer, the court's confirmations, and
        the same figures a year earlier."""
        current = self.readmodel.mediation_counts(start, end, region)
        previous = self.readmodel.mediation_counts(statistics.year_earlier(start), statistics.year_earlier(end),
                                                   region)
        return {"from": start.isoformat(), "to": end.isoformat(), "region": region,
                **statistics.mediation_summary(current, previous)}

    def backlog(self, start: date, end: date, region: str = "") -> dict:
        """Backlog cases designated in the period: owned, resolved, terminated, the backlog and
        leader-owned resolution rates against the target, per leader and per region, and the same
        figures a year earlier (without the lists)."""
        current = self.readmodel.backlog_counts(start, end, region)
        previous = self.readmodel.backlog_counts(statistics.year_earlier(start), statistics.year_earlier(end),
                                                 region, breakdowns=False)
        return {"from": start.isoformat(), "to": end.isoformat(), "region": region,
                **statistics.backlog_summary(current, previous)}

    def supervision(self, start: date, end: date, region: str = "") -> dict:
        """Supervision in the period: letters issued (per letter and per unit), overdue watches,
        listings, how promptly letters were answered and recommendations adopted, and the same
        figures a year earlier (without the per-unit list)."""
        today = beijing_date(self.clock.now())
        figures = []
        for first, last, breakdowns in ((start, end, True),
                                        (statistics.year_earlier(start), statistics.year_earlier(end), False)):
            cutoff = statistics.overdue_as_of(last, today)
            counts = self.readmodel.supervision_counts(first, last, region, today, cutoff, breakdowns=breakdowns)
            figures.append({**counts, "overdue_as_of": cutoff})
        return {"from": start.isoformat(), "to": end.isoformat(), "region": region, "as_of": today.isoformat(),
                **statistics.supervision_summary(*figures)}

    def units(self, start: date, end: date, region: str = "") -> list[dict]:
        """Per unit, the assignments of the petitions received in the period: on-time completion
        and satisfaction rates (statistics.unit_rates)."""
        today = beijing_date(self.clock.now())
        return [statistics.unit_rates(row) for row in self.readmodel.unit_counts(start, end, region, today)]

    def bulletin_figures(self, start: date, end: date, region: str = "") -> dict:
        """Everything a bulletin freezes: the summary, mediation, backlog and supervision figures,
        and the per-unit figures it ranks."""
        return {"summary": self.summary(start, end, region), "mediation": self.mediation(start, end, region),
                "backlog": self.backlog(start, end, region), "supervision": self.supervision(start, end, region),
                "units": self.units(start, end, region)}

    def audit(self, subject: str, limit: int = 200, since: datetime | None = None,
              until: datetime | None = None) -> list[dict]:
        """Who did what (审计留痕): the events about a petition (and its assignment's, mediation's,
        backlog case's and supervisions'), a record, an actor or a request, oldest first; ids, types,
        actors and times only (reporting.audit)."""
        return self.readmodel.audit(subject, limit, since, until)

    def overdue(self, as_of: date | None = None, unit: str | None = None, region: str = "") -> dict:
        """The overdue list per unit (the weekly dispatch meeting's): every watch still open on
        `as_of` (default today) whose deadline is before it."""
        as_of = as_of or beijing_date(self.clock.now())
        rows = self.readmodel.overdue_supervisions(as_of, region, unit or None)
        return {"as_of": as_of.isoformat(), "region": region, "unit": unit or None,
                **statistics.overdue_by_unit(rows)}


def keyed(rows: list[dict], by: str) -> dict[tuple, tuple[int, int]]:
    """(period, key) → (count, persons). Agency events count in their five-volume keys, mediations
    opened in theirs; by channel, petitions are keyed by their channel (statistics.petition_channel_key)."""
    counts: dict[tuple, tuple[int, int]] = {}
    for row in rows:
        if row["dimension"] == "agency":
            keys = statistics.AGENCY_VOLUMES.get(row["key"], ())
        elif row["dimension"] == "mediation":
            keys = ("mediation",)
        elif by == "channel":
            keys = (statistics.petition_channel_key(row["key"]),)
        else:
            keys = (row["key"],)
        for key in keys:
            count, persons = counts.get((row["period"], key), (0, 0))
            counts[(row["period"], key)] = (count + row["count"], persons + row["persons"])
    return counts
