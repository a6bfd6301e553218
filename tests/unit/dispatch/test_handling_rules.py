"""Dispatch's part of a petition's life, rule by rule: mode and dispatch limit (A22), objections (A23),
accusations (A30), co-handling, the simple procedure [L], extension (A34), pre-review [L], rating
[L], review and re-review (A35, A36) and the notices.

Test names carry the article of the 信访工作条例 (A<n>) or [L] for local policy. Dates sit on
working-day edges: weekends, National Day 2026 (1–7 Oct; Saturday 10 Oct worked), Spring Festival
2026 (15–23 Feb; Saturdays 14 and 28 Feb worked), and 2027, which chinese-calendar 1.11 does not know.
"""
import copy
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from dispatch.application import AssignmentNotFound, DispatchApplication, assignment_id_for
from dispatch.domain import MAX_EXTENSION_DAYS, AlreadyDone, Assignment, WrongUnit
from dispatch.notices import DECISION_NAMES, ELEMENT_LABELS, notices
from dispatch.opinion import OUTCOME_NAMES
from dispatch.policy import HandlingPolicy
from dispatch.review import ReviewClosed
from dispatch.routing import RoutingTable
from shared.actors import acting_as
from shared.clock import BEIJING, FixedClock
from shared.errors import Conflict, InvalidCommand
from shared.notices import chinese_date
from shared.reference import load_reference
from shared.workdays import WorkingDayCalendar
from support import REPLY

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
# Without override files, so that 2027 is counted by the fallback rule whatever a bureau ships.
CALENDAR = WorkingDayCalendar(overrides_dir=None)
ROUTING = RoutingTable.from_reference(load_reference())
UNITS = ROUTING.directory
LEAD = "etkqq-ziranziyuan"
ORDINARY = HandlingPolicy(pre_review=False)
SIMPLE = HandlingPolicy(simple_procedure_categories=frozenset({"urban_management"}), pre_review=False)
REVIEW_OPINION = {"findings": "原处理意见认定事实清楚。", "result": "维持原处理意见。",
                  "legal_basis": "《信访工作条例》第三十五条", "remedy": "可于30日内请求复核。"}
known = UNITS.__contains__


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def assign(accepted_at, *, policy=ORDINARY, unit=LEAD, category="land_grassland_rights", **extra):
    return Assignment.assign(uuid4(), petition_id=uuid4(), unit_id=unit, region_code="150623",
                             category=category, matter_type=extra.pop("matter_type", "complaint"),
                             accepted_at=accepted_at, calendar=CALENDAR, policy=policy, **extra)


def reply(assignment, when, opinion=None):
    assignment.give_reply(REPLY["outcome"], opinion or REPLY["opinion"], REPLY["signatures"], when)


def replied(accepted_at, replied_at, **kw):
    assignment = assign(accepted_at, **kw)
    assignment.sign(assignment.unit_id, accepted_at + timedelta(hours=1))
    reply(assignment, replied_at)
    return assignment


@pytest.fixture
def app():
    return DispatchApplication(ENV, routing=ROUTING, clock=FixedClock(at(2027, 12, 31)), calendar=CALENDAR,
                               policy=ORDINARY)


def accept_in(app, *, region_code="150623101", category="land_grassland_rights", matter_type="complaint",
              decided_at=None, accused_unit=None, dispatch_mode="assignment", dispatch_deadline=None):
    """Dispatch following intake's acceptance, as its follower hands the envelope on."""
    petition_id, decided_at = uuid4(), decided_at or at(2026, 9, 30)
    app.process("intake", {"type": "petition.acceptance_decided", "position": app.tracked_position("intake") + 1,
                           "actor": "system", "data": {
                               "petition_id": str(petition_id), "decision": "accepted", "route": None,
                               "decided_at": decided_at.isoformat(), "timely": True, "region_code": region_code,
                               "category": category, "matter_type": matter_type, "ground": None,
                               "dispatch_mode": dispatch_mode, "accused_unit": accused_unit,
                               "dispatch_deadline": dispatch_deadline and dispatch_deadline.isoformat()}})
    return app.get_assignment(assignment_id_for(petition_id))


# -- A22: assignment or transfer, dispatched within 15 days ------------------------------------

@pytest.mark.parametrize("mode", ["assignment", "transfer"])
def test_A22_an_accepted_matter_is_assigned_or_transferred(app, mode):
    assignment = accept_in(app, dispatch_mode=mode, dispatch_deadline=date(2026, 10, 8))
    assert assignment.mode == mode
    assert assignment.unit_id == "etkqq-shanghaimiao"


def test_A22_an_unknown_dispatch_mode_is_refused():
    with pytest.raises(InvalidCommand) as refused:
        assign(at(2026, 9, 30), mode="forward")
    assert set(refused.value.errors) == {"mode"}


def test_A22_dispatched_on_time_by_the_15_day_dispatch_deadline_in_beijing_time():
    # Received 22 September: day 15 is 7 October, in the National Day week, so the limit runs to the 8th.
    deadline = CALENDAR.calendar_deadline(date(2026, 9, 22), 15)
    assert deadline == date(2026, 10, 8)
    assert assign(at(2026, 10, 8, 23, 30), dispatch_deadline=deadline).dispatched_on_time is True
    late_in_beijing = datetime(2026, 10, 8, 16, 30, tzinfo=UTC)  # 9 Oct, 00:30 in Beijing
    assert assign(late_in_beijing, dispatch_deadline=deadline).dispatched_on_time is False
    assert assign(at(2026, 10, 8)).dispatched_on_time is None  # no limit known (older records)


