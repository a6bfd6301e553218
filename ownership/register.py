"""The register of backlog cases (积案台账): every case's id, for the leader's case list and the
monthly sweep. Internal: backlog cases are few (tens to hundreds a county), so one list serves."""
from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class CaseRegister(Aggregate):
    ID = uuid5(NAMESPACE_URL, "xinfang:backlog-case-register")

    @classmethod
    def start(cls) -> CaseRegister:
        return cls._create(cls.Started, id=cls.ID)

    @event("Started")
    def __init__(self):
        self.case_ids: list[UUID] = []

    @event("Entered")
    def enter(self, case_id: UUID) -> None:
        self.case_ids.append(case_id)
