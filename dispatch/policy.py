"""Local handling practice [L] that a bureau sets in its reference data (policy.json), with the seed
reports' values as defaults. The values in force are written into the assignment when it is created,
so a later change of policy never rewrites the past."""
from __future__ import annotations

from dataclasses import dataclass, field

# 简易程序: sign within 1 working day, reply within 5 working days.
SIMPLE_SIGN_WORKING_DAYS = 1
SIMPLE_REPLY_WORKING_DAYS = 5
ORDINARY_SIGN_WORKING_DAYS = 1
HANDLING_LIMIT_DAYS = 60  # A34: 60 days from acceptance


@dataclass(frozen=True)
class HandlingPolicy:
    simple_procedure_categories: frozenset[str] = field(default_factory=frozenset)
    pre_review: bool = True  # 答复预审 by the petition bureau before a reply goes out
    evaluation_window_days: int = 30  # 满意度评价 window after the reply

    @classmethod
    def from_settings(cls, settings: dict) -> HandlingPolicy:
        return cls(simple_procedure_categories=frozenset(settings.get("simple_procedure_categories", ())),
                   pre_review=settings.get("pre_review", True),
                   evaluation_window_days=settings.get("evaluation_window_days", 30))

    def procedure(self, category: str) -> str:
        return "simple" if category in self.simple_procedure_categories else "ordinary"
