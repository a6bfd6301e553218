"""The handling-opinion document (信访处理意见书) and its signatures (双审双签)."""
from __future__ import annotations

from shared.errors import InvalidCommand

# Facts, the petitioner's claims, findings, the result, its legal basis and the remedy path (A32, A35).
REQUIRED_ELEMENTS = ("facts", "claims", "findings", "result", "legal_basis", "remedy")
OUTCOME_NAMES = {"support": "支持", "explain": "解释说明", "not_support": "不予支持"}
OUTCOMES = tuple(OUTCOME_NAMES)
REQUIRED_SIGNERS = ("business_head", "petition_head")  # 业务负责人, 信访负责人


def check_reply(outcome: str, opinion: dict, signatures: list[dict]) -> None:
    errors: dict = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [f"one of {', '.join(OUTCOMES)}"]
    missing = {name: ["required element of the handling opinion is missing"]
               for name in REQUIRED_ELEMENTS if not str(opinion.get(name) or "").strip()}
    if missing:
        errors["opinion"] = missing
    signed = {s.get("role"): str(s.get("name") or "").strip() for s in signatures}
    unsigned = [role for role in REQUIRED_SIGNERS if not signed.get(role)]
    if unsigned:
        errors["signatures"] = [f"missing signature: {', '.join(unsigned)}"]
    elif len({signed[role] for role in REQUIRED_SIGNERS}) < len(REQUIRED_SIGNERS):
        errors["signatures"] = ["the two signatures must be by two different people"]
    if errors:
        raise InvalidCommand("the reply is incomplete", errors)
