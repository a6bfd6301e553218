"""Mediation, rule by rule: the five layers and escalation [L] with the legal routes told at the end
(C26), consent at every layer and one refusal ending it (C3, C17), mediators from the expert pool
[L], the agreement (C28–C30), judicial confirmation within 30 days (C33) and the court's decision
(D205), the 30 days of a court-referred pre-litigation mediation [L], and the openings: 110 alerts
and court referrals off the agencies' exchanges, petitions diverted by intake and mediation asked
for by dispatch — each once.

Test names carry the article of the 人民调解法 (C<n>), of the 民事诉讼法 (D<n>), or [L] for local
policy. Dates sit on rest-day edges: National Day 2026 (1–7 Oct) and weekends.
"""
import json
from datetime import date, datetime, timedelta
from uuid import uuid4

import pytest

from dispatch.application import DispatchApplication, assignment_id_for
from dispatch.policy import HandlingPolicy
from dispatch.published import translate as dispatch_translate
from dispatch.routing import RoutingTable
from intake.application import IntakeApplication
from intake.published import translate as intake_translate
from mediation.agreement import CONFIRMATION_WINDOW_DAYS
from mediation.application import AGENCY_OPENINGS, MediationApplication, MediationNotFound, mediation_id_for
from mediation.domain import MediationClosed
from mediation.layers import LAYER_LIMIT_DAYS, LAYER_NAMES, LAYERS, LEGAL_ROUTES, next_layer
from mediation.pool import MediatorPool
from mediation.published import translate
from shared.actors import SYSTEM, acting_as
from shared.clock import BEIJING, FixedClock
from shared.contracts.agency import parse_agency_message
from shared.envelope import make_envelope
from shared.errors import Conflict, InvalidCommand, Rejected
from shared.feed import NotificationFeed
from shared.notices import chinese_date
from shared.reference import load_reference
from shared.workdays import WorkingDayCalendar
from support import petition

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
# Without override files, so the dates below hold whatever a bureau ships.
CALENDAR = WorkingDayCalendar(overrides_dir=None)
REFERENCE = load_reference()
POOL = MediatorPool(REFERENCE.mediators)
REGION = "150623101"  # 鄂托克前旗 上海庙镇
PARTIES = [{"name": "巴特尔", "phone": "13800001111", "id_number": "150623198001010011", "role": "applicant"},
           {"name": "乌云其其格", "phone": "13900002222", "role": "respondent"}]
FACTS = "双方草牧场相邻，因界桩移位发生争执。"
DISPUTES = "草牧场东侧边界的走向。"
TERMS = [{"content": "以2019年确权图为准重新埋设界桩", "manner": "双方到场共同埋设，嘎查委员会见证",
          "due": "2026年12月31日前"}]
SIGNATURES = [{"role": "party", "party": 0, "name": "巴特尔"}, {"role": "party", "party": 1, "name": "乌云其其格"},
              {"role": "mediator", "name": "额尔敦"}]
WHEN = "2026-11-20T09:30:00+08:00"


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING)


@pytest.fixture
def app():
    return MediationApplication(ENV, pool=POOL, clock=FixedClock(at(2027, 3, 1)), calendar=CALENDAR,
                                agency_categories=REFERENCE.agency_categories,
                                unit_name=lambda region: "鄂托克前旗上海庙镇人民调解委员会")


def opened(app, layer="people", parties=PARTIES, opened_at=None, **changes):
    fields = dict(layer=layer, region_code=REGION, category="land_grassland_rights", summary="草牧场边界纠纷",
                  parties=parties, opened_at=opened_at or at(2026, 11, 2))
    return app.open(uuid4(), **{**fields, **changes}).id


def consented(app, mediation_id, when=None):
    for party in range(len(app.get_mediation(mediation_id).parties)):
        app.record_consent(mediation_id, party, True, when or at(2026, 11, 3))
    return app.get_mediation(mediation_id)


def agreed(app, signed_at=None, layer="people", **changes):
    mediation_id = opened(app, layer=layer, **changes)
    consented(app, mediation_id)
    app.assign_mediator(mediation_id, "med-etkqq-01", at(2026, 11, 3))
    signed_at = signed_at or at(2026, 11, 4)
    app.reach_agreement(mediation_id, FACTS, DISPUTES, TERMS, SIGNATURES, signed_at)
    return mediation_id


def notice(app, mediation_id, kind):
    return next(n for n in app.notices(mediation_id) if n["kind"] == kind)


def text_of(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False)


def published(app) -> list[dict]:
    return NotificationFeed("mediation", app, translate).read(0, 1000)[0]


# -- [L] the five layers; C26: a failed layer escalates, a failed last layer ends it ------------

def test_L_five_layers_from_administrative_to_litigation():
    assert LAYERS == ("administrative", "industry", "people", "pre_litigation", "litigation")
    assert [next_layer(layer) for layer in LAYERS] == ["industry", "people", "pre_litigation", "litigation", None]
    assert [LAYER_NAMES[layer] for layer in LAYERS] == ["行政调解", "行业调解", "人民调解", "诉前调解", "诉讼调解"]


def test_L_an_unknown_layer_or_source_cannot_be_opened(app):
    with pytest.raises(InvalidCommand) as refused:
        opened(app, layer="village")
    assert set(refused.value.errors) == {"layer"}
    with pytest.raises(InvalidCommand) as refused:
        opened(app, summary="   ")
    assert set(refused.value.errors) == {"summary"}