def test_A22_dispatch_takes_the_mode_and_deadline_from_intakes_acceptance(app):
    transferred = accept_in(app, dispatch_mode="transfer", decided_at=at(2026, 10, 9),
                            dispatch_deadline=date(2026, 10, 8))
    assert (transferred.mode, transferred.dispatch_deadline, transferred.dispatched_on_time) == (
        "transfer", date(2026, 10, 8), False)


# -- A23: an objection to a wrong dispatch within 5 working days, with reasons -----------------

@pytest.mark.parametrize("accepted_on, last_day", [
    (date(2026, 2, 12), date(2026, 2, 26)),   # Fri 13, Sat 14 (worked), then 24–26 after Spring Festival
    (date(2026, 9, 29), date(2026, 10, 12)),  # 30 Sep, 8, 9, Sat 10 (worked), Mon 12 Oct
    (date(2026, 11, 6), date(2026, 11, 13)),  # a Friday: the weekend is not counted
    (date(2026, 12, 29), date(2027, 1, 6)),   # 2027 beyond the library: New Year's Day is still a holiday
])
def test_A23_objection_within_5_working_days_across_holidays(accepted_on, last_day):
    accepted_at = datetime(accepted_on.year, accepted_on.month, accepted_on.day, 15, tzinfo=BEIJING)
    assignment = assign(accepted_at)
    assert assignment.objection_deadline == last_day
    late = copy.deepcopy(assignment)

    assignment.object_to_dispatch(LEAD, "不属于本单位职责", "etkqq-zhujian",
                                  datetime.combine(last_day, datetime.min.time(), BEIJING) + timedelta(hours=23))
    assert assignment.status == "objected"
    assert assignment.objection["proposed_unit"] == "etkqq-zhujian"

    with pytest.raises(Conflict) as refused:
        late.object_to_dispatch(LEAD, "不属于本单位职责", None,
                                datetime.combine(last_day + timedelta(days=1), datetime.min.time(), BEIJING))
    assert "A23" in str(refused.value)
    assert late.status == "assigned" and late.objection is None


def test_A23_objection_within_5_working_days_spanning_spring_festival():
    assignment = assign(at(2026, 2, 13))  # Friday before the holiday
    assert assignment.objection_deadline == date(2026, 2, 27)
    assignment.object_to_dispatch(LEAD, "应由住建部门办理", None, at(2026, 2, 27, 17))
    assert assignment.status == "objected"


def test_A23_an_objection_without_reasons_is_invalid():
    assignment = assign(at(2026, 9, 30))
    with pytest.raises(InvalidCommand) as refused:
        assignment.object_to_dispatch(LEAD, "   ", None, at(2026, 10, 8))
    assert set(refused.value.errors) == {"reasons"}
    assert assignment.status == "assigned"


def test_A23_only_the_assigned_unit_objects_and_only_while_it_holds_the_matter():
    assignment = assign(at(2026, 9, 30))
    with pytest.raises(WrongUnit):
        assignment.object_to_dispatch("etkqq-zhujian", "不是我单位", None, at(2026, 10, 8))
    assignment.sign(LEAD, at(2026, 10, 8))
    reply(assignment, at(2026, 10, 9))
    with pytest.raises(AlreadyDone):
        assignment.object_to_dispatch(LEAD, "不是我单位", None, at(2026, 10, 9))


@pytest.mark.parametrize("signed_first", [False, True])
def test_A23_a_rejected_objection_returns_the_matter_to_its_previous_status(signed_first):
    assignment = assign(at(2026, 9, 30))
    if signed_first:
        assignment.sign(LEAD, at(2026, 10, 8))
    assignment.object_to_dispatch(LEAD, "不属于本单位职责", None, at(2026, 10, 9))
    with pytest.raises(AlreadyDone):
        assignment.sign(LEAD, at(2026, 10, 9))  # awaiting the bureau's decision
    with pytest.raises(InvalidCommand) as refused:
        assignment.decide_objection(False, None, " ", at(2026, 10, 10), CALENDAR, known)
    assert set(refused.value.errors) == {"comment"}

    assignment.decide_objection(False, None, "属于本单位职责", at(2026, 10, 10), CALENDAR, known)
    assert assignment.status == ("signed" if signed_first else "assigned")
    assert assignment.unit_id == LEAD and assignment.moves == []
    assert assignment.objection["rejected"] == "属于本单位职责"
    with pytest.raises(Conflict):
        assignment.decide_objection(True, "etkqq-zhujian", "再议", at(2026, 10, 10), CALENDAR, known)


def test_A23_an_upheld_objection_reroutes_with_a_new_sign_deadline_and_an_audited_move():
    assignment = assign(at(2026, 9, 28), accused_unit="etkqq-gongan")
    assignment.sign(LEAD, at(2026, 9, 29))
    assignment.object_to_dispatch(LEAD, "应由住建部门办理", "etkqq-zhujian", at(2026, 9, 29, 15))
    handling_deadline = assignment.handling_deadline
    assignment.collect_events()

    with acting_as("督查科赵某"):
        assignment.decide_objection(True, "etkqq-zhujian", "异议成立，改交住建局", at(2026, 9, 30, 16),
                                    CALENDAR, known)

    assert (assignment.unit_id, assignment.status, assignment.objection) == ("etkqq-zhujian", "assigned", None)
    assert assignment.sign_deadline == date(2026, 10, 8)          # one working day, after National Day
    assert assignment.objection_deadline == date(2026, 10, 13)    # five working days, Sat 10 Oct counted
    assert assignment.handling_deadline == handling_deadline      # the limit still runs from acceptance
    assert assignment.moves == [{"from": LEAD, "to": "etkqq-zhujian", "comment": "异议成立，改交住建局",
                                 "at": at(2026, 9, 30, 16)}]
    [rerouted] = assignment.collect_events()
    assert type(rerouted).__name__ == "Rerouted" and rerouted.actor == "督查科赵某"
    with pytest.raises(WrongUnit):
        assignment.sign(LEAD, at(2026, 10, 8))
    assignment.sign("etkqq-zhujian", at(2026, 10, 8))
    assert assignment.status == "signed"


