"""The projection: which facts each integration event sets on the statistics read model.

One row per petition, per assignment, per mediation, per layer a mediation entered, per backlog case,
per month a backlog case went without review, per supervision (a watched limit or a matter taken up
by hand), per letter it issued and per listing; each event sets some of its columns. Rows are
upserted, so the order in which two sources' events arrive does not matter (a mediation's or a
backlog case's outcome may reach its petition's row before the petition itself).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import NAMESPACE_URL, uuid5

from shared.clock import beijing_date


@dataclass(frozen=True)
class FactUpdate:
    table: str  # "petitions", "assignments", "agency_events", "mediations", "mediation_layers",
    #             "backlog_cases", "backlog_missed_reviews", "supervisions", "letters" or "listings"
    key: str
    values: dict


def _on(moment: str) -> str:
    return beijing_date(datetime.fromisoformat(moment)).isoformat()


def layer_key(mediation_id: str, layer: str) -> str:
    """The row of one layer of one mediation (a mediation enters each layer at most once)."""
    return str(uuid5(NAMESPACE_URL, f"xinfang:mediation-layer:{mediation_id}:{layer}"))


def _layer(mediation_id: str, layer: str, **values) -> FactUpdate:
    return FactUpdate("mediation_layers", layer_key(mediation_id, layer),
                      {"mediation_id": mediation_id, "layer": layer, **values})


def _petition(d: dict) -> dict:
    """The petition a mediation came from, where the event names one (never unset by a null)."""
    return {"petition_id": d["petition_id"]} if d.get("petition_id") else {}


def _petition_outcome(d: dict, outcome: str) -> list[FactUpdate]:
    """A mediation of a petition concludes the petition (statistics.rates); an agreement resolves
    it for good, whatever a later mediation of the same petition ends in."""
    if not d.get("petition_id"):
        return []
    agreed = {"mediation_agreed": True} if outcome == "agreed" else {}
    return [FactUpdate("petitions", d["petition_id"], {"mediation_outcome": outcome, **agreed})]


MEDIATION_EVENTS = ("mediation.opened", "mediation.escalated", "mediation.agreement_reached", "mediation.ended",
                    "mediation.confirmation_applied", "mediation.confirmation_decided")


def _mediation(kind: str, d: dict) -> list[FactUpdate]:
    """mediation.* events: one row per mediation, one per layer it entered. Events that do not
    carry the region (escalated, confirmation_*) set only what they know; the layer rows take
    their mediation's region and period by a join when queried."""
    m = d["mediation_id"]
    if kind == "mediation.opened":
        return [FactUpdate("mediations", m, {
            "opened_on": _on(d["opened_at"]), "region_code": d["region_code"], "category": d["category"],
            "source": d["source"], "first_layer": d["layer"], **_petition(d)}),
            _layer(m, d["layer"], entered_on=_on(d["opened_at"]))]
    if kind == "mediation.escalated":
        on = _on(d["escalated_at"])
        return [_layer(m, d["from_layer"], outcome="failed"), _layer(m, d["to_layer"], entered_on=on)]
    if kind == "mediation.agreement_reached":
        return [FactUpdate("mediations", m, {
            "outcome": "agreed", "agreed_layer": d["layer"], "agreed_on": d["effective_on"], **_petition(d)}),
            _layer(m, d["layer"], outcome="agreed"),
            *_petition_outcome(d, "agreed")]
    if kind == "mediation.ended":
        on = _on(d["ended_at"])
        return [FactUpdate("mediations", m, {
            "outcome": d["reason"], "ended_on": on, **_petition(d)}),
            _layer(m, d["layer"], outcome=d["reason"]),
            *_petition_outcome(d, d["reason"])]
    if kind == "mediation.confirmation_applied":
        return [FactUpdate("mediations", m, {"confirmation_applied_on": _on(d["applied_at"])})]
    return [FactUpdate("mediations", m, {"confirmed": d["confirmed"],
                                         "confirmation_decided_on": _on(d["decided_at"])})]


OWNERSHIP_EVENTS = ("ownership.designated", "ownership.leader_assigned", "ownership.review_missed",
                    "ownership.resolved", "ownership.terminated")