def test_C26_a_failed_layer_escalates_to_the_next_with_its_history_carried_along(app):
    mediation_id = opened(app, layer="administrative")
    consented(app, mediation_id)
    app.assign_mediator(mediation_id, "med-etkqq-04", at(2026, 11, 3))
    app.hold_session(mediation_id, date(2026, 11, 5), ["巴特尔", "乌云其其格"], "各执一词")
    mediation = app.fail(mediation_id, "双方分歧较大", at(2026, 11, 10))

    assert (mediation.layer, mediation.status) == ("industry", "awaiting_consent")
    first, second = mediation.layers
    assert first == {"layer": "administrative", "entered_at": at(2026, 11, 2), "deadline": None, "outcome": "failed",
                     "reason": "双方分歧较大", "left_at": at(2026, 11, 10)}
    assert second == {"layer": "industry", "entered_at": at(2026, 11, 10), "deadline": None, "outcome": None}
    # Everything so far stays on the record: the mediator and the session at the layer before.
    assert [(m["id"], m["layer"]) for m in mediation.mediators] == [("med-etkqq-04", "administrative")]
    assert [s["layer"] for s in mediation.sessions] == ["administrative"]
    escalated = [e for e in published(app) if e["type"] == "mediation.escalated"]
    assert [(e["data"]["from_layer"], e["data"]["to_layer"]) for e in escalated] == [("administrative", "industry")]


def test_C26_failure_at_the_last_layer_ends_it_and_the_notice_names_the_legal_routes(app):
    mediation_id = opened(app, layer="administrative")
    for day, layer in enumerate(LAYERS, start=10):
        mediation = consented(app, mediation_id, at(2026, 11, day))
        assert mediation.layer == layer
        mediation = app.fail(mediation_id, f"{LAYER_NAMES[layer]}未果", at(2026, 11, day, 16))

    assert mediation.status == "ended"
    assert mediation.ended == {"reason": "failed", "at": at(2026, 11, 14, 16), "layer": "litigation"}
    assert [(x["layer"], x["outcome"]) for x in mediation.layers] == [(layer, "failed") for layer in LAYERS]
    ended = notice(app, mediation_id, "mediation_ended")
    assert ended["title"] == "调解终结告知书"
    text = text_of(ended)
    assert "经行政调解、行业调解、人民调解、诉前调解、诉讼调解，各方未能达成调解协议" in text
    assert all(route in text for route in LEGAL_ROUTES) and "第二十六条" in text
    assert [e["data"]["reason"] for e in published(app) if e["type"] == "mediation.ended"] == ["failed"]
    with pytest.raises(MediationClosed):
        app.fail(mediation_id, "再试一次", at(2026, 11, 20))


def test_C26_a_failure_is_recorded_with_its_reason(app):
    mediation_id = opened(app)
    with pytest.raises(InvalidCommand) as refused:
        app.fail(mediation_id, "  ", at(2026, 11, 10))
    assert set(refused.value.errors) == {"reason"}


# -- C3, C17: voluntary — every party consents at each layer; one refusal ends it ---------------

def test_C3_mediation_begins_only_once_every_party_has_consented(app):
    mediation_id = opened(app)
    mediation = app.record_consent(mediation_id, 0, True, at(2026, 11, 3))
    assert (mediation.status, mediation.consents) == ("awaiting_consent", {0: True})
    with pytest.raises(Conflict, match="every party has consented"):
        app.hold_session(mediation_id, date(2026, 11, 4), ["巴特尔"], "")
    with pytest.raises(Conflict, match="consent"):
        app.reach_agreement(mediation_id, FACTS, DISPUTES, TERMS, SIGNATURES, at(2026, 11, 4))
    mediation = app.record_consent(mediation_id, 1, True, at(2026, 11, 3))
    assert mediation.status == "in_mediation"


def test_C3_mediation_needs_at_least_two_parties(app):
    mediation_id = opened(app, parties=PARTIES[:1])
    mediation = app.record_consent(mediation_id, 0, True, at(2026, 11, 3))
    assert mediation.status == "awaiting_consent"  # one party alone has no dispute to mediate
    mediation = app.add_party(mediation_id, {"name": "苏和", "role": "respondent"})
    assert mediation.status == "awaiting_consent"
    mediation = app.record_consent(mediation_id, 1, True, at(2026, 11, 4))
    assert mediation.status == "in_mediation"


def test_C3_a_party_added_later_must_consent_too(app):
    mediation_id = opened(app)
    consented(app, mediation_id)
    mediation = app.add_party(mediation_id, {"name": "苏和", "role": "other"})
    assert mediation.status == "awaiting_consent"
    assert app.record_consent(mediation_id, 2, True, at(2026, 11, 4)).status == "in_mediation"


def test_C3_consent_is_asked_again_at_every_layer(app):
    mediation_id = opened(app, layer="industry")
    consented(app, mediation_id)
    mediation = app.fail(mediation_id, "行业调解未果", at(2026, 11, 10))
    assert (mediation.layer, mediation.consents, mediation.status) == ("people", {}, "awaiting_consent")
    with pytest.raises(Conflict):
        app.hold_session(mediation_id, date(2026, 11, 11), ["巴特尔"], "")
    assert consented(app, mediation_id, at(2026, 11, 11)).status == "in_mediation"


def test_C3_each_party_answers_once_per_layer_and_only_parties_answer(app):
    mediation_id = opened(app)
    app.record_consent(mediation_id, 0, True, at(2026, 11, 3))
    with pytest.raises(Conflict, match="already answered"):
        app.record_consent(mediation_id, 0, False, at(2026, 11, 3))
    with pytest.raises(InvalidCommand) as refused:
        app.record_consent(mediation_id, 2, True, at(2026, 11, 3))
    assert set(refused.value.errors) == {"party"}


