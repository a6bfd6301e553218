"""Intake's side of the inter-agency bus: recording other agencies' events once each, and turning a
12345 work order marked for transfer into a petition."""
from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import RecordConflictError

from intake.agency import AGENCY_TYPES, AgencyEvent, agency_event_id, petition_id_for
from shared.dead_letters import KeepsDeadLetters
from shared.errors import Rejected
from shared.privacy import mask_name, mask_phone, pseudonym

# Where each event type keeps its moment, its identifying number and its non-personal facts.
MOMENT = {"work_order.created": "received_at", "alert.received": "received_at",
          "alert.transferred": "received_at", "case.filed": "filed_at", "mediation.referred": "referred_at",
          "judicial_confirmation.decided": "decided_at"}
FACTS = {"work_order.created": ("order_no", "category", "transfer_to_petition"),
         "alert.received": ("alert_no", "category"),
         "alert.transferred": ("alert_no", "category"),
         "case.filed": ("case_no", "case_type", "cause"),
         "mediation.referred": ("case_no",),
         "judicial_confirmation.decided": ("mediation_id", "confirmed")}
# Free text that may name people and carry their numbers: sealed with the parties (decision 0023).
TEXTS = {"work_order.created": ("title", "content"), "alert.transferred": ("summary",),
         "mediation.referred": ("summary",)}
UNNAMED_CALLER = "12345来电人（未留姓名）"


class AgencyIntake(KeepsDeadLetters):
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

    def receive_inbound(self, sender: str, event: dict) -> AgencyEvent | None:
        if event["type"] not in AGENCY_TYPES.get(sender, ()):
            raise Rejected("unknown_type", {"type": [f"intake takes no {event['type']} from {sender}"]})
        return self.receive_agency_event(sender, event)

    def receive_inbound_batch(self, items: list[tuple[str, dict]]) -> None:
        """Records agency events in one save. Raises (RecordConflictError, Rejected) when one was
        recorded before or is not intake's: the consumer then takes them one by one."""
        aggregates, indexes, seen = [], {}, set()
        for sender, event in items:
            if event["type"] not in AGENCY_TYPES.get(sender, ()):
                raise Rejected("unknown_type", {"type": [f"intake takes no {event['type']} from {sender}"]})
            record = self._agency_record(sender, event)
            if record.id in seen:
                continue  # the same message twice in one batch
            seen.add(record.id)
            aggregates.append(record)
            if record.petition_id:
                aggregates += self._petition_from_work_order(record.petition_id, event, indexes)
        self.save(*aggregates)

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
            texts={k: data[k] for k in TEXTS.get(kind, ()) if data.get(k) is not None},
            masked_parties=[{"name": mask_name(p.get("name")), "phone": mask_phone(p.get("phone"))} for p in parties],
            data_ref=self._agency_data_ref(event),
            petition_id=petition_id_for(event["source"], event["id"]) if transfer else None)

    def _agency_data_ref(self, event: dict) -> str:
        """Whose key seals the record's parties and texts: a 12345 caller's own (the pseudonym their
        petition has, so erasing the petitioner erases the work order's record too); otherwise the
        record's own key, as for an anonymous caller."""
        caller = event["data"].get("caller") or {}
        if event["type"] == "work_order.created" and (caller.get("name") or caller.get("phone")):
            return self.petitioner_ref({"name": caller.get("name") or UNNAMED_CALLER, "phone": caller.get("phone")})
        return pseudonym(self.pseudonym_key, "agency", event["source"], event["id"])

    def _petition_from_work_order(self, petition_id: UUID, event: dict, indexes: dict | None = None) -> tuple:
        data = event["data"]
        caller = data.get("caller") or {}
        petitioner = {"name": caller.get("name") or UNNAMED_CALLER, "phone": caller.get("phone")}
        # A caller who left neither name nor phone is nobody we can recognise again: a pseudonym of
        # this work order keeps two anonymous callers from counting as one person, or as repeats.
        anonymous = not caller.get("name") and not caller.get("phone")
        return self._new_petition(
            petition_id, channel="hotline12345", petitioner=petitioner, region_code=data["region_code"],
            petitioner_ref=pseudonym(self.pseudonym_key, "agency", event["source"], event["id"]) if anonymous else None,
            indexes=indexes,
            category=self.agency_categories.get(data["category"], "other"), matter_type="complaint",
            subject=data["title"], content=data["content"], received_at=data["received_at"])
