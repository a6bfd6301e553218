"""IntakeApplication: registering petitions and deciding their acceptance (登记、受理)."""
from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.persistence import Mapper, RecordConflictError

from intake import notices
from intake.agency_intake import AgencyIntake
from intake.domain import Petition
from intake.erasing import Erasing
from intake.personal import SEALED
from intake.query_codes import QueryCodeIndex, new_query_code, normalize
from intake.repeats import STAGE_OF, MatterIndex
from intake.self_service import self_service_view
from shared.application import ContextApplication
from shared.clock import Clock, SystemClock, beijing_date, moment, when
from shared.errors import NotFound
from shared.file_access import RecordsReads
from shared.privacy import pseudonym
from shared.sealing import SealingMapper
from shared.shredding import PersonalDataVault
from shared.units import UnitDirectory
from shared.workdays import WorkingDayCalendar


class PetitionNotFound(NotFound):
    pass


class IntakeApplication(AgencyIntake, Erasing, RecordsReads, ContextApplication):
    name = "intake"

    def __init__(self, env=None, *, pseudonym_key: bytes, clock: Clock | None = None,
                 calendar: WorkingDayCalendar | None = None, agency_categories: dict | None = None,
                 units: UnitDirectory | None = None, personal_data: PersonalDataVault | None = None,
                 category_names: dict[str, str] | None = None):
        # Before the Application builds its mapper: the mapper seals personal fields with it.
        self.personal_data = personal_data
        self.seals_dead_letters = personal_data is not None  # refused messages' originals sealed (0023)
        super().__init__(env)
        self.units = units
        self.category_names = category_names or {}
        self.agency_categories = agency_categories or {}
        self.pseudonym_key = pseudonym_key
        self.clock = clock or SystemClock()
        self.calendar = calendar or WorkingDayCalendar()

    def construct_mapper(self) -> Mapper:
        mapper = super().construct_mapper()
        if self.personal_data is None:  # unit tests that don't look at sealing
            return mapper
        return SealingMapper(mapper, self.personal_data, SEALED)

    @property
    def published_mapper(self) -> Mapper:
        """What the feed reads with (shared.feed): sealed fields stay sealed."""
        return self.mapper.published() if isinstance(self.mapper, SealingMapper) else self.mapper

    def close(self) -> None:
        super().close()
        if self.personal_data is not None:
            self.personal_data.close()

    def petitioner_ref(self, petitioner: dict) -> str:
        if petitioner.get("id_number"):
            return pseudonym(self.pseudonym_key, "id", petitioner["id_number"])
        return pseudonym(self.pseudonym_key, "name-phone", petitioner["name"], petitioner.get("phone") or "")

    def register(self, petition_id: UUID, **fields) -> Petition:
        """Registers a petition (the fields of `register_described`); registering the same id again
        returns the first registration, so a retried request or a redelivered work order has effect once."""
        return self.register_described(petition_id, **fields)[0]

    def register_described(self, petition_id: UUID, *, channel: str, petitioner: dict, region_code: str,
                           category: str, subject: str, content: str, matter_type: str = "complaint",
                           received_at: datetime | None = None, representatives: list | None = None,
                           group_size: int | None = None, accused_unit: str | None = None,
                           new_facts: bool = False) -> tuple[Petition, list, MatterIndex]:
        """`register`, and what the petition's view needs — its events and its matter — taken from
        what was just saved instead of read back and decrypted again."""
        fields = dict(channel=channel, petitioner=petitioner, region_code=region_code, category=category,
                      subject=subject, content=content, matter_type=matter_type,
                      received_at=when(received_at, self.clock, "received_at"),
                      representatives=representatives or [], group_size=group_size,
                      accused_unit=accused_unit, new_facts=new_facts)
        for _ in range(10):
            try:
                code = new_query_code()
                petition, index = self._new_petition(petition_id, query_code=code, **fields)
                recordings = self.save(petition, index, QueryCodeIndex.issue(self._code_digest(code), petition_id))
                return petition, [r.domain_event for r in recordings if r.domain_event.originator_id == petition.id], index
            except RecordConflictError:
                # Either this id was registered before (a retry), or a simultaneous petition on the
                # same matter took the index's next version: then the index is read again.
                try:
                    petition = self.get_petition(petition_id)
                    return petition, self.history(petition.id), self.matter_of(petition)
                except PetitionNotFound:
                    continue
        raise RuntimeError("the matter index kept changing; registration not saved")

    def _new_petition(self, petition_id: UUID, *, petitioner: dict, region_code: str, category: str,
                      received_at: datetime, petitioner_ref: str | None = None, indexes: dict | None = None,
                      new_facts: bool = False, representatives: list | None = None, group_size: int | None = None,
                      accused_unit: str | None = None, **fields) -> tuple[Petition, MatterIndex]:
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
            refusal=index.refusal(beijing_date(received_at), new_facts), new_facts=new_facts,
            representatives=representatives or [], group_size=group_size, accused_unit=accused_unit, **fields)
        index.add(petition_id)
        return petition, index

    def _code_digest(self, code: str) -> str:
        return pseudonym(self.pseudonym_key, "query-code", code)

    def petition_by_query_code(self, code: str) -> Petition:
        """The petition a query code opens, read by its petitioner: recorded like any read (0023).
        Any code that opens nothing — mistyped, guessed, erased — is the same PetitionNotFound."""
        issued = normalize(code)
        try:
            index = self.repository.get(QueryCodeIndex.create_id(self._code_digest(issued or "")))
            petition = self.get_petition(index.petition_id)
        except (AggregateNotFoundError, PetitionNotFound):
            petition = None
        # An erased person's petition keeps its index, not its code: the code opens nothing any more.
        if petition is None or issued is None or petition.query_code != issued:
            raise PetitionNotFound("no petition for this query code")
        self.record_read(petition.id, "self_service", petition.id)
        return petition

    def self_service(self, code: str) -> tuple[dict, Petition]:
        """The petitioner's own view of the petition a query code opens (intake.self_service)."""
        petition = self.petition_by_query_code(code)
        view = self_service_view(petition, self.history(petition.id), self.notices(petition.id, petition=petition),
                                 self.category_names.get(petition.category, petition.category))
        return view, petition

    def matter_of_person(self, petitioner: dict, category: str, region_code: str) -> dict:
        """Before a clerk saves: the person's pseudonym (their earlier petitions are found by it in
        reporting) and the petitions already on this very matter (the repeat rule's own index)."""
        ref = self.petitioner_ref(petitioner)
        try:
            same = self.repository.get(MatterIndex.create_id(ref, category, region_code)).petition_ids
        except AggregateNotFoundError:
            same = []
        return {"petitioner_ref": ref, "same_matter": [str(i) for i in same]}

    def decide_acceptance(self, petition_id: UUID, decision: str, reason: str,
                          route: str | None = None, decided_at: datetime | None = None,
                          dispatch_mode: str = "assignment") -> Petition:
        petition = self.get_petition(petition_id)
        petition.decide_acceptance(decision, reason, route, when(decided_at, self.clock, "decided_at"),
                                   dispatch_mode)
        self.save(petition)
        return petition

    def get_petition(self, petition_id: UUID, acting_unit: str | None = None) -> Petition:
        try:
            petition = self.repository.get(petition_id)
        except AggregateNotFoundError:
            raise PetitionNotFound(f"no petition {petition_id}") from None
        if not isinstance(petition, Petition) or (acting_unit and acting_unit == petition.accused_unit):
            # The accused unit learns not even that the accusation exists (A30).
            raise PetitionNotFound(f"no petition {petition_id}")
        return petition

    def read_petition(self, petition_id: UUID, view: str, acting_unit: str | None = None) -> Petition:
        """The petition as a person reads it (`view`: "petition", "notices"): the read is recorded
        before anything of it is shown, and only once the reader may see it (decision 0023)."""
        petition = self.get_petition(petition_id, acting_unit)
        self.record_read(petition.id, view, petition.id)
        return petition

    def matter_of(self, petition: Petition) -> MatterIndex:
        return self.repository.get(MatterIndex.create_id(petition.petitioner_ref, petition.category,
                                                         petition.region_code))

    def notices(self, petition_id: UUID, acting_unit: str | None = None, petition: Petition | None = None) -> list:
        petition = petition or self.get_petition(petition_id, acting_unit)
        issuer = self.units.name(self.units.bureau(petition.region_code)) if self.units else "信访工作机构"
        return [n.document(petition.petitioner["name"]) for n in notices.notices(petition, issuer)]

    def history(self, petition_id: UUID) -> list:
        return list(self.events.get(petition_id))

    # -- following dispatch, mediation and ownership -------------------------------------------
    def policy(self, envelope: dict, processing: ProcessingEvent) -> None:
        data, kind = envelope["data"], envelope["type"]
        if (kind not in MIRRORED and kind != "assignment.created") or not data.get("petition_id"):
            return
        try:
            petition = self.get_petition(UUID(data["petition_id"]))
        except PetitionNotFound:
            return  # a petition registered elsewhere (another bureau's intake)
        matter = self.matter_of(petition)
        if kind == "assignment.created":
            petition.link_assignment(UUID(data["assignment_id"]), data["unit_id"])
        else:
            stage, at, status = MIRRORED[kind]
            petition.note_handling(stage, moment(data[at]), status=status(data),
                                   by=envelope.get("actor", "system"),
                                   **{("review_stage" if k == "stage" else k): v for k, v in data.items()
                                      if k not in ("assignment_id", "petition_id")})
        if kind in STAGE_OF:
            stage = "closed" if data.get("stage") == "re_review" else STAGE_OF[kind]
            until = data.get("handling_deadline")
            matter.reach(stage, date.fromisoformat(until) if until else None)
        processing.collect_events(petition, matter)


