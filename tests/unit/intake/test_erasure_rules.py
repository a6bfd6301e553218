"""Crypto-shredding in intake (decision 0019): personal fields sealed per petitioner inside the
stored events, unreadable for that person alone once their key is erased."""
import zlib
from datetime import datetime
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from intake.application import IntakeApplication
from intake.domain import Petition
from intake.published import translate
from shared.actors import acting_as
from shared.clock import BEIJING, FixedClock
from shared.errors import InvalidCommand
from shared.feed import NotificationFeed
from shared.shredding import ERASED_TEXT, MemoryKeyStore, PersonalDataVault

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=BEIJING)
ZHANG = {"name": "张某某", "id_number": "150623198001010015", "phone": "13800000001"}
LI = {"name": "李某某", "id_number": "150623198001010031", "phone": "13800000002"}


@pytest.fixture
def app():
    return IntakeApplication(ENV, pseudonym_key=b"k", clock=FixedClock(RECEIVED),
                             personal_data=PersonalDataVault(MemoryKeyStore()))


def register(app, person, **changes):
    fields = {"channel": "visit", "petitioner": dict(person), "region_code": "150623101",
              "category": "land_grassland_rights", "subject": f"{person['name']}的草牧场边界纠纷",
              "content": f"{person['name']}与邻村就草牧场边界发生争议，电话{person['phone']}。",
              "representatives": [{"name": "代表甲", "id_number": None, "phone": "13900000009"}], **changes}
    return app.register(uuid4(), **fields)


def stored_states(app) -> list[bytes]:
    """Every stored event's state with the application's own cipher and compression undone."""
    states = []
    for n in app.recorder.select_notifications(start=1, limit=1000):
        states.append(zlib.decompress(app.mapper.cipher.decrypt(n.state)) if app.mapper.cipher else n.state)
    return states


def test_personal_fields_are_ciphertext_inside_the_stored_event(app):
    petition = register(app, ZHANG)
    states = b"".join(stored_states(app))
    for secret in (ZHANG["name"], ZHANG["id_number"], ZHANG["phone"], "草牧场边界", "代表甲", "13900000009"):
        assert secret.encode() not in states, secret
    assert petition.petitioner_ref.encode() in states  # the pseudonym finds the key
    again = app.get_petition(petition.id)
    assert again.petitioner == ZHANG and again.subject == petition.subject and again.content == petition.content
    assert again.representatives[0]["name"] == "代表甲"


def test_an_erased_petitioner_reads_as_erased_everywhere_and_others_are_unaffected(app):
    zhang, zhang_again, li = register(app, ZHANG), register(app, ZHANG, category="social_security"), register(app, LI)
    app.decide_acceptance(zhang.id, "accepted", "属于受理范围")
    with acting_as("operator:wang"):
        done = app.erase_petitioner(zhang.id)
    assert done["by"] == "operator:wang" and done["key_deleted"] and done["petitioner_ref"] == zhang.petitioner_ref
    for petition_id in (zhang.id, zhang_again.id):  # every petition of the person shares the key
        erased = app.get_petition(petition_id)
        assert erased.petitioner == {"name": ERASED_TEXT, "id_number": None, "phone": None}
        assert erased.subject == ERASED_TEXT and erased.content == ERASED_TEXT
        assert erased.representatives == [{"name": ERASED_TEXT, "id_number": None, "phone": None}]
        assert erased.petitioner_ref == zhang.petitioner_ref and erased.category  # the statistics' facts stay
    assert app.get_petition(zhang.id).status == "accepted"
    notice = app.notices(zhang.id)[0]["text"]
    assert f"{ERASED_TEXT}：" in notice and ZHANG["name"] not in notice and "草牧场" not in notice
    assert app.get_petition(li.id).petitioner == LI
    # The rules go on for the erased person's petition.
    app.decide_acceptance(zhang_again.id, "not_accepted", "不属于受理范围")


def test_the_feed_publishes_the_same_without_opening_anything(app):
    petition = register(app, ZHANG)
    feed = NotificationFeed("intake", app, translate)
    before, _ = feed.read(0, 10)
    app.erase_petitioner(petition.id)
    after, _ = feed.read(0, 10)
    assert [e["data"] for e in after] == [e["data"] for e in before]
    assert before[0]["data"]["representatives"] == 1


def test_erasures_are_listed_with_who_and_when_and_can_be_ordered_again(app):
    petition = register(app, ZHANG)
    with acting_as("operator:wang"):
        app.erase_petitioner(petition.id, ground="request")
    register(app, ZHANG)  # the person comes back: a new key for the new petition
    with acting_as("operator:li"):
        again = app.erase_petitioner(petitioner_ref=petition.petitioner_ref, ground="consent_withdrawn")
    assert again["times"] == 2 and again["key_deleted"]
    listed = app.erasures()
    assert [(e["by"], e["ground"]) for e in listed] == [("operator:wang", "request"),
                                                        ("operator:li", "consent_withdrawn")]
    assert all(e["petitioner_ref"] == petition.petitioner_ref and e["at"] for e in listed)
    assert ZHANG["name"] not in repr(listed)
    with pytest.raises(InvalidCommand):
        app.erase_petitioner(petition.id, ground="because")


def test_reapplying_erasures_deletes_a_restored_key_but_not_a_later_one(app):
    petition = register(app, ZHANG)
    keys = app.personal_data.keys
    restored = dict(keys.keys)
    app.erase_petitioner(petition.id)
    keys.keys.update(restored)  # the key table restored from a backup taken before the erasure
    assert app.reapply_erasures() == {"erasures": 1, "keys_deleted": 1}
    assert app.get_petition(petition.id).petitioner["name"] == ERASED_TEXT
    later = register(app, ZHANG)
    assert app.reapply_erasures() == {"erasures": 1, "keys_deleted": 0}
    assert app.get_petition(later.id).petitioner == ZHANG


def test_snapshots_of_petitions_are_sealed_and_erased_too(app):
    petition = register(app, ZHANG)
    app.take_snapshot(petition.id)
    snapshot = next(iter(app.snapshots.get(petition.id)))
    assert snapshot.state["petitioner"] == ZHANG
    raw = app.snapshots.recorder.select_events(petition.id)[0]
    assert ZHANG["name"].encode() not in zlib.decompress(app.mapper.cipher.decrypt(raw.state)) \
        if app.mapper.cipher else ZHANG["name"].encode() not in raw.state
    app.erase_petitioner(petition.id)
    assert next(iter(app.snapshots.get(petition.id))).state["subject"] == ERASED_TEXT
    assert app.repository.get(petition.id).petitioner["name"] == ERASED_TEXT


def test_events_stored_before_sealing_existed_still_load(app):
    plain = IntakeApplication(ENV, pseudonym_key=b"k", clock=FixedClock(RECEIVED))  # no sealing
    petition = register(plain, ZHANG)
    stored: StoredEvent = plain.recorder.select_events(petition.id)[0]
    assert app.mapper.to_domain_event(stored).petitioner == ZHANG
    assert isinstance(app.mapper.to_domain_event(stored), Petition.Registered)
