"""Registering petitions and deciding their acceptance (登记、受理)."""
import json
from datetime import date, datetime
from uuid import uuid4

import pytest

from intake.application import IntakeApplication
from intake.published import translate
from shared.clock import BEIJING, FixedClock
from shared.errors import Conflict, InvalidCommand
from shared.feed import NotificationFeed

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=BEIJING)  # a Monday
PERSON = {"name": "测试某某", "id_number": "150623198001010015", "phone": "13800000001"}


@pytest.fixture
def app():
    return IntakeApplication(ENV, pseudonym_key=b"k", clock=FixedClock(RECEIVED))


def register(app, petition_id=None, **changes):
    fields = {"channel": "visit", "petitioner": dict(PERSON), "region_code": "150623101",
              "category": "land_grassland_rights", "subject": "草牧场边界纠纷",
              "content": "与邻村就草牧场边界发生争议。", **changes}
    return app.register(petition_id or uuid4(), **fields)


def test_registration_sets_the_15_day_acceptance_deadline(app):
    assert register(app).acceptance_deadline == date(2026, 11, 17)


def test_an_acceptance_deadline_on_a_saturday_runs_to_monday(app):
    app.clock.advance(days=10)  # registered afterwards from the paper record
    petition = register(app, received_at=datetime(2026, 11, 6, 16, 0, tzinfo=BEIJING))
    assert petition.acceptance_deadline == date(2026, 11, 23)


def test_the_same_person_on_the_same_matter_again_is_a_repeat_of_the_first(app):
    first = register(app)
    second = register(app, region_code="150623102")  # another township, same county
    third = register(app)
    assert first.repeat_of is None
    assert second.repeat_of == first.id
    assert third.repeat_of == first.id


def test_the_same_person_on_another_category_is_not_a_repeat(app):
    register(app)
    assert register(app, category="social_security").repeat_of is None


def test_registering_the_same_id_twice_returns_the_first_registration(app):
    petition_id = uuid4()
    first = register(app, petition_id)
    again = register(app, petition_id, subject="重新提交")
    assert again.subject == first.subject
    assert len(app.history(petition_id)) == 1
    assert register(app).repeat_of == petition_id  # the retry was not counted as a repeat


def test_a_decision_on_the_fifteenth_day_is_timely_and_the_sixteenth_is_late(app):
    on_time, late = register(app), register(app, category="education")
    app.clock.advance(days=20)
    app.decide_acceptance(on_time.id, "accepted", "属于受理范围",
                          decided_at=datetime(2026, 11, 17, 23, 0, tzinfo=BEIJING))
    app.decide_acceptance(late.id, "accepted", "属于受理范围",
                          decided_at=datetime(2026, 11, 18, 8, 0, tzinfo=BEIJING))
    assert app.get_petition(on_time.id).decision["timely"] is True
    assert app.get_petition(late.id).decision["timely"] is False


def test_deciding_acceptance_twice_is_a_conflict(app):
    petition = register(app)
    app.decide_acceptance(petition.id, "accepted", "属于受理范围")
    with pytest.raises(Conflict):
        app.decide_acceptance(petition.id, "not_accepted", "改变主意")
    assert app.get_petition(petition.id).decision["decision"] == "accepted"


def test_a_diverted_petition_needs_its_legal_route(app):
    petition = register(app)
    with pytest.raises(InvalidCommand) as refused:
        app.decide_acceptance(petition.id, "diverted", "应通过诉讼解决")
    assert "route" in refused.value.errors
    app.decide_acceptance(petition.id, "diverted", "应通过诉讼解决", route="litigation")
    assert app.get_petition(petition.id).decision["route"] == "litigation"


def test_an_unknown_decision_is_refused(app):
    petition = register(app)
    with pytest.raises(InvalidCommand) as refused:
        app.decide_acceptance(petition.id, "maybe", "再看看")
    assert "decision" in refused.value.errors
    assert app.get_petition(petition.id).decision is None


def test_published_events_never_carry_the_petitioners_personal_data(app):
    first = register(app)
    register(app)  # a repeat
    app.decide_acceptance(first.id, "accepted", "属于受理范围")

    envelopes = NotificationFeed("intake", app, translate).read(0, 100)[0]

    # The repeat index stays inside intake; what is published chains by `previous`, gaps and all.
    assert [e["type"] for e in envelopes] == ["petition.registered", "petition.registered",
                                              "petition.acceptance_decided"]
    assert [e["previous"] for e in envelopes] == [0] + [e["position"] for e in envelopes[:-1]]
    assert envelopes[1]["position"] > envelopes[1]["previous"] + 1
    wire = json.dumps([e["data"] for e in envelopes], ensure_ascii=False)
    for value in PERSON.values():
        assert value not in wire
    registered = next(e for e in envelopes if e["type"] == "petition.registered")
    assert registered["data"]["petitioner_ref"] == app.petitioner_ref(PERSON)


def test_nothing_can_be_recorded_as_happening_in_the_future(app):
    with pytest.raises(InvalidCommand) as refused:
        register(app, received_at=datetime(2026, 11, 3, 9, 30, tzinfo=BEIJING))
    assert refused.value.errors == {"received_at": ["must not lie in the future"]}
    petition = register(app)
    with pytest.raises(InvalidCommand) as refused:
        app.decide_acceptance(petition.id, "accepted", "属于受理范围",
                              decided_at=datetime(2026, 11, 2, 10, 0, tzinfo=BEIJING))
    assert "decided_at" in refused.value.errors
    assert app.get_petition(petition.id).decision is None