# dispatch event → (history stage, its moment field, the petition's status after it)
MIRRORED = {
    "assignment.signed": ("signed", "signed_at", lambda d: "signed"),
    "assignment.rerouted": ("rerouted", "rerouted_at", lambda d: "assigned"),
    "assignment.extended": ("extended", "extended_at", lambda d: None),
    "assignment.replied": ("replied", "replied_at", lambda d: "replied"),
    "assignment.evaluated": ("evaluated", "rated_at", lambda d: "evaluated"),
    "assignment.evaluation_expired": ("evaluation_expired", "evaluation_deadline", lambda d: "unrated_expired"),
    "assignment.review_requested": ("review_requested", "requested_at", lambda d: f"under_{d['stage']}"),
    "assignment.hearing_held": ("hearing_held", "held_to", lambda d: None),
    "assignment.mediation_requested": ("mediation_requested", "requested_at", lambda d: None),
    "mediation.opened": ("mediation_opened", "opened_at", lambda d: "in_mediation"),
    "mediation.agreement_reached": ("mediation_agreed", "signed_at", lambda d: "mediation_agreed"),
    "mediation.ended": ("mediation_ended", "ended_at", lambda d: "mediation_ended"),
    "ownership.designated": ("backlog_designated", "designated_at", lambda d: None),
    "ownership.resolved": ("backlog_resolved", "resolved_at", lambda d: "backlog_resolved"),
    "ownership.terminated": ("backlog_terminated", "terminated_at", lambda d: "backlog_terminated"),
    "assignment.review_decided": ("review_decided", "decided_at",
                                  lambda d: "closed" if d["stage"] == "re_review" else "reviewed"),
}
