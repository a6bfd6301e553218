"""The record of a petitioner's erasure (PIPL Art. 47): who ordered it, when, on which ground.

It names the person by pseudonym only, never by anything the erasure removes. The person's data key
is deleted after the record is saved, so no erasure goes unrecorded; erasing again (a new petition
since, or a key table restored from a backup) adds to the same record.
"""
from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from shared.actors import AuditedAggregate
from shared.errors import InvalidCommand

# PIPL Art. 47: the person's request; purpose achieved or no longer needed; retention period over;
# consent withdrawn; processing against the law.
GROUNDS = ("request", "purpose_achieved", "retention_expired", "consent_withdrawn", "unlawful_processing")


class Erasure(AuditedAggregate):
    @staticmethod
    def create_id(petitioner_ref: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"xinfang:erasure:{petitioner_ref}")

    @classmethod
    def order(cls, petitioner_ref: str, petition_id: UUID | None, ground: str) -> Erasure:
        check_ground(ground)
        return cls._create(cls.Ordered, id=cls.create_id(petitioner_ref), petitioner_ref=petitioner_ref,
                           petition_id=petition_id, ground=ground)

    @event("Ordered")
    def __init__(self, petitioner_ref: str, petition_id: UUID | None, ground: str):
        self.petitioner_ref = petitioner_ref
        self.times = 1

    def order_again(self, petition_id: UUID | None, ground: str) -> None:
        check_ground(ground)
        self._ordered_again(petitioner_ref=self.petitioner_ref, petition_id=petition_id, ground=ground)

    @event("OrderedAgain")
    def _ordered_again(self, petitioner_ref: str, petition_id: UUID | None, ground: str) -> None:
        self.times += 1


def check_ground(ground: str) -> None:
    if ground not in GROUNDS:
        raise InvalidCommand("unknown ground for erasure", {"ground": [f"one of {', '.join(GROUNDS)}"]})
