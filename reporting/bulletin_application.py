"""BulletinApplication: the reporting service's record of bulletins (通报), compiled from the
statistics it is given (a `figures` callable: it holds no SQL) and frozen once published."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from reporting.bulletins import KINDS, UNIT_FIGURES, Bulletin, BulletinRegister, bulletin_id_for, period_bounds, rank_units
from shared.application import ContextApplication
from shared.errors import InvalidCommand, NotFound

# figures(start, end, region) → {"summary", "mediation", "backlog", "supervision", "units"}
Figures = Callable[[date, date, str], dict]


class BulletinNotFound(NotFound):
    pass


class BulletinApplication(ContextApplication):
    name = "bulletins"

    def __init__(self, env=None, *, figures: Figures, rank_by: list[str] | tuple[str, ...] = UNIT_FIGURES,
                 unit_names: dict[str, str] | None = None, on_close: Callable[[], None] | None = None):
        super().__init__(env)
        self._figures, self.rank_by = figures, tuple(rank_by)
        self.unit_names = unit_names or {}
        self._on_close = on_close

    def close(self) -> None:
        super().close()
        if self._on_close:
            self._on_close()

    def _get(self, aggregate_id: UUID):
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def figures(self, start: date, end: date, region: str) -> dict:
        """The figures as of now, the units ranked by the bureau's choice of figures."""
        found = dict(self._figures(start, end, region))
        units = [{**u, "unit_name": self.unit_names.get(u["unit_id"], u["unit_id"])} for u in found.pop("units", [])]
        return {**found, "rank_by": list(self.rank_by), "ranking": rank_units(units, self.rank_by)}

    def compile(self, kind: str, day: date, region: str = "") -> Bulletin:
        """The period's bulletin with the figures as of now: new, or a draft compiled again. A
        published bulletin is frozen (Conflict)."""
        if kind not in KINDS:
            raise InvalidCommand(f"no such kind of bulletin: {kind}", {"kind": [f"one of {', '.join(KINDS)}"]})
        start, end = period_bounds(kind, day)
        bulletin = self._get(bulletin_id_for(kind, start, region))
        if bulletin is None:
            bulletin = Bulletin.compile(kind, start, end, region, self.figures(start, end, region))
            register = self._get(BulletinRegister.ID) or BulletinRegister.start()
            register.enter(bulletin.id)
            self.save(bulletin, register)
            return bulletin
        bulletin.check_open()
        bulletin.recompile(self.figures(start, end, region))
        self.save(bulletin)
        return bulletin

    def get(self, bulletin_id: UUID) -> Bulletin:
        bulletin = self._get(bulletin_id)
        if not isinstance(bulletin, Bulletin):
            raise BulletinNotFound(f"no bulletin {bulletin_id}")
        return bulletin

    def history(self, bulletin_id: UUID) -> list:
        return list(self.events.get(bulletin_id))

    def publish(self, bulletin_id: UUID) -> Bulletin:
        bulletin = self.get(bulletin_id)
        bulletin.publish()
        self.save(bulletin)
        return bulletin

    def correct(self, bulletin_id: UUID, reason: str) -> Bulletin:
        """Compiles the published bulletin's figures again, as of now, as its next version."""
        bulletin = self.get(bulletin_id)
        bulletin.check_correctable(reason)
        bulletin.correct(reason, self.figures(bulletin.start, bulletin.end, bulletin.region))
        self.save(bulletin)
        return bulletin

    def list(self, kind: str | None = None, status: str | None = None) -> list[Bulletin]:
        register = self._get(BulletinRegister.ID)
        found = [self.get(i) for i in (register.bulletin_ids if register else [])]
        return sorted((b for b in found if (kind is None or b.kind == kind) and (status is None or b.status == status)),
                      key=lambda b: (b.start, b.kind, b.region), reverse=True)


def bulletin_view(bulletin: Bulletin, history: list | None = None, figures: bool = True) -> dict:
    """The bulletin as the API shows it: the current figures, and with its history every version
    (who compiled, published or corrected it, and when)."""
    view = {"id": str(bulletin.id), "kind": bulletin.kind, "start": bulletin.start.isoformat(),
            "end": bulletin.end.isoformat(), "region": bulletin.region, "status": bulletin.status,
            "version": bulletin.figures_version}
    if not figures:
        return view
    stamps = {"compiled": [], "corrected": []}
    view["published_at"] = view["published_by"] = None
    entries = []
    for e in history or []:
        kind = type(e).__name__.lower()
        entries.append({"type": kind, "at": e.timestamp.isoformat(), "actor": e.actor})
        if kind in ("compiled", "recompiled"):
            stamps["compiled"] = [e]
        elif kind == "corrected":
            stamps["corrected"].append(e)
        elif kind == "published":
            view["published_at"], view["published_by"] = e.timestamp.isoformat(), e.actor
    made = stamps["compiled"] + stamps["corrected"]
    view["versions"] = [{**v, "at": made[i].timestamp.isoformat() if i < len(made) else None,
                         "actor": made[i].actor if i < len(made) else None}
                        for i, v in enumerate(bulletin.versions)]
    view["figures"] = bulletin.figures
    view["history"] = entries
    return view
