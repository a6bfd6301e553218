"""Petition (信访事项): registration, repeat links and the acceptance decision.

Every petition from every channel is registered (来访必登, A21). The petition bureau decides
acceptance — accepted, not accepted, or diverted to a legal route — and sends written notice within
15 days (A22, A23); a decision within that limit counts as timely acceptance (及时受理).
"""
from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import event

from shared.actors import AuditedAggregate
from shared.clock import beijing_date
from shared.errors import Conflict, InvalidCommand
from shared.workdays import WorkingDayCalendar

CHANNELS = ("visit", "letter", "online", "phone", "fax", "hotline12345", "police110", "court")
MATTER_TYPES = ("complaint", "suggestion", "accusation")  # 申诉求决类, 建议意见类, 检举控告类
DECISIONS = ("accepted", "not_accepted", "diverted")
# Other legal routes a complaint/request may belong to (A31): 诉讼, 仲裁, 行政复议, 调解, 党员申诉,
# 公安机关程序, 法院程序, 其他.
LEGAL_ROUTES = ("litigation", "arbitration", "reconsideration", "mediation", "party_appeal",
                "police_procedure", "court_procedure", "other")
DISPATCH_MODES = ("assignment", "transfer")  # 交办, 转送 (A22)
ACCEPTANCE_LIMIT_DAYS = 15
MAX_REPRESENTATIVES = 5  # A20: a group visit elects at most five representatives


class AcceptanceAlreadyDecided(Conflict):
    pass


class PetitionWithdrawn(Conflict):
    pass


def acceptance_deadline(received_at: datetime, calendar: WorkingDayCalendar) -> date:
    return calendar.calendar_deadline(beijing_date(received_at), ACCEPTANCE_LIMIT_DAYS)


class Petition(AuditedAggregate):
    """One petition as registered. The petitioner's personal fields travel together in one dict
    so that field-level encryption per petitioner can wrap them without touching the rules."""

    @event("Registered")
    def __init__(self, channel: str, petitioner: dict, petitioner_ref: str, region_code: str,
                 category: str, matter_type: str, subject: str, content: str,
                 received_at: datetime, acceptance_deadline: date, repeat_of: UUID | None,
                 representatives: list | None = None, group_size: int | None = None,
                 accused_unit: str | None = None, new_facts: bool = False, query_code: str | None = None):
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
        self.representatives = representatives or []
        self.group_size = group_size
        self.accused_unit = accused_unit
        self.new_facts = new_facts
        self.query_code = query_code  # 查询码 (intake.query_codes); sealed with the petitioner's key
        self.status = "registered"
        self.decision: dict | None = None
        self.assignment_id: UUID | None = None

    @classmethod
    def register(cls, petition_id: UUID, *, calendar: WorkingDayCalendar, received_at: datetime,
                 refusal: tuple[str, str] | None = None, query_code: str | None = None, **fields) -> Petition:
        """`refusal` (ground, reason) decides acceptance at once, for a matter the repeat rules
        close (see intake.repeats)."""
        check_registration(fields)
        petition = cls._create(cls.Registered, id=petition_id, received_at=received_at, query_code=query_code,
                               acceptance_deadline=acceptance_deadline(received_at, calendar), **fields)
        if refusal:
            petition._decide("not_accepted", refusal[1], None, received_at, ground=refusal[0])
        return petition

    def decide_acceptance(self, decision: str, reason: str, route: str | None,
                          decided_at: datetime, dispatch_mode: str = "assignment") -> None:
        if self.decision is not None:
            raise AcceptanceAlreadyDecided("acceptance has already been decided for this petition")
        if self.status == "withdrawn":
            raise PetitionWithdrawn("the petition has been withdrawn")
        if decision not in DECISIONS:
            raise InvalidCommand("unknown decision", {"decision": ["unknown decision"]})
        if decision == "diverted" and route not in LEGAL_ROUTES:
            raise InvalidCommand("a diverted petition needs its legal route",
                                 {"route": [f"required for diverted; one of {', '.join(LEGAL_ROUTES)}"]})
        if decision == "diverted" and self.matter_type != "complaint":
            raise InvalidCommand("only a complaint/request is diverted to a legal route (A31)",
                                 {"decision": [f"a {self.matter_type} is accepted or not accepted"]})
        if dispatch_mode not in DISPATCH_MODES:
            raise InvalidCommand("unknown dispatch mode", {"dispatch_mode": [f"one of {', '.join(DISPATCH_MODES)}"]})
        if not reason or not reason.strip():
            raise InvalidCommand("the decision needs a reason", {"reason": ["required"]})
        if beijing_date(decided_at) < beijing_date(self.received_at):
            raise InvalidCommand("the decision cannot precede the registration", {"decided_at": ["before received_at"]})
        self._decide(decision, reason.strip(), route if decision == "diverted" else None, decided_at,
                     dispatch_mode=dispatch_mode if decision == "accepted" else None)

    def _decide(self, decision: str, reason: str, route: str | None, decided_at: datetime,
                ground: str | None = None, dispatch_mode: str | None = None) -> None:
        self._acceptance_decided(decision=decision, reason=reason, route=route, decided_at=decided_at,
                                 timely=beijing_date(decided_at) <= self.acceptance_deadline,
                                 region_code=self.region_code, category=self.category,
                                 matter_type=self.matter_type, ground=ground, dispatch_mode=dispatch_mode,
                                 accused_unit=self.accused_unit, dispatch_deadline=self.acceptance_deadline)

    @event("AcceptanceDecided")
    def _acceptance_decided(self, decision: str, reason: str, route: str | None,
                            decided_at: datetime, timely: bool, region_code: str, category: str,
                            matter_type: str, ground: str | None = None, dispatch_mode: str | None = None,
                            accused_unit: str | None = None, dispatch_deadline: date | None = None) -> None:
        # The event carries what dispatch routes by, so dispatch never reads intake's store.
        self.decision = {"decision": decision, "reason": reason, "route": route, "ground": ground,
                         "dispatch_mode": dispatch_mode, "decided_at": decided_at, "timely": timely}
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

    def note_handling(self, stage: str, at: datetime, status: str | None = None, **detail) -> None:
        """Mirror of the handling unit's progress, so the petition's history is the whole story."""
        self._handling_progressed(stage=stage, at=at, detail=detail, status=status)

    @event("HandlingProgressed")
    def _handling_progressed(self, stage: str, at: datetime, detail: dict, status: str | None = None) -> None:
        if status:
            self.status = status
        elif stage in ("replied", "evaluated"):  # older records carry no status: the stage was it
            self.status = stage


def check_registration(fields: dict) -> None:
    errors = {}
    if fields["channel"] not in CHANNELS:
        errors["channel"] = ["unknown channel"]
    if fields["matter_type"] not in MATTER_TYPES:
        errors["matter_type"] = ["unknown matter type"]
    if len(fields.get("representatives") or ()) > MAX_REPRESENTATIVES:
        errors["representatives"] = [f"a group visit elects at most {MAX_REPRESENTATIVES} representatives "
                                     "(信访工作条例第二十条)"]
    if fields["matter_type"] == "accusation" and not fields.get("accused_unit"):
        errors["accused_unit"] = ["an accusation names the accused unit, so that it never reaches that unit (A30)"]
    if errors:
        raise InvalidCommand("the registration breaks a rule", errors)