@pytest.mark.parametrize("new_unit, refusal", [
    (LEAD, Conflict),                # the objecting unit itself
    ("etkqq-gongan", Conflict),      # the accused unit
    ("no-such-unit", InvalidCommand),
    (None, InvalidCommand),
])
def test_A23_A30_an_upheld_objection_never_moves_to_the_objector_the_accused_or_an_unknown_unit(new_unit, refusal):
    assignment = assign(at(2026, 9, 30), accused_unit="etkqq-gongan")
    assignment.object_to_dispatch(LEAD, "不属于本单位职责", None, at(2026, 10, 8))
    before = copy.deepcopy(assignment.__dict__)
    with pytest.raises(refusal):
        assignment.decide_objection(True, new_unit, "改交", at(2026, 10, 9), CALENDAR, known)
    assert assignment.__dict__ == before


# -- A30: an accusation never reaches the unit it accuses ------------------------------------

def test_A30_routing_never_chooses_the_accused_unit():
    assert ROUTING.route("150623101", "land_grassland_rights", "accusation") == "etkqq-jiwei"
    assert ROUTING.route("150623101", "land_grassland_rights", "accusation", "etkqq-jiwei") == "etkqq-xinfangju"
    assert ROUTING.route("150623101", "land_grassland_rights", "complaint",
                         "etkqq-shanghaimiao") == "etkqq-ziranziyuan"
    home = ROUTING.home_bureau
    assert ROUTING.route("999999", "land_grassland_rights", "accusation", home) != home


def test_A30_assigning_to_the_accused_unit_is_a_conflict():
    with pytest.raises(Conflict):
        assign(at(2026, 9, 30), unit="etkqq-jiwei", matter_type="accusation", accused_unit="etkqq-jiwei")


def test_A30_dispatch_routes_an_accusation_around_the_accused_and_hides_it_from_them(app):
    assignment = accept_in(app, matter_type="accusation", accused_unit="etkqq-jiwei")
    assert assignment.unit_id == "etkqq-xinfangju"
    with pytest.raises(AssignmentNotFound):
        app.get_assignment(assignment.id, acting_unit="etkqq-jiwei")
    assert app.get_assignment(assignment.id, acting_unit="etkqq-xinfangju").id == assignment.id


def test_A30_a_review_of_an_accusation_never_goes_to_the_accused_body(app):
    # The county government is accused; discipline inspection handles it; the body one level up of
    # discipline inspection is... the county government.
    assignment = accept_in(app, matter_type="accusation", accused_unit="etkqq-zhengfu")
    assert assignment.unit_id == "etkqq-jiwei"
    app.sign(assignment.id, "etkqq-jiwei", at(2026, 10, 8))
    app.reply(assignment.id, REPLY["outcome"], REPLY["opinion"], REPLY["signatures"], at(2026, 10, 20))
    try:
        reviewed = app.request_review(assignment.id, "不服处理意见", requested_at=at(2026, 10, 22))
    except Conflict:
        return  # refusing is acceptable too; routing to the accused is not
    assert reviewed.reviews["review"]["reviewer_unit"] != "etkqq-zhengfu"


# -- co-handling units (主办、协办) [L] ----------------------------------------------------------

def test_L_co_handling_units_are_neither_the_lead_nor_the_accused():
    assignment = assign(at(2026, 9, 30), accused_unit="etkqq-gongan")
    for units in ([LEAD], ["etkqq-gongan"], ["etkqq-zhujian", LEAD]):
        with pytest.raises(Conflict):
            assignment.add_co_units(units, at(2026, 10, 8), known)
    with pytest.raises(InvalidCommand) as refused:
        assignment.add_co_units(["etkqq-zhujian", "no-such-unit"], at(2026, 10, 8), known)
    assert "no-such-unit" in refused.value.errors["units"][0]
    with pytest.raises(InvalidCommand):
        assignment.add_co_units([], at(2026, 10, 8), known)
    assert assignment.co_units == {}

    assignment.add_co_units(["etkqq-zhujian", "etkqq-renshe", "etkqq-zhujian"], at(2026, 10, 8), known)
    assert list(assignment.co_units) == ["etkqq-zhujian", "etkqq-renshe"]
    with pytest.raises(Conflict):
        assignment.add_co_units(["etkqq-renshe"], at(2026, 10, 9), known)


def test_L_co_handling_opinions_come_only_from_co_units_and_only_before_the_reply():
    assignment = assign(at(2026, 9, 30))
    assignment.add_co_units(["etkqq-zhujian"], at(2026, 10, 8), known)
    for unit in (LEAD, "etkqq-renshe"):
        with pytest.raises(WrongUnit):
            assignment.give_co_opinion(unit, "同意", at(2026, 10, 9))
    with pytest.raises(InvalidCommand):
        assignment.give_co_opinion("etkqq-zhujian", "  ", at(2026, 10, 9))
    assignment.give_co_opinion("etkqq-zhujian", "建议联合勘界", at(2026, 10, 10))
    assert assignment.co_units["etkqq-zhujian"]["opinion"] == "建议联合勘界"

    assignment.sign(LEAD, at(2026, 10, 10))
    reply(assignment, at(2026, 10, 12))
    with pytest.raises(AlreadyDone):
        assignment.give_co_opinion("etkqq-zhujian", "补充意见", at(2026, 10, 13))
    with pytest.raises(AlreadyDone):
        assignment.add_co_units(["etkqq-renshe"], at(2026, 10, 13), known)


