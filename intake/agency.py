"""Events from other agencies' systems (12345 hotline, 110 police, courts), each recorded once.

Their id is unique per source (CloudEvents), so the aggregate's id derives from (source, id): a
redelivered message finds its record already there and has no further effect. Parties' personal
data stays together in one list, like a petitioner's.
"""
from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

AGENCY_TYPES = {
    "hotline12345": ("work_order.created",),
    "police110": ("alert.received", "alert.transferred"),
    "court": ("case.filed", "mediation.referred", "judicial_confirmation.decided"),
}
# Disputes other agencies hand over for mediation, and the layer they start at (五层调解).
MEDIATION_LAYERS = {"alert.transferred": "people", "mediation.referred": "pre_litigation"}


def agency_event_id(source: str, event_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"xinfang:agency:{source}:{event_id}")


def petition_id_for(source: str, event_id: str) -> UUID:
    """The petition a 12345 work order becomes: the same order can never register twice."""
    return uuid5(NAMESPACE_URL, f"xinfang:petition-from:{source}:{event_id}")


class AgencyEvent(Aggregate):
    """`parties` (names, phones) and `texts` (a work order's title and content, a summary: free text
    that names people) are sealed with the key `data_ref` names (intake/personal.py); `masked_parties`
    is what may be shown or published of them. Records stored before `texts` existed hold the texts
    in `facts` and no `data_ref` (read as stored)."""

    @event("Received")
    def __init__(self, agency: str, source: str, event_id: str, type: str, region_code: str | None,
                 occurred_at: datetime, facts: dict, parties: list[dict], petition_id: UUID | None,
                 texts: dict | None = None, masked_parties: list[dict] | None = None, data_ref: str | None = None):
        self.agency, self.source, self.event_id, self.type = agency, source, event_id, type
        self.region_code = region_code
        self.occurred_at = occurred_at
        self.facts = facts
        self.texts = texts or {}
        self.parties = parties
        self.masked_parties = masked_parties
        self.petition_id = petition_id
        self.data_ref = data_ref

    @classmethod
    def receive(cls, agency: str, source: str, event_id: str, type: str, region_code: str | None,
                occurred_at: datetime, facts: dict, parties: list[dict], petition_id: UUID | None = None,
                texts: dict | None = None, masked_parties: list[dict] | None = None,
                data_ref: str | None = None) -> AgencyEvent:
        return cls._create(cls.Received, id=agency_event_id(source, event_id), agency=agency,
                           source=source, event_id=event_id, type=type, region_code=region_code,
                           occurred_at=occurred_at, facts=facts, parties=parties, petition_id=petition_id,
                           texts=texts or {}, masked_parties=masked_parties, data_ref=data_ref)

    @property
    def mediation_layer(self) -> str | None:
        return MEDIATION_LAYERS.get(self.type)