def test_C17_one_party_refusing_ends_the_mediation_with_the_legal_routes_told(app):
    mediation_id = opened(app, layer="pre_litigation")
    app.record_consent(mediation_id, 0, True, at(2026, 11, 3))
    mediation = app.record_consent(mediation_id, 1, False, at(2026, 11, 4))

    assert mediation.status == "ended"
    assert mediation.ended == {"reason": "refused", "party": 1, "at": at(2026, 11, 4), "layer": "pre_litigation"}
    assert mediation.layers[-1]["outcome"] == "refused"
    ended = notice(app, mediation_id, "mediation_ended")
    text = text_of(ended)
    assert "经诉前调解征询，当事人不同意调解，调解终结" in text and "草牧场边界纠纷" in text
    assert all(route in text for route in LEGAL_ROUTES)
    assert (ended["issued_on"], ended["issued_by"]) == ("2026-11-04", "鄂托克前旗上海庙镇人民调解委员会")
    for later in (lambda: app.record_consent(mediation_id, 0, True, at(2026, 11, 5)),
                  lambda: app.fail(mediation_id, "未果", at(2026, 11, 5)),
                  lambda: app.add_party(mediation_id, {"name": "苏和"}),
                  lambda: app.assign_mediator(mediation_id, "med-etkqq-02", at(2026, 11, 5))):
        with pytest.raises(MediationClosed, match="ended"):
            later()
    with pytest.raises(Conflict, match="over"):
        app.hold_session(mediation_id, date(2026, 11, 5), ["巴特尔"], "")
    # What goes on the bus says it ended and why, and names no one.
    wire = published(app)
    assert [(e["type"], e["data"]["reason"]) for e in wire if e["type"] == "mediation.ended"] == [
        ("mediation.ended", "refused")]
    for secret in ("巴特尔", "乌云其其格", "13800001111", "草牧场边界纠纷"):
        assert secret not in json.dumps(wire, ensure_ascii=False)


def test_C17_refusing_before_anyone_consented_ends_it_too(app):
    mediation_id = opened(app)
    assert app.record_consent(mediation_id, 0, False, at(2026, 11, 3)).status == "ended"


# -- [L] the expert pool -------------------------------------------------------------------------

def test_L_mediators_come_from_the_expert_pool_only(app):
    mediation_id = opened(app)
    with pytest.raises(InvalidCommand) as refused:
        app.assign_mediator(mediation_id, "med-nobody-99", at(2026, 11, 3))
    assert set(refused.value.errors) == {"mediator"}
    mediation = app.assign_mediator(mediation_id, "med-etkqq-01", at(2026, 11, 3))
    assert mediation.mediators == [{"id": "med-etkqq-01", "name": "额尔敦", "kind": "people_mediator",
                                    "layer": "people", "at": at(2026, 11, 3)}]
    with pytest.raises(Conflict, match="already mediates"):
        app.assign_mediator(mediation_id, "med-etkqq-01", at(2026, 11, 3))
    # At the next layer the same mediator may take it up again.
    app.fail(mediation_id, "人民调解未果", at(2026, 11, 10))
    mediation = app.assign_mediator(mediation_id, "med-etkqq-02", at(2026, 11, 11))
    assert [(m["id"], m["layer"]) for m in mediation.mediators] == [("med-etkqq-01", "people"),
                                                                    ("med-etkqq-02", "pre_litigation")]


@pytest.mark.parametrize("layer, region, category, expected", [
    # Both local people's mediators know grassland disputes; the id breaks the tie.
    ("people", REGION, "land_grassland_rights", ["med-etkqq-01", "med-etkqq-02"]),
    # At pre-litigation, the labour specialist before the retired judge who is not one.
    ("pre_litigation", "150623", "labour_dispute", ["med-etkqq-03", "med-etkqq-02"]),
    # A city's mediator serves its counties; the nearest region comes first.
    ("pre_litigation", "530302", "labour_dispute", ["med-qujing-01"]),
    ("people", "530302", "neighbourhood_dispute", ["med-qujing-02"]),
    ("industry", "110115", "medical_health", ["med-daxing-02", "med-daxing-01"]),
    ("litigation", "150623", "land_grassland_rights", []),  # nobody in the pool mediates in court here
])
def test_L_mediators_are_suggested_by_layer_region_and_speciality(app, layer, region, category, expected):
    mediation_id = opened(app, layer=layer, region_code=region, category=category)
    assert [m["id"] for m in app.suggest_mediators(mediation_id)] == expected


def test_L_mediators_of_the_pool_are_suggested_with_the_nearest_first():
    pool = MediatorPool([
        {"id": "city", "name": "市", "kind": "lawyer", "region_code": "150600", "layers": ["people"], "specialities": []},
        {"id": "county", "name": "县", "kind": "lawyer", "region_code": "150623", "layers": ["people"],
         "specialities": []},
        {"id": "other-county", "name": "他县", "kind": "lawyer", "region_code": "150624", "layers": ["people"],
         "specialities": []}])
    assert [m["id"] for m in pool.suggest("people", "x", "150623101")] == ["county", "city"]


@pytest.mark.parametrize("mediator_region, dispute_region", [
    ("310110", "310112"),        # 杨浦区, its code ending in 0, does not cover 闵行区
    ("150623100", "150623101"),  # nor does one town cover the next
])
def test_L_a_division_whose_code_ends_in_zero_serves_only_its_own_area(mediator_region, dispute_region):
    pool = MediatorPool([
        {"id": "next-door", "name": "邻区", "kind": "lawyer", "region_code": mediator_region, "layers": ["people"],
         "specialities": []},
        {"id": "province", "name": "省", "kind": "lawyer", "region_code": dispute_region[:2] + "0000",
         "layers": ["people"], "specialities": []}])
    assert [m["id"] for m in pool.suggest("people", "x", dispute_region)] == ["province"]
    assert [m["id"] for m in pool.suggest("people", "x", mediator_region)] == ["next-door", "province"]


# -- sessions and the hearing record -----------------------------------------------------------

