"""Who may do what: the role table, a unit's own work, a leader's own cases, accusations."""
import pytest

from shared import errors
from shared.access import (PERMISSIONS, Principal, Role, acts_for, may_call, may_read_accusation,
                           sees_leader_cases, works_case_of)
from shared.actors import acting_as, current_actor, current_principal

CLERK = Principal("clerk-zhang", Role.CLERK)
HANDLER = Principal("xiang-li", Role.UNIT_HANDLER, "etkqq-aolezhaoqi")
LEADER = Principal("leader-wang", Role.LEADER)


def test_a_unit_role_needs_its_unit_and_other_roles_take_none():
    with pytest.raises(ValueError):
        Principal("x", Role.UNIT_HANDLER)
    with pytest.raises(ValueError):
        Principal("x", Role.CLERK, "etkqq-aolezhaoqi")
    assert HANDLER.acting_unit == "etkqq-aolezhaoqi" and CLERK.acting_unit is None


def test_the_administrator_may_call_everything_the_agency_only_reference_data():
    admin = Principal("root", Role.ADMINISTRATOR)
    agency = Principal("12345", Role.AGENCY)
    assert all(may_call(admin, name) for name in PERMISSIONS)
    assert {name for name in PERMISSIONS if may_call(agency, name)} == {
        "targets", "reference_regions", "reference_units", "whoami"}


@pytest.mark.parametrize("principal, allowed, refused", [
    (CLERK, ["register", "decide_acceptance", "get_petition"], ["reply", "compile_bulletin", "audit", "dead_letters"]),
    (HANDLER, ["get_assignment", "sign", "reply", "respond_to_letter"], ["register", "get_petition", "summary"]),
    (Principal("tongji", Role.ANALYST), ["summary", "compile_bulletin"], ["get_petition", "get_assignment"]),
    (Principal("jiwei", Role.INSPECTOR), ["get_petition"], ["register", "reply"]),
])
def test_each_role_calls_its_own_work_only(principal, allowed, refused):
    assert all(may_call(principal, name) for name in allowed)
    assert not any(may_call(principal, name) for name in refused)


def test_an_unknown_handler_is_refused_to_all_but_the_administrator():
    assert not may_call(CLERK, "something_new")
    assert may_call(Principal("root", Role.ADMINISTRATOR), "something_new")


def test_a_unit_acts_only_for_itself_bureau_and_system_for_any():
    acts_for("anything")  # no request: a timer or an event
    with acting_as(None, HANDLER):
        assert current_actor() == "xiang-li" and current_principal() == HANDLER
        acts_for("etkqq-aolezhaoqi")
        with pytest.raises(errors.Forbidden):
            acts_for("etkqq-jiwei")
    with acting_as("clerk-zhang", CLERK):
        acts_for("etkqq-jiwei")
    assert current_principal() is None


def test_a_leader_works_only_their_own_cases():
    with acting_as(None, LEADER):
        works_case_of("leader-wang")
        with pytest.raises(errors.Forbidden):
            works_case_of("leader-zhao")
    assert sees_leader_cases(LEADER, "leader-wang") and not sees_leader_cases(LEADER, "leader-zhao")
    assert sees_leader_cases(Principal("dc", Role.SUPERVISOR), "leader-zhao")


def test_only_discipline_inspection_reads_an_accusation():
    assert may_read_accusation(Principal("jiwei", Role.INSPECTOR))
    assert not any(may_read_accusation(Principal("x", role)) for role in Role if role is not Role.INSPECTOR
                   and role is not Role.UNIT_HANDLER)
    assert not may_read_accusation(None)


def test_the_principal_travels_as_context_data_and_back():
    assert Principal.from_context_data(HANDLER.context_data()) == HANDLER
    assert Principal.from_context_data(CLERK.context_data()) == CLERK
    assert Principal.from_context_data({"correlation_id": "x"}) is None
