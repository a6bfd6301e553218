"""When a matter becomes a backlog case (信访积案) [L]: a bureau's thresholds, with the seed reports'
values as defaults — unresolved 90 days after acceptance, three or more repeat petitions on the
matter, or still unsatisfied after re-review (复核)."""
from __future__ import annotations

from dataclasses import dataclass

TRIGGERS = ("unresolved", "repeats", "unsatisfied_after_re_review", "manual")
TRIGGER_NAMES = {"unresolved": "受理后久拖未结", "repeats": "反复信访", "unsatisfied_after_re_review": "复核后仍不满意",
                 "manual": "人工认定"}
RESOLVED_RATINGS = ("satisfied", "basically_satisfied")


@dataclass(frozen=True)
class DesignationPolicy:
    unresolved_days: int = 90
    repeat_petitions: int = 3
    unsatisfied_after_re_review: bool = True

    @classmethod
    def from_settings(cls, settings: dict) -> DesignationPolicy:
        return cls(**{k: settings[k] for k in ("unresolved_days", "repeat_petitions", "unsatisfied_after_re_review")
                      if k in settings})

    def by_repeats(self, repeats: int) -> bool:
        return self.repeat_petitions > 0 and repeats >= self.repeat_petitions

    def by_re_review(self, rating: str | None) -> bool:
        return self.unsatisfied_after_re_review and rating not in RESOLVED_RATINGS