def test_L_co_handling_a_co_unit_that_becomes_the_lead_leaves_the_co_units():
    assignment = assign(at(2026, 9, 30))
    assignment.add_co_units(["etkqq-zhujian", "etkqq-renshe"], at(2026, 10, 8), known)
    assignment.object_to_dispatch(LEAD, "应由住建局主办", "etkqq-zhujian", at(2026, 10, 8))
    assignment.decide_objection(True, "etkqq-zhujian", "改由住建局主办", at(2026, 10, 9), CALENDAR, known)
    assert list(assignment.co_units) == ["etkqq-renshe"]


# -- the simple procedure [L]: sign in 1 working day, reply in 5 ------------------------------

@pytest.mark.parametrize("accepted_at, sign_by, reply_by", [
    (at(2026, 2, 13), date(2026, 2, 14), date(2026, 2, 27)),    # Friday before Spring Festival; Sat 14 worked
    (at(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 13)),   # the last working day before National Day
    (at(2026, 11, 6), date(2026, 11, 9), date(2026, 11, 13)),   # an ordinary Friday
    (at(2026, 12, 31), date(2027, 1, 4), date(2027, 1, 8)),     # into 2027, beyond the library
])
def test_L_simple_procedure_sign_within_1_and_reply_within_5_working_days(accepted_at, sign_by, reply_by):
    assignment = assign(accepted_at, policy=SIMPLE, category="urban_management")
    assert assignment.procedure == "simple"
    assert (assignment.sign_deadline, assignment.handling_deadline) == (sign_by, reply_by)


def test_L_simple_procedure_reply_within_5_working_days_accepted_the_friday_before_spring_festival():
    on_time = assign(at(2026, 2, 13), policy=SIMPLE, category="urban_management")
    late = copy.deepcopy(on_time)
    for assignment in (on_time, late):
        assignment.sign(assignment.unit_id, at(2026, 2, 14, 9))  # the worked Saturday
    assert on_time.status == "signed"
    reply(on_time, at(2026, 2, 27, 18))
    reply(late, at(2026, 2, 28, 9))  # a worked Saturday, but one day too late
    assert on_time.reply["on_time"] is True
    assert late.reply["on_time"] is False


def test_L_simple_procedure_applies_per_category_as_the_bureaus_policy_says():
    policy = HandlingPolicy.from_settings(load_reference().policy)
    simple = assign(at(2026, 9, 30), policy=policy, category="urban_management")
    ordinary = assign(at(2026, 9, 30), policy=policy, category="land_grassland_rights")
    assert (simple.procedure, simple.handling_deadline) == ("simple", date(2026, 10, 13))
    assert (ordinary.procedure, ordinary.handling_deadline) == ("ordinary", date(2026, 11, 30))  # A34: 60 days


def test_L_sign_deadline_is_one_working_day_and_signing_late_is_recorded():
    assignment = assign(at(2026, 9, 30))
    assert assignment.sign_deadline == date(2026, 10, 8)
    assignment.collect_events()
    assignment.sign(LEAD, at(2026, 10, 9))
    [signed] = assignment.collect_events()
    assert signed.on_time is False


# -- A34: extension once, by at most 30 days, approved, with a reason --------------------------

def test_A34_extension_once_at_most_30_days_with_approver_and_reason():
    assignment = assign(at(2026, 12, 30))
    assert assignment.handling_deadline == date(2027, 3, 1)  # day 60 is Sunday 28 Feb 2027
    with pytest.raises(InvalidCommand) as refused:
        assignment.extend(MAX_EXTENSION_DAYS + 1, " ", "", at(2027, 2, 1), CALENDAR)
    assert set(refused.value.errors) == {"days", "reason", "approved_by"}
    with pytest.raises(InvalidCommand):
        assignment.extend(0, "需补充调查", "分管领导", at(2027, 2, 1), CALENDAR)

    with acting_as("分管副局长"):
        assignment.extend(30, "需补充调查", "分管领导", at(2027, 2, 1), CALENDAR)
    assert assignment.handling_deadline == date(2027, 3, 30)  # day 90 from acceptance
    assert assignment.extension == {"days": 30, "reason": "需补充调查", "approved_by": "分管领导",
                                    "extended_at": at(2027, 2, 1)}
    assert assignment.collect_events()[-1].actor == "分管副局长"
    with pytest.raises(AlreadyDone):
        assignment.extend(1, "还需要时间", "分管领导", at(2027, 2, 2), CALENDAR)


def test_A34_L_extension_under_the_simple_procedure_counts_from_its_5_working_days():
    assignment = assign(at(2026, 2, 13), policy=SIMPLE, category="urban_management")
    assert assignment.handling_deadline == date(2026, 2, 27)
    assignment.extend(30, "需现场核查", "分管领导", at(2026, 2, 24), CALENDAR)
    assert assignment.handling_deadline == date(2026, 3, 30)  # 29 March is a Sunday
    with pytest.raises(AlreadyDone):
        assignment.extend(5, "还需要时间", "分管领导", at(2026, 3, 1), CALENDAR)


