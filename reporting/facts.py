"""The projection: which facts each integration event sets on the statistics read model.

One row per petition and one per assignment; each event sets some of its columns. Rows are upserted,
so the order in which two sources' events arrive does not matter.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.clock import beijing_date


@dataclass(frozen=True)
class FactUpdate:
    table: str  # "petitions" or "assignments"
    key: str
    values: dict


def _on(moment: str) -> str:
    return beijing_date(datetime.fromisoformat(moment)).isoformat()


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
    return []
