"""IntakeApplication: registering petitions and deciding their acceptance (登记、受理)."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.persistence import RecordConflictError

from intake.agency_intake import AgencyIntake
from intake.domain import Petition
from intake.repeats import MatterIndex
from shared.application import ContextApplication
from shared.clock import Clock, SystemClock, when
from shared.errors import NotFound
from shared.privacy import pseudonym
from shared.workdays import WorkingDayCalendar


class PetitionNotFound(NotFound):
    pass


class IntakeApplication(AgencyIntake, ContextApplication):
    name = "intake"

    def __init__(self, env=None, *, pseudonym_key: bytes, clock: Clock | None = None,
                 calendar: WorkingDayCalendar | None = None, agency_categories: dict | None = None):
        super().__init__(env)
        self.agency_categories = agency_categories or {}
        self.pseudonym_key = pseudonym_key
        self.clock = clock or SystemClock()
        self.calendar = calendar or WorkingDayCalendar()

    def petitioner_ref(self, petitioner: dict) -> str:
        if petitioner.get("id_number"):
            return pseudonym(self.pseudonym_key, "id", petitioner["id_number"])
        return pseudonym(self.pseudonym_key, "name-phone", petitioner["name"], petitioner.get("phone") or "")

    def register(self, petition_id: UUID, *, channel: str, petitioner: dict, region_code: str,
                 category: str, subject: str, content: str, matter_type: str = "complaint",
                 received_at: datetime | None = None) -> Petition:
        """Registers a petition; registering the same id again returns the first registration,
        so a retried request or a redelivered work order has effect once."""
        fields = dict(channel=channel, petitioner=petitioner, region_code=region_code, category=category,
                      subject=subject, content=content, matter_type=matter_type,
                      received_at=when(received_at, self.clock, "received_at"))
        for _ in range(10):
            try:
                petition, index = self._new_petition(petition_id, **fields)
                self.save(petition, index)
                return petition
            except RecordConflictError:
                # Either this id was registered before (a retry), or a simultaneous petition on the
                # same matter took the index's next version: then the index is read again.
                try:
                    return self.get_petition(petition_id)
                except PetitionNotFound:
                    continue
        raise RuntimeError("the matter index kept changing; registration not saved")

    def _new_petition(self, petition_id: UUID, *, petitioner: dict, region_code: str, category: str,
                      received_at: datetime, petitioner_ref: str | None = None, indexes: dict | None = None,
                      **fields) -> tuple[Petition, MatterIndex]:
        """A new petition and the repeat index it joins, to be saved together. `indexes` shares
        index objects between petitions saved in one go (two on the same matter in one batch)."""
        ref = petitioner_ref or self.petitioner_ref(petitioner)
        index_id = MatterIndex.create_id(ref, category, region_code)
        index = (indexes or {}).get(index_id)
        if index is None:
            try:
                index = self.repository.get(index_id)
            except AggregateNotFoundError:
                index = MatterIndex.for_matter(ref, category, region_code)
            if indexes is not None:
                indexes[index_id] = index
        petition = Petition.register(
            petition_id, calendar=self.calendar, received_at=received_at, petitioner=petitioner,
            petitioner_ref=ref, region_code=region_code, category=category, repeat_of=index.original,
            **fields)
        index.add(petition_id)
        return petition, index

    def decide_acceptance(self, petition_id: UUID, decision: str, reason: str,
                          route: str | None = None, decided_at: datetime | None = None) -> Petition:
        petition = self.get_petition(petition_id)
        petition.decide_acceptance(decision, reason, route, when(decided_at, self.clock, "decided_at"))
        self.save(petition)
        return petition

    def get_petition(self, petition_id: UUID) -> Petition:
        try:
            return self.repository.get(petition_id)
        except AggregateNotFoundError:
            raise PetitionNotFound(f"no petition {petition_id}") from None

    def history(self, petition_id: UUID) -> list:
        return list(self.events.get(petition_id))

    # -- following dispatch ------------------------------------------------------------------
    def policy(self, envelope: dict, processing: ProcessingEvent) -> None:
        data = envelope["data"]
        if envelope["type"] not in ("assignment.created", "assignment.replied", "assignment.evaluated"):
            return
        try:
            petition = self.get_petition(UUID(data["petition_id"]))
        except PetitionNotFound:
            return  # an assignment for a petition registered elsewhere (another bureau's intake)
        if envelope["type"] == "assignment.created":
            petition.link_assignment(UUID(data["assignment_id"]), data["unit_id"])
        elif envelope["type"] == "assignment.replied":
            petition.note_handling("replied", datetime.fromisoformat(data["replied_at"]),
                                   outcome=data["outcome"], on_time=data["on_time"])
        else:
            petition.note_handling("evaluated", datetime.fromisoformat(data["rated_at"]),
                                   rating=data["rating"])
        processing.collect_events(petition)
