"""Intake's side of the inter-agency bus: recording other agencies' events once each, turning a
12345 work order marked for transfer into a petition, and keeping what could not be accepted."""
from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import RecordConflictError

from intake.agency import AgencyEvent, agency_event_id, petition_id_for
from intake.dead_letters import DeadLetter
from shared.errors import InvalidCommand, NotFound, Rejected

# Where each event type keeps its moment, its identifying number and its non-personal facts.
MOMENT = {"work_order.created": "received_at", "alert.received": "received_at",
          "alert.transferred": "received_at", "case.filed": "filed_at", "mediation.referred": "referred_at",
          "judicial_confirmation.decided": "decided_at"}
FACTS = {"work_order.created": ("order_no", "category", "title", "content", "transfer_to_petition"),
         "alert.received": ("alert_no", "category"),
         "alert.transferred": ("alert_no", "category", "summary"),
         "case.filed": ("case_no", "case_type", "cause"),
         "mediation.referred": ("case_no", "summary"),
         "judicial_confirmation.decided": ("mediation_id", "confirmed")}
UNNAMED_CALLER = "12345来电人（未留姓名）"


class DeadLetterNotFound(NotFound):
    pass


class AgencyIntake:
    """Mixed into IntakeApplication; uses its repository, save() and petition registration."""

    agency_categories: dict[str, str] = {}

    def receive_agency_event(self, agency: str, event: dict) -> AgencyEvent | None:
        """Records a validated agency event; returns None when it was recorded before."""
        record_id = agency_event_id(event["source"], event["id"])
        for _ in range(10):
            if record_id in self.repository:
                return None  # a redelivery: it had its effect once already
            record = self._agency_record(agency, event)
            aggregates = [record]
            if record.petition_id:
                aggregates += self._petition_from_work_order(record.petition_id, event)
            try:
                self.save(*aggregates)
                return record
            except RecordConflictError:
                continue  # recorded meanwhile by a redelivery, or the repeat index moved on
        raise RuntimeError("kept conflicting while recording an agency event")

    def _agency_record(self, agency: str, event: dict) -> AgencyEvent:
        data, kind = event["data"], event["type"]
        parties = list(data.get("parties") or [])
        if data.get("caller"):
            parties.append(data["caller"])
        transfer = kind == "work_order.created" and data["transfer_to_petition"]
        return AgencyEvent.receive(
            agency=agency, source=event["source"], event_id=event["id"], type=kind,
            region_code=data.get("region_code"), occurred_at=data[MOMENT[kind]],
            facts={k: data[k] for k in FACTS[kind] if data.get(k) is not None}, parties=parties,
            petition_id=petition_id_for(event["source"], event["id"]) if transfer else None)

    def _petition_from_work_order(self, petition_id: UUID, event: dict) -> tuple:
        data = event["data"]
        caller = data.get("caller") or {}
        petitioner = {"name": caller.get("name") or UNNAMED_CALLER, "phone": caller.get("phone")}
        return self._new_petition(
            petition_id, channel="hotline12345", petitioner=petitioner, region_code=data["region_code"],
            category=self.agency_categories.get(data["category"], "other"), matter_type="complaint",
            subject=data["title"], content=data["content"], received_at=data["received_at"])

    # -- dead letters ---------------------------------------------------------------------------
    def record_dead_letter(self, exchange: str, routing_key: str, content_type: str | None, body: bytes,
                           reason: str, errors: dict) -> DeadLetter:
        letter = DeadLetter.record(exchange, routing_key, content_type, body, reason, errors)
        try:
            self.save(letter)
        except RecordConflictError:
            return self.get_dead_letter(letter.id)  # the same bad message again: one dead letter
        return letter

    def get_dead_letter(self, letter_id: UUID) -> DeadLetter:
        try:
            return self.repository.get(letter_id)
        except AggregateNotFoundError:
            raise DeadLetterNotFound(f"no dead letter {letter_id}") from None

    def dead_letters(self, after: int = 0, limit: int = 50) -> tuple[list[DeadLetter], int]:
        """Dead letters recorded after position `after`, oldest first, and the position to ask
        after for the next page (0 when there is none)."""
        topic = f"{DeadLetter.Recorded.__module__}:{DeadLetter.Recorded.__qualname__}"
        notifications = self.recorder.select_notifications(start=after, limit=limit, topics=[topic],
                                                           inclusive_of_start=False)
        letters = [self.get_dead_letter(self.mapper.to_domain_event(n).originator_id) for n in notifications]
        return letters, (notifications[-1].id if len(notifications) == limit else 0)

    def resubmit_dead_letter(self, letter_id: UUID, parse: Callable, by: str) -> AgencyEvent | None:
        """Processes a dead letter's original message again, as if it had just arrived."""
        letter = self.get_dead_letter(letter_id)
        body = letter.complete_body
        if body is None:
            raise InvalidCommand("the original body was not kept whole; ask the sender to send it again",
                                 {"_schema": ["body not kept"]})
        try:
            agency, event = parse(letter.exchange, letter.routing_key, body, letter.content_type)
        except Rejected as still:
            raise InvalidCommand(f"the message is still refused: {still.reason}", still.errors or
                                 {"_schema": [still.reason]}) from None
        letter.resolve(by)
        received = self.receive_agency_event(agency, event)
        self.save(letter)
        return received
