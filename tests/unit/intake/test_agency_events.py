"""Other agencies' events in intake: recorded once, a 12345 transfer becomes a petition, refused
messages are kept for operators and can be re-submitted."""
import json
from datetime import datetime

import pytest

from intake.agency import agency_event_id, petition_id_for
from intake.application import IntakeApplication
from intake.published import translate
from shared.clock import BEIJING, FixedClock
from shared.errors import Conflict, InvalidCommand, Rejected
from shared.feed import NotificationFeed
from shared.shredding import MemoryKeyStore, PersonalDataVault

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=BEIJING)
CALLER = {"name": "市民某某", "phone": "13800001234"}


@pytest.fixture
def app():
    return IntakeApplication(ENV, pseudonym_key=b"k", clock=FixedClock(datetime(2026, 11, 23, tzinfo=BEIJING)),
                             agency_categories={"劳动保障": "labour_dispute"},
                             personal_data=PersonalDataVault(MemoryKeyStore()))


def work_order(n=1, transfer=True, **data):
    return {"specversion": "1.0", "id": f"WO-2026-{n:06d}", "source": "urn:cn:12345:150623",
            "type": "work_order.created", "time": WHEN,
            "data": {"order_no": f"WO-2026-{n:06d}", "received_at": WHEN, "region_code": "150623",
                     "category": "劳动保障", "title": "拖欠工资", "content": "某工地拖欠工资三个月",
                     "caller": CALLER, "transfer_to_petition": transfer, **data}}


def alert_transferred(n=1):
    return {"specversion": "1.0", "id": f"JJ-{n}", "source": "urn:cn:110:150623", "type": "alert.transferred",
            "time": WHEN, "data": {"alert_no": f"JJ-{n}", "received_at": WHEN, "region_code": "150623101",
                                   "category": "邻里纠纷", "summary": "邻里因排水沟发生争执",
                                   "parties": [{"name": "当事人甲", "phone": "13800005678"}]}}


def test_a_work_order_for_transfer_becomes_a_petition_once(app):
    event = work_order()
    record = app.receive_agency_event("hotline12345", event)
    assert record.id == agency_event_id(event["source"], event["id"])
    petition = app.get_petition(petition_id_for(event["source"], event["id"]))
    assert (petition.channel, petition.category, petition.region_code) == ("hotline12345", "labour_dispute", "150623")
    assert petition.petitioner == CALLER and petition.received_at == WHEN

    assert app.receive_agency_event("hotline12345", event) is None  # delivered again: no effect
    registered = [e for e in NotificationFeed("intake", app, translate).read(0, 100)[0]
                  if e["type"] == "petition.registered"]
    assert len(registered) == 1


def test_a_work_order_not_for_transfer_is_only_counted(app):
    record = app.receive_agency_event("hotline12345", work_order(transfer=False))
    assert record.petition_id is None
    types = [e["type"] for e in NotificationFeed("intake", app, translate).read(0, 100)[0]]
    assert types == ["agency_event.received"]


def test_an_unknown_agency_category_lands_in_other(app):
    record = app.receive_agency_event("hotline12345", work_order(category="奇怪的分类"))
    assert app.get_petition(record.petition_id).category == "other"


def test_what_goes_on_the_bus_names_no_one(app):
    app.receive_agency_event("hotline12345", work_order())
    app.receive_agency_event("police110", alert_transferred())
    envelopes = NotificationFeed("intake", app, translate).read(0, 100)[0]
    wire = json.dumps(envelopes, ensure_ascii=False)
    for secret in ("市民某某", "13800001234", "当事人甲", "13800005678", "排水沟", "拖欠工资三个月"):
        assert secret not in wire
    transferred = next(e["data"] for e in envelopes if e["data"].get("type") == "alert.transferred")
    assert transferred["mediation_layer"] == "people"
    assert transferred["parties"] == [{"name": "当***", "phone": "138****5678"}]


def test_a_refused_message_is_kept_once_and_listed(app):
    first = app.record_dead_letter("court.events", "case.filed", "application/json", b"{not json", "not_json", {})
    again = app.record_dead_letter("court.events", "case.filed", "application/json", b"{not json", "not_json", {})
    app.record_dead_letter("police110.events", "alert.received", None, b"[]", "not_an_object", {})
    assert again.id == first.id
    page, next_after = app.dead_letters(limit=1)
    assert [letter.reason for letter in page] == ["not_json"] and next_after
    rest, end = app.dead_letters(after=next_after, limit=10)
    assert [letter.reason for letter in rest] == ["not_an_object"] and end == 0