def test_A34_only_a_matter_still_being_handled_is_extended():
    assignment = replied(at(2026, 9, 30), at(2026, 10, 20))
    with pytest.raises(AlreadyDone):
        assignment.extend(10, "需补充调查", "分管领导", at(2026, 10, 21), CALENDAR)
    assert assignment.extension is None


# -- pre-review of the reply (答复预审) [L] -----------------------------------------------------

@pytest.fixture
def drafted():
    assignment = assign(at(2026, 9, 30), policy=HandlingPolicy())  # the default: pre-review on
    assignment.sign(LEAD, at(2026, 10, 8))
    reply(assignment, at(2026, 11, 27))
    return assignment


def test_L_pre_review_a_reply_waits_as_a_draft(drafted):
    assert drafted.status == "pre_review"
    assert drafted.reply is None and drafted.draft["drafted_at"] == at(2026, 11, 27)
    with pytest.raises(AlreadyDone):
        reply(drafted, at(2026, 11, 28))
    with pytest.raises(AlreadyDone):
        drafted.add_co_units(["etkqq-zhujian"], at(2026, 11, 28), known)
    with pytest.raises(AlreadyDone):
        drafted.object_to_dispatch(LEAD, "不是我单位", None, at(2026, 11, 28))


def test_L_pre_review_rejection_needs_comments_and_returns_to_signed_keeping_them(drafted):
    with pytest.raises(InvalidCommand) as refused:
        drafted.decide_pre_review(False, "  ", at(2026, 11, 28))
    assert set(refused.value.errors) == {"comments"}
    with pytest.raises(InvalidCommand):
        drafted.decide_pre_review(True, "", at(2026, 11, 26))  # before the draft

    drafted.decide_pre_review(False, "法律依据引用不全", at(2026, 11, 28))
    assert (drafted.status, drafted.draft, drafted.reply) == ("signed", None, None)
    assert drafted.pre_reviews == [{"approved": False, "comments": "法律依据引用不全",
                                    "decided_at": at(2026, 11, 28)}]
    with pytest.raises(Conflict):
        drafted.decide_pre_review(True, "", at(2026, 11, 28))

    reply(drafted, at(2026, 11, 29))
    drafted.decide_pre_review(True, "", at(2026, 11, 30, 17))
    assert [r["approved"] for r in drafted.pre_reviews] == [False, True]
    assert drafted.reply["on_time"] is True


def test_L_pre_review_approval_sends_the_reply_at_the_decision_time_and_judges_it_then(drafted):
    late = copy.deepcopy(drafted)
    drafted.decide_pre_review(True, "", at(2026, 11, 30, 23))
    late.decide_pre_review(True, "同意", at(2026, 12, 1, 8))  # drafted on time, approved a day late
    assert drafted.status == late.status == "replied"
    assert drafted.reply["replied_at"] == at(2026, 11, 30, 23) and drafted.reply["on_time"] is True
    assert late.reply["replied_at"] == at(2026, 12, 1, 8) and late.reply["on_time"] is False
    assert late.evaluation_deadline == date(2026, 12, 31)
    assert late.draft is None


# -- the rating window and 超期未评价 [L] -----------------------------------------------------

def test_L_evaluation_window_is_30_days_by_default_and_as_the_policy_says():
    assert replied(at(2026, 12, 1), at(2026, 12, 10)).evaluation_deadline == date(2027, 1, 9)
    short = replied(at(2026, 12, 1), at(2026, 12, 10), policy=HandlingPolicy(pre_review=False,
                                                                              evaluation_window_days=15))
    assert short.evaluation_window_days == 15
    assert short.evaluation_deadline == date(2026, 12, 25)
    with pytest.raises(Conflict):
        short.evaluate("satisfied", at(2026, 12, 26))
    short.evaluate("satisfied", at(2026, 12, 25, 23))
    assert short.status == "evaluated"


def test_L_evaluation_expires_once_and_never_for_a_rated_reply():
    assignment = replied(at(2026, 9, 30), at(2026, 10, 9))
    assert assignment.evaluation_deadline == date(2026, 11, 8)
    assert assignment.expire_evaluation(date(2026, 11, 8)) is False  # the last day is still open
    assert assignment.expire_evaluation(date(2026, 11, 9)) is True
    assert assignment.status == "unrated_expired"
    assert assignment.expire_evaluation(date(2026, 11, 10)) is False
    assert [type(e).__name__ for e in assignment.collect_events()].count("EvaluationExpired") == 1
    with pytest.raises(Conflict):
        assignment.evaluate("satisfied", at(2026, 11, 9))

    rated = replied(at(2026, 9, 30), at(2026, 10, 9))
    rated.evaluate("unsatisfied", at(2026, 10, 10))
    assert rated.expire_evaluation(date(2027, 1, 1)) is False
    assert rated.status == "evaluated"


def test_L_expire_unrated_sweep_records_each_expiry_once_and_skips_rated_replies(app):
    def handled(replied_at, approve=False):
        a = accept_in(app, decided_at=at(2026, 9, 30))
        app.sign(a.id, a.unit_id, at(2026, 10, 8))
        app.reply(a.id, REPLY["outcome"], REPLY["opinion"], REPLY["signatures"], replied_at)
        return a.id

    unrated, rated = handled(at(2026, 10, 9)), handled(at(2026, 10, 9, 15))
    later = handled(at(2026, 10, 20))
    app.evaluate(rated, "satisfied", at(2026, 10, 15))

    assert app.expire_unrated(as_of=date(2026, 11, 8))["expired"] == 0  # the window's last day
    assert app.expire_unrated(as_of=date(2026, 11, 9))["expired"] == 1
    assert app.expire_unrated(as_of=date(2026, 11, 9))["expired"] == 0  # a second sweep: nothing more
    assert app.get_assignment(unrated).status == "unrated_expired"
    assert app.get_assignment(later).status == "replied"

    assert app.expire_unrated(as_of=date(2026, 11, 20))["expired"] == 1
    assert app.expire_unrated(as_of=date(2027, 1, 4))["expired"] == 0
    assert app.expire_unrated(as_of=date(2027, 1, 4), since=date(2026, 11, 1))["expired"] == 0  # a re-sweep
    assert app.get_assignment(rated).status == "evaluated"
    for assignment_id in (unrated, later):
        kinds = [type(e).__name__ for e in app.history(assignment_id)]
        assert kinds.count("EvaluationExpired") == 1


