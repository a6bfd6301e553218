"""Intake's part of a petition's life, rule by rule: matter types, group visits, diversion, dispatch
mode, repeats (A19) and no further acceptance after re-review (A36), the notices, and who did what.

Test names carry the article of the 信访工作条例 (A<n>) or [L] for local policy. Dates are chosen on
working-day edges: weekends, National Day 2026 (1–7 Oct; Saturday 10 Oct worked), Spring Festival
2026 (15–23 Feb; Saturdays 14 and 28 Feb worked), and 2027, which chinese-calendar 1.11 does not know.
The progress of a matter comes in as dispatch's envelopes, as intake's follower hands them on.
"""
from datetime import date, datetime
from uuid import UUID, uuid4

import pytest

from intake.application import IntakeApplication, PetitionNotFound
from intake.domain import DISPATCH_MODES, LEGAL_ROUTES, MATTER_TYPES, MAX_REPRESENTATIVES, check_registration
from intake.notices import ROUTE_NAMES, notices
from intake.repeats import MatterIndex
from shared.actors import SYSTEM, acting_as
from shared.clock import BEIJING, FixedClock
from shared.errors import InvalidCommand
from shared.notices import chinese_date
from shared.workdays import WorkingDayCalendar

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
# Without override files, so that 2027 is counted by the fallback rule whatever a bureau ships.
CALENDAR = WorkingDayCalendar(overrides_dir=None)
PERSON = {"name": "测试某某", "id_number": "150623198001010015", "phone": "13800000001"}
OTHER_PERSON = {"name": "另一某某", "id_number": "150623198202020026", "phone": "13800000002"}
ISSUER = "某县信访局"


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING)


@pytest.fixture
def app():
    # The clock stands after every moment the tests record, so none lies "in the future".
    return IntakeApplication(ENV, pseudonym_key=b"k", clock=FixedClock(at(2027, 12, 31)), calendar=CALENDAR)


def register(app, received_at, petition_id=None, **changes):
    fields = {"channel": "visit", "petitioner": dict(PERSON), "region_code": "150623101",
              "category": "land_grassland_rights", "subject": "草牧场边界纠纷",
              "content": "与邻村就草牧场边界发生争议，请求依法确权。", "received_at": received_at, **changes}
    return app.register(petition_id or uuid4(), **fields)


