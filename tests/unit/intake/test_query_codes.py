"""Query codes (查询码): issued at registration, unguessable, sealed with the petitioner's key, found
by a keyed digest; what a petitioner types is forgiven its case, dashes and look-alike letters, and a
code of an erased petitioner opens nothing."""
from datetime import datetime
from uuid import uuid4

import pytest

from intake.application import IntakeApplication, PetitionNotFound
from intake.query_codes import ALPHABET, new_query_code, normalize
from shared.actors import acting_as
from shared.access import PETITIONER
from shared.clock import BEIJING, FixedClock
from shared.shredding import MemoryKeyStore, PersonalDataVault
from tests.unit.intake.test_erasure_rules import stored_states

RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=BEIJING)
PERSON = {"name": "赵某某", "id_number": "150623198001010015", "phone": "13800000001"}


@pytest.fixture
def app():
    return IntakeApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, pseudonym_key=b"k",
                             clock=FixedClock(RECEIVED), personal_data=PersonalDataVault(MemoryKeyStore()))


def register(app, **changes):
    return app.register(uuid4(), **{"channel": "letter", "petitioner": dict(PERSON), "region_code": "150623101",
                                    "category": "land_grassland_rights", "subject": "草牧场边界",
                                    "content": "请求确权。", **changes})


def test_a_code_is_twelve_characters_of_crockford_base_32_and_never_repeats():
    codes = {new_query_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4] and set("".join(groups)) <= set(ALPHABET)
    assert not set("ILOU") & set(ALPHABET)


def test_what_a_petitioner_types_is_read_as_the_code_it_means():
    assert normalize("c36k as68 626q") == "C36K-AS68-626Q"
    assert normalize("C36KAS68626Q") == "C36K-AS68-626Q"
    assert normalize("c36k-a568-62bo") == "C36K-A568-62B0"  # O read as zero
    assert normalize("i1lL-0000-0000") == "1111-0000-0000"
    assert normalize("C36K-AS68-626") is None and normalize("C36K-AS68-626Q-X") is None
    assert normalize("C36K-AS68-62!Q") is None and normalize("") is None


def test_the_code_opens_its_own_petition_and_records_the_read_as_the_petitioners(app):
    first, second = register(app), register(app, category="social_security")
    assert first.query_code != second.query_code
    with acting_as(None, PETITIONER):
        opened = app.petition_by_query_code(first.query_code.lower().replace("-", " "))
    assert opened.id == first.id
    reads = [n for n in app.recorder.select_notifications(start=1, limit=100) if n.topic.endswith("FileAccess.Read")]
    assert len(reads) == 1


def test_the_code_is_kept_sealed_and_the_index_holds_only_its_digest(app):
    petition = register(app)
    states = b"".join(stored_states(app))
    assert petition.query_code.encode() not in states
    assert petition.query_code.replace("-", "").encode() not in states


def test_a_wrong_code_and_an_erased_petitioners_code_open_nothing(app):
    petition = register(app)
    with pytest.raises(PetitionNotFound):
        app.petition_by_query_code(new_query_code())
    with pytest.raises(PetitionNotFound):
        app.petition_by_query_code("not a code at all")
    app.erase_petitioner(petition.id, None, "request")
    with pytest.raises(PetitionNotFound):
        app.petition_by_query_code(petition.query_code)


def test_the_acceptance_notice_carries_the_code(app):
    petition = register(app)
    app.decide_acceptance(petition.id, "accepted", "属于受理范围")
    [notice] = app.notices(petition.id)
    assert f"查询码：{petition.query_code}" in notice["text"]


def test_the_petitioner_reads_each_step_and_why_it_was_not_accepted(app):
    petition = register(app)
    app.decide_acceptance(petition.id, "not_accepted", "不属于信访事项受理范围")
    with acting_as(None, PETITIONER):
        view, _ = app.self_service(petition.query_code)
    assert [(s["name"], s["detail"]) for s in view["steps"]] == [
        ("登记", "来信"), ("受理审查", "不予受理：不属于信访事项受理范围")]
    assert view["status_name"] == "不予受理" and view["notices"][0]["title"] == "信访事项不予受理告知书"


def test_what_registration_answers_is_what_reading_it_back_gives(app):
    """The registration's answer is built from what was just saved, not read back: the same."""
    from intake.views import petition_view

    petition, events, matter = app.register_described(uuid4(), channel="visit", petitioner=dict(PERSON),
                                                      region_code="150623101", category="social_security",
                                                      subject="养老保险", content="请求补缴。")
    again = app.get_petition(petition.id)
    assert petition_view(petition, events, matter) == petition_view(again, app.history(again.id), app.matter_of(again))