def test_L_expire_unrated_sweep_covers_replies_approved_in_pre_review():
    app = DispatchApplication(ENV, routing=ROUTING, clock=FixedClock(at(2027, 12, 31)), calendar=CALENDAR,
                              policy=HandlingPolicy(evaluation_window_days=10))
    a = accept_in(app, decided_at=at(2026, 12, 18))
    app.sign(a.id, a.unit_id, at(2026, 12, 21))
    app.reply(a.id, REPLY["outcome"], REPLY["opinion"], REPLY["signatures"], at(2026, 12, 22))
    assert app.get_assignment(a.id).status == "pre_review"
    app.decide_pre_review(a.id, True, decided_at=at(2026, 12, 24))
    assert app.get_assignment(a.id).evaluation_deadline == date(2027, 1, 3)
    assert app.expire_unrated(as_of=date(2027, 1, 4))["expired"] == 1
    assert app.get_assignment(a.id).status == "unrated_expired"


def test_L_expire_unrated_sweep_catches_a_reply_recorded_after_its_window_was_swept(app):
    a = accept_in(app, decided_at=at(2026, 9, 30))
    assert app.expire_unrated(as_of=date(2026, 12, 1))["expired"] == 0  # the nightly sweep, nothing due
    app.sign(a.id, a.unit_id, at(2026, 10, 8))
    app.reply(a.id, REPLY["outcome"], REPLY["opinion"], REPLY["signatures"], at(2026, 10, 20))  # from paper
    assert app.get_assignment(a.id).evaluation_deadline == date(2026, 11, 19)
    app.expire_unrated(as_of=date(2026, 12, 2))
    assert app.get_assignment(a.id).status == "unrated_expired"


# -- A35, A36: review and re-review ------------------------------------------------------------

def test_A35_review_is_asked_only_after_the_reply_and_within_30_days_of_it():
    assignment = assign(at(2026, 9, 30))
    with pytest.raises(Conflict):
        assignment.request_review("不服", "etkqq-zhengfu", at(2026, 10, 8), CALENDAR)
    assignment.sign(LEAD, at(2026, 10, 8))
    reply(assignment, at(2026, 10, 12))
    late = copy.deepcopy(assignment)
    with pytest.raises(InvalidCommand) as refused:
        assignment.request_review(" ", None, at(2026, 10, 13), CALENDAR)
    assert set(refused.value.errors) == {"reasons", "reviewer_unit"}

    with pytest.raises(Conflict) as refused:
        late.request_review("不服", "etkqq-zhengfu", at(2026, 11, 12), CALENDAR)
    assert "A35" in str(refused.value) and "2026-11-11" in str(refused.value)

    assignment.request_review("不服处理意见", "etkqq-zhengfu", at(2026, 11, 11, 22), CALENDAR)
    review = assignment.reviews["review"]
    assert assignment.status == "under_review"
    assert (review["requested_on"], review["deadline"], review["hearing_days"]) == (
        date(2026, 11, 11), date(2026, 12, 11), 0)
    with pytest.raises(Conflict):
        assignment.request_review("再次请求", "etkqq-zhengfu", at(2026, 11, 12), CALENDAR)  # one is already open
    with pytest.raises(Conflict):
        assignment.evaluate("unsatisfied", at(2026, 11, 12))  # a review ends the rating


def test_A35_the_review_is_answered_within_30_days_and_only_by_the_reviewer_unit():
    on_time = replied(at(2026, 9, 30), at(2026, 10, 9))
    on_time.request_review("不服", "etkqq-zhengfu", at(2026, 10, 12), CALENDAR)
    late = copy.deepcopy(on_time)
    with pytest.raises(WrongUnit):
        on_time.decide_review(LEAD, "upheld", REVIEW_OPINION, at(2026, 11, 10))
    with pytest.raises(InvalidCommand) as refused:
        on_time.decide_review("etkqq-zhengfu", "maybe", {**REVIEW_OPINION, "legal_basis": ""}, at(2026, 11, 10))
    assert set(refused.value.errors) == {"decision", "opinion"}
    assert set(refused.value.errors["opinion"]) == {"legal_basis"}
    with pytest.raises(InvalidCommand):
        on_time.decide_review("etkqq-zhengfu", "upheld", REVIEW_OPINION, at(2026, 10, 11))  # before the request

    on_time.decide_review("etkqq-zhengfu", "upheld", REVIEW_OPINION, at(2026, 11, 11, 23))
    late.decide_review("etkqq-zhengfu", "revised", REVIEW_OPINION, at(2026, 11, 12))
    assert on_time.status == late.status == "reviewed"
    assert on_time.reviews["review"]["on_time"] is True
    assert late.reviews["review"]["on_time"] is False
    with pytest.raises(Conflict):
        on_time.decide_review("etkqq-zhengfu", "upheld", REVIEW_OPINION, at(2026, 11, 12))


