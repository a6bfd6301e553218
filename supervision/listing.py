"""Listed supervision (挂牌督办, A39): a unit or a matter put on the list with a correction deadline,
lifted once corrected."""
from __future__ import annotations

from datetime import date, datetime

from eventsourcing.domain import event

from shared.actors import AuditedAggregate
from shared.clock import beijing_date
from shared.errors import Conflict, InvalidCommand

TARGETS = ("unit", "matter")


class ListedSupervision(AuditedAggregate):
    @event("Listed")
    def __init__(self, target: str, target_id: str, unit_id: str, region_code: str, reason: str,
                 correction_deadline: date, listed_at: datetime):
        self.target, self.target_id = target, target_id
        self.unit_id, self.region_code = unit_id, region_code
        self.reason, self.correction_deadline, self.listed_at = reason, correction_deadline, listed_at
        self.lifted: dict | None = None

    @classmethod
    def list(cls, *, target: str, target_id: str, unit_id: str, region_code: str, reason: str,
             correction_deadline: date, listed_at: datetime) -> ListedSupervision:
        errors = {}
        if target not in TARGETS:
            errors["target"] = [f"one of {', '.join(TARGETS)}"]
        if not reason.strip():
            errors["reason"] = ["why it is listed"]
        if correction_deadline < beijing_date(listed_at):
            errors["correction_deadline"] = ["not before the listing"]
        if errors:
            raise InvalidCommand("the listing is not valid", errors)
        return cls._create(cls.Listed, target=target, target_id=target_id, unit_id=unit_id, region_code=region_code,
                           reason=reason.strip(), correction_deadline=correction_deadline, listed_at=listed_at)

    def lift(self, correction: str, lifted_at: datetime) -> None:
        if self.lifted is not None:
            raise Conflict("the listing has been lifted already")
        if not correction.strip():
            raise InvalidCommand("what was corrected", {"correction": ["required"]})
        self._lifted(correction=correction.strip(), lifted_at=lifted_at,
                     on_time=beijing_date(lifted_at) <= self.correction_deadline, unit_id=self.unit_id,
                     region_code=self.region_code)

    @event("Lifted")
    def _lifted(self, correction: str, lifted_at: datetime, on_time: bool, unit_id: str, region_code: str) -> None:
        self.lifted = {"correction": correction, "at": lifted_at, "on_time": on_time}
