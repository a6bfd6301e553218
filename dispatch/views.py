"""What a handling unit sees of an assignment."""
from __future__ import annotations

from dispatch.domain import Assignment
from shared.views import history, plain


def assignment_view(assignment: Assignment, events) -> dict:
    a = assignment
    return plain({
        "id": a.id, "petition_id": a.petition_id, "unit": a.unit_id, "status": a.status,
        "deadline": a.handling_deadline, "sign_deadline": a.sign_deadline,
        "evaluation_deadline": a.evaluation_deadline, "mode": a.mode, "procedure": a.procedure,
        "dispatch_deadline": a.dispatch_deadline, "dispatched_on_time": a.dispatched_on_time,
        "objection_deadline": a.objection_deadline, "objection": a.objection, "moves": a.moves,
        "co_units": a.co_units, "accused_unit": a.accused_unit,
        "extension": a.extension, "draft": a.draft, "pre_reviews": a.pre_reviews,
        "reply": a.reply, "rating": a.rating, "reviews": a.reviews,
        "joint_handling": a.joint, "mediation": a.mediation, "history": history(events)})
