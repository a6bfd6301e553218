"""Bulletins (通报): a period's figures frozen as a published record (DOMAIN.md §8).

A bulletin is compiled for a period (an ISO week, a month, a quarter or a year, from any day in it)
and a region prefix; the figures are copied into its events, so what was published stays what was
published whatever the read model later learns. A draft can be compiled again (its figures
replaced); a published bulletin is frozen, and a correction is a new version with its reason, the
earlier versions staying readable.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from shared.actors import AuditedAggregate
from shared.errors import Conflict, InvalidCommand

KINDS = ("week", "month", "quarter", "year")
KIND_NAMES = {"week": "周通报", "month": "月通报", "quarter": "季度通报", "year": "年度通报"}
# The per-unit figures a bureau may rank its units by (policy.json "bulletin": {"rank_by": [...]}).
UNIT_FIGURES = ("on_time_completion_rate", "satisfaction_rate")


class BulletinFrozen(Conflict):
    pass


def period_bounds(kind: str, day: date) -> tuple[date, date]:
    """The first and last day of the period of `kind` that `day` falls in: an ISO week (Monday to
    Sunday), a calendar month, a quarter or a year."""
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if kind == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if kind == "quarter":
        first = 3 * ((day.month - 1) // 3) + 1
        return date(day.year, first, 1), date(day.year, first + 2, calendar.monthrange(day.year, first + 2)[1])
    if kind == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    raise InvalidCommand(f"no such kind of bulletin: {kind}", {"kind": [f"one of {', '.join(KINDS)}"]})


def bulletin_id_for(kind: str, start: date, region: str) -> UUID:
    """One bulletin per kind, period and region: compiling it twice compiles the same bulletin."""
    return uuid5(NAMESPACE_URL, f"xinfang:bulletin:{kind}:{start.isoformat()}:{region}")


def rank_units(units: list[dict], rank_by: list[str] | tuple[str, ...]) -> list[dict]:
    """Units ordered by the chosen figures, highest first, in order of precedence (a later figure
    breaks ties of an earlier one); a unit without a figure (nothing in its denominator) comes after
    every unit with one. Units equal on every figure share a rank (1, 2, 2, 4) and are listed by
    their id."""
    def key(row: dict) -> tuple:
        return tuple((row.get(name) is None, -(row.get(name) or 0)) for name in rank_by)

    ranked, previous, rank = [], None, 0
    for position, row in enumerate(sorted(units, key=lambda r: (key(r), r["unit_id"])), start=1):
        if key(row) != previous:
            rank, previous = position, key(row)
        ranked.append({"rank": rank, **row})
    return ranked


def difference(old, new, path: str = "") -> dict[str, dict]:
    """What a correction changed: each figure (a dotted path) whose value differs, with both values.
    Lists (the ranking) are compared whole."""
    if isinstance(old, dict) and isinstance(new, dict):
        changes: dict[str, dict] = {}
        for key in sorted(set(old) | set(new), key=str):
            changes.update(difference(old.get(key), new.get(key), f"{path}.{key}" if path else str(key)))
        return changes
    return {} if old == new else {path: {"was": old, "now": new}}


class Bulletin(AuditedAggregate):
    @classmethod
    def compile(cls, kind: str, start: date, end: date, region: str, figures: dict) -> Bulletin:
        return cls._create(cls.Compiled, id=bulletin_id_for(kind, start, region), kind=kind, start=start, end=end,
                           region=region, figures=figures)

    @event("Compiled")
    def __init__(self, kind: str, start: date, end: date, region: str, figures: dict):
        self.kind, self.start, self.end, self.region = kind, start, end, region
        self.status = "draft"
        # versions[0] is the figures as compiled (and published); each correction adds one.
        self.versions: list[dict] = [{"version": 1, "figures": figures, "reason": None, "changes": {}}]

    @property
    def figures(self) -> dict:
        return self.versions[-1]["figures"]

    @property
    def figures_version(self) -> int:
        """1, then one more per correction (not the aggregate's own event version)."""
        return self.versions[-1]["version"]

    def check_open(self) -> None:
        """A published bulletin is frozen: compiling it again is refused."""
        if self.status == "published":
            raise BulletinFrozen("the bulletin is published and frozen: correct it instead")

    def recompile(self, figures: dict) -> None:
        self.check_open()
        self._recompile(figures)

    @event("Recompiled")
    def _recompile(self, figures: dict) -> None:
        self.versions = [{"version": 1, "figures": figures, "reason": None, "changes": {}}]

    def publish(self) -> None:
        if self.status == "published":
            raise BulletinFrozen("the bulletin is published already")
        self._publish()

    @event("Published")
    def _publish(self) -> None:
        self.status = "published"

    def check_correctable(self, reason: str) -> None:
        """Only a published bulletin is corrected (a draft is compiled again), always with a reason."""
        if self.status != "published":
            raise Conflict("a draft is compiled again, not corrected")
        if not reason or not reason.strip():
            raise InvalidCommand("a correction needs its reason", {"reason": ["required"]})

    def correct(self, reason: str, figures: dict) -> None:
        self.check_correctable(reason)
        self._correct(reason.strip(), figures, difference(self.figures, figures))

    @event("Corrected")
    def _correct(self, reason: str, figures: dict, changes: dict) -> None:
        self.versions.append({"version": len(self.versions) + 1, "figures": figures, "reason": reason,
                              "changes": changes})


class BulletinRegister(AuditedAggregate):
    """Every bulletin's id, for the list: a bureau compiles tens a year."""
    ID = uuid5(NAMESPACE_URL, "xinfang:bulletin-register")

    @classmethod
    def start(cls) -> BulletinRegister:
        return cls._create(cls.Started, id=cls.ID)

    @event("Started")
    def __init__(self):
        self.bulletin_ids: list[UUID] = []

    @event("Entered")
    def enter(self, bulletin_id: UUID) -> None:
        self.bulletin_ids.append(bulletin_id)
