"""Which limits other services' events open, move and close (the deadline watch's input). Pure: each
event becomes a list of (action, kind, subject, fields); the application applies them."""
from __future__ import annotations

from calendar import monthrange
from datetime import date

from shared.clock import moment

# event type → (kind of limit, the subject's field, the field holding the moment it was met)
CLOSES = {
    "petition.acceptance_decided": ("acceptance", "petition_id", "decided_at"),
    "assignment.replied": ("handling", "assignment_id", "replied_at"),
    "mediation.agreement_reached": ("mediation", "mediation_id", "signed_at"),
    "mediation.ended": ("mediation", "mediation_id", "ended_at"),
}


def _end_of_month(month: str) -> date:
    year, number = (int(x) for x in month.split("-"))
    return date(year, number, monthrange(year, number)[1])


def actions(envelope: dict) -> list[tuple]:
    d, kind = envelope["data"], envelope["type"]
    petition = d.get("petition_id")
    if kind == "petition.registered":
        return [("open", "acceptance", d["petition_id"], {
            "deadline": date.fromisoformat(d["acceptance_deadline"]), "region_code": d["region_code"],
            "unit_id": None, "petition_id": petition})]
    if kind in CLOSES:
        limit, subject, at = CLOSES[kind]
        return [("close", limit, d[subject], {"at": moment(d[at]), "reason": kind})]
    if kind == "assignment.created":
        return [("open", "handling", d["assignment_id"], {
            "deadline": date.fromisoformat(d["handling_deadline"]), "region_code": d["region_code"],
            "unit_id": d["unit_id"], "petition_id": petition})]
    if kind == "assignment.extended":
        return [("move", "handling", d["assignment_id"], {"deadline": date.fromisoformat(d["handling_deadline"])})]
    if kind == "assignment.rerouted":
        return [("move", "handling", d["assignment_id"], {"unit_id": d["to_unit"]})]
    if kind == "assignment.review_requested":
        return [("open", d["stage"], d["assignment_id"], {
            "deadline": date.fromisoformat(d["deadline"]), "region_code": None, "unit_id": d["reviewer_unit"],
            "petition_id": petition})]
    if kind == "assignment.hearing_held":
        return [("move", d["stage"], d["assignment_id"], {"deadline": date.fromisoformat(d["deadline"])})]
    if kind == "assignment.review_decided":
        return [("close", d["stage"], d["assignment_id"], {"at": moment(d["decided_at"]), "reason": kind})]
    if kind == "mediation.opened" and d.get("deadline"):
        return [("open", "mediation", d["mediation_id"], {
            "deadline": date.fromisoformat(d["deadline"]), "region_code": d["region_code"], "unit_id": None,
            "petition_id": petition})]
    if kind == "mediation.escalated":
        if d.get("deadline"):
            return [("open_or_move", "mediation", d["mediation_id"], {
                "deadline": date.fromisoformat(d["deadline"]), "region_code": d.get("region_code"), "unit_id": None,
                "petition_id": petition})]
        return [("close", "mediation", d["mediation_id"], {"at": moment(d["escalated_at"]), "reason": kind})]
    if kind == "ownership.review_missed":
        # Addressed to the region's petition bureau, which answers for the case; the leader is named.
        return [("open", "monthly_review", f"{d['case_id']}:{d['month']}", {
            "deadline": _end_of_month(d["month"]), "region_code": d["region_code"], "unit_id": None,
            "petition_id": petition,
            "note": f"包案领导（{d.get('leader_id') or '未确定'}）{d['month']}未开展月度评估。"})]
    if kind in ("ownership.resolved", "ownership.terminated"):
        # The case is over: its months still waiting for a review will never get one.
        at = moment(d.get("resolved_at") or d["terminated_at"])
        return [("close", "monthly_review", f"{d['case_id']}:{month}", {"at": at, "reason": kind})
                for month in d.get("unreviewed_months") or ()]
    if kind == "ownership.month_reviewed":
        return [("close", "monthly_review", f"{d['case_id']}:{d['month']}",
                 {"at": moment(d["reviewed_on"]), "reason": kind})]
    return []
