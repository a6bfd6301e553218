"""The mediation agreement (调解协议书, 人民调解法第二十八至三十条): the parties, the facts and the
points in dispute, the terms with the manner and time of performance; effective once every party
and the mediator have signed. Judicial confirmation (司法确认): the parties apply together within 30
days of the agreement taking effect (第三十三条); the court decides within 30 days (民事诉讼法第二百零五条)."""
from __future__ import annotations

from shared.errors import InvalidCommand

CONFIRMATION_WINDOW_DAYS = 30
COURT_DECISION_DAYS = 30


def check_agreement(parties: list[dict], facts: str, disputes: str, terms: list[dict],
                    signatures: list[dict]) -> None:
    errors: dict = {}
    if not facts.strip():
        errors["facts"] = ["the agreement states the facts"]
    if not disputes.strip():
        errors["disputes"] = ["the agreement states the points in dispute"]
    incomplete = {str(i): ["each term says what, how and by when"] for i, term in enumerate(terms)
                  if not all(str(term.get(k) or "").strip() for k in ("content", "manner", "due"))}
    if not terms:
        errors["terms"] = ["at least one term"]
    elif incomplete:
        errors["terms"] = incomplete
    strangers = sorted({str(s.get("party")) for s in signatures
                        if s.get("role") == "party" and s.get("party") not in range(len(parties))})
    signed_parties = {s.get("party") for s in signatures if s.get("role") == "party" and str(s.get("name") or "").strip()}
    unsigned = [str(i) for i in range(len(parties)) if i not in signed_parties]
    if strangers:
        errors["signatures"] = [f"no party {', '.join(strangers)} in this mediation"]
    elif unsigned:
        errors["signatures"] = [f"every party signs: party {', '.join(unsigned)} has not"]
    elif not any(s.get("role") == "mediator" and str(s.get("name") or "").strip() for s in signatures):
        errors["signatures"] = ["the mediator signs too"]
    if errors:
        raise InvalidCommand("the agreement is incomplete", errors)