def missed_review_key(case_id: str, month: str) -> str:
    """The row of one month a backlog case went without review (flagged at most once a month)."""
    return str(uuid5(NAMESPACE_URL, f"xinfang:backlog-review-missed:{case_id}:{month}"))


def _backlog_outcome(d: dict, outcome: str) -> list[FactUpdate]:
    """An owned case's outcome concludes its matter's first petition (statistics.rates)."""
    return [FactUpdate("petitions", d["petition_id"], {"backlog_outcome": outcome})] if d.get("petition_id") else []


def _ownership(kind: str, d: dict) -> list[FactUpdate]:
    """ownership.* events: one row per backlog case. The leader columns are the latest owner's
    (a reassignment replaces them); the outcome also sets the petition's backlog_outcome.
    Meetings, checks and monthly reviews are the case's own course, not counted."""
    case, region = d["case_id"], {"region_code": d["region_code"]}
    if kind == "ownership.designated":
        return [FactUpdate("backlog_cases", case, {
            "designated_on": _on(d["designated_at"]), "category": d["category"], "trigger": d["trigger"],
            **region, **_petition(d)})]
    if kind == "ownership.leader_assigned":
        leader = d["leader"]
        return [FactUpdate("backlog_cases", case, {
            "leader_id": leader["id"], "leader_name": leader.get("name"), "leader_level": leader.get("level"),
            **region, **_petition(d)})]
    if kind == "ownership.review_missed":
        return [FactUpdate("backlog_missed_reviews", missed_review_key(case, d["month"]), {
            "case_id": case, "month": d["month"], "leader_id": d.get("leader_id")})]
    # resolved, terminated: the leader who owned it then (never unset by a null)
    leader = {"leader_id": d["leader_id"]} if d.get("leader_id") else {}
    if kind == "ownership.resolved":
        return [FactUpdate("backlog_cases", case, {"resolved_on": _on(d["resolved_at"]), **leader, **region,
                                                   **_petition(d)}),
                *_backlog_outcome(d, "resolved")]
    return [FactUpdate("backlog_cases", case, {"terminated_on": _on(d["terminated_at"]), **leader, **region,
                                               **_petition(d)}),
            *_backlog_outcome(d, "terminated")]


SUPERVISION_EVENTS = ("supervision.opened", "supervision.limit_moved", "supervision.closed",
                      "supervision.letter_issued", "supervision.letter_answered", "supervision.listed",
                      "supervision.lifted")


def letter_key(supervision_id: str, letter: str) -> str:
    """The row of one letter of one supervision (each letter is issued at most once per watch)."""
    return str(uuid5(NAMESPACE_URL, f"xinfang:supervision-letter:{supervision_id}:{letter}"))


def _where(d: dict) -> dict:
    """The unit answerable and the region, as the event names them (a watch with no region has "")."""
    return {"unit_id": d["unit_id"], "region_code": d.get("region_code") or ""}


def _supervision(kind: str, d: dict) -> list[FactUpdate]:
    """supervision.* events: one row per supervision (its unit and deadline the latest: a re-routing
    or an extension moves them), one per letter it issued, one per listing. Answers' texts, notes
    and reasons stay in supervision."""
    if kind == "supervision.listed":
        return [FactUpdate("listings", d["listing_id"], {
            "target": d["target"], "target_id": d["target_id"], **_where(d),
            "correction_deadline": d["correction_deadline"], "listed_on": _on(d["listed_at"])})]
    if kind == "supervision.lifted":
        return [FactUpdate("listings", d["listing_id"], {
            "lifted_on": _on(d["lifted_at"]), "lifted_on_time": d["on_time"], **_where(d)})]
    s = d["supervision_id"]
    if kind == "supervision.opened":
        return [FactUpdate("supervisions", s, {
            "kind": d["kind"], "subject_id": d["subject_id"], **_where(d), "deadline": d["deadline"],
            "manual": d["manual"], "opened_on": _on(d["opened_at"]), **_petition(d)})]
    if kind == "supervision.limit_moved":
        return [FactUpdate("supervisions", s, {"deadline": d["deadline"], "unit_id": d["unit_id"]})]
    if kind == "supervision.closed":
        return [FactUpdate("supervisions", s, {
            "closed_on": _on(d["closed_at"]), "closed_on_time": d["on_time"], **_where(d)})]
    letter = d["letter"]
    if kind == "supervision.letter_issued":
        return [FactUpdate("letters", letter_key(s, letter), {
            "supervision_id": s, "letter": letter, **_where(d), "issued_on": d["issued_on"],
            "reply_by": d["reply_by"]})]
    return [FactUpdate("letters", letter_key(s, letter), {
        "supervision_id": s, "letter": letter, **_where(d), "answered_on": _on(d["answered_at"]),
        "answered_on_time": d["on_time"], "adopted": d["adopted"]})]


