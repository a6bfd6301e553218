"""Ownership's published language: a backlog case's designation, owner, progress and outcome. The
leader is an official named in the case (their id, name, post and level travel); meeting notes,
evidence and progress texts stay in ownership."""
from __future__ import annotations

from ownership.domain import CaseOwnership
from ownership.register import CaseRegister
from ownership.watch import MatterWatch
from shared.due import INTERNAL_EVENTS as DUE_EVENTS
from shared.feed import translator
from shared.parking import PARKING_TRANSLATIONS


def _ids(e) -> dict:
    petition_id = getattr(e, "petition_id", None)
    return {"case_id": str(e.originator_id), **({"petition_id": str(petition_id)} if petition_id else {})}


def _designated(e) -> tuple[str, dict]:
    return "ownership.designated", {**_ids(e), "trigger": e.trigger, "region_code": e.region_code,
                                    "category": e.category, "designated_at": e.designated_at.isoformat()}


def _leader(e) -> tuple[str, dict]:
    return "ownership.leader_assigned", {
        **_ids(e), "leader": {k: e.leader.get(k) for k in ("id", "name", "post", "level")},
        "previous_leader": e.previous_leader, "task_force_size": len(e.task_force),
        "target_date": e.plan["target_date"].isoformat() if e.plan.get("target_date") else None, "region_code": e.region_code, "assigned_at": e.at.isoformat()}


def _met(e) -> tuple[str, dict]:
    return "ownership.meeting_recorded", {**_ids(e), "kind": e.kind, "held_on": e.held_on.isoformat()}


def _checked(e) -> tuple[str, dict]:
    return "ownership.check_confirmed", {**_ids(e), "kind": e.kind}


def _reviewed(e) -> tuple[str, dict]:
    return "ownership.month_reviewed", {**_ids(e), "month": e.month, "reviewed_on": e.reviewed_on.isoformat()}


def _missed(e) -> tuple[str, dict]:
    # For supervision (督查督办): a month of an open backlog case passed without a progress review.
    return "ownership.review_missed", {**_ids(e), "month": e.month, "leader_id": e.leader_id,
                                       "region_code": e.region_code}


def _resolved(e) -> tuple[str, dict]:
    return "ownership.resolved", {**_ids(e), "resolved_at": e.resolved_at.isoformat(), "leader_id": e.leader_id,
                                  "region_code": e.region_code,
                                  "unreviewed_months": list(getattr(e, "unreviewed_months", None) or [])}


def _terminated(e) -> tuple[str, dict]:
    return "ownership.terminated", {**_ids(e), "terminated_at": e.terminated_at.isoformat(),
                                    "leader_id": e.leader_id, "region_code": e.region_code,
                                    "unreviewed_months": list(getattr(e, "unreviewed_months", None) or [])}


translate = translator({
    CaseOwnership.Designated: _designated,
    CaseOwnership.LeaderAssigned: _leader,
    CaseOwnership.Met: _met,
    CaseOwnership.Checked: _checked,
    CaseOwnership.Reviewed: _reviewed,
    CaseOwnership.ReviewMissed: _missed,
    CaseOwnership.Resolved: _resolved,
    CaseOwnership.Terminated: _terminated,
    # What ownership follows of each petition, and its lists, stay inside it.
    MatterWatch.Started: None,
    MatterWatch.Identified: None,
    MatterWatch.ReReviewed: None,
    MatterWatch.RepeatCounted: None,
    MatterWatch.Accepted: None,
    MatterWatch.Rated: None,
    MatterWatch.Resolved: None,
    CaseRegister.Started: None,
    CaseRegister.Entered: None,
    **dict.fromkeys(DUE_EVENTS),
    **PARKING_TRANSLATIONS,
})