def test_L_a_session_records_who_attended_at_which_layer(app):
    mediation_id = opened(app)
    consented(app, mediation_id)
    with pytest.raises(InvalidCommand) as refused:
        app.hold_session(mediation_id, date(2026, 11, 5), [], "")
    assert set(refused.value.errors) == {"attendees"}
    mediation = app.hold_session(mediation_id, date(2026, 11, 5), ["巴特尔", "乌云其其格"], "  实地查看界桩  ")
    assert mediation.sessions == [{"held_on": date(2026, 11, 5), "attendees": ["巴特尔", "乌云其其格"],
                                   "notes": "实地查看界桩", "layer": "people"}]


def test_L_a_hearing_is_recorded_with_its_panel_and_findings(app):
    mediation_id = opened(app)
    with pytest.raises(InvalidCommand) as refused:
        app.hold_hearing(mediation_id, [], date(2026, 11, 6), ["巴特尔"], " ")
    assert set(refused.value.errors) == {"panel", "findings"}
    mediation = app.hold_hearing(mediation_id, ["人大代表某", "律师某"], date(2026, 11, 6), ["巴特尔", "乌云其其格"],
                                 " 界桩确有移位。 ")
    assert mediation.hearings == [{"panel": ["人大代表某", "律师某"], "held_on": date(2026, 11, 6),
                                   "participants": ["巴特尔", "乌云其其格"], "findings": "界桩确有移位。",
                                   "layer": "people"}]
    assert [e["data"]["held_on"] for e in published(app) if e["type"] == "mediation.hearing_held"] == ["2026-11-06"]


def test_L_no_hearing_is_held_once_the_mediation_is_over(app):
    mediation_id = opened(app)
    app.record_consent(mediation_id, 0, False, at(2026, 11, 3))
    with pytest.raises(MediationClosed):
        app.hold_hearing(mediation_id, ["律师某"], date(2026, 11, 6), ["巴特尔"], "界桩确有移位。")


# -- C28–C30: the agreement --------------------------------------------------------------------

@pytest.mark.parametrize("facts, disputes, terms, field", [
    (" ", DISPUTES, TERMS, "facts"),
    (FACTS, "", TERMS, "disputes"),
    (FACTS, DISPUTES, [], "terms"),
    (FACTS, DISPUTES, [{**TERMS[0], "manner": " "}], "terms"),
    (FACTS, DISPUTES, [TERMS[0], {"content": "赔偿损失", "manner": "现金"}], "terms"),  # no time of performance
])
def test_C28_the_agreement_states_facts_disputes_and_terms_with_manner_and_time(app, facts, disputes, terms, field):
    mediation_id = opened(app)
    consented(app, mediation_id)
    with pytest.raises(InvalidCommand) as refused:
        app.reach_agreement(mediation_id, facts, disputes, terms, SIGNATURES, at(2026, 11, 4))
    assert field in refused.value.errors
    assert app.get_mediation(mediation_id).agreement is None


@pytest.mark.parametrize("signatures, message", [
    (SIGNATURES[1:], "party 0 has not"),
    ([SIGNATURES[0], {**SIGNATURES[1], "name": " "}, SIGNATURES[2]], "party 1 has not"),
    (SIGNATURES[:2], "the mediator signs too"),
    ([*SIGNATURES, {"role": "party", "party": 5, "name": "路人"}], "no party 5 in this mediation"),
])
def test_C29_the_agreement_takes_effect_once_every_party_and_the_mediator_have_signed(app, signatures, message):
    mediation_id = opened(app)
    consented(app, mediation_id)
    with pytest.raises(InvalidCommand) as refused:
        app.reach_agreement(mediation_id, FACTS, DISPUTES, TERMS, signatures, at(2026, 11, 4))
    assert message in refused.value.errors["signatures"][0]


def test_C29_a_signed_agreement_ends_the_mediation_at_its_layer(app):
    mediation_id = agreed(app, signed_at=at(2026, 11, 4, 23, 30))
    mediation = app.get_mediation(mediation_id)
    assert (mediation.status, mediation.layers[-1]["outcome"]) == ("agreed", "agreed")
    assert mediation.agreement["effective_on"] == date(2026, 11, 4)
    assert mediation.agreement["confirm_by"] == date(2026, 12, 4)
    with pytest.raises(MediationClosed, match="reached agreement"):
        app.fail(mediation_id, "反悔", at(2026, 11, 5))
    with pytest.raises(Conflict, match="over"):
        app.reach_agreement(mediation_id, FACTS, DISPUTES, TERMS, SIGNATURES, at(2026, 11, 5))


def test_C28_the_agreement_document_names_the_parties_terms_and_the_confirmation_window(app):
    mediation_id = agreed(app, signed_at=at(2026, 11, 4))
    document = notice(app, mediation_id, "agreement")
    assert document["title"] == "人民调解协议书"
    text = text_of(document)
    for part in ("当事人：巴特尔；乌云其其格", f"纠纷事实：{FACTS}", f"争议事项：{DISPUTES}",
                 "第1条　以2019年确权图为准重新埋设界桩（履行方式：双方到场共同埋设，嘎查委员会见证；履行期限：2026年12月31日前）",
                 "具有法律约束力", f"30日内（至{chinese_date(date(2026, 12, 4))}）共同向人民法院申请司法确认", "第三十三条",
                 "签名：巴特尔、乌云其其格、额尔敦", "鄂托克前旗上海庙镇人民调解委员会"):
        assert part in text, part
    assert [n["kind"] for n in app.notices(mediation_id)] == ["agreement"]  # no 告知书 on agreement


# -- C33: judicial confirmation within 30 days; D205: the court's decision --------------------

