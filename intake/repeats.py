"""Repeat petitions (重复信访): the same petitioner on the same matter again.

A matter is identified by the petitioner's pseudonym, the category and the county (the first six
digits of the region code). The index is an aggregate of its own, saved together with the new
petition, so two simultaneous registrations cannot both count as the first.
"""
from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


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

    @property
    def original(self) -> UUID | None:
        """Repeats link to the first petition on the matter, where its history begins."""
        return self.petition_ids[0] if self.petition_ids else None

    @event("PetitionAdded")
    def add(self, petition_id: UUID) -> None:
        self.petition_ids.append(petition_id)
