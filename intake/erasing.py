"""Erasing a petitioner (crypto-shredding, decision 0019): the erasure recorded, then the person's
data key deleted; the record listed for audit, and applied again after a restore of the key table."""
from __future__ import annotations

from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.utils import get_topic

from intake.erasure import Erasure
from shared.actors import current_actor
from shared.errors import InvalidCommand
from shared.shredding import PersonalDataVault

ERASURE_TOPICS = [get_topic(Erasure.Ordered), get_topic(Erasure.OrderedAgain)]


class Erasing:
    """Mixed into IntakeApplication; uses its repository, recorder, mapper and get_petition()."""

    personal_data: PersonalDataVault | None = None

    def erase_petitioner(self, petition_id: UUID | None = None, petitioner_ref: str | None = None,
                         ground: str = "request") -> dict:
        """Erases the person who lodged `petition_id` (or the person `petitioner_ref` names) from
        every petition they lodged: records the erasure, then deletes their key. Their petitions go
        on with their personal fields reading as erased; the statistics never held them."""
        if self.personal_data is None:
            raise InvalidCommand("personal data is not sealed per petitioner here", {})
        if petition_id is not None:
            petitioner_ref = self.get_petition(petition_id).petitioner_ref
        if not petitioner_ref:
            raise InvalidCommand("name the petition or the petitioner's pseudonym",
                                 {"petition_id": ["petition_id or petitioner_ref is required"]})
        try:
            erasure = self.repository.get(Erasure.create_id(petitioner_ref))
            erasure.order_again(petition_id, ground)
        except AggregateNotFoundError:
            erasure = Erasure.order(petitioner_ref, petition_id, ground)
        self.save(erasure)  # first the record: an erasure never goes unrecorded
        deleted = self.personal_data.erase(petitioner_ref)
        return {"petitioner_ref": petitioner_ref, "petition_id": str(petition_id) if petition_id else None,
                "ground": ground, "by": current_actor(), "at": erasure.modified_on.isoformat(),
                "times": erasure.times, "key_deleted": deleted}

    def erasures(self, after: int = 0, limit: int = 100) -> list[dict]:
        """Every erasure ordered, oldest first, with who ordered it and when."""
        return [{k: v for k, v in entry.items() if k != "moment"} for entry in self._erasures(after, limit)]

    def _erasures(self, after: int, limit: int) -> list[dict]:
        notifications = self.recorder.select_notifications(start=after, limit=limit, topics=ERASURE_TOPICS,
                                                           inclusive_of_start=False)
        entries = []
        for n in notifications:
            e = self.mapper.to_domain_event(n)
            entries.append({"position": n.id, "petitioner_ref": e.petitioner_ref,
                            "petition_id": str(e.petition_id) if e.petition_id else None, "ground": e.ground,
                            "by": e.actor, "at": e.timestamp.isoformat(), "moment": e.timestamp})
        return entries

    def reapply_erasures(self) -> dict:
        """After the key table was restored from a backup: deletes again every key an erasure
        deleted (a key created after its erasure, for a later petition, stays)."""
        after, seen, deleted = 0, 0, 0
        while True:
            page = self._erasures(after, 500)
            for entry in page:
                seen += 1
                deleted += self.personal_data.erase(entry["petitioner_ref"], entry["moment"])
            if len(page) < 500:
                return {"erasures": seen, "keys_deleted": deleted}
            after = page[-1]["position"]