def test_C33_confirmation_applied_within_30_days_of_the_agreement(app):
    mediation_id = agreed(app, signed_at=at(2026, 11, 4))
    mediation = app.apply_for_confirmation(mediation_id, [1, 0], at(2026, 12, 4, 17))
    assert (mediation.confirmation["applied_at"], mediation.confirmation["applicants"]) == (at(2026, 12, 4, 17), [0, 1])
    assert mediation.confirmation["confirmed"] is None
    with pytest.raises(Conflict, match="already been applied"):
        app.apply_for_confirmation(mediation_id, [0, 1], at(2026, 12, 4, 17))


def test_D205_the_court_decides_within_30_days_of_the_application_counted_with_the_rest_day_rule(app):
    # Applied on 4 December 2026: day 30 is Sunday 3 January 2027, so the court has until Monday.
    mediation_id = agreed(app, signed_at=at(2026, 11, 4))
    mediation = app.apply_for_confirmation(mediation_id, [0, 1], at(2026, 12, 4, 17))
    assert mediation.confirmation["decide_by"] == date(2027, 1, 4) == CALENDAR.calendar_deadline(date(2026, 12, 4), 30)
    assert [e["data"]["decide_by"] for e in published(app) if e["type"] == "mediation.confirmation_applied"] == [
        "2027-01-04"]


@pytest.mark.parametrize("signed_on, last_day", [
    (date(2026, 11, 6), date(2026, 12, 7)),  # day 30 is Sunday 6 December: the window runs to Monday
    (date(2026, 9, 5), date(2026, 10, 8)),   # day 30 is 5 October, in the National Day holiday
])
def test_C33_a_window_ending_on_a_rest_day_runs_to_the_next_working_day(app, signed_on, last_day):
    assert signed_on + timedelta(days=CONFIRMATION_WINDOW_DAYS) < last_day
    signed_at = datetime.combine(signed_on, datetime.min.time().replace(hour=15), BEIJING)
    on_time, late = agreed(app, signed_at=signed_at), agreed(app, signed_at=signed_at)
    assert app.get_mediation(on_time).agreement["confirm_by"] == last_day

    applied = datetime.combine(last_day, datetime.min.time().replace(hour=23, minute=30), BEIJING)
    assert app.apply_for_confirmation(on_time, [0, 1], applied).confirmation["applicants"] == [0, 1]
    with pytest.raises(Conflict) as refused:
        app.apply_for_confirmation(late, [0, 1], applied + timedelta(hours=1))  # the next day in Beijing
    assert f"ended on {last_day.isoformat()}" in str(refused.value)
    assert "第三十三条" in str(refused.value)
    assert app.get_mediation(late).confirmation is None


def test_C33_the_parties_apply_together(app):
    mediation_id = agreed(app)
    with pytest.raises(InvalidCommand) as refused:
        app.apply_for_confirmation(mediation_id, [0], at(2026, 11, 10))
    assert refused.value.errors == {"applicants": ["party 1 has not applied"]}


def test_C33_only_the_parties_apply(app):
    mediation_id = agreed(app)
    with pytest.raises(InvalidCommand) as refused:
        app.apply_for_confirmation(mediation_id, [0, 1, 7], at(2026, 11, 10))
    assert refused.value.errors == {"applicants": ["no party 7"]}
    assert app.get_mediation(mediation_id).confirmation is None


def test_C33_there_is_no_confirmation_without_an_agreement(app):
    mediation_id = opened(app)
    consented(app, mediation_id)
    with pytest.raises(Conflict, match="there is none"):
        app.apply_for_confirmation(mediation_id, [0, 1], at(2026, 11, 10))
    with pytest.raises(Conflict, match="no agreement"):
        app.decide_confirmation(mediation_id, True, at(2026, 11, 20))


def test_D205_the_courts_decision_is_recorded_once_and_never_contradicted(app):
    mediation_id = agreed(app)
    app.apply_for_confirmation(mediation_id, [0, 1], at(2026, 11, 10))
    mediation = app.decide_confirmation(mediation_id, True, at(2026, 11, 20), court_ref="(2026)内0623民特1号")
    assert mediation.confirmation["confirmed"] is True
    assert mediation.confirmation["court_ref"] == "(2026)内0623民特1号"
    events = len(app.history(mediation_id))

    again = app.decide_confirmation(mediation_id, True, at(2026, 11, 21))
    assert len(app.history(mediation_id)) == events  # the same decision again: nothing new
    assert again.confirmation["decided_at"] == at(2026, 11, 20)
    with pytest.raises(Conflict, match="recorded differently"):
        app.decide_confirmation(mediation_id, False, at(2026, 11, 21))
    decided = [e["data"] for e in published(app) if e["type"] == "mediation.confirmation_decided"]
    assert [(d["confirmed"], d["decided_at"]) for d in decided] == [(True, at(2026, 11, 20).isoformat())]


# -- [L] a court-referred pre-litigation mediation lasts 30 days -------------------------------

def test_L_court_referred_pre_litigation_mediation_lasts_30_days(app):
    assert LAYER_LIMIT_DAYS == {"pre_litigation": 30}
    plain = app.get_mediation(opened(app, layer="pre_litigation", opened_at=at(2026, 11, 4)))
    assert plain.deadline == date(2026, 12, 4)
    # Referred on 20 November: day 30 is Sunday 20 December, so the 30 days run to Monday.
    weekend = app.get_mediation(opened(app, layer="pre_litigation", opened_at=at(2026, 11, 20)))
    assert weekend.deadline == date(2026, 12, 21) == CALENDAR.calendar_deadline(date(2026, 11, 20), 30)
    assert weekend.layers[0]["deadline"] == date(2026, 12, 21)
    # Counted in Beijing: 23:30 UTC on 3 November is already the 4th there.
    utc_late = app.get_mediation(opened(app, layer="pre_litigation",
                                        opened_at=datetime.fromisoformat("2026-11-03T16:30:00+00:00")))
    assert utc_late.deadline == date(2026, 12, 4)
    assert app.get_mediation(opened(app, layer="people")).deadline is None