# Where an assignment stands in its unit's and the bureau's work queues (reporting.worklists), from
# the events that move it but set no statistic; dispatch's own statuses, as its events report them.
WORK_STAGES = {
    "assignment.signed": lambda d: {"signed_on": _on(d["signed_at"]), "stage": "signed"},
    "assignment.objected": lambda d: {"stage": "objected"},
    "assignment.objection_rejected": lambda d: {"stage": d.get("status") or "signed"},
    "assignment.reply_drafted": lambda d: {"drafted_on": _on(d["drafted_at"]), "stage": "pre_review"},
    "assignment.pre_reviewed": lambda d: {} if d["approved"] else {"stage": "signed"},
    "assignment.evaluation_expired": lambda d: {"stage": "unrated_expired"},
    "assignment.review_requested": lambda d: {"stage": f"under_{d['stage']}"},
    "assignment.review_decided": lambda d: {"stage": "closed" if d["stage"] == "re_review" else "reviewed"},
}


def updates(envelope: dict) -> list[FactUpdate]:
    d = envelope["data"]
    kind = envelope["type"]
    if kind == "petition.registered":
        return [FactUpdate("petitions", d["petition_id"], {
            "channel": d["channel"], "region_code": d["region_code"], "category": d["category"],
            "matter_type": d["matter_type"], "received_on": _on(d["received_at"]),
            "acceptance_deadline": d["acceptance_deadline"], "petitioner_ref": d["petitioner_ref"],
            "is_repeat": d["repeat_of"] is not None, "group_size": d.get("group_size")})]
    if kind == "petition.acceptance_decided":
        return [FactUpdate("petitions", d["petition_id"], {
            "decision": d["decision"], "decided_on": _on(d["decided_at"]), "timely": d["timely"]})]
    if kind == "assignment.created":
        return [FactUpdate("assignments", d["assignment_id"], {
            "petition_id": d["petition_id"], "unit_id": d["unit_id"],
            "handling_deadline": d["handling_deadline"], "sign_deadline": d.get("sign_deadline"),
            "stage": "assigned"})]
    if kind == "assignment.rerouted":  # the unit that handles it now (the level of resolution)
        return [FactUpdate("assignments", d["assignment_id"], {
            "unit_id": d["to_unit"], "sign_deadline": d.get("sign_deadline"), "signed_on": None, "stage": "assigned"})]
    if kind == "assignment.extended":
        return [FactUpdate("assignments", d["assignment_id"], {"handling_deadline": d["handling_deadline"]})]
    if kind == "assignment.replied":
        return [FactUpdate("assignments", d["assignment_id"], {
            "replied_on": _on(d["replied_at"]), "on_time": d["on_time"], "outcome": d["outcome"],
            "evaluation_deadline": d["evaluation_deadline"], "stage": "replied"})]
    if kind == "assignment.evaluated":
        return [FactUpdate("assignments", d["assignment_id"], {
            "rating": d["rating"], "rated_on": _on(d["rated_at"]), "stage": "evaluated"})]
    if kind in WORK_STAGES:
        values = WORK_STAGES[kind](d)
        return [FactUpdate("assignments", d["assignment_id"], values)] if values else []
    if kind == "agency_event.received":
        return [FactUpdate("agency_events", d["agency_event_id"], {
            "agency": d["agency"], "type": d["type"], "region_code": d["region_code"] or "",
            "occurred_on": _on(d["occurred_at"])})]
    if kind in MEDIATION_EVENTS:
        return _mediation(kind, d)
    if kind in OWNERSHIP_EVENTS:
        return _ownership(kind, d)
    if kind in SUPERVISION_EVENTS:
        return _supervision(kind, d)
    return []
