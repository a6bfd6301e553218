"""Repeat petitions (重复信访): the same petitioner on the same matter again, and when they are not
accepted again.

A matter is identified by the petitioner's pseudonym, the category and the county (the first six
digits of the region code). The index is an aggregate of its own, saved together with the new
petition, so two simultaneous registrations cannot both count as the first. It also follows how far
the matter has got (from dispatch's events), for the two rules that refuse a repeat at once:
- a matter accepted and still within its handling limit is not accepted again (A19);
- after the re-review (复核), the same facts and reasons are not accepted again (不再受理, A36).
"""
from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

STAGES = ("open", "in_handling", "replied", "reviewed", "closed")


class MatterIndex(Aggregate):
    @staticmethod
    def create_id(petitioner_ref: str, category: str, region_code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"xinfang:matter:{petitioner_ref}:{category}:{region_code[:6]}")

    @classmethod
    def for_matter(cls, petitioner_ref: str, category: str, region_code: str) -> MatterIndex:
        return cls._create(cls.Started, id=cls.create_id(petitioner_ref, category, region_code))

    @event("Started")
    def __init__(self):
        self.petition_ids: list[UUID] = []
        self.stage = "open"
        self.handling_until: date | None = None
        # Once closed by re-review, the same facts and reasons stay closed, whatever a petition with
        # new facts on the matter goes through afterwards.
        self.closed = False

    @property
    def original(self) -> UUID | None:
        """Repeats link to the first petition on the matter, where its history begins."""
        return self.petition_ids[0] if self.petition_ids else None

    @property
    def repeats(self) -> int:
        return max(len(self.petition_ids) - 1, 0)

    @event("PetitionAdded")
    def add(self, petition_id: UUID) -> None:
        self.petition_ids.append(petition_id)

    def reach(self, stage: str, handling_until: date | None = None) -> None:
        if stage != self.stage or handling_until != self.handling_until:
            self._stage_reached(stage=stage, handling_until=handling_until)

    @event("StageReached")
    def _stage_reached(self, stage: str, handling_until: date | None) -> None:
        self.stage = stage
        self.handling_until = handling_until
        self.closed = self.closed or stage == "closed"

    def refusal(self, received_on: date, new_facts: bool) -> tuple[str, str] | None:
        """(ground, reason) when a new petition on this matter is not accepted again, else None."""
        if self.closed and not new_facts:
            return ("no_further_acceptance",
                    "该信访事项已经复核终结，信访人以同一事实和理由再次提出，依据《信访工作条例》第三十六条不再受理。")
        if self.stage == "in_handling" and self.handling_until and received_on <= self.handling_until:
            return ("repeat_in_handling",
                    f"同一信访事项已经受理，正在办理期限（{self.handling_until.isoformat()}）内，"
                    "作为重复信访登记，不再重复受理（《信访工作条例》第十九条）。")
        return None


# Which dispatch event moves a matter to which stage; the handling limit travels with the first two.
STAGE_OF = {"assignment.created": "in_handling", "assignment.extended": "in_handling",
            "assignment.replied": "replied", "assignment.review_decided": "reviewed"}