def test_L_escalating_into_pre_litigation_starts_its_30_days_and_litigation_has_none(app):
    mediation_id = opened(app, layer="people")
    mediation = app.fail(mediation_id, "人民调解未果", at(2026, 11, 20))
    assert (mediation.layer, mediation.deadline) == ("pre_litigation", date(2026, 12, 21))
    assert mediation.layers[-1]["deadline"] == date(2026, 12, 21)
    mediation = app.fail(mediation_id, "诉前调解未果", at(2026, 12, 21))
    assert (mediation.layer, mediation.deadline) == ("litigation", None)


# -- openings from the agencies' exchanges (CONTRACTS.md §1) -----------------------------------

def cloud_event(type_, id_, source, **data) -> dict:
    return {"specversion": "1.0", "id": id_, "source": source, "type": type_, "time": WHEN,
            "datacontenttype": "application/json", "data": data}


def alert_transferred(n=1, **data):
    return cloud_event("alert.transferred", f"JJ-2026-{n:04d}", "urn:cn:110:150623", **{
        "alert_no": f"JJ-2026-{n:04d}", "received_at": WHEN, "region_code": REGION, "category": "邻里纠纷",
        "summary": "两户因排水沟走向发生争执，民警现场劝离后移交调解",
        "parties": [{"name": "当事人甲", "phone": "13800005678"}, {"name": "当事人乙"}, {"phone": "13900000000"}],
        **data})


def mediation_referred(n=1, **data):
    return cloud_event("mediation.referred", f"(2026)内0623民诉前调{n}号", "urn:cn:court:150623", **{
        "case_no": f"(2026)内0623民诉前调{n}号", "referred_at": WHEN, "region_code": "150623",
        "summary": "买卖合同纠纷，立案前委派调解", "parties": [{"name": "原告某"}, {"name": "被告某", "phone": "0477-1234567"}],
        **data})


def confirmation_decided(mediation_id, confirmed=True, n=1):
    return cloud_event("judicial_confirmation.decided", f"JC-2026-{n}", "urn:cn:court:150623",
                       mediation_id=str(mediation_id), confirmed=confirmed, decided_at=WHEN)


def received(exchange: str, ce: dict) -> tuple[str, dict]:
    """What the inbound consumer hands the application: the sender and the validated event, from bytes."""
    body = json.dumps(ce, ensure_ascii=False).encode()
    return parse_agency_message(exchange, ce["type"], body, "application/cloudevents+json")


def test_L_a_110_dispute_opens_a_peoples_mediation_once_with_its_parties(app):
    ce = alert_transferred()
    sender, event = received("police110.events", ce)
    assert sender == "police110"
    mediation = app.receive_inbound(sender, event)
    assert mediation.id == mediation_id_for("urn:cn:110:150623", "JJ-2026-0001")
    assert (mediation.source, mediation.source_ref, mediation.layer, mediation.status) == (
        "police110", "JJ-2026-0001", "people", "awaiting_consent")
    assert (mediation.region_code, mediation.category, mediation.deadline) == (REGION, "neighbourhood_dispute", None)
    assert mediation.opened_at == at(2026, 11, 20, 9, 30)
    # The parties are kept whole here (intake's copy is masked); a party without a name is not one.
    assert mediation.parties == [{"name": "当事人甲", "phone": "13800005678", "id_number": None, "role": "other"},
                                 {"name": "当事人乙", "phone": None, "id_number": None, "role": "other"}]

    assert app.receive_inbound(*received("police110.events", ce)) is None  # delivered again
    assert app.receive_inbound(*received("police110.events", {**ce, "time": "2026-11-21T08:00:00+08:00"})) is None
    assert len(app.history(mediation.id)) == 1
    assert app.get_mediation(mediation.id).parties == mediation.parties
    assert [e["type"] for e in published(app)] == ["mediation.opened"]
    assert published(app)[0]["data"]["source"] == "police110"


def test_L_a_court_referral_opens_a_pre_litigation_mediation_once_with_its_30_days(app):
    first, second = received("court.events", mediation_referred()), received("court.events", mediation_referred())
    mediation = app.receive_inbound(*first)
    assert mediation.id == mediation_id_for("urn:cn:court:150623", "(2026)内0623民诉前调1号")
    assert (mediation.source, mediation.source_ref, mediation.layer) == (
        "court", "(2026)内0623民诉前调1号", "pre_litigation")
    assert mediation.deadline == date(2026, 12, 21)  # referred 20 Nov; day 30 a Sunday
    assert mediation.category == "other"  # a referral carries no category
    assert [p["name"] for p in mediation.parties] == ["原告某", "被告某"]
    assert mediation.parties[1]["phone"] == "0477-1234567"

    assert app.receive_inbound(*second) is None
    assert len(app.history(mediation.id)) == 1
    # Another referral is another mediation.
    other = app.receive_inbound(*received("court.events", mediation_referred(2)))
    assert other.id != mediation.id
    assert set(AGENCY_OPENINGS) == {("police110", "alert.transferred"), ("court", "mediation.referred")}


def test_L_agency_openings_in_one_batch_each_open_once(app):
    items = [received("police110.events", alert_transferred(7)), received("court.events", mediation_referred(7))]
    app.receive_inbound_batch(items + items)
    ids = [mediation_id_for("urn:cn:110:150623", "JJ-2026-0007"),
           mediation_id_for("urn:cn:court:150623", "(2026)内0623民诉前调7号")]
    assert [app.get_mediation(i).layer for i in ids] == ["people", "pre_litigation"]
    assert [e["type"] for e in published(app)] == ["mediation.opened", "mediation.opened"]