def test_A36_hearing_days_are_not_counted_in_the_review_limit():
    assignment = replied(at(2026, 8, 3), at(2026, 9, 1))
    with pytest.raises(Conflict):
        assignment.hold_hearing(date(2026, 9, 20), date(2026, 9, 22), "听证", CALENDAR)  # no review open
    assignment.request_review("不服", "etkqq-zhengfu", at(2026, 9, 10), CALENDAR)
    assert assignment.reviews["review"]["deadline"] == date(2026, 10, 10)
    with pytest.raises(InvalidCommand):
        assignment.hold_hearing(date(2026, 9, 22), date(2026, 9, 20), "听证", CALENDAR)

    assignment.hold_hearing(date(2026, 9, 20), date(2026, 9, 22), "第一次听证", CALENDAR)
    assignment.hold_hearing(date(2026, 9, 29), date(2026, 9, 29), "第二次听证", CALENDAR)
    review = assignment.reviews["review"]
    assert (review["hearing_days"], review["deadline"]) == (4, date(2026, 10, 14))
    late = copy.deepcopy(assignment)
    assignment.decide_review("etkqq-zhengfu", "upheld", REVIEW_OPINION, at(2026, 10, 14, 18))
    late.decide_review("etkqq-zhengfu", "upheld", REVIEW_OPINION, at(2026, 10, 15, 9))
    assert assignment.reviews["review"]["on_time"] is True
    assert late.reviews["review"]["on_time"] is False
    with pytest.raises(Conflict):
        assignment.hold_hearing(date(2026, 10, 16), date(2026, 10, 16), "听证", CALENDAR)  # answered: none open


def test_A36_re_review_within_30_days_of_the_review_answer_and_no_request_after_it():
    assignment = replied(at(2026, 8, 3), at(2026, 9, 1))
    assignment.request_review("不服", "etkqq-zhengfu", at(2026, 9, 10), CALENDAR)
    assignment.decide_review("etkqq-zhengfu", "upheld", REVIEW_OPINION, at(2026, 10, 9))
    too_late = copy.deepcopy(assignment)
    with pytest.raises(Conflict) as refused:
        too_late.request_review("不服复查意见", "ordos-zhengfu", at(2026, 11, 10), CALENDAR)
    # Day 30 is Sunday 8 November: the window runs to Monday the 9th.
    assert "A36" in str(refused.value) and "2026-11-09" in str(refused.value)

    assignment.request_review("不服复查意见", "ordos-zhengfu", at(2026, 11, 9), CALENDAR)
    assert assignment.status == "under_re_review"
    assert assignment.reviews["re_review"]["deadline"] == date(2026, 12, 9)
    with pytest.raises(WrongUnit):
        assignment.decide_review("etkqq-zhengfu", "upheld", REVIEW_OPINION, at(2026, 11, 20))
    assignment.decide_review("ordos-zhengfu", "upheld", REVIEW_OPINION, at(2026, 11, 20))
    assert assignment.status == "closed"

    with pytest.raises(ReviewClosed) as refused:
        assignment.request_review("再次请求", "ordos-zhengfu", at(2026, 11, 21), CALENDAR)
    assert "第三十六条" in str(refused.value)
    assert len(assignment.reviews) == 2


def test_A35_A36_the_default_reviewer_is_one_level_up_each_time(app):
    # A township government's matter: its county government reviews, and the city government re-reviews.
    assert UNITS.superior("qilin-yuezhou") == "qilin-zhengfu"
    assert UNITS.superior("qilin-zhengfu") == "qujing-zhengfu"
    assert UNITS.superior("qilin-sifa") == "qilin-zhengfu"      # a county department: its county government
    assert UNITS.superior("qujing-zhengfu") is None             # nothing above the city in the data
    assert UNITS.superior("no-such-unit") is None

    a = accept_in(app, region_code="530302102", decided_at=at(2026, 2, 13))
    assert a.unit_id == "qilin-yuezhou"
    app.sign(a.id, "qilin-yuezhou", at(2026, 2, 14))
    app.reply(a.id, REPLY["outcome"], REPLY["opinion"], REPLY["signatures"], at(2026, 2, 27))

    a = app.request_review(a.id, "不服处理意见", requested_at=at(2026, 3, 2))
    assert a.reviews["review"]["reviewer_unit"] == "qilin-zhengfu"
    with pytest.raises(WrongUnit):
        app.decide_review(a.id, "qilin-yuezhou", "upheld", REVIEW_OPINION, at(2026, 3, 20))
    app.decide_review(a.id, "qilin-zhengfu", "upheld", REVIEW_OPINION, at(2026, 3, 20))

    a = app.request_review(a.id, "不服复查意见", requested_at=at(2026, 4, 1))
    assert a.reviews["re_review"]["reviewer_unit"] == "qujing-zhengfu"
    app.decide_review(a.id, "qujing-zhengfu", "upheld", REVIEW_OPINION, at(2026, 4, 20))
    with pytest.raises(ReviewClosed):
        app.request_review(a.id, "还是不服", requested_at=at(2026, 4, 21))
    assert app.get_assignment(a.id).status == "closed"


