"""Petition (信访事项): registration, repeat links and the acceptance decision.

Every petition from every channel is registered (来访必登, A21). The petition bureau decides
acceptance — accepted, not accepted, or diverted to a legal route — and sends written notice within
15 days (A22, A23); a decision within that limit counts as timely acceptance (及时受理).
"""
from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.clock import beijing_date
from shared.errors import Conflict, InvalidCommand
from shared.workdays import WorkingDayCalendar

CHANNELS = ("visit", "letter", "online", "phone", "fax", "hotline12345", "police110", "court")
MATTER_TYPES = ("complaint", "suggestion", "accusation")  # 申诉求决类, 建议意见类, 检举控告类
DECISIONS = ("accepted", "not_accepted", "diverted")
LEGAL_ROUTES = ("litigation", "arbitration", "reconsideration", "mediation", "other")
ACCEPTANCE_LIMIT_DAYS = 15


class AcceptanceAlreadyDecided(Conflict):
    pass


class PetitionWithdrawn(Conflict):
    pass


def acceptance_deadline(received_at: datetime, calendar: WorkingDayCalendar) -> date:
    return calendar.calendar_deadline(beijing_date(received_at), ACCEPTANCE_LIMIT_DAYS)


class Petition(Aggregate):
    """One petition as registered. The petitioner's personal fields travel together in one dict
    so that field-level encryption per petitioner can wrap them without touching the rules."""

    @event("Registered")
    def __init__(self, channel: str, petitioner: dict, petitioner_ref: str, region_code: str,
                 category: str, matter_type: str, subject: str, content: str,
                 received_at: datetime, acceptance_deadline: date, repeat_of: UUID | None):
        self.channel = channel
        self.petitioner = petitioner
        self.petitioner_ref = petitioner_ref
        self.region_code = region_code
        self.category = category
        self.matter_type = matter_type
        self.subject = subject
        self.content = content
        self.received_at = received_at
        self.acceptance_deadline = acceptance_deadline
        self.repeat_of = repeat_of
        self.status = "registered"
        self.decision: dict | None = None
        self.assignment_id: UUID | None = None

    @classmethod
    def register(cls, petition_id: UUID, *, calendar: WorkingDayCalendar, received_at: datetime,
                 **fields) -> Petition:
        if fields["channel"] not in CHANNELS:
            raise InvalidCommand("unknown channel", {"channel": ["unknown channel"]})
        if fields["matter_type"] not in MATTER_TYPES:
            raise InvalidCommand("unknown matter type", {"matter_type": ["unknown matter type"]})
        return cls._create(cls.Registered, id=petition_id, received_at=received_at,
                           acceptance_deadline=acceptance_deadline(received_at, calendar), **fields)

    def decide_acceptance(self, decision: str, reason: str, route: str | None,
                          decided_at: datetime) -> None:
        if self.decision is not None:
            raise AcceptanceAlreadyDecided("acceptance has already been decided for this petition")
        if self.status == "withdrawn":
            raise PetitionWithdrawn("the petition has been withdrawn")
        if decision not in DECISIONS:
            raise InvalidCommand("unknown decision", {"decision": ["unknown decision"]})
        if decision == "diverted" and route not in LEGAL_ROUTES:
            raise InvalidCommand("a diverted petition needs its legal route",
                                 {"route": [f"required for diverted; one of {', '.join(LEGAL_ROUTES)}"]})
        if not reason or not reason.strip():
            raise InvalidCommand("the decision needs a reason", {"reason": ["required"]})
        timely = beijing_date(decided_at) <= self.acceptance_deadline
        self._acceptance_decided(decision=decision, reason=reason.strip(),
                                 route=route if decision == "diverted" else None,
                                 decided_at=decided_at, timely=timely,
                                 region_code=self.region_code, category=self.category,
                                 matter_type=self.matter_type)

    @event("AcceptanceDecided")
    def _acceptance_decided(self, decision: str, reason: str, route: str | None,
                            decided_at: datetime, timely: bool, region_code: str, category: str,
                            matter_type: str) -> None:
        # The event carries what dispatch routes by, so dispatch never reads intake's store.
        self.decision = {"decision": decision, "reason": reason, "route": route,
                         "decided_at": decided_at, "timely": timely}
        self.status = decision

    @property
    def needs_handling(self) -> bool:
        """Accepted matters go to a handling unit (交办); the rest end with the notice."""
        return self.decision is not None and self.decision["decision"] == "accepted"

    def link_assignment(self, assignment_id: UUID, unit_id: str) -> None:
        if self.assignment_id is None:
            self._assignment_linked(assignment_id=assignment_id, unit_id=unit_id)

    @event("AssignmentLinked")
    def _assignment_linked(self, assignment_id: UUID, unit_id: str) -> None:
        self.assignment_id = assignment_id
        self.status = "assigned"

    def note_handling(self, stage: str, at: datetime, **detail) -> None:
        """Mirror of the handling unit's progress (replied, evaluated) for the petition's own record."""
        self._handling_progressed(stage=stage, at=at, detail=detail)

    @event("HandlingProgressed")
    def _handling_progressed(self, stage: str, at: datetime, detail: dict) -> None:
        self.status = stage