def test_D205_the_courts_decision_from_its_exchange_is_recorded_on_the_agreed_mediation(app):
    mediation_id = agreed(app)
    app.apply_for_confirmation(mediation_id, [0, 1], at(2026, 11, 10))
    mediation = app.receive_inbound(*received("court.events", confirmation_decided(mediation_id)))
    assert mediation.confirmation["confirmed"] is True
    assert (mediation.confirmation["court_ref"], mediation.confirmation["decided_at"]) == (
        "JC-2026-1", at(2026, 11, 20, 9, 30))
    events = len(app.history(mediation_id))
    app.receive_inbound(*received("court.events", confirmation_decided(mediation_id)))  # redelivered
    assert len(app.history(mediation_id)) == events
    with pytest.raises(Rejected) as refused:
        app.receive_inbound(*received("court.events", confirmation_decided(mediation_id, confirmed=False, n=2)))
    assert refused.value.reason == "refused"
    assert "recorded differently" in refused.value.errors["data.mediation_id"][0]


def test_D205_a_decision_for_an_unknown_mediation_is_rejected_not_retried(app):
    unknown = uuid4()
    with pytest.raises(Rejected) as refused:
        app.receive_inbound(*received("court.events", confirmation_decided(unknown)))
    assert refused.value.reason == "refused"
    assert str(unknown) in refused.value.errors["data.mediation_id"][0]
    with pytest.raises(MediationNotFound):
        app.get_mediation(unknown)


def test_D205_a_decision_for_a_mediation_without_agreement_is_rejected(app):
    mediation_id = opened(app)
    with pytest.raises(Rejected) as refused:
        app.receive_inbound(*received("court.events", confirmation_decided(mediation_id)))
    assert "no agreement" in refused.value.errors["data.mediation_id"][0]


def test_a_rejected_court_decision_is_kept_as_a_dead_letter_once(app):
    body = json.dumps(confirmation_decided(uuid4())).encode()
    first = app.record_dead_letter("court.events", "judicial_confirmation.decided", "application/json", body,
                                   "refused", {"data.mediation_id": ["no mediation"]})
    again = app.record_dead_letter("court.events", "judicial_confirmation.decided", "application/json", body,
                                   "refused", {"data.mediation_id": ["no mediation"]})
    assert first.id == again.id
    letters, _ = app.dead_letters()
    assert [(letter.reason, letter.exchange) for letter in letters] == [("refused", "court.events")]


# -- openings from intake's and dispatch's events (the follower's policy) -----------------------

def intake_envelope(position, petition_id, decision="diverted", route="mediation", **data):
    return make_envelope("intake", position, position - 1, "petition.acceptance_decided", at(2026, 11, 5),
                         str(petition_id), {
                             "petition_id": str(petition_id), "decision": decision, "route": route,
                             "decided_at": at(2026, 11, 5).isoformat(), "timely": True, "region_code": REGION,
                             "category": "land_grassland_rights", "matter_type": "complaint", "ground": None,
                             "dispatch_mode": None, "accused_unit": None, "dispatch_deadline": "2026-11-17", **data})


def dispatch_envelope(position, petition_id, layer="administrative"):
    assignment_id = assignment_id_for(petition_id)
    return make_envelope("dispatch", position, position - 1, "assignment.mediation_requested", at(2026, 11, 12),
                         str(assignment_id), {
                             "assignment_id": str(assignment_id), "petition_id": str(petition_id), "layer": layer,
                             "requested_at": at(2026, 11, 12).isoformat(), "region_code": REGION,
                             "category": "land_grassland_rights"}, actor="承办人某")


def test_L_a_petition_diverted_to_mediation_opens_one_peoples_mediation(app):
    petition_id = uuid4()
    assert app.process("intake", intake_envelope(1, petition_id)) is True
    mediation = app.get_mediation(mediation_id_for("petition", str(petition_id)))
    assert (mediation.source, mediation.source_ref, mediation.petition_id, mediation.layer) == (
        "petition", str(petition_id), petition_id, "people")
    assert (mediation.region_code, mediation.category, mediation.opened_at) == (
        REGION, "land_grassland_rights", at(2026, 11, 5))
    assert mediation.parties == []  # intake's event names no one: the committee takes the parties down
    assert app.tracked_position("intake") == 1

    # The same diversion again (a redelivery the follower did not catch) opens nothing more.
    assert app.process("intake", intake_envelope(2, petition_id)) is False
    assert len(app.history(mediation.id)) == 1
    assert published(app)[0]["data"]["petition_id"] == str(petition_id)


@pytest.mark.parametrize("decision, route", [("accepted", None), ("diverted", "litigation"), ("not_accepted", None)])
def test_L_only_a_diversion_to_mediation_opens_one(app, decision, route):
    assert app.process("intake", intake_envelope(1, uuid4(), decision=decision, route=route)) is False
    assert published(app) == []


def test_L_a_handling_unit_asking_for_mediation_opens_one_at_the_layer_asked(app):
    petition_id = uuid4()
    assert app.process("dispatch", dispatch_envelope(1, petition_id, layer="administrative")) is True
    mediation = app.get_mediation(mediation_id_for("petition", str(petition_id)))
    assert (mediation.source, mediation.layer, mediation.petition_id) == ("assignment", "administrative", petition_id)
    assert mediation.opened_at == at(2026, 11, 12)
    assert app.process("dispatch", dispatch_envelope(2, petition_id)) is False
    assert len(app.history(mediation.id)) == 1


def test_L_one_mediation_per_petition_whichever_asks_first(app):
    petition_id = uuid4()
    app.process("intake", intake_envelope(1, petition_id))
    assert app.process("dispatch", dispatch_envelope(1, petition_id, layer="pre_litigation")) is False
    assert app.get_mediation(mediation_id_for("petition", str(petition_id))).layer == "people"


