"""What a handling unit sees of an assignment."""
from __future__ import annotations

from dispatch.domain import Assignment
from shared.views import history, plain


def assignment_view(assignment: Assignment, events) -> dict:
    return plain({
        "id": assignment.id, "petition_id": assignment.petition_id, "unit": assignment.unit_id,
        "status": assignment.status, "deadline": assignment.handling_deadline,
        "sign_deadline": assignment.sign_deadline, "evaluation_deadline": assignment.evaluation_deadline,
        "extension": assignment.extension, "reply": assignment.reply, "rating": assignment.rating,
        "joint_handling": assignment.joint,
        "history": history(events)})
