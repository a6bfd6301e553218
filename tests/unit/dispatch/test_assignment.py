"""An assignment's life: sign for it, perhaps extend, reply with a complete opinion, be rated."""
import copy
from datetime import date, datetime
from uuid import uuid4

import pytest

from dispatch.domain import Assignment, NotSigned
from dispatch.policy import HandlingPolicy
from shared.clock import BEIJING
from shared.errors import Conflict, InvalidCommand
from shared.workdays import WorkingDayCalendar
from support import REPLY

CALENDAR = WorkingDayCalendar()
UNIT = "etkqq-ziranziyuan"


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=BEIJING)


def assign(accepted_at):
    return Assignment.assign(uuid4(), petition_id=uuid4(), unit_id=UNIT, region_code="150623",
                             category="land_grassland_rights", matter_type="complaint",
                             accepted_at=accepted_at, calendar=CALENDAR,
                             policy=HandlingPolicy(pre_review=False))  # pre-review: test_handling_rules


@pytest.fixture
def assignment():
    return assign(at(9, 30))  # accepted on the eve of National Day 2026


@pytest.fixture
def signed(assignment):
    assignment.sign(UNIT, at(10, 8))
    return assignment


def reply(assignment, when, opinion=None, signatures=None):
    assignment.give_reply(REPLY["outcome"], opinion or REPLY["opinion"],
                          signatures or REPLY["signatures"], when)


def test_assigning_sets_one_working_day_to_sign_and_sixty_days_to_handle(assignment):
    assert assignment.sign_deadline == date(2026, 10, 8)        # after the holiday week
    assert assignment.handling_deadline == date(2026, 11, 30)   # 29 Nov is a Sunday


def test_only_the_assigned_unit_can_sign(assignment):
    with pytest.raises(Conflict):
        assignment.sign("etkqq-zhujian", at(10, 8))
    assert assignment.status == "assigned"


def test_a_unit_cannot_reply_before_signing(assignment):
    with pytest.raises(NotSigned):
        reply(assignment, at(10, 20))


def test_a_reply_missing_an_element_names_exactly_that_element(signed):
    opinion = {**REPLY["opinion"], "legal_basis": "  "}
    with pytest.raises(InvalidCommand) as refused:
        reply(signed, at(10, 20), opinion=opinion)
    assert set(refused.value.errors["opinion"]) == {"legal_basis"}
    assert signed.reply is None


def test_a_reply_without_the_petition_heads_signature_is_refused(signed):
    signatures = [s for s in REPLY["signatures"] if s["role"] != "petition_head"]
    with pytest.raises(InvalidCommand) as refused:
        reply(signed, at(10, 20), signatures=signatures)
    assert "petition_head" in refused.value.errors["signatures"][0]


def test_the_same_person_cannot_sign_twice(signed):
    signatures = copy.deepcopy(REPLY["signatures"])
    signatures[1]["name"] = signatures[0]["name"]
    with pytest.raises(InvalidCommand) as refused:
        reply(signed, at(10, 20), signatures=signatures)
    assert "signatures" in refused.value.errors


def test_a_reply_by_the_deadline_is_on_time_and_after_it_late(assignment):
    other = copy.deepcopy(assignment)
    assignment.sign(UNIT, at(10, 8))
    other.sign(UNIT, at(10, 8))
    reply(assignment, at(11, 30, 22))
    reply(other, at(12, 1, 9))
    assert assignment.reply["on_time"] is True
    assert other.reply["on_time"] is False


def test_the_handling_limit_extends_once_by_at_most_thirty_days():
    matter = assign(at(9, 3))
    matter.sign(UNIT, at(9, 4))
    assert matter.handling_deadline == date(2026, 11, 2)
    with pytest.raises(InvalidCommand) as refused:
        matter.extend(31, "需要勘界", "县领导", at(10, 20), CALENDAR)
    assert "days" in refused.value.errors

    matter.extend(30, "需要勘界", "县领导", at(10, 20), CALENDAR)
    assert matter.handling_deadline == date(2026, 12, 2)
    with pytest.raises(Conflict):
        matter.extend(5, "还需要时间", "县领导", at(11, 1), CALENDAR)

    reply(matter, at(12, 2))
    assert matter.reply["on_time"] is True


def test_no_rating_before_the_reply(signed):
    with pytest.raises(Conflict):
        signed.evaluate("satisfied", at(10, 20))


def test_the_rating_window_closes_thirty_days_after_the_reply(signed):
    reply(signed, at(10, 20))
    with pytest.raises(Conflict):
        signed.evaluate("satisfied", at(11, 20))
    signed.evaluate("basically_satisfied", at(11, 19, 23))
    assert signed.rating == "basically_satisfied"


def test_a_reply_is_rated_only_once(signed):
    reply(signed, at(10, 20))
    signed.evaluate("unsatisfied", at(10, 21))
    with pytest.raises(Conflict):
        signed.evaluate("satisfied", at(10, 22))
    assert signed.rating == "unsatisfied"


def test_an_extension_counts_sixty_plus_its_days_from_acceptance():
    # Accepted 30 September: day 60 is Sunday 29 November, so the limit first runs to Monday the 30th;
    # extended by 30, it is day 90 from acceptance — Tuesday 29 December — not a day more.
    assignment = assign(at(9, 30))
    assert assignment.handling_deadline == date(2026, 11, 30)
    assignment.extend(30, "需补充调查", "分管领导", at(11, 20), CALENDAR)
    assert assignment.handling_deadline == date(2026, 12, 29)
