"""What a leader, the task force and the joint-conference office see of a backlog case."""
from __future__ import annotations

from ownership.designation import TRIGGER_NAMES
from ownership.domain import CHECK_NAMES, CHECKS, MEETING_NAMES, MEETINGS, CaseOwnership
from shared.views import history, plain


def case_view(case: CaseOwnership, events) -> dict:
    return plain({
        "id": case.id, "petition_id": case.petition_id, "status": case.status, "trigger": case.trigger,
        "trigger_name": TRIGGER_NAMES[case.trigger], "reason": case.reason, "region_code": case.region_code,
        "category": case.category, "designated_at": case.designated_at, "leader": case.leader,
        "leaders": case.leaders, "task_force": case.task_force, "plan": case.plan,
        "meetings": [{"kind": k, "name": MEETING_NAMES[k], **case.meetings.get(k, {})} for k in MEETINGS],
        "checks": [{"kind": k, "name": CHECK_NAMES[k], **case.checks.get(k, {})} for k in CHECKS],
        "reviews": case.reviews, "missed_reviews": case.missed_reviews, "outcome": case.outcome,
        "missing_for_resolution": case.missing_for_resolution() if case.status in ("designated", "owned") else {},
        "history": history(events)})
