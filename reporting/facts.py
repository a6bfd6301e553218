"""The projection: which facts each integration event sets on the statistics read model.

One row per petition, per assignment, per mediation and per layer a mediation entered; each event
sets some of its columns. Rows are upserted, so the order in which two sources' events arrive does
not matter (a mediation's outcome may reach its petition's row before the petition itself).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import NAMESPACE_URL, uuid5

from shared.clock import beijing_date


@dataclass(frozen=True)
class FactUpdate:
    table: str  # "petitions", "assignments", "agency_events", "mediations" or "mediation_layers"
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
    """A mediation of a petition concludes the petition (statistics.rates)."""
    return [FactUpdate("petitions", d["petition_id"], {"mediation_outcome": outcome})] if d.get("petition_id") else []


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


def updates(envelope: dict) -> list[FactUpdate]:
    d = envelope["data"]
    kind = envelope["type"]
    if kind == "petition.registered":
        return [FactUpdate("petitions", d["petition_id"], {
            "channel": d["channel"], "region_code": d["region_code"], "category": d["category"],
            "matter_type": d["matter_type"], "received_on": _on(d["received_at"]),
            "acceptance_deadline": d["acceptance_deadline"], "petitioner_ref": d["petitioner_ref"],
            "is_repeat": d["repeat_of"] is not None})]
    if kind == "petition.acceptance_decided":
        return [FactUpdate("petitions", d["petition_id"], {
            "decision": d["decision"], "decided_on": _on(d["decided_at"]), "timely": d["timely"]})]
    if kind == "assignment.created":
        return [FactUpdate("assignments", d["assignment_id"], {
            "petition_id": d["petition_id"], "unit_id": d["unit_id"],
            "handling_deadline": d["handling_deadline"]})]
    if kind == "assignment.extended":
        return [FactUpdate("assignments", d["assignment_id"], {"handling_deadline": d["handling_deadline"]})]
    if kind == "assignment.replied":
        return [FactUpdate("assignments", d["assignment_id"], {
            "replied_on": _on(d["replied_at"]), "on_time": d["on_time"], "outcome": d["outcome"],
            "evaluation_deadline": d["evaluation_deadline"]})]
    if kind == "assignment.evaluated":
        return [FactUpdate("assignments", d["assignment_id"], {
            "rating": d["rating"], "rated_on": _on(d["rated_at"])})]
    if kind == "agency_event.received":
        return [FactUpdate("agency_events", d["agency_event_id"], {
            "agency": d["agency"], "type": d["type"], "region_code": d["region_code"] or "",
            "occurred_on": _on(d["occurred_at"])})]
    if kind in MEDIATION_EVENTS:
        return _mediation(kind, d)
    return []
