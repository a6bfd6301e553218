"""Every read of a petitioner's file by a person leaves a record (RELIABILITY.md scenario 14, decision
0023): who (user, role, unit), when, which petition and which view, published for the audit trail;
the system's own reads leave none, a refused read leaves none, and a read that cannot be recorded fails."""
import json
from datetime import datetime
from uuid import uuid4

import pytest

from intake.application import IntakeApplication, PetitionNotFound
from intake.published import translate
from shared.access import Principal, Role
from shared.actors import acting_as
from shared.clock import BEIJING, FixedClock
from shared.feed import NotificationFeed
from shared.shredding import MemoryKeyStore, PersonalDataVault

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=BEIJING)
PERSON = {"name": "张某某", "id_number": "150623198001010015", "phone": "13800000001"}
CLERK = Principal("clerk-wang", Role.CLERK)


@pytest.fixture
def app():
    return IntakeApplication(ENV, pseudonym_key=b"k", clock=FixedClock(RECEIVED),
                             personal_data=PersonalDataVault(MemoryKeyStore()))


def register(app, **changes):
    return app.register(uuid4(), channel="visit", petitioner=dict(PERSON), region_code="150623101",
                        category="land_grassland_rights", subject="草牧场边界纠纷", content="与邻村发生争议。", **changes)


def reads(app) -> list[dict]:
    envelopes, _ = NotificationFeed("intake", app, translate).read(0, 100)
    return [e for e in envelopes if e["type"] == "petition.personal_data_read"]


def test_a_persons_read_is_recorded_with_who_which_petition_and_view_and_nothing_read(app):
    petition = register(app)
    with acting_as(None, CLERK):
        assert app.read_petition(petition.id, "petition").petitioner == PERSON
        app.read_petition(petition.id, "notices")
    recorded = reads(app)
    assert [(e["actor"], e["data"]["view"]) for e in recorded] == [("clerk-wang", "petition"), ("clerk-wang", "notices")]
    assert recorded[0]["data"] == {"petition_id": str(petition.id), "record_id": str(petition.id),
                                   "view": "petition", "role": "clerk", "unit": None}
    assert recorded[0]["subject"] != str(petition.id)  # a record of its own, never a change to the petition
    assert app.get_petition(petition.id).version == petition.version
    text = json.dumps(recorded, ensure_ascii=False)
    assert PERSON["name"] not in text and PERSON["phone"] not in text and "草牧场" not in text


def test_a_unit_readers_unit_is_recorded():
    app = IntakeApplication(ENV, pseudonym_key=b"k", clock=FixedClock(RECEIVED))
    petition = register(app)
    with acting_as(None, Principal("handler-zhao", Role.UNIT_HANDLER, "u-150623-land")):
        app.read_petition(petition.id, "petition")
    assert reads(app)[0]["data"]["unit"] == "u-150623-land"


def test_the_systems_own_reads_and_refused_reads_leave_no_record(app):
    petition = register(app, matter_type="accusation", accused_unit="u-accused")
    app.read_petition(petition.id, "petition")  # no person: a timer, another service, the command line
    with acting_as(None, Principal("handler-x", Role.UNIT_HANDLER, "u-accused")):
        with pytest.raises(PetitionNotFound):  # the accused unit reads nothing, so nothing is recorded
            app.read_petition(petition.id, "petition", acting_unit="u-accused")
    assert reads(app) == []


def test_a_read_that_cannot_be_recorded_fails_rather_than_goes_unrecorded(app, monkeypatch):
    petition = register(app)

    def broken(*aggregates, **kwargs):
        raise OSError("database gone")

    monkeypatch.setattr(app, "save", broken)
    with acting_as(None, CLERK), pytest.raises(OSError):
        app.read_petition(petition.id, "petition")