def test_L_a_mediation_asked_for_at_an_unknown_layer_is_refused(app):
    # Dispatch checks the layer it is asked for; should an event carry one mediation does not
    # know all the same, no mediation is opened (the follower parks the event).
    with pytest.raises(InvalidCommand) as refused:
        app.process("dispatch", dispatch_envelope(1, uuid4(), layer="village"))
    assert set(refused.value.errors) == {"layer"}


def test_L_the_openings_read_what_intake_and_dispatch_really_publish(app):
    """The contract end to end in memory: intake's and dispatch's own translators make the envelopes."""
    clock = FixedClock(at(2026, 11, 20))
    intake = IntakeApplication(ENV, pseudonym_key=b"k", clock=clock, calendar=CALENDAR)
    diverted, accepted = uuid4(), uuid4()
    for petition_id, n in ((diverted, 1), (accepted, 2)):
        intake.register(petition_id, **{**petition(n), "received_at": at(2026, 11, 2)})
    intake.decide_acceptance(diverted, "diverted", "属民间纠纷，引导人民调解", "mediation", at(2026, 11, 5))
    intake.decide_acceptance(accepted, "accepted", "属本机关受理范围", None, at(2026, 11, 5))
    from_intake = NotificationFeed("intake", intake, intake_translate).read(0, 1000)[0]

    dispatch = DispatchApplication(ENV, routing=RoutingTable.from_reference(REFERENCE), clock=clock,
                                   calendar=CALENDAR, policy=HandlingPolicy(pre_review=False))
    for envelope in from_intake:
        dispatch.process("intake", envelope)
    assignment = dispatch.get_assignment(assignment_id_for(accepted))
    dispatch.sign(assignment.id, assignment.unit_id, at(2026, 11, 9))
    with pytest.raises(InvalidCommand) as refused:
        dispatch.request_mediation(assignment.id, "village", "村里调解", at(2026, 11, 12))
    assert set(refused.value.errors) == {"layer"}  # dispatch asks only for a layer mediation has
    with acting_as("承办人某"):
        dispatch.request_mediation(assignment.id, "administrative", "土地权属争议，先行政调处", at(2026, 11, 12))
    from_dispatch = NotificationFeed("dispatch", dispatch, dispatch_translate).read(0, 1000)[0]

    for source, envelopes in (("intake", from_intake), ("dispatch", from_dispatch)):
        for envelope in envelopes + envelopes:  # every one delivered twice
            if envelope["position"] > app.tracked_position(source):
                app.process(source, envelope)
    by_petition = {m: app.get_mediation(mediation_id_for("petition", str(m))) for m in (diverted, accepted)}
    assert (by_petition[diverted].source, by_petition[diverted].layer) == ("petition", "people")
    assert (by_petition[accepted].source, by_petition[accepted].layer) == ("assignment", "administrative")
    assert by_petition[accepted].region_code == assignment.region_code
    assert [e["type"] for e in published(app)] == ["mediation.opened", "mediation.opened"]


# -- every event says who did it --------------------------------------------------------------

def test_every_event_records_who_did_it(app):
    with acting_as("调解员额尔敦"):
        mediation_id = opened(app)
        consented(app, mediation_id)
        app.assign_mediator(mediation_id, "med-etkqq-01", at(2026, 11, 3))
        app.hold_session(mediation_id, date(2026, 11, 4), ["巴特尔"], "")
        app.hold_hearing(mediation_id, ["律师某"], date(2026, 11, 4), ["巴特尔"], "属实")
        app.fail(mediation_id, "未果", at(2026, 11, 5))
        consented(app, mediation_id, at(2026, 11, 6))
        app.reach_agreement(mediation_id, FACTS, DISPUTES, TERMS, SIGNATURES, at(2026, 11, 7))
        app.apply_for_confirmation(mediation_id, [0, 1], at(2026, 11, 8))
    with acting_as("法官某"):
        app.decide_confirmation(mediation_id, True, at(2026, 11, 20))
    history = app.history(mediation_id)
    assert {type(e).__name__ for e in history} >= {"Opened", "Consented", "MediatorAssigned", "SessionHeld",
                                                   "HearingHeld", "Escalated", "Agreed", "ConfirmationApplied",
                                                   "ConfirmationDecided"}
    assert [e.actor for e in history] == ["调解员额尔敦"] * (len(history) - 1) + ["法官某"]

    refused = opened(app)
    with acting_as("调解员额尔敦"):
        app.record_consent(refused, 0, False, at(2026, 11, 3))
    assert [e.actor for e in app.history(refused)] == [SYSTEM, "调解员额尔敦"]

    # Openings caused by another system's event are the system's.
    from_110 = app.receive_inbound(*received("police110.events", alert_transferred(9)))
    petition_id = uuid4()
    app.process("dispatch", dispatch_envelope(1, petition_id))
    for mediation in (from_110.id, mediation_id_for("petition", str(petition_id))):
        assert [e.actor for e in app.history(mediation)] == [SYSTEM]
    assert {e["actor"] for e in published(app)} == {"调解员额尔敦", "法官某", SYSTEM}


def test_a_persons_read_of_a_mediation_or_its_notices_is_recorded_the_systems_is_not(app):
    # Decision 0023: the parties' names are shown, so each read by a person is on the audit trail.
    from shared.access import Principal, Role

    mediation_id = opened(app)
    app.read_mediation(mediation_id)  # the system's own read
    with acting_as(None, Principal("clerk-qian", Role.CLERK)):
        app.read_mediation(mediation_id)
        app.notices(mediation_id)
    envelopes, _ = NotificationFeed("mediation", app, translate).read(0, 100)
    reads = [(e["actor"], e["data"]["view"], e["data"]["mediation_id"]) for e in envelopes
             if e["type"] == "mediation.personal_data_read"]
    assert reads == [("clerk-qian", "mediation", str(mediation_id)), ("clerk-qian", "notices", str(mediation_id))]
