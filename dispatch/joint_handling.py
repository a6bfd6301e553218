"""Joint handling (联合办理): other agencies named on an assignment, and their reports.

The lead unit may not reply until every named agency has reported, or the lead unit has recorded
why a report will not come (the reply must rest on everyone's findings, or say why not).
"""
from __future__ import annotations

from datetime import datetime

from shared.errors import Conflict, InvalidCommand

AGENCIES = ("hotline12345", "police110", "court")


class NotRequested(Conflict):
    pass


class ReportsOutstanding(Conflict):
    pass


def check_request(agencies: list[str], already: dict) -> list[str]:
    unknown = [a for a in agencies if a not in AGENCIES]
    if not agencies or unknown:
        raise InvalidCommand("unknown agencies", {"agencies": [f"one or more of {', '.join(AGENCIES)}"]})
    new = [a for a in dict.fromkeys(agencies) if a not in already]
    if not new:
        raise Conflict("joint handling has already been requested from these agencies")
    return new


def check_report(agency: str, joint: dict) -> bool:
    """True when the report is new; a repeated report changes nothing."""
    if agency not in joint:
        raise NotRequested(f"joint handling was not requested from {agency}")
    return joint[agency]["report"] is None


def check_waiver(agency: str, reason: str, by: str, joint: dict) -> None:
    if agency not in joint:
        raise NotRequested(f"joint handling was not requested from {agency}")
    if joint[agency]["report"] is not None or joint[agency]["waiver"] is not None:
        raise Conflict(f"{agency} has already reported, or its report was waived")
    errors = {}
    if not reason.strip():
        errors["reason"] = ["say why the report will not come"]
    if not by.strip():
        errors["by"] = ["who records it"]
    if errors:
        raise InvalidCommand("the waiver is incomplete", errors)


def outstanding(joint: dict) -> list[str]:
    return [a for a, state in joint.items() if state["report"] is None and state["waiver"] is None]


def check_reply_allowed(joint: dict) -> None:
    waiting = outstanding(joint)
    if waiting:
        raise ReportsOutstanding(f"waiting for joint-handling reports from {', '.join(waiting)}")


def requested(agencies: list[str], at: datetime) -> dict:
    return {agency: {"requested_at": at, "report": None, "waiver": None} for agency in agencies}