def wire(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


class DispatchFeed:
    """Dispatch's published events as intake's follower hands them to the policy."""

    def __init__(self, app):
        self.app, self.position, self.assignments = app, 0, {}

    def send(self, type_, petition_id, actor=SYSTEM, **data):
        self.position += 1
        assignment_id = self.assignments.setdefault(petition_id, uuid4())
        envelope = {"type": type_, "position": self.position, "actor": actor,
                    "data": {"assignment_id": str(assignment_id), "petition_id": str(petition_id),
                             **{k: wire(v) for k, v in data.items()}}}
        return self.app.process("dispatch", envelope)

    def created(self, petition_id, accepted_at, handling_deadline, unit="etkqq-shanghaimiao"):
        return self.send("assignment.created", petition_id, unit_id=unit, accepted_at=accepted_at,
                         handling_deadline=handling_deadline, sign_deadline=CALENDAR.add_working_days(
                             accepted_at.date(), 1), mode="assignment", procedure="ordinary")

    def extended(self, petition_id, extended_at, handling_deadline, days=30):
        return self.send("assignment.extended", petition_id, days=days, extended_at=extended_at,
                         handling_deadline=handling_deadline)

    def replied(self, petition_id, replied_at, actor=SYSTEM):
        return self.send("assignment.replied", petition_id, actor=actor, outcome="explain",
                         replied_at=replied_at, on_time=True, evaluation_deadline=replied_at.date())

    def review_requested(self, petition_id, stage, requested_at, reviewer):
        return self.send("assignment.review_requested", petition_id, stage=stage, reviewer_unit=reviewer,
                         requested_at=requested_at, deadline=requested_at.date())

    def review_decided(self, petition_id, stage, decided_at, reviewer):
        return self.send("assignment.review_decided", petition_id, stage=stage, unit_id=reviewer,
                         decision="upheld", decided_at=decided_at, on_time=True)


@pytest.fixture
def dispatch(app):
    return DispatchFeed(app)


def accepted(app, dispatch, received_at, decided_at=None, **changes):
    """A petition accepted and assigned: its matter is in handling for 60 days from acceptance (A34)."""
    petition = register(app, received_at, **changes)
    decided_at = decided_at or received_at
    app.decide_acceptance(petition.id, "accepted", "属于信访事项受理范围", decided_at=decided_at)
    dispatch.created(petition.id, decided_at, CALENDAR.calendar_deadline(decided_at.date(), 60))
    return app.get_petition(petition.id)


def closed_by_re_review(app, dispatch, received_at):
    """A matter taken through reply, review (复查) and re-review (复核)."""
    original = accepted(app, dispatch, received_at)
    dispatch.send("assignment.signed", original.id, unit_id="etkqq-shanghaimiao", signed_at=at(2026, 3, 2),
                  on_time=True)
    dispatch.replied(original.id, at(2026, 3, 20))
    dispatch.review_requested(original.id, "review", at(2026, 4, 1), "etkqq-zhengfu")
    dispatch.review_decided(original.id, "review", at(2026, 4, 28), "etkqq-zhengfu")
    dispatch.review_requested(original.id, "re_review", at(2026, 5, 6), "ordos-zhengfu")
    dispatch.review_decided(original.id, "re_review", at(2026, 6, 1), "ordos-zhengfu")
    return app.get_petition(original.id)


# -- matter types, group visits, accusations --------------------------------------------------

@pytest.mark.parametrize("matter_type", MATTER_TYPES)
def test_A21_every_matter_type_is_registered(app, matter_type):
    accused = {"accused_unit": "etkqq-zhujian"} if matter_type == "accusation" else {}
    petition = register(app, at(2026, 10, 8), matter_type=matter_type, **accused)
    assert petition.matter_type == matter_type
    assert petition.status == "registered"


def test_A21_an_unknown_matter_type_is_refused_naming_matter_type(app):
    with pytest.raises(InvalidCommand) as refused:
        register(app, at(2026, 10, 8), matter_type="gossip")
    assert "matter_type" in refused.value.errors


def test_A30_an_accusation_without_the_accused_unit_is_refused_naming_accused_unit(app):
    with pytest.raises(InvalidCommand) as refused:
        register(app, at(2026, 10, 8), matter_type="accusation")
    assert set(refused.value.errors) == {"accused_unit"}
    assert "A30" in refused.value.errors["accused_unit"][0]


def test_A30_an_accusation_keeps_its_accused_unit_and_hides_from_that_unit(app):
    petition = register(app, at(2026, 10, 8), matter_type="accusation", accused_unit="etkqq-zhujian")
    app.decide_acceptance(petition.id, "accepted", "属于检举控告类事项", decided_at=at(2026, 10, 9))

    decided = app.history(petition.id)[-1]
    assert decided.accused_unit == "etkqq-zhujian"  # dispatch routes by it, never to that unit
    with pytest.raises(PetitionNotFound):
        app.get_petition(petition.id, acting_unit="etkqq-zhujian")
    assert app.get_petition(petition.id, acting_unit="etkqq-ziranziyuan").id == petition.id


def representatives(n):
    return [{"name": f"代表{i}", "id_number": f"15062319800101{i:03d}X", "phone": f"1380000{i:04d}"}
            for i in range(n)]


def test_A20_a_group_visit_elects_at_most_five_representatives(app):
    assert MAX_REPRESENTATIVES == 5
    five = register(app, at(2026, 10, 10), representatives=representatives(5), group_size=40)
    assert len(five.representatives) == 5

    with pytest.raises(InvalidCommand) as refused:
        register(app, at(2026, 10, 10), representatives=representatives(6), group_size=40)
    assert set(refused.value.errors) == {"representatives"}
    assert "第二十条" in refused.value.errors["representatives"][0]


def test_A20_A30_check_registration_reports_every_broken_rule_at_once():
    with pytest.raises(InvalidCommand) as refused:
        check_registration({"channel": "pigeon", "matter_type": "accusation",
                            "representatives": representatives(6)})
    assert set(refused.value.errors) == {"channel", "representatives", "accused_unit"}


# -- the acceptance decision: diversion (A31), dispatch mode (A22), the 15-day limit ---------------

@pytest.mark.parametrize("route", LEGAL_ROUTES)
def test_A31_a_complaint_is_diverted_to_any_legal_route(app, route):
    petition = register(app, at(2026, 2, 13))
    app.decide_acceptance(petition.id, "diverted", "属于法定途径解决的事项", route=route, decided_at=at(2026, 2, 14))
    decision = app.get_petition(petition.id).decision
    assert (decision["decision"], decision["route"], decision["dispatch_mode"]) == ("diverted", route, None)
    assert app.get_petition(petition.id).status == "diverted"


def test_A31_a_diversion_needs_a_route_from_the_legal_routes(app):
    petition = register(app, at(2026, 2, 13))
    for route in (None, "", "petition_again"):
        with pytest.raises(InvalidCommand) as refused:
            app.decide_acceptance(petition.id, "diverted", "应走诉讼", route=route, decided_at=at(2026, 2, 14))
        assert set(refused.value.errors) == {"route"}
    assert app.get_petition(petition.id).decision is None


@pytest.mark.parametrize("matter_type", ["suggestion", "accusation"])
def test_A31_only_a_complaint_is_diverted(app, matter_type):
    petition = register(app, at(2026, 2, 13), matter_type=matter_type, accused_unit="etkqq-zhujian")
    with pytest.raises(InvalidCommand) as refused:
        app.decide_acceptance(petition.id, "diverted", "应走诉讼", route="litigation", decided_at=at(2026, 2, 14))
    assert set(refused.value.errors) == {"decision"}
    assert app.get_petition(petition.id).decision is None


@pytest.mark.parametrize("mode", DISPATCH_MODES)
def test_A22_an_accepted_petition_is_assigned_or_transferred(app, mode):
    petition = register(app, at(2026, 9, 30))
    app.decide_acceptance(petition.id, "accepted", "属于受理范围", decided_at=at(2026, 10, 8), dispatch_mode=mode)
    decided = app.history(petition.id)[-1]
    assert decided.dispatch_mode == mode
    assert decided.dispatch_deadline == date(2026, 10, 15)  # dispatched within the 15 days (A22)


def test_A22_an_unknown_dispatch_mode_is_refused_and_other_decisions_carry_none(app):
    petition = register(app, at(2026, 9, 30))
    with pytest.raises(InvalidCommand) as refused:
        app.decide_acceptance(petition.id, "accepted", "属于受理范围", decided_at=at(2026, 10, 8),
                              dispatch_mode="forward")
    assert set(refused.value.errors) == {"dispatch_mode"}
    app.decide_acceptance(petition.id, "not_accepted", "不属于受理范围", decided_at=at(2026, 10, 8),
                          dispatch_mode="transfer")
    assert app.get_petition(petition.id).decision["dispatch_mode"] is None


@pytest.mark.parametrize("received, deadline", [
    (date(2026, 9, 22), date(2026, 10, 8)),    # day 15 falls in the National Day week
    (date(2026, 9, 25), date(2026, 10, 10)),   # day 15 is the worked Saturday of National Day
    (date(2026, 2, 1), date(2026, 2, 24)),     # day 15 falls in the Spring Festival
    (date(2026, 1, 30), date(2026, 2, 14)),    # day 15 is the worked Saturday before Spring Festival
    (date(2026, 11, 6), date(2026, 11, 23)),   # day 15 is an ordinary Saturday
    (date(2026, 12, 17), date(2027, 1, 4)),    # 2027, beyond chinese-calendar: New Year, then a weekend
])
def test_A22_acceptance_is_decided_within_15_days_across_rest_days(app, received, deadline):
    petition = register(app, datetime(received.year, received.month, received.day, 9, tzinfo=BEIJING))
    assert petition.acceptance_deadline == deadline


def test_A22_a_decision_on_the_last_day_after_spring_festival_is_timely_and_the_next_day_late(app):
    on_time, late = register(app, at(2026, 2, 1)), register(app, at(2026, 2, 1), category="education")
    app.decide_acceptance(on_time.id, "accepted", "属于受理范围", decided_at=at(2026, 2, 24, 23, 30))
    app.decide_acceptance(late.id, "accepted", "属于受理范围", decided_at=at(2026, 2, 25, 8))
    assert app.get_petition(on_time.id).decision["timely"] is True
    assert app.get_petition(late.id).decision["timely"] is False


# -- repeats within the handling limit (A19) ------------------------------------------------------

def test_A19_a_repeat_within_the_handling_limit_is_registered_linked_and_not_accepted_at_once(app, dispatch):
    original = accepted(app, dispatch, at(2026, 11, 2))
    limit = CALENDAR.calendar_deadline(date(2026, 11, 2), 60)
    assert limit == date(2027, 1, 4)  # day 60 is Friday 1 January 2027: New Year, then a weekend
    assert app.matter_of(original).handling_until == limit

    repeat = register(app, at(2026, 12, 1), region_code="150623102")  # another township, same county
    assert repeat.repeat_of == original.id
    assert repeat.status == "not_accepted"
    assert repeat.decision["decision"] == "not_accepted"
    assert repeat.decision["ground"] == "repeat_in_handling"
    assert repeat.decision["decided_at"] == repeat.received_at
    assert repeat.decision["timely"] is True
    assert limit.isoformat() in repeat.decision["reason"] and "第十九条" in repeat.decision["reason"]
    assert app.matter_of(repeat).repeats == 1


def test_A19_a_repeat_on_the_last_day_of_a_limit_spanning_spring_festival_is_refused_the_next_day_not(app, dispatch):
    original = accepted(app, dispatch, at(2025, 12, 18))
    assert app.matter_of(original).handling_until == date(2026, 2, 24)  # day 60 is 16 Feb, in the holiday

    during_holiday = register(app, at(2026, 2, 20))
    last_day = register(app, at(2026, 2, 24, 23, 30))
    after = register(app, at(2026, 2, 25, 8, 30))

    assert during_holiday.decision["ground"] == last_day.decision["ground"] == "repeat_in_handling"
    assert after.decision is None  # the limit has passed: the bureau decides it as any petition
    assert after.status == "registered"
    assert after.repeat_of == original.id
    assert app.matter_of(after).repeats == 3


def test_A19_an_extension_moves_the_handling_limit_that_refuses_repeats(app, dispatch):
    original = accepted(app, dispatch, at(2026, 9, 30))
    assert app.matter_of(original).handling_until == date(2026, 11, 30)
    dispatch.extended(original.id, at(2026, 11, 20), date(2026, 12, 29))
    assert app.matter_of(original).handling_until == date(2026, 12, 29)

    repeat = register(app, at(2026, 12, 10))
    assert repeat.decision["ground"] == "repeat_in_handling"
    assert "2026-12-29" in repeat.decision["reason"]


def test_A19_a_repeat_before_the_matter_is_assigned_is_not_refused(app):
    original = register(app, at(2026, 11, 2))
    app.decide_acceptance(original.id, "accepted", "属于受理范围", decided_at=at(2026, 11, 3))
    repeat = register(app, at(2026, 11, 4))  # dispatch has not reported the assignment yet
    assert repeat.repeat_of == original.id
    assert repeat.decision is None


def test_A19_repeats_are_counted_per_matter(app, dispatch):
    first = register(app, at(2026, 10, 8))
    register(app, at(2026, 10, 9), region_code="150623102")     # same county: same matter
    register(app, at(2026, 10, 10))                              # the worked Saturday
    other_category = register(app, at(2026, 10, 12), category="education")
    other_county = register(app, at(2026, 10, 12), region_code="371321104")
    other_person = register(app, at(2026, 10, 12), petitioner=dict(OTHER_PERSON))

    assert app.matter_of(first).repeats == 2
    assert app.matter_of(first).petition_ids[0] == first.id
    for alone in (other_category, other_county, other_person):
        assert alone.repeat_of is None
        assert app.matter_of(alone).repeats == 0


def test_A19_A36_matter_index_refusal_rules_on_their_boundaries():
    index = MatterIndex.for_matter("ref", "land_grassland_rights", "150623101")
    assert index.refusal(date(2026, 10, 8), new_facts=False) is None          # open
    index.reach("in_handling", date(2026, 11, 30))
    assert index.refusal(date(2026, 11, 30), new_facts=False)[0] == "repeat_in_handling"
    assert index.refusal(date(2026, 11, 30), new_facts=True)[0] == "repeat_in_handling"
    assert index.refusal(date(2026, 12, 1), new_facts=False) is None
    index.reach("replied")
    assert index.refusal(date(2026, 11, 1), new_facts=False) is None
    index.reach("reviewed")
    assert index.refusal(date(2026, 11, 1), new_facts=False) is None
    index.reach("closed")
    assert index.refusal(date(2027, 3, 1), new_facts=False)[0] == "no_further_acceptance"
    assert index.refusal(date(2027, 3, 1), new_facts=True) is None


# -- no further acceptance after re-review (A36) ----------------------------------------------

def test_A36_the_petition_mirrors_its_matter_through_review_and_re_review(app, dispatch):
    original = closed_by_re_review(app, dispatch, at(2026, 2, 13))
    assert original.status == "closed"
    assert app.matter_of(original).stage == "closed"
    stages = [e.stage for e in app.history(original.id) if type(e).__name__ == "HandlingProgressed"]
    assert stages == ["signed", "replied", "review_requested", "review_decided", "review_requested",
                      "review_decided"]


def test_A36_no_further_acceptance_after_re_review(app, dispatch):
    original = closed_by_re_review(app, dispatch, at(2026, 2, 13))
    again = register(app, at(2027, 3, 1), region_code="150623102")  # 2027: beyond the calendar library

    assert again.repeat_of == original.id
    assert again.status == "not_accepted"
    assert again.decision["ground"] == "no_further_acceptance"
    assert "第三十六条" in again.decision["reason"]
    assert again.acceptance_deadline == date(2027, 3, 16)


def test_A36_new_facts_lift_no_further_acceptance_after_re_review(app, dispatch):
    original = closed_by_re_review(app, dispatch, at(2026, 2, 13))
    again = register(app, at(2026, 6, 2), new_facts=True)
    assert again.repeat_of == original.id
    assert again.new_facts is True
    assert again.decision is None and again.status == "registered"
    app.decide_acceptance(again.id, "accepted", "提出了新的事实和理由", decided_at=at(2026, 6, 3))
    assert app.get_petition(again.id).decision["decision"] == "accepted"


def test_A36_a_matter_answered_only_on_review_is_not_closed_to_repeats(app, dispatch):
    original = accepted(app, dispatch, at(2026, 2, 13))
    dispatch.replied(original.id, at(2026, 3, 20))
    dispatch.review_requested(original.id, "review", at(2026, 4, 1), "etkqq-zhengfu")
    dispatch.review_decided(original.id, "review", at(2026, 4, 28), "etkqq-zhengfu")
    assert app.get_petition(original.id).status == "reviewed"
    assert app.matter_of(original).stage == "reviewed"
    assert register(app, at(2026, 5, 6)).decision is None


def test_A36_a_new_facts_petition_does_not_reopen_the_closed_facts(app, dispatch):
    closed_by_re_review(app, dispatch, at(2026, 2, 13))
    new_facts = register(app, at(2026, 6, 2), new_facts=True)
    app.decide_acceptance(new_facts.id, "accepted", "提出了新的事实和理由", decided_at=at(2026, 6, 3))
    dispatch.created(new_facts.id, at(2026, 6, 3), date(2026, 8, 3))
    dispatch.replied(new_facts.id, at(2026, 7, 1))

    same_old_facts = register(app, at(2026, 9, 1))
    assert same_old_facts.decision is not None
    assert same_old_facts.decision["ground"] == "no_further_acceptance"


# -- notices (A22, A23, A31, A36) ----------------------------------------------------------------

def document_of(petition, addressee="测试某某"):
    [notice] = notices(petition, ISSUER)
    return notice, notice.document(addressee)


def test_A23_no_notice_before_the_decision(app):
    assert notices(register(app, at(2026, 10, 8)), ISSUER) == []


def test_A22_A23_acceptance_notice_names_the_mode_the_date_and_the_60_day_limit(app):
    petition = register(app, at(2026, 9, 30, 16), channel="letter")
    app.decide_acceptance(petition.id, "accepted", "属于受理范围", decided_at=at(2026, 10, 10),
                          dispatch_mode="transfer")
    notice, doc = document_of(app.get_petition(petition.id))

    assert (notice.kind, notice.title) == ("acceptance", "信访事项受理告知书")
    assert doc["issued_on"] == "2026-10-10" and doc["issued_by"] == ISSUER
    text = doc["text"]
    assert text.startswith("信访事项受理告知书") and "测试某某：" in text
    assert "2026年9月30日以来信方式反映的“草牧场边界纠纷”" in text
    assert "转送" in text and "60日" in text and "30日" in text
    assert text.rstrip().endswith(chinese_date(date(2026, 10, 10)))


def test_A23_non_acceptance_notice_gives_the_reason(app):
    petition = register(app, at(2026, 2, 13))
    app.decide_acceptance(petition.id, "not_accepted", "不属于本机关职权范围", decided_at=at(2026, 2, 24))
    notice, doc = document_of(app.get_petition(petition.id))
    assert (notice.kind, notice.title) == ("non_acceptance", "信访事项不予受理告知书")
    assert "理由：不属于本机关职权范围" in doc["text"]
    assert "2026年2月24日" in doc["text"] and "第二十三条" in doc["text"]


def test_A19_A23_a_repeat_in_handling_gets_a_non_acceptance_notice_naming_the_limit(app, dispatch):
    accepted(app, dispatch, at(2026, 11, 2))
    repeat = register(app, at(2026, 12, 31, 15))
    notice, doc = document_of(repeat)
    assert notice.kind == "non_acceptance"
    assert "2027-01-04" in doc["text"] and "2026年12月31日" in doc["text"]


def test_A36_no_further_acceptance_notice_gives_the_reason(app, dispatch):
    closed_by_re_review(app, dispatch, at(2026, 2, 13))
    again = register(app, at(2026, 10, 10))
    notice, doc = document_of(again, addressee="信访人某某")
    assert (notice.kind, notice.title) == ("no_further_acceptance", "信访事项不再受理告知书")
    assert "信访人某某：" in doc["text"] and "不再受理" in doc["text"] and "第三十六条" in doc["text"]
    assert doc["issued_on"] == "2026-10-10" and "2026年10月10日" in doc["text"]


@pytest.mark.parametrize("route", LEGAL_ROUTES)
def test_A31_diversion_notice_names_the_legal_route_and_the_reason(app, route):
    petition = register(app, at(2026, 12, 31), channel="online")
    app.decide_acceptance(petition.id, "diverted", "已进入法定程序", route=route, decided_at=at(2027, 1, 4))
    notice, doc = document_of(app.get_petition(petition.id))
    assert (notice.kind, notice.title) == ("diversion", "信访事项告知书（法定途径）")
    assert ROUTE_NAMES[route] in doc["text"]
    assert "理由：已进入法定程序" in doc["text"] and "第三十一条" in doc["text"]
    assert "网上信访" in doc["text"] and doc["issued_on"] == "2027-01-04" and "2027年1月4日" in doc["text"]


# -- who did it (经办人) [L] ---------------------------------------------------------------

def test_L_audit_every_event_records_the_acting_user_and_defaults_to_system(app, dispatch):
    with acting_as("登记员张某"):
        petition = register(app, at(2026, 9, 30))
    app.decide_acceptance(petition.id, "accepted", "属于受理范围", decided_at=at(2026, 10, 8))
    dispatch.created(petition.id, at(2026, 10, 8), date(2026, 12, 7))
    dispatch.replied(petition.id, at(2026, 10, 20), actor="办理人王某")

    events = app.history(petition.id)
    assert [(type(e).__name__, e.actor) for e in events] == [
        ("Registered", "登记员张某"), ("AcceptanceDecided", SYSTEM),
        ("AssignmentLinked", SYSTEM), ("HandlingProgressed", SYSTEM)]
    # Dispatch's user is kept in the mirrored step; intake itself recorded it as the system.
    assert events[-1].detail["by"] == "办理人王某"


def test_L_audit_a_refused_repeat_is_decided_by_whoever_registered_it(app, dispatch):
    accepted(app, dispatch, at(2026, 11, 2))
    with acting_as("登记员张某"):
        repeat = register(app, at(2026, 11, 9))
    assert [(type(e).__name__, e.actor) for e in app.history(repeat.id)] == [
        ("Registered", "登记员张某"), ("AcceptanceDecided", "登记员张某")]
    with acting_as(None):  # no user given: the system
        third = register(app, at(2026, 11, 10))
    assert {e.actor for e in app.history(third.id)} == {SYSTEM}