def test_a_resubmitted_message_is_processed_once_it_parses(app):
    body = json.dumps(work_order(7), default=str).encode()
    letter = app.record_dead_letter("hotline12345.events", "work_order.created", "application/json", body,
                                    "unsupported_content_type", {})

    def still_wrong(*args):
        raise Rejected("invalid_data", {"data.region_code": ["bad"]})

    with pytest.raises(InvalidCommand) as refused:
        app.resubmit_dead_letter(letter.id, still_wrong, by="值班员")
    assert refused.value.errors == {"data.region_code": ["bad"]}
    assert app.get_dead_letter(letter.id).resolved is False

    record = app.resubmit_dead_letter(letter.id, lambda *a: ("hotline12345", work_order(7)), by="值班员")
    assert record.petition_id is not None and app.get_dead_letter(letter.id).resolved is True
    with pytest.raises(Conflict):
        app.resubmit_dead_letter(letter.id, lambda *a: ("hotline12345", work_order(7)), by="值班员")


def test_two_anonymous_callers_are_two_people(app):
    first = app.receive_agency_event("hotline12345", work_order(11, caller=None))
    second = app.receive_agency_event("hotline12345", work_order(12, caller=None))
    one, two = app.get_petition(first.petition_id), app.get_petition(second.petition_id)
    assert one.petitioner_ref != two.petitioner_ref and two.repeat_of is None


def test_intake_refuses_a_type_that_is_dispatchs_business(app):
    report = {"specversion": "1.0", "id": "JH-1", "source": "urn:cn:110:150623", "type": "joint_handling.reported",
              "data": {}}
    with pytest.raises(Rejected) as refused:
        app.receive_inbound("police110", report)
    assert refused.value.reason == "unknown_type"


def test_a_batch_is_recorded_in_one_save_with_repeats_linked_inside_it(app):
    from eventsourcing.persistence import RecordConflictError

    first, second = work_order(21), work_order(22)  # the same caller, matter and county
    app.receive_inbound_batch([("hotline12345", first), ("hotline12345", second), ("hotline12345", first)])
    one = app.get_petition(petition_id_for(first["source"], first["id"]))
    two = app.get_petition(petition_id_for(second["source"], second["id"]))
    assert one.repeat_of is None and two.repeat_of == one.id
    registered = [e for e in NotificationFeed("intake", app, translate).read(0, 100)[0]
                  if e["type"] == "agency_event.received"]
    assert len(registered) == 2  # the duplicate inside the batch counted once

    with pytest.raises(RecordConflictError):  # recorded before: the consumer then goes one by one
        app.receive_inbound_batch([("hotline12345", work_order(23)), ("hotline12345", first)])
    assert app.receive_agency_event("hotline12345", work_order(23)) is not None  # the batch saved nothing


def stored(app) -> bytes:
    import zlib
    return b"".join(zlib.decompress(app.mapper.cipher.decrypt(n.state)) if app.mapper.cipher else n.state
                    for n in app.recorder.select_notifications(start=1, limit=1000))


def test_callers_and_parties_and_free_text_are_sealed_in_the_stored_record_and_shown_masked(app):
    # Decision 0023: sealed like a petitioner's fields, under the caller's key (the one their petition has).
    record = app.receive_agency_event("hotline12345", work_order(11, content="请回电13800001234"))
    kept = stored(app)
    for secret in (CALLER["name"], CALLER["phone"], "拖欠工资", "请回电"):
        assert secret.encode() not in kept and json.dumps(secret).encode() not in kept, secret
    again = app.repository.get(record.id)
    assert again.parties == [CALLER] and again.texts["content"] == "请回电13800001234"
    assert again.data_ref == app.get_petition(record.petition_id).petitioner_ref
    envelopes, _ = NotificationFeed("intake", app, translate).read(0, 10)
    [received] = [e for e in envelopes if e["type"] == "agency_event.received"]
    assert received["data"]["parties"] == [{"name": "市***", "phone": "138****1234"}]
    app.erase_petitioner(record.petition_id)  # the caller erased: their agency record with them
    assert app.repository.get(record.id).parties[0]["phone"] is None


def test_a_dead_letters_body_is_kept_masked_and_its_original_sealed_until_resubmitted(app):
    body = json.dumps(work_order(12), default=str).encode()
    letter = app.record_dead_letter("hotline12345.events", "work_order.created", "application/json", body,
                                    "unsupported_content_type", {})
    assert CALLER["phone"].encode() not in stored(app) and "138****1234" in letter.body
    assert app.get_dead_letter(letter.id).complete_body == body  # the sealed original opens
    app.resubmit_dead_letter(letter.id, lambda *a: ("hotline12345", work_order(12)), by="值班员")
    assert app.get_dead_letter(letter.id).complete_body is None  # shredded once resolved


def test_without_a_vault_a_body_with_personal_data_is_kept_masked_only_and_not_resubmittable():
    plain = IntakeApplication(ENV, pseudonym_key=b"k", agency_categories={"劳动保障": "labour_dispute"})
    body = json.dumps(work_order(13), default=str).encode()
    letter = plain.record_dead_letter("hotline12345.events", "work_order.created", "application/json", body,
                                      "unsupported_content_type", {})
    assert letter.original is None and CALLER["phone"] not in letter.body
    with pytest.raises(InvalidCommand, match="kept masked"):
        plain.resubmit_dead_letter(letter.id, lambda *a: ("hotline12345", work_order(13)), by="值班员")
