"""CaseOwnership (领导包案): a backlog case (信访积案) owned by a named leader — one case, one leader,
one task force, one plan (一案一领导一专班一方案) [L].

The leader meets three times (三见面: the case materials, the petitioner, the site) and confirms the
four checks (四不放过: facts clear, reasonable claims resolved, policy implemented, accountability
pursued), each with its evidence, before the case can be closed as resolved (案结事了). Progress is
reviewed every month; a month without a review is flagged for supervision.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from ownership.designation import TRIGGERS
from shared.actors import AuditedAggregate
from shared.errors import Conflict, InvalidCommand

MEETINGS = ("materials", "petitioner", "site")  # 见材料, 见信访人, 见现场
MEETING_NAMES = {"materials": "见案件材料", "petitioner": "见信访人", "site": "见现场"}
CHECKS = ("facts_clear", "claims_resolved", "policy_implemented", "accountability_pursued")
CHECK_NAMES = {"facts_clear": "事实不查清不放过", "claims_resolved": "合理诉求不解决不放过",
               "policy_implemented": "政策不落实不放过", "accountability_pursued": "责任不追究不放过"}
LEADER_LEVELS = ("city", "county", "township")
OPEN = ("designated", "owned")


class CaseClosed(Conflict):
    pass


def case_id_for(petition_id: UUID) -> UUID:
    """One case per matter (its first petition): designating it twice has effect once."""
    return uuid5(NAMESPACE_URL, f"xinfang:backlog-case:{petition_id}")


MONTH = re.compile(r"^[0-9]{4}-(?:0[1-9]|1[0-2])\Z")


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


class CaseOwnership(AuditedAggregate):
    @event("Designated")
    def __init__(self, petition_id: UUID, trigger: str, reason: str, region_code: str, category: str,
                 designated_at: datetime):
        self.petition_id = petition_id
        self.trigger, self.reason = trigger, reason
        self.region_code, self.category = region_code, category
        self.designated_at = designated_at
        self.status = "designated"
        self.leader: dict | None = None
        self.leaders: list[dict] = []
        self.task_force: list[str] = []
        self.plan: dict | None = None
        self.meetings: dict[str, dict] = {}
        self.checks: dict[str, dict] = {}
        self.reviews: dict[str, dict] = {}
        self.missed_reviews: list[str] = []
        self.outcome: dict | None = None

    @classmethod
    def designate(cls, petition_id: UUID, *, trigger: str, reason: str, region_code: str, category: str,
                  designated_at: datetime) -> CaseOwnership:
        errors = {}
        if trigger not in TRIGGERS:
            errors["trigger"] = [f"one of {', '.join(TRIGGERS)}"]
        if not reason.strip():
            errors["reason"] = ["why this matter is a backlog case"]
        if errors:
            raise InvalidCommand("the designation is not valid", errors)
        return cls._create(cls.Designated, id=case_id_for(petition_id), petition_id=petition_id, trigger=trigger,
                           reason=reason.strip(), region_code=region_code, category=category,
                           designated_at=designated_at)

    def _check_open(self) -> None:
        if self.status not in OPEN:
            raise CaseClosed(f"the case has been {self.status}")

    # -- 一案一领导一专班一方案 -------------------------------------------------------------------
    def assign_leader(self, leader: dict, task_force: list[str], plan: dict, at: datetime) -> None:
        self._check_open()
        errors = {}
        if not str(leader.get("name") or "").strip() or not str(leader.get("id") or "").strip():
            errors["leader"] = ["the leader's id and name"]
        elif leader.get("level") not in LEADER_LEVELS:
            errors["leader"] = [f"level: one of {', '.join(LEADER_LEVELS)}"]
        if not task_force:
            errors["task_force"] = ["a task force (专班) of at least one member"]
        target = _date(plan.get("target_date"))
        if not plan.get("steps") or target is None:
            errors["plan"] = ["a plan (方案) with its steps and target date"]
        if errors:
            raise InvalidCommand("the ownership is incomplete", errors)
        previous = self.leader
        self._leader_assigned(leader=dict(leader), task_force=list(task_force),
                              plan={"steps": list(plan["steps"]), "target_date": target}, at=at,
                              previous_leader=previous["id"] if previous else None, petition_id=self.petition_id,
                              region_code=self.region_code)

    @event("LeaderAssigned")
    def _leader_assigned(self, leader: dict, task_force: list, plan: dict, at: datetime,
                         previous_leader: str | None, petition_id: UUID, region_code: str) -> None:
        # A reassignment keeps the history: who owned it, from when.
        self.leaders.append({**leader, "from": at})
        self.leader, self.task_force, self.plan = leader, task_force, plan
        self.status = "owned"

    # -- 三见面、四不放过 -------------------------------------------------------------------------
    def record_meeting(self, kind: str, held_on: date, notes: str) -> None:
        self._check_open()
        if kind not in MEETINGS:
            raise InvalidCommand("unknown meeting", {"kind": [f"one of {', '.join(MEETINGS)}"]})
        if not notes.strip():
            raise InvalidCommand("what the meeting found", {"notes": ["required"]})
        self._met(kind=kind, held_on=held_on, notes=notes.strip())

    @event("Met")
    def _met(self, kind: str, held_on: date, notes: str) -> None:
        self.meetings[kind] = {"held_on": held_on, "notes": notes}

    def confirm_check(self, kind: str, evidence: str) -> None:
        self._check_open()
        if kind not in CHECKS:
            raise InvalidCommand("unknown check", {"kind": [f"one of {', '.join(CHECKS)}"]})
        if not evidence.strip():
            raise InvalidCommand("a check is confirmed with its evidence", {"evidence": ["required"]})
        self._checked(kind=kind, evidence=evidence.strip())

    @event("Checked")
    def _checked(self, kind: str, evidence: str) -> None:
        self.checks[kind] = {"evidence": evidence}

    # -- monthly review ------------------------------------------------------------------------------
    def review_month(self, month: str, progress: str, reviewed_on: date) -> None:
        self._check_open()
        if not progress.strip():
            raise InvalidCommand("the month's progress", {"progress": ["required"]})
        if not MONTH.match(month or ""):
            raise InvalidCommand("a month as YYYY-MM", {"month": ["a month as YYYY-MM"]})
        if month > month_of(reviewed_on):
            raise InvalidCommand("a month is reviewed once it has begun", {"month": ["not a future month"]})
        self._reviewed(month=month, progress=progress.strip(), reviewed_on=reviewed_on)

    @event("Reviewed")
    def _reviewed(self, month: str, progress: str, reviewed_on: date) -> None:
        self.reviews[month] = {"progress": progress, "reviewed_on": reviewed_on}

    def months_without_review(self, as_of: date) -> list[str]:
        """Whole months since designation, before `as_of`'s month, with no review and not flagged."""
        months, year, month = [], self.designated_at.year, self.designated_at.month
        last = month_of(as_of)
        while True:
            month += 1
            if month == 13:
                year, month = year + 1, 1
            key = f"{year:04d}-{month:02d}"
            if key >= last:
                return months
            if key not in self.reviews and key not in self.missed_reviews:
                months.append(key)

    @property
    def unreviewed_months(self) -> list[str]:
        """Months flagged as missed and never reviewed since: their watches close with the case."""
        return [m for m in self.missed_reviews if m not in self.reviews]

    def flag_missed_reviews(self, as_of: date) -> int:
        if self.status not in OPEN:
            return 0
        missed = self.months_without_review(as_of)
        for month in missed:
            self._review_missed(month=month, leader_id=(self.leader or {}).get("id"), petition_id=self.petition_id,
                                region_code=self.region_code)
        return len(missed)

    @event("ReviewMissed")
    def _review_missed(self, month: str, leader_id: str | None, petition_id: UUID, region_code: str) -> None:
        self.missed_reviews.append(month)

    # -- 案结事了, or terminated -------------------------------------------------------------------
    def missing_for_resolution(self) -> dict:
        missing = {}
        if self.leader is None:
            missing["leader"] = ["包案领导"]
        if [m for m in MEETINGS if m not in self.meetings]:
            missing["meetings"] = [MEETING_NAMES[m] for m in MEETINGS if m not in self.meetings]
        if [c for c in CHECKS if c not in self.checks]:
            missing["checks"] = [CHECK_NAMES[c] for c in CHECKS if c not in self.checks]
        return missing

    def resolve(self, summary: str, resolved_at: datetime) -> None:
        self._check_open()
        missing = self.missing_for_resolution()
        if missing:
            raise Conflict("the case cannot be closed as resolved (案结事了) before "
                           + "; ".join(f"{k}: {', '.join(v)}" for k, v in missing.items()))
        if not summary.strip():
            raise InvalidCommand("how it was resolved", {"summary": ["required"]})
        self._resolved(summary=summary.strip(), resolved_at=resolved_at, petition_id=self.petition_id,
                       unreviewed_months=self.unreviewed_months,
                       leader_id=self.leader["id"], region_code=self.region_code)

    @event("Resolved")
    def _resolved(self, summary: str, resolved_at: datetime, petition_id: UUID, leader_id: str,
                  region_code: str, unreviewed_months: list | None = None) -> None:
        self.outcome = {"outcome": "resolved", "summary": summary, "at": resolved_at}
        self.status = "resolved"

    def terminate(self, reason: str, terminated_at: datetime) -> None:
        self._check_open()
        if not reason.strip():
            raise InvalidCommand("why the case ends unresolved", {"reason": ["required"]})
        self._terminated(reason=reason.strip(), terminated_at=terminated_at, petition_id=self.petition_id,
                         unreviewed_months=self.unreviewed_months,
                         leader_id=(self.leader or {}).get("id"), region_code=self.region_code)

    @event("Terminated")
    def _terminated(self, reason: str, terminated_at: datetime, petition_id: UUID, leader_id: str | None,
                    region_code: str, unreviewed_months: list | None = None) -> None:
        self.outcome = {"outcome": "terminated", "reason": reason, "at": terminated_at}
        self.status = "terminated"
