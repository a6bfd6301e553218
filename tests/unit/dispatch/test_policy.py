"""Dispatch following intake: an accepted petition becomes exactly one assignment (交办)."""
from datetime import date, datetime
from uuid import uuid4

import pytest

from dispatch.application import DispatchApplication, assignment_id_for
from dispatch.published import translate as dispatch_translate
from dispatch.routing import RoutingTable
from intake.application import IntakeApplication
from intake.published import translate as intake_translate
from shared.clock import BEIJING, FixedClock
from shared.feed import NotificationFeed
from shared.reference import load_reference

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=BEIJING)


@pytest.fixture
def intake():
    return IntakeApplication(ENV, pseudonym_key=b"k", clock=FixedClock(NOW))


@pytest.fixture
def dispatch():
    ref = load_reference()
    routing = RoutingTable.from_reference(ref)
    return DispatchApplication(ENV, routing=routing, clock=FixedClock(NOW))


def petition_decided(intake, decision, **route):
    petition_id = uuid4()
    intake.register(petition_id, channel="visit", region_code="150623101001",
                    petitioner={"name": "测试某某", "id_number": "150623198001010015"},
                    category="land_grassland_rights", subject="草牧场边界纠纷", content="请求确权。")
    intake.decide_acceptance(petition_id, decision, "依法处理", **route)
    return petition_id


def follow(dispatch, envelopes):
    for envelope in envelopes:
        dispatch.process("intake", envelope)


def created(dispatch):
    envelopes = NotificationFeed("dispatch", dispatch, dispatch_translate).read(0, 100)[0]
    return [e for e in envelopes if e["type"] == "assignment.created"]


def test_an_accepted_petition_is_assigned_once_to_the_routed_unit(intake, dispatch):
    petition_id = petition_decided(intake, "accepted")
    follow(dispatch, NotificationFeed("intake", intake, intake_translate).read(0, 100)[0])

    [event] = created(dispatch)
    assignment = dispatch.get_assignment(assignment_id_for(petition_id))
    assert event["data"]["assignment_id"] == str(assignment.id)
    assert assignment.unit_id == "etkqq-shanghaimiao"
    assert assignment.sign_deadline == date(2026, 11, 3)
    assert dispatch.tracked_position("intake") == intake.recorder.max_notification_id()


def test_a_repeated_acceptance_for_the_same_petition_does_not_assign_again(intake, dispatch):
    petition_id = petition_decided(intake, "accepted")
    envelopes = NotificationFeed("intake", intake, intake_translate).read(0, 100)[0]
    follow(dispatch, envelopes)
    [decided] = [e for e in envelopes if e["type"] == "petition.acceptance_decided"]

    again = {**decided, "position": envelopes[-1]["position"] + 1}
    assert dispatch.process("intake", again) is False  # changes nothing, so writes nothing

    assert len(created(dispatch)) == 1
    assert dispatch.get_assignment(assignment_id_for(petition_id)).version == 1
    dispatch.record_position("intake", again["position"])  # the follower stores it later, alone
    assert dispatch.tracked_position("intake") == again["position"]


@pytest.mark.parametrize("decision, route", [("not_accepted", {}), ("diverted", {"route": "litigation"})])
def test_a_petition_not_accepted_is_not_assigned(intake, dispatch, decision, route):
    petition_decided(intake, decision, **route)
    follow(dispatch, NotificationFeed("intake", intake, intake_translate).read(0, 100)[0])
    assert created(dispatch) == []


def test_a_parked_acceptance_replayed_by_an_operator_assigns_once_and_cannot_be_replayed_twice(intake, dispatch):
    from shared.errors import Conflict, NotFound

    petition_id = petition_decided(intake, "accepted")
    envelopes = NotificationFeed("intake", intake, intake_translate).read(0, 100)[0]
    [decided] = [e for e in envelopes if e["type"] == "petition.acceptance_decided"]
    follow(dispatch, [e for e in envelopes if e is not decided])
    dispatch.park("intake", decided, "ValueError: no routing for the region (since fixed)")
    assert created(dispatch) == []
    [listed] = dispatch.parked_events()
    assert (listed["position"], listed["replayed_by"]) == (decided["position"], None)

    replay = dispatch.replay_parked("intake", decided["position"], by="ops-wang")

    assignment = dispatch.get_assignment(assignment_id_for(petition_id))
    assert replay["changed"] == [str(assignment.id)]
    assert len(created(dispatch)) == 1
    assert dispatch.parked_events()[0]["replayed_by"] == "ops-wang"
    with pytest.raises(Conflict):
        dispatch.replay_parked("intake", decided["position"], by="ops-wang")
    with pytest.raises(NotFound):
        dispatch.replay_parked("intake", decided["position"] + 99, by="ops-wang")
    assert len(created(dispatch)) == 1
    assert dispatch.tracked_position("intake") == decided["position"]  # tracking never moves back