def test_A36_without_a_known_body_above_the_reviewer_the_re_review_is_refused(app):
    a = accept_in(app, region_code="530302102", decided_at=at(2026, 11, 2))
    app.sign(a.id, a.unit_id, at(2026, 11, 3))
    app.reply(a.id, REPLY["outcome"], REPLY["opinion"], REPLY["signatures"], at(2026, 11, 20))
    app.request_review(a.id, "不服", reviewer_unit="qujing-zhengfu", requested_at=at(2026, 11, 23))
    app.decide_review(a.id, "qujing-zhengfu", "upheld", REVIEW_OPINION, at(2026, 12, 18))
    for named in (None, "yunnan-zhengfu"):  # none above the city in the data; a body the data lacks
        with pytest.raises(InvalidCommand) as refused:
            app.request_review(a.id, "不服复查意见", reviewer_unit=named, requested_at=at(2027, 1, 4))
        assert set(refused.value.errors) == {"reviewer_unit"}
    assert app.get_assignment(a.id).status == "reviewed"


def test_A35_a_review_window_ending_in_the_national_day_week_runs_to_the_next_working_day():
    assignment = replied(at(2026, 8, 3), at(2026, 9, 1))  # day 30 is 1 October
    assignment.request_review("不服", "etkqq-zhengfu", at(2026, 10, 8), CALENDAR)
    assert assignment.reviews["review"]["deadline"] == CALENDAR.calendar_deadline(date(2026, 10, 8), 30)


# -- the notices dispatch issues ---------------------------------------------------------------

def test_A34_extension_notice_tells_the_reason_approval_days_and_new_deadline(app):
    a = accept_in(app, decided_at=at(2026, 9, 30))
    app.extend(a.id, 20, "需委托第三方勘界", "旗政府分管领导", at(2026, 11, 20))
    [notice] = app.notices(a.id, "测试某某")
    assert notice["kind"] == "extension" and notice["title"] == "信访事项延期办理告知书"
    text = notice["text"]
    for part in ("测试某某：", "需委托第三方勘界", "旗政府分管领导", "延长20日", chinese_date(date(2026, 12, 21)),
                 "第三十四条", UNITS.name("etkqq-shanghaimiao"), "2026年11月20日"):
        assert part in text
    assert notice["issued_on"] == "2026-11-20"


def test_A32_A35_handling_opinion_notice_carries_every_element_the_outcome_and_both_signers():
    assignment = replied(at(2026, 12, 30), at(2027, 1, 4))
    [notice] = notices(assignment, UNITS.name)
    doc = notice.document("测试某某")
    assert (notice.kind, notice.title, doc["issued_on"]) == ("handling_opinion", "信访事项处理意见书", "2027-01-04")
    for name, label in ELEMENT_LABELS.items():
        assert f"{label}：{REPLY['opinion'][name]}" in doc["text"]
    assert OUTCOME_NAMES[REPLY["outcome"]] in doc["text"] and "30日内" in doc["text"]
    assert "王某" in doc["text"] and "李某" in doc["text"]
    assert doc["issued_by"] == UNITS.name(LEAD)


def test_A35_A36_review_and_re_review_notices_carry_the_opinion_elements():
    assignment = replied(at(2026, 1, 5), at(2026, 1, 20))
    assignment.request_review("不服", "etkqq-zhengfu", at(2026, 2, 13), CALENDAR)
    assert [n.kind for n in notices(assignment, UNITS.name)] == ["handling_opinion"]  # not answered yet
    assignment.decide_review("etkqq-zhengfu", "revised", REVIEW_OPINION, at(2026, 2, 28))
    second = {**REVIEW_OPINION, "findings": "复查认定无误。", "result": "维持复查意见。"}
    assignment.request_review("不服复查意见", "qujing-zhengfu", at(2026, 3, 2), CALENDAR)
    assignment.decide_review("qujing-zhengfu", "upheld", second, at(2026, 3, 20))

    found = {n.kind: n for n in notices(assignment, UNITS.name)}
    assert list(found) == ["handling_opinion", "review", "re_review"]
    review, re_review = found["review"].document("测试某某"), found["re_review"].document("测试某某")
    assert review["title"] == "信访事项复查意见书" and re_review["title"] == "信访事项复核意见书"
    assert review["issued_on"] == "2026-02-28" and review["issued_by"] == UNITS.name("etkqq-zhengfu")
    assert "2026年2月13日" in review["text"] and DECISION_NAMES["revised"] in review["text"]
    for name in ("findings", "result", "legal_basis", "remedy"):
        assert REVIEW_OPINION[name] in review["text"]
        assert second[name] in re_review["text"]
    assert "请求复核" in review["text"]
    assert DECISION_NAMES["upheld"] in re_review["text"] and "第三十六条" in re_review["text"]
    assert re_review["issued_by"] == UNITS.name("qujing-zhengfu") and "2026年3月20日" in re_review["text"]


def test_what_the_self_service_offers_follows_the_rating_and_review_rules():
    """The petitioner's page offers a rating or a review exactly when the commands would take it."""
    from dispatch.self_service import petitioner_view

    a = replied(at(2026, 10, 8), at(2026, 11, 20))
    calendar = CALENDAR
    replied_on = date(2026, 11, 20)
    view = petitioner_view(a, "某局", replied_on, calendar)
    assert view["evaluation"]["open"] and view["review"] == {"open": True, "deadline": view["review"]["deadline"],
                                                              "stage": "review", "requested": False}
    assert not petitioner_view(a, "某局", a.evaluation_deadline + timedelta(days=1), calendar)["evaluation"]["open"]
    a.evaluate("satisfied", a.reply["replied_at"])
    view = petitioner_view(a, "某局", replied_on, calendar)
    assert not view["evaluation"]["open"] and view["evaluation"]["rating_name"] == "满意"
    a.request_review("不服", "some-unit", a.reply["replied_at"], calendar)
    assert petitioner_view(a, "某局", replied_on, calendar)["review"] == {
        "open": False, "deadline": None, "stage": None, "requested": True}
