"""docs/asyncapi.yaml against what intake, dispatch, mediation, ownership and supervision really publish.

A whole petition's life runs in memory (no broker, no database), and intake receives one event of
each type other agencies send, each a real CloudEvents body run through `parse_inbound`; mediation
takes the disputes handed over to it and runs them to every outcome; ownership designates the
repeated matter a backlog case and takes it to resolution, and terminates another; supervision
watches every limit, issues each letter on its day and records answers, a manual supervision and a
listing: every envelope the five feeds give must match the message documented for its type, every
documented message of the five published channels must be sent, and no envelope may carry a
petitioner's, an agency's party's or a mediation party's personal data, nor free text. The inbound channels and the
dead-letter channel must document the queues and headers the code declares and sets.
"""
import copy
import json
import re
from datetime import datetime
from pathlib import Path
from uuid import uuid4

from datetime import timedelta

import pytest
import yaml
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from dispatch.application import DispatchApplication, assignment_id_for
from dispatch.published import translate as dispatch_translate
from dispatch.routing import RoutingTable
from intake.agency import agency_event_id, petition_id_for
from intake.application import IntakeApplication
from intake.published import translate as intake_translate
from mediation.application import MediationApplication, mediation_id_for
from mediation.pool import MediatorPool
from mediation.published import translate as mediation_translate
from ownership.application import OwnershipApplication
from ownership.domain import CHECKS, MEETINGS, case_id_for
from ownership.published import translate as ownership_translate
from shared.contracts.agency import MEDIATION_INBOUND
from shared.access import Principal, Role
from shared.actors import SYSTEM, acting_as
from shared.clock import BEIJING, FixedClock
from shared.contracts.agency import (AGENCY_BY_EXCHANGE, AGENCY_EXCHANGES, CONTENT_TYPES, DEAD_LETTER_REASONS,
                                     INBOUND_TYPES, JOINT_HANDLING_REPORTED, InboundRejected,
                                     parse_inbound)
from shared.envelope import source_service
from shared.errors import Rejected
from shared.feed import NotificationFeed
from shared.inbound import (DEAD_LETTER_QUEUE, DeadLetterPublisher, Delivery, InboundConsumer, dead_letter_exchange,
                            inbound_queue)
from shared.reference import load_reference
from shared.units import Unit, UnitDirectory
from shared.workdays import configured_calendar
from supervision.application import SupervisionApplication
from supervision.domain import LIMITS, supervision_id_for
from supervision.ladder import LETTERS, LadderPolicy
from supervision.published import translate as supervision_translate
from support import REPLY, id_number

DOC_PATH = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.yaml"
DOC_URI = "urn:xinfang:asyncapi-document"
ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=BEIJING)  # a Monday
PUBLISHED_CHANNELS = ("intake.events", "dispatch.events", "mediation.events", "ownership.events",
                      "supervision.events")

FIRST = {"name": "测试某某", "id_number": id_number("15062319800101001"), "phone": "13800000001"}
SECOND = {"name": "另一某某", "id_number": id_number("15062319900202002"), "phone": "13900000002"}
PETITION_TEXT = {"subject": "草牧场边界纠纷", "content": "与邻村就草牧场边界发生争议，请求依法确权。"}
# A group visit's representatives: others learn only how many there were.
REPRESENTATIVES = [{"name": "代表甲某", "id_number": id_number("15062319700303003"), "phone": "13600000003"},
                   {"name": "代表乙某", "id_number": id_number("15062319750404004"), "phone": "13600000004"}]
STAFF = "staff-0042"  # the user on whose behalf some commands run (the envelopes' `actor`)
ACCUSED = "etkqq-ziranziyuan"  # the unit an accusation names; it never handles it (A30)
CO_UNIT = "etkqq-nongmu"  # 协办单位 of the first assignment
REROUTED_TO = "etkqq-gongan"  # where an upheld objection moves the accusation
# 复核: the body above the county government; the reference data lists no Ordos city government.
RE_REVIEWER = "ordos-zhengfu"

# Dispatch's free text: reasons, comments and opinions stay inside dispatch.
DISPATCH_TEXT = {
    "objection_upheld": "该事项涉及自然资源执法，不属于本单位职责范围。",
    "objection_rejected": "房屋征收补偿事项属于本单位法定职责，异议不成立。",
    "upheld_comment": "经审核，异议成立，改由公安机关办理。",
    "rejected_comment": "经审核，异议理由不充分，仍由原单位办理。",
    "co_opinion": "农牧局意见：争议草场已纳入第二轮承包，建议以承包合同为准。",
    "pre_review_comments": "答复意见未写明法律依据条款，请补充后重新报送。",
    "extension_reason": "需要现场勘界",
    "waiver_reason": "法院答复不属于其职责范围",
    "review_reasons": "对处理意见不服，认为勘界结果不公。",
    "re_review_reasons": "对复查意见仍不服，请求复核。",
    "hearing_note": "听证会在上海庙镇召开，双方均到场陈述。",
    "mediation_reason": "草场边界争议双方均愿意调解，申请转人民调解。",
}
REVIEW_OPINION = {"findings": "复查查明，原处理意见认定事实清楚。", "result": "维持原处理意见。",
                  "legal_basis": "《信访工作条例》第三十五条", "remedy": "如不服，可于收到本意见书之日起30日内申请复核。"}
RE_REVIEW_OPINION = {"findings": "复核查明，复查意见程序合法。", "result": "维持复查意见，复核终结。",
                     "legal_basis": "《信访工作条例》第三十六条第二款", "remedy": "本意见为复核意见，同一事实和理由不再受理。"}

# One event of each type other agencies send, with people and free text that must stay in intake.
AGENCY_AT = "2026-11-02T08:15:00+08:00"
CALLER = {"name": "来电人某某", "phone": "13700001111"}
PARTIES = [{"name": "当事人甲某", "phone": "13700002222"}, {"name": "当事人乙某", "phone": "0531-88886666"}]
AGENCY_TEXT = {"title": "工地拖欠农民工工资", "content": "某工地拖欠工资三个月，请求协调解决。",
               "alert_summary": "邻里因排水沟发生争执，民警调解未果", "referral_summary": "买卖合同纠纷，诉前委派调解",
               "cause": "民间借贷纠纷"}
MEDIATION_ID = "3f2c1a5e-8d4b-4c1e-9a7f-0b6d2e4c8a91"

# Ownership: the leader is an official (id, name, post and level travel); the task force, the plan,
# meeting notes, evidence, progress, the summary and reasons stay in ownership.
LEADER = {"id": "ldr-etkqq-007", "name": "包案领导某某", "post": "副县长", "level": "county"}
OWNERSHIP_TEXT = {
    "task_force": "专班成员某某",
    "plan_step": "会同自然资源局重新勘界，组织双方现场确认。",
    "designation_reason": "群体访久拖未决，县领导批示列为积案。",
    "progress": "已完成现场勘界，正在协调补偿方案。",
    "summary": "重新勘界后双方签字确认边界，信访人息诉罢访。",
    "termination_reason": "信访人已通过诉讼途径解决，终止包案。",
    **{f"meeting_{kind}": f"见面记录（{kind}）：信访人陈述草场被占情况。" for kind in MEETINGS},
    **{f"check_{kind}": f"佐证材料（{kind}）：勘界报告及会议纪要。" for kind in CHECKS},
}

# Supervision: the units' answers to letters, what the office found, why a unit is listed, what it
# corrected and why a manual supervision is closed stay in supervision.
SUPERVISION_TEXT = {
    "warning_answer": "已完成现场核查，拟于本月底前书面答复信访人。",
    "recommendation_answer": "已对经办人诫勉谈话，问责建议予以采纳。",
    "manual_note": "经查，该检举事项在自然资源局与公安局之间往返推诿两个月。",
    "manual_answer": "已明确由公安局牵头办理，限期办结。",
    "closure_reason": "公安局已依法办结，督办事项销号。",
    "listing_reason": "住建局年内多件信访事项逾期未办结，予以挂牌督办。",
    "correction": "住建局已清理逾期事项并建立办理台账。",
}

# Mediation: its parties, the dispute, the agreement, sessions and hearings stay in mediation.
MEDIATION_PARTIES = [
    {"name": "调解甲某", "id_number": id_number("15062319850505005"), "phone": "13500000005", "role": "applicant"},
    {"name": "调解乙某", "id_number": id_number("15062319860606006"), "phone": "13500000006", "role": "respondent"}]
MEDIATOR, PRE_LITIGATION_MEDIATOR = "med-etkqq-01", "med-etkqq-02"  # people's, pre-litigation (mediators.json)
MEDIATION_TEXT = {
    "summary": "两户因院墙滴水和通行道路发生纠纷，多次协商未果。",
    "facts": "甲某院墙屋檐滴水落入乙某院内，乙某堵塞共用通道。",
    "disputes": "滴水如何处理；共用通道是否恢复通行。",
    "term_content": "甲某于屋檐加装接水槽，乙某清除通道堆放物。",
    "term_manner": "各自出资自行施工",
    "term_due": "2027年1月31日前",
    "session_notes": "双方各自陈述，甲某愿意加装接水槽。",
    "hearing_findings": "听证查明通道为两户共用，堵塞无依据。",
    "fail_reason": "乙某要求赔偿金额过高，未能达成一致。",
    "litigation_fail_reason": "诉讼中调解，原告坚持判决。",
    "session_attendee": "列席人员某某",
    "hearing_panel": "听证员丙某",
}
AGENCY_EVENTS = {  # type -> (exchange, data)
    "work_order.created": ("hotline12345.events", {
        "order_no": "WO-2026-000123", "received_at": AGENCY_AT, "region_code": "150623", "category": "劳动保障",
        "title": AGENCY_TEXT["title"], "content": AGENCY_TEXT["content"], "caller": CALLER,
        "transfer_to_petition": True}),
    "alert.received": ("police110.events", {
        "alert_no": "JJ110-2026-0042", "received_at": AGENCY_AT, "region_code": "150623101", "category": "求助"}),
    "alert.transferred": ("police110.events", {
        "alert_no": "JJ110-2026-0043", "received_at": AGENCY_AT, "region_code": "150623101001",
        "category": "邻里纠纷", "summary": AGENCY_TEXT["alert_summary"], "parties": PARTIES}),
    "case.filed": ("court.events", {
        "case_no": "（2026）蒙0623民初1234号", "filed_at": AGENCY_AT, "region_code": "150623", "case_type": "民事",
        "cause": AGENCY_TEXT["cause"]}),
    "mediation.referred": ("court.events", {
        "case_no": "（2026）蒙0623民诉前调88号", "referred_at": AGENCY_AT, "region_code": "150623",
        "summary": AGENCY_TEXT["referral_summary"], "parties": PARTIES[:1]}),
    "judicial_confirmation.decided": ("court.events", {
        "mediation_id": MEDIATION_ID.upper(), "confirmed": True, "decided_at": "2026-11-02T01:30:00Z"}),
}

# RFC 3339 date-time, as AsyncAPI (JSON Schema draft 7) means `format: date-time`.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
FORMATS = FormatChecker()  # every format jsonschema knows (uuid and date included)


@FORMATS.checks("date-time", raises=ValueError)
def _rfc3339(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(RFC3339.fullmatch(value)) and datetime.fromisoformat(value.replace("Z", "+00:00")) is not None


def load_doc() -> dict:
    return yaml.safe_load(DOC_PATH.read_text(encoding="utf-8"))


# -- the document --------------------------------------------------------------------------------
def deref(doc: dict, node):
    """Follows local `$ref`s ("#/...") to the node they name."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"only local references are expected, not {ref}"
        node = doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def channel_messages(doc: dict, channel: str) -> dict[str, tuple[str, dict]]:
    """The event type (message `name`) -> (component key, message) of a published channel."""
    message = doc["channels"][channel]["subscribe"]["message"]
    refs = message.get("oneOf", [message])
    found = {}
    for ref in refs:
        key = ref["$ref"].rsplit("/", 1)[-1]
        resolved = deref(doc, ref)
        assert resolved["name"] not in found, f"{channel} documents {resolved['name']} twice"
        found[resolved["name"]] = (key, resolved)
    return found


def documented_properties(doc: dict, schema) -> dict[str, list]:
    """Property name -> the subschemas describing it, through `$ref` and `allOf`."""
    schema = deref(doc, schema)
    found: dict[str, list] = {}
    for name, sub in schema.get("properties", {}).items():
        found.setdefault(name, []).append(sub)
    for part in schema.get("allOf", []):
        for name, subs in documented_properties(doc, part).items():
            found.setdefault(name, []).extend(subs)
    return found


def problems(doc: dict, envelope: dict) -> list[str]:
    """What in the envelope the document does not allow or does not mention; empty when it matches."""
    channel = f"{source_service(envelope)}.events"
    messages = channel_messages(doc, channel)
    if envelope["type"] not in messages:
        return [f"{channel} documents no message of type {envelope['type']}"]
    key, message = messages[envelope["type"]]
    registry = Registry().with_resource(DOC_URI, Resource(contents=doc, specification=DRAFT7))
    validator = Draft7Validator({"$ref": f"{DOC_URI}#/components/messages/{key}/payload"},
                                registry=registry, format_checker=FORMATS)
    found = [f"{key}: {'/'.join(map(str, e.absolute_path)) or '(envelope)'}: {e.message}"
             for e in validator.iter_errors(envelope)]
    # Consumers must ignore unknown fields, so the schemas are open: check that nothing sent is
    # undocumented, or a field missing from the document would go unnoticed.
    attributes = documented_properties(doc, message["payload"])
    found += [f"{key}: attribute {name} is not documented"
              for name in sorted(set(envelope) - set(attributes))]
    data_fields = {name for sub in attributes.get("data", []) for name in documented_properties(doc, sub)}
    found += [f"{key}: data.{name} is not documented"
              for name in sorted(set(envelope["data"]) - data_fields)]
    return found


# -- the scenario ---------------------------------------------------------------------------------
class Link:
    """One service following another as its follower would, without the broker: the source's feed
    read from 0, each envelope after the last one handed over processed in order."""

    def __init__(self, follower, source: str, source_app, translate):
        self.follower, self.source = follower, source
        self.feed = NotificationFeed(source, source_app, translate)
        self.reached = 0

    def pending(self) -> list[dict]:
        return [e for e in self.feed.read(0, 1000)[0] if e["position"] > self.reached]

    def sync(self) -> None:
        for envelope in self.pending():
            self.follower.process(self.source, envelope)
            self.reached = envelope["position"]


def agency_message(type_: str) -> tuple[str, dict]:
    """(agency, validated event) for AGENCY_EVENTS[type_] as intake's consumer gets it: the bytes of
    a CloudEvents body, read and validated by parse_inbound."""
    exchange, data = AGENCY_EVENTS[type_]
    agency = AGENCY_BY_EXCHANGE[exchange]
    body = json.dumps({"specversion": "1.0", "id": f"{agency}-{type_}-1", "source": f"urn:cn:{agency}:150623",
                       "type": type_, "time": AGENCY_AT, "datacontenttype": "application/json",
                       "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "data": data},
                      ensure_ascii=False).encode("utf-8")
    return agency, parse_inbound(exchange, type_, body, "application/cloudevents+json")


def register(intake, petitioner, **changes):
    fields = {"channel": "visit", "petitioner": dict(petitioner), "region_code": "150623101001",
              "category": "land_grassland_rights", **PETITION_TEXT, **changes}
    return intake.register(uuid4(), **fields)


@pytest.fixture(scope="module")
def published() -> dict[str, list[dict]]:
    """Every envelope intake, dispatch, mediation, ownership and supervision publish over one petition's
    whole life, by source."""
    intake = IntakeApplication(ENV, pseudonym_key=b"k", clock=FixedClock(NOW),
                               agency_categories={"劳动保障": "labour_dispute"})
    ref = load_reference()
    routing = RoutingTable.from_reference(ref)
    clock = FixedClock(NOW)  # moved on where a step happens later (a command never records the future)
    dispatch = DispatchApplication(ENV, routing=routing, clock=clock)  # pre-review (答复预审) on by default
    to_dispatch = Link(dispatch, "intake", intake, intake_translate)
    to_intake = Link(intake, "dispatch", dispatch, dispatch_translate)
    # Mediation as services/mediation.py builds it, following intake and dispatch; intake follows it.
    mediation = MediationApplication(ENV, pool=MediatorPool(ref.mediators), clock=clock,
                                     calendar=configured_calendar(None), agency_categories=ref.agency_categories)
    intake_to_mediation = Link(mediation, "intake", intake, intake_translate)
    dispatch_to_mediation = Link(mediation, "dispatch", dispatch, dispatch_translate)
    mediation_to_intake = Link(intake, "mediation", mediation, mediation_translate)
    # Ownership as services/ownership.py builds it (default policy), following intake, dispatch and
    # mediation; intake follows it.
    ownership = OwnershipApplication(ENV, clock=clock)
    to_ownership = [Link(ownership, source, app, translate) for source, app, translate in (
        ("intake", intake, intake_translate), ("dispatch", dispatch, dispatch_translate),
        ("mediation", mediation, mediation_translate))]
    ownership_to_intake = Link(intake, "ownership", ownership, ownership_translate)
    # Supervision as services/supervision.py builds it, following intake, dispatch, mediation and
    # ownership (its deadline watch); it scans for the letters due on a day no later than today.
    supervision = SupervisionApplication(ENV, units=UnitDirectory([Unit(**u) for u in ref.units]),
                                         policy=LadderPolicy.from_settings(ref.policy["supervision"]), clock=clock,
                                         calendar=configured_calendar(None))
    to_supervision = [Link(supervision, source, app, translate) for source, app, translate in (
        ("intake", intake, intake_translate), ("dispatch", dispatch, dispatch_translate),
        ("mediation", mediation, mediation_translate), ("ownership", ownership, ownership_translate))]

    def supervise():
        for link in to_supervision:
            link.sync()

    # 登记、受理: a petition, a repeat of it, another person's; each decided differently.
    first = register(intake, FIRST)
    repeat = register(intake, FIRST, region_code="150623102")  # same county, same matter
    other = register(intake, SECOND, category="social_security")
    suggestion = register(intake, SECOND, category="environment", matter_type="suggestion")
    assert repeat.repeat_of == first.id and other.repeat_of is None
    with acting_as(STAFF):
        intake.decide_acceptance(first.id, "accepted", "属于受理范围")
    with acting_as(STAFF, Principal(STAFF, Role.CLERK)):
        intake.read_petition(first.id, "petition")  # a person's read is recorded and published
    intake.decide_acceptance(repeat.id, "not_accepted", "重复信访，已在办理")
    intake.decide_acceptance(other.id, "diverted", "应通过诉讼解决", route="litigation")
    intake.decide_acceptance(suggestion.id, "not_accepted", "建议已转有关部门参考")
    # A neighbours' dispute the clerk diverts to mediation (引导调解): mediation opens it.
    disputed = register(intake, SECOND, category="neighbourhood_dispute")
    intake.decide_acceptance(disputed.id, "diverted", "适宜通过调解解决", route="mediation")
    # Three more, each accepted: an accusation (its assignment objected to and moved), one whose
    # objection is rejected, and a group visit whose reply goes unrated.
    accusation = register(intake, SECOND, category="land_acquisition_compensation", matter_type="accusation",
                          accused_unit=ACCUSED)
    kept = register(intake, SECOND, category="housing_expropriation")
    group = register(intake, SECOND, category="labour_dispute", group_size=12, representatives=REPRESENTATIVES)
    intake.decide_acceptance(accusation.id, "accepted", "属于受理范围")
    intake.decide_acceptance(kept.id, "accepted", "属于受理范围", dispatch_mode="transfer")
    intake.decide_acceptance(group.id, "accepted", "属于受理范围")

    # Other agencies' events, one of each type, each delivered twice (at least once): recorded
    # once; the 12345 work order also registers a petition.
    for type_ in AGENCY_EVENTS:
        agency, event = agency_message(type_)
        assert intake.receive_agency_event(agency, event) is not None, type_
        assert intake.receive_agency_event(agency, event) is None, type_
    # Mediation takes the disputes handed over (once each) and the court's decisions itself; a
    # decision on a mediation it does not know is refused (and dead-lettered by its consumer).
    handed_over = {}
    for type_ in MEDIATION_INBOUND["police110.events"] + MEDIATION_INBOUND["court.events"]:
        agency, event = agency_message(type_)
        if type_ == "judicial_confirmation.decided":
            with pytest.raises(Rejected) as refused:
                mediation.receive_inbound(agency, event)
            assert refused.value.reason == "refused"
            continue
        handed_over[type_] = mediation.receive_inbound(agency, event).id
        assert mediation.receive_inbound(agency, event) is None, type_

    # 交办: dispatch assigns the accepted ones, intake links them.
    to_dispatch.sync()
    assignment_id = assignment_id_for(first.id)
    unit_id = dispatch.get_assignment(assignment_id).unit_id
    to_intake.sync()
    # The same matter again while it is handled: not accepted at registration (A19).
    assert register(intake, FIRST).decision["ground"] == "repeat_in_handling"

    # 签收、协办、延期, each mirrored on the petition.
    with acting_as(STAFF):
        dispatch.sign(assignment_id, unit_id)
    # The unit asks for mediation while it handles the matter (转调解): mediation opens it, and
    # intake mirrors both on the petition.
    dispatch.request_mediation(assignment_id, "people", DISPATCH_TEXT["mediation_reason"])
    intake_to_mediation.sync()
    dispatch_to_mediation.sync()
    mediation_to_intake.sync()
    assert mediation.get_mediation(mediation_id_for("petition", str(first.id))).source == "assignment"
    dispatch.add_co_units(assignment_id, [CO_UNIT])
    dispatch.give_co_opinion(assignment_id, CO_UNIT, DISPATCH_TEXT["co_opinion"])
    dispatch.extend(assignment_id, 10, DISPATCH_TEXT["extension_reason"], "县信访局局长")
    # 联合办理: two agencies asked; the police report over their exchange, the court's is waived.
    dispatch.request_joint_handling(assignment_id, ["police110", "court"])
    report = {"specversion": "1.0", "id": "JH-1", "source": "urn:cn:110:150623", "type": "joint_handling.reported",
              "data": {"assignment_id": str(assignment_id), "agency": "police110", "result": "已核查",
                       "reported_at": "2026-11-20T10:00:00+08:00"}}
    dispatch.receive_inbound("police110", parse_inbound("police110.events", "joint_handling.reported",
                                                        json.dumps(report).encode(), "application/cloudevents+json"))
    dispatch.waive_joint_report(assignment_id, "court", DISPATCH_TEXT["waiver_reason"], "承办人")
    # 答复, 答复预审: the first draft goes back with comments, the second goes out; 满意度评价.
    dispatch.reply(assignment_id, **REPLY)
    dispatch.decide_pre_review(assignment_id, False, DISPATCH_TEXT["pre_review_comments"])
    dispatch.reply(assignment_id, **REPLY)
    dispatch.decide_pre_review(assignment_id, True)
    dispatch.evaluate(assignment_id, "unsatisfied")

    # 异议: the accusation's unit objects and is relieved of it (改派); another's objection is rejected.
    moved, stays = assignment_id_for(accusation.id), assignment_id_for(kept.id)
    dispatch.object_to_dispatch(moved, dispatch.get_assignment(moved).unit_id, DISPATCH_TEXT["objection_upheld"])
    dispatch.decide_objection(moved, True, DISPATCH_TEXT["upheld_comment"], unit=REROUTED_TO)
    dispatch.object_to_dispatch(stays, dispatch.get_assignment(stays).unit_id, DISPATCH_TEXT["objection_rejected"])
    dispatch.decide_objection(stays, False, DISPATCH_TEXT["rejected_comment"])
    # The group visit's reply goes out but is never rated.
    unrated = assignment_id_for(group.id)
    dispatch.sign(unrated, dispatch.get_assignment(unrated).unit_id)
    dispatch.reply(unrated, **REPLY)
    dispatch.decide_pre_review(unrated, True)
    to_intake.sync()
    # 督查督办: supervision watches each limit opened so far; those met (decided, replied) close.
    supervise()

    # 复查 by the county government (the default reviewer), with a hearing (听证), then 复核.
    dispatch.request_review(assignment_id, DISPATCH_TEXT["review_reasons"])
    reviewer = dispatch.get_assignment(assignment_id).reviews["review"]["reviewer_unit"]
    assert reviewer == routing.directory.superior(unit_id) == "etkqq-zhengfu"
    clock.advance(days=10)
    # The 12345 work order's petition, still undecided, is three working days from its limit: 提醒函.
    supervise()
    assert supervision.scan(as_of=clock.now().date())["by_letter"] == {"reminder": 1}
    start = NOW.date() + timedelta(days=3)
    dispatch.hold_hearing(assignment_id, start, start + timedelta(days=1), DISPATCH_TEXT["hearing_note"])
    dispatch.decide_review(assignment_id, reviewer, "upheld", REVIEW_OPINION)
    clock.advance(days=2)
    dispatch.request_review(assignment_id, DISPATCH_TEXT["re_review_reasons"], reviewer_unit=RE_REVIEWER)
    clock.advance(days=8)
    dispatch.decide_review(assignment_id, RE_REVIEWER, "upheld", RE_REVIEW_OPINION)
    # 超期未评价: the rating window (30 days) of the group visit's reply has passed.
    clock.advance(days=21)
    as_of = NOW.date() + timedelta(days=41)
    assert dispatch.expire_unrated(as_of=as_of)["expired"] == 1
    to_intake.sync()
    # Past their limits, the petition and the court's referral (still in mediation) get 预警函, dated
    # the Friday before (today is a Sunday; letters go out on working days).
    supervise()
    assert supervision.scan(as_of=clock.now().date() - timedelta(days=2))["by_letter"] == {"warning": 2}
    # After the re-review the same facts and reasons are not accepted again (A36).
    assert register(intake, FIRST).decision["ground"] == "no_further_acceptance"

    # 调解: the diverted petition's mediation goes through parties, consent, a mediator, a session
    # and a hearing, fails at the people's layer, agrees at the next and is confirmed by the court.
    intake_to_mediation.sync()
    dispatch_to_mediation.sync()
    diverted = mediation_id_for("petition", str(disputed.id))
    assert mediation.get_mediation(diverted).source == "petition"
    for party in MEDIATION_PARTIES:
        mediation.add_party(diverted, party)
    clock.advance(hours=1)
    for party in range(len(MEDIATION_PARTIES)):
        mediation.record_consent(diverted, party, True)
    with acting_as(STAFF):
        mediation.assign_mediator(diverted, MEDIATOR)
    with acting_as(STAFF, Principal(STAFF, Role.CLERK)):
        mediation.read_mediation(diverted, "mediation")
    clock.advance(days=1)
    mediation.hold_session(diverted, clock.now().date(), [p["name"] for p in MEDIATION_PARTIES]
                           + [MEDIATION_TEXT["session_attendee"]], MEDIATION_TEXT["session_notes"])
    clock.advance(days=2)
    mediation.hold_hearing(diverted, [MEDIATION_TEXT["hearing_panel"]], clock.now().date(),
                           [p["name"] for p in MEDIATION_PARTIES], MEDIATION_TEXT["hearing_findings"])
    clock.advance(hours=2)
    mediation.fail(diverted, MEDIATION_TEXT["fail_reason"])
    assert mediation.get_mediation(diverted).layer == "pre_litigation"
    clock.advance(days=1)
    for party in range(len(MEDIATION_PARTIES)):
        mediation.record_consent(diverted, party, True)
    mediation.assign_mediator(diverted, PRE_LITIGATION_MEDIATOR)
    clock.advance(days=3)
    mediator_name = next(m["name"] for m in ref.mediators if m["id"] == PRE_LITIGATION_MEDIATOR)
    signatures = [{"role": "party", "party": i, "name": p["name"]} for i, p in enumerate(MEDIATION_PARTIES)]
    mediation.reach_agreement(diverted, MEDIATION_TEXT["facts"], MEDIATION_TEXT["disputes"],
                              [{"content": MEDIATION_TEXT["term_content"], "manner": MEDIATION_TEXT["term_manner"],
                                "due": MEDIATION_TEXT["term_due"]}],
                              signatures + [{"role": "mediator", "name": mediator_name}])
    clock.advance(days=5)
    mediation.apply_for_confirmation(diverted, [0, 1])
    clock.advance(days=10)
    mediation.decide_confirmation(diverted, True, court_ref="（2026）蒙0623民特12号")
    assert mediation.get_mediation(diverted).confirmation["confirmed"] is True
    # The 110 dispute: a party refuses (ended). The court's referral fails at the last layer (ended).
    mediation.record_consent(handed_over["alert.transferred"], 1, False)
    referred = handed_over["mediation.referred"]
    mediation.fail(referred, MEDIATION_TEXT["fail_reason"])
    clock.advance(days=1)
    mediation.fail(referred, MEDIATION_TEXT["litigation_fail_reason"])
    assert [m.status for m in map(mediation.get_mediation, handed_over.values())] == ["ended", "ended"]
    # One opened directly, with its parties and the dispute given at once.
    direct = mediation.open(uuid4(), layer="administrative", region_code="150623", category="neighbourhood_dispute",
                            summary=MEDIATION_TEXT["summary"], parties=MEDIATION_PARTIES)
    assert direct.source == "direct"
    mediation_to_intake.sync()
    # The petition, still undecided after the warning's reply deadline, gets 督办函; the two
    # assignments never replied to are past their limit: 预警函, one answered.
    supervise()
    assert supervision.scan(as_of=clock.now().date())["by_letter"] == {"supervision": 1, "warning": 2}
    moved_watch = supervision_id_for("handling", str(moved))
    supervision.respond(moved_watch, "warning", REROUTED_TO, SUPERVISION_TEXT["warning_answer"])

    # 领导包案: the first petition's matter, petitioned again three times, is a backlog case (积案) by
    # policy; a leader owns it, holds the three meetings (三见面), confirms the four checks (四不放过),
    # reviews a month (月度评估), misses later ones (flagged for supervision) and resolves it (案结事了).
    for link in to_ownership:
        link.sync()
    backlog = case_id_for(first.id)
    assert ownership.get_case(backlog).trigger == "repeats"
    # The group visit's matter is designated by hand and ends unresolved, never owned.
    clock.advance(hours=1)
    unowned = ownership.designate(group.id, OWNERSHIP_TEXT["designation_reason"]).id
    with acting_as(STAFF):
        ownership.assign_leader(backlog, LEADER, [OWNERSHIP_TEXT["task_force"]],
                                {"steps": [OWNERSHIP_TEXT["plan_step"]], "target_date": NOW.date() + timedelta(days=150)})
    for kind in MEETINGS:
        clock.advance(days=1)
        ownership.record_meeting(backlog, kind, clock.now().date(), OWNERSHIP_TEXT[f"meeting_{kind}"])
    for kind in CHECKS:
        ownership.confirm_check(backlog, kind, OWNERSHIP_TEXT[f"check_{kind}"])
    today = clock.now().date()
    ownership.review_month(backlog, f"{today.year:04d}-{today.month:02d}", OWNERSHIP_TEXT["progress"])
    clock.advance(days=90)  # months later: the months in between went without a review
    assert ownership.flag_missed_reviews(as_of=clock.now().date())["flagged"] > 0
    # Months on, the petition still undecided gets 问责建议函, whose feedback says it was adopted;
    # the assignments get 督办函 and the months without a review 预警函.
    supervise()
    assert supervision.scan(as_of=clock.now().date())["by_letter"] == {
        "recommendation": 1, "supervision": 2, "warning": 5}
    _, work_order = agency_message("work_order.created")
    undecided = supervision_id_for("acceptance", str(petition_id_for(work_order["source"], work_order["id"])))
    supervision.respond(undecided, "recommendation", supervision.get_supervision(undecided).unit_id,
                        SUPERVISION_TEXT["recommendation_answer"], adopted=True)
    clock.advance(hours=1)
    ownership.resolve(backlog, OWNERSHIP_TEXT["summary"])
    ownership.terminate(unowned, OWNERSHIP_TEXT["termination_reason"])
    ownership_to_intake.sync()
    assert intake.get_petition(first.id).status == "backlog_resolved"
    assert intake.get_petition(group.id).status == "backlog_terminated"

    # The office takes up the accusation passed between units by hand (督办函 at once), and lists a
    # unit (挂牌督办) until it has corrected what it was listed for.
    supervise()
    today = clock.now().date()
    with acting_as(STAFF):
        manual = supervision.open_manual("buck_passing", str(moved), REROUTED_TO, "150623101001",
                                         today + timedelta(days=15), SUPERVISION_TEXT["manual_note"],
                                         petition_id=accusation.id)
    listing = supervision.list_target("unit", "etkqq-zhujian", "etkqq-zhujian", "150623",
                                      SUPERVISION_TEXT["listing_reason"], today + timedelta(days=30))
    clock.advance(days=5)
    supervision.respond(manual.id, "supervision", REROUTED_TO, SUPERVISION_TEXT["manual_answer"])
    supervision.close_manual(manual.id, SUPERVISION_TEXT["closure_reason"])
    supervision.lift(listing.id, SUPERVISION_TEXT["correction"])

    # Each side gives up on one event from the other (parked, published as event.parked).
    [poison] = to_dispatch.pending()[-1:]
    dispatch.park("intake", poison, "ValueError: could not process the event")
    [poison] = to_intake.pending()[-1:]
    intake.park("dispatch", poison, "KeyError: 'petition_id'")
    [poison] = intake_to_mediation.pending()[-1:]
    mediation.park("intake", poison, "KeyError: 'route'")
    [poison] = to_ownership[0].pending()[-1:]
    ownership.park("intake", poison, "KeyError: 'repeat_of'")
    [poison] = to_supervision[3].pending()[-1:]
    supervision.park("ownership", poison, "KeyError: 'month'")

    return {"intake": NotificationFeed("intake", intake, intake_translate).read(0, 1000)[0],
            "dispatch": NotificationFeed("dispatch", dispatch, dispatch_translate).read(0, 1000)[0],
            "mediation": NotificationFeed("mediation", mediation, mediation_translate).read(0, 1000)[0],
            "ownership": NotificationFeed("ownership", ownership, ownership_translate).read(0, 1000)[0],
            "supervision": NotificationFeed("supervision", supervision, supervision_translate).read(0, 1000)[0]}


def everything(published) -> list[dict]:
    return [e for envelopes in published.values() for e in envelopes]


# -- (a) every envelope is the documented message of its type ----------------------------------
def test_every_published_envelope_matches_the_documented_message_of_its_type(published):
    doc = load_doc()
    found = [f"{e['id']} ({e['type']}): {p}" for e in everything(published) for p in problems(doc, e)]
    assert found == []


def test_every_documented_payload_is_a_valid_schema():
    doc = load_doc()
    for channel in PUBLISHED_CHANNELS:
        for type_, (key, message) in channel_messages(doc, channel).items():
            Draft7Validator.check_schema(message["payload"])
            assert message["bindings"]["amqp"]["messageType"] == type_, key
    for message in doc["components"]["messages"].values():  # inbound and dead letters too
        Draft7Validator.check_schema(message["payload"])
        Draft7Validator.check_schema(message.get("headers", {}))
    for schema in doc["components"]["schemas"].values():
        Draft7Validator.check_schema(schema)


# -- (b) the document lists what the code sends, and nothing else --------------------------------
@pytest.mark.parametrize("channel", PUBLISHED_CHANNELS)
def test_the_channel_documents_exactly_the_types_the_code_sends(published, channel):
    documented = set(channel_messages(load_doc(), channel))
    sent = {e["type"] for e in published[channel.removesuffix(".events")]}
    assert sorted(documented - sent) == [], "documented but never sent"
    assert sorted(sent - documented) == [], "sent but not documented"


def test_internal_events_stay_out_and_envelopes_chain_by_previous(published):
    for source, envelopes in published.items():
        assert all(e["id"] == f"{source}-{e['position']}" for e in envelopes)
        assert [e["previous"] for e in envelopes] == [0] + [e["position"] for e in envelopes[:-1]]
    intake = published["intake"]
    assert not [e for e in intake if e["type"].startswith("matter_index.")]
    # Each registration also stores the repeat index's events, which are skipped: positions jump.
    assert any(e["position"] > e["previous"] + 1 for e in intake)


def test_envelopes_name_the_staff_user_who_acted_or_the_system(published):
    assert {e["actor"] for e in everything(published)} == {SYSTEM, STAFF}
    assert first_of(published, "petition.acceptance_decided")["actor"] == STAFF
    assert first_of(published, "assignment.signed")["actor"] == STAFF
    assert first_of(published, "assignment.created")["actor"] == SYSTEM  # caused by intake's event
    assert first_of(published, "mediation.mediator_assigned")["actor"] == STAFF
    assert {e["actor"] for e in published["mediation"] if e["type"] == "mediation.opened"} == {SYSTEM}
    assert first_of(published, "ownership.leader_assigned")["actor"] == STAFF
    assert first_of(published, "ownership.designated")["actor"] == SYSTEM  # caused by intake's event


# -- (c) personal data never goes on the bus -------------------------------------------------------
def test_no_envelope_carries_the_petitioners_personal_data(published):
    for envelope in everything(published):
        wire = json.dumps(envelope, ensure_ascii=False)
        for person in (FIRST, SECOND, *REPRESENTATIVES):
            for field, value in person.items():
                assert value not in wire, f"{envelope['id']} carries the petitioner's {field}"
        for party in MEDIATION_PARTIES:
            for field in ("name", "id_number", "phone"):
                assert party[field] not in wire, f"{envelope['id']} carries a mediation party's {field}"
        for field, value in PETITION_TEXT.items():
            assert value not in wire, f"{envelope['id']} carries the petition's {field}"


def test_agency_parties_and_free_text_never_go_on_the_bus(published):
    secrets = [p[field] for p in (CALLER, *PARTIES) for field in ("name", "phone")] + list(AGENCY_TEXT.values())
    for envelope in everything(published):
        wire = json.dumps(envelope, ensure_ascii=False)
        assert [s for s in secrets if s in wire] == [], envelope["id"]


def test_opinion_texts_stay_inside_dispatch(published):
    texts = list(REPLY["opinion"].values()) + [s["name"] for s in REPLY["signatures"]]
    # Reasons, comments, co-handling and review opinions: free text that may name people.
    texts += list(DISPATCH_TEXT.values()) + list(REVIEW_OPINION.values()) + list(RE_REVIEW_OPINION.values())
    for envelope in everything(published):
        wire = json.dumps(envelope, ensure_ascii=False)
        assert [t for t in texts if t in wire] == [], envelope["id"]


def test_mediation_texts_stay_inside_mediation(published):
    # The dispute, the agreement (facts, points, terms, who signed), sessions, hearings, reasons.
    mediator = next(m["name"] for m in load_reference().mediators if m["id"] == PRE_LITIGATION_MEDIATOR)
    texts = list(MEDIATION_TEXT.values()) + [mediator]
    for envelope in everything(published):
        wire = json.dumps(envelope, ensure_ascii=False)
        assert [t for t in texts if t in wire] == [], envelope["id"]


def test_mediation_publishes_every_opening_and_outcome(published):
    sent = published["mediation"]
    opened = [e["data"] for e in sent if e["type"] == "mediation.opened"]
    assert sorted(d["source"] for d in opened) == sorted(["petition", "assignment", "police110", "court", "direct"])
    assert {d["source"]: d["layer"] for d in opened} == {
        "petition": "people", "assignment": "people", "police110": "people", "court": "pre_litigation",
        "direct": "administrative"}
    assert {d["source"]: d["parties"] for d in opened} == {
        "petition": 0, "assignment": 0, "police110": len(PARTIES), "court": 1, "direct": len(MEDIATION_PARTIES)}
    assert sorted((d["reason"], d["layer"]) for d in (e["data"] for e in sent if e["type"] == "mediation.ended")) == [
        ("failed", "litigation"), ("refused", "people")]
    [agreed] = [e["data"] for e in sent if e["type"] == "mediation.agreement_reached"]
    assert agreed["layer"] == "pre_litigation" and agreed["petition_id"] is not None
    # Intake mirrors a petition's mediation on it.
    stages = {e["data"]["stage"] for e in published["intake"] if e["type"] == "petition.handling_progressed"}
    assert {"mediation_requested", "mediation_opened", "mediation_agreed"} <= stages


def test_ownership_texts_stay_inside_ownership_and_the_leader_travels(published):
    # Meeting notes, evidence, progress, the plan, the task force, the summary and reasons stay in
    # ownership; the leader is an official, named on the bus.
    texts = list(OWNERSHIP_TEXT.values())
    for envelope in everything(published):
        wire = json.dumps(envelope, ensure_ascii=False)
        assert [t for t in texts if t in wire] == [], envelope["id"]
    assert first_of(published, "ownership.leader_assigned")["data"]["leader"] == LEADER
    sent = published["ownership"]
    assert sorted(e["data"]["trigger"] for e in sent if e["type"] == "ownership.designated") == ["manual", "repeats"]
    assert sorted(e["data"]["kind"] for e in sent if e["type"] == "ownership.meeting_recorded") == sorted(MEETINGS)
    assert sorted(e["data"]["kind"] for e in sent if e["type"] == "ownership.check_confirmed") == sorted(CHECKS)
    assert {e["data"]["leader_id"] for e in sent if e["type"] == "ownership.review_missed"} == {LEADER["id"], None}
    # Intake mirrors the backlog case on the matter's first petition.
    mirrored = {(e["data"]["stage"], e["data"]["status"]) for e in published["intake"]
                if e["type"] == "petition.handling_progressed" and e["data"]["stage"].startswith("backlog_")}
    assert mirrored == {("backlog_designated", None), ("backlog_resolved", "backlog_resolved"),
                        ("backlog_terminated", "backlog_terminated")}


def test_supervision_texts_stay_inside_supervision(published):
    # The units' answers, what the office found, why a unit is listed, what it corrected and why a
    # manual supervision was closed stay in supervision.
    texts = list(SUPERVISION_TEXT.values())
    for envelope in everything(published):
        wire = json.dumps(envelope, ensure_ascii=False)
        assert [t for t in texts if t in wire] == [], envelope["id"]


def test_supervision_watches_every_limit_and_issues_every_letter(published):
    sent = published["supervision"]
    opened = [e for e in sent if e["type"] == "supervision.opened"]
    assert {e["data"]["kind"] for e in opened} == set(LIMITS) | {"buck_passing"}
    [manual] = [e for e in opened if e["data"]["manual"]]
    assert manual["data"]["kind"] == "buck_passing" and manual["actor"] == STAFF
    assert {e["actor"] for e in opened if not e["data"]["manual"]} == {SYSTEM}  # caused by others' events
    assert sorted({e["data"]["letter"] for e in sent if e["type"] == "supervision.letter_issued"}) == sorted(LETTERS)
    assert sorted((e["data"]["letter"], e["data"]["adopted"]) for e in sent
                  if e["type"] == "supervision.letter_answered") == [
        ("recommendation", True), ("supervision", None), ("warning", None)]
    # The extension moved a limit, the re-routing moved a watch to the unit now handling it.
    assert REROUTED_TO in {e["data"]["unit_id"] for e in sent if e["type"] == "supervision.limit_moved"}
    assert {e["data"]["on_time"] for e in sent if e["type"] == "supervision.closed"} == {True, False}
    assert [e["type"] for e in sent if e["type"] in ("supervision.listed", "supervision.lifted")] == [
        "supervision.listed", "supervision.lifted"]


# -- the check itself can fail ----------------------------------------------------------------------
def first_of(published, type_):
    return next(e for e in everything(published) if e["type"] == type_)


def test_a_field_missing_from_the_document_is_caught(published):
    doc = load_doc()
    data = doc["components"]["messages"]["AssignmentSigned"]["payload"]["allOf"][1]["properties"]["data"]
    data["required"].remove("unit_id")
    del data["properties"]["unit_id"]
    assert problems(doc, first_of(published, "assignment.signed")) == [
        "AssignmentSigned: data.unit_id is not documented"]


def test_an_undocumented_attribute_or_a_wrong_value_is_caught(published):
    doc = load_doc()
    envelope = first_of(published, "petition.acceptance_decided")
    del doc["components"]["schemas"]["Envelope"]["properties"]["previous"]
    assert "PetitionAcceptanceDecided: attribute previous is not documented" in problems(doc, envelope)

    changed = copy.deepcopy(envelope)
    changed["previous"] = -1
    changed["data"]["decision"] = "maybe"
    del changed["data"]["timely"]
    found = problems(load_doc(), changed)
    assert len(found) == 3 and all(p.startswith("PetitionAcceptanceDecided: ") for p in found), found


def test_a_type_the_channel_does_not_document_is_caught(published):
    doc = load_doc()
    message = doc["channels"]["intake.events"]["subscribe"]["message"]
    message["oneOf"] = [m for m in message["oneOf"] if not m["$ref"].endswith("/IntakeEventParked")]
    parked = next(e for e in published["intake"] if e["type"] == "event.parked")
    assert problems(doc, parked) == ["intake.events documents no message of type event.parked"]


# -- the agency events intake republishes ----------------------------------------------------------
# What each agency event may tell others: its numbers and categories, never free text or people.
EXPECTED_FACTS = {
    "work_order.created": {"order_no": "WO-2026-000123", "category": "劳动保障", "transfer_to_petition": True},
    "alert.received": {"alert_no": "JJ110-2026-0042", "category": "求助"},
    "alert.transferred": {"alert_no": "JJ110-2026-0043", "category": "邻里纠纷"},
    "case.filed": {"case_no": "（2026）蒙0623民初1234号", "case_type": "民事"},
    "mediation.referred": {"case_no": "（2026）蒙0623民诉前调88号"},
    "judicial_confirmation.decided": {"mediation_id": MEDIATION_ID, "confirmed": True},
}
EXPECTED_PARTIES = {
    "work_order.created": [{"name": "来****", "phone": "137****1111"}],
    "alert.transferred": [{"name": "当****", "phone": "137****2222"}, {"name": "当****", "phone": "053******6666"}],
    "mediation.referred": [{"name": "当****", "phone": "137****2222"}],
}
EXPECTED_LAYERS = {"alert.transferred": "people", "mediation.referred": "pre_litigation"}


def test_each_agency_event_is_published_once_with_its_public_facts_only(published):
    received = [e for e in published["intake"] if e["type"] == "agency_event.received"]
    assert sorted(e["data"]["type"] for e in received) == sorted(AGENCY_EVENTS)
    for envelope in received:
        data, type_ = envelope["data"], envelope["data"]["type"]
        exchange, sent = AGENCY_EVENTS[type_]
        assert data["agency"] == AGENCY_BY_EXCHANGE[exchange]
        assert data["agency_event_id"] == envelope["subject"] == str(agency_event_id(data["source"], data["event_id"]))
        assert data["facts"] == EXPECTED_FACTS[type_], type_
        assert data["parties"] == EXPECTED_PARTIES.get(type_, []), type_
        assert data["mediation_layer"] == EXPECTED_LAYERS.get(type_)
        assert data["region_code"] == sent.get("region_code")
        moment = next(v for k, v in sent.items() if k.endswith("_at"))
        assert datetime.fromisoformat(data["occurred_at"]) == datetime.fromisoformat(moment.replace("Z", "+00:00"))
        expected_petition = petition_id_for(data["source"], data["event_id"]) if type_ == "work_order.created" else None
        assert data["petition_id"] == (str(expected_petition) if expected_petition else None)


def test_a_work_order_for_transfer_registers_its_petition(published):
    [work_order] = [e["data"] for e in published["intake"]
                    if e["type"] == "agency_event.received" and e["data"]["type"] == "work_order.created"]
    [petition] = [e["data"] for e in published["intake"]
                  if e["type"] == "petition.registered" and e["data"]["petition_id"] == work_order["petition_id"]]
    assert petition["channel"] == "hotline12345" and petition["category"] == "labour_dispute"
    assert petition["region_code"] == "150623" and petition["matter_type"] == "complaint"
    assert datetime.fromisoformat(petition["received_at"]) == datetime.fromisoformat(AGENCY_AT)


# -- the inbound side: queues, content types, dead letters ----------------------------------------
@pytest.mark.parametrize("exchange", AGENCY_EXCHANGES)
def test_an_agency_channel_documents_the_queue_intake_declares(exchange):
    doc = load_doc()
    channel = doc["channels"][exchange]
    queue = inbound_queue("intake", exchange, AGENCY_EXCHANGES[exchange])  # what InboundConsumer declares
    [source] = {b.exchange for b in queue.bindings}
    assert channel["bindings"]["amqp"]["exchange"] | {"vhost": "/"} == {
        "name": source.name, "type": source.type, "durable": source.durable, "autoDelete": source.auto_delete,
        "vhost": "/"}
    # What intake, dispatch and mediation declare (services/intake.py, services/dispatch.py,
    # services/mediation.py) is what is documented, and nothing else.
    declared = {"intake": queue, "dispatch": inbound_queue("dispatch", exchange, (JOINT_HANDLING_REPORTED,))}
    if exchange in MEDIATION_INBOUND:
        declared["mediation"] = inbound_queue("mediation", exchange, MEDIATION_INBOUND[exchange])
    assert sorted(q["consumer"] for q in channel["x-consumer-queues"]) == sorted(declared)
    for consumer, declared_queue in declared.items():
        [documented] = [q for q in channel["x-consumer-queues"] if q["consumer"] == consumer]
        assert documented | {"routingKeys": sorted(documented["routingKeys"])} == {
            "name": declared_queue.name, "consumer": consumer, "durable": declared_queue.durable,
            "routingKeys": sorted(b.routing_key for b in declared_queue.bindings),
            "arguments": declared_queue.queue_arguments}
    assert "x-status" not in channel and "planned" not in channel["publish"]["summary"].lower()
    messages = [deref(doc, ref) for ref in channel["publish"]["message"]["oneOf"]]
    assert [m["name"] for m in messages] == list(INBOUND_TYPES[exchange])
    assert not [m["name"] for m in messages if m.get("x-status") == "planned"]
    for message in messages:
        planned = message.get("x-status") == "planned"
        assert ("planned" in message["title"]) == planned, message["name"]
        assert deref(doc, message["traits"][0])["contentType"] in CONTENT_TYPES


def test_the_document_names_the_content_types_the_code_takes():
    description = load_doc()["info"]["description"]
    assert all(f"`{content_type}`" in description for content_type in CONTENT_TYPES)
    assert "not implemented yet" not in description


class RecordingProducer:
    def __init__(self):
        self.published = []

    def publish(self, body, **kwargs):
        self.published.append((body, kwargs))


@pytest.mark.parametrize("exchange, routing_key, body, content_type", [
    ("court.events", "case.filed", b'{"specversion": "1.0", "id": "C-1", "source": "urn:cn:court", '
                                   b'"type": "case.filed", "data": {"case_no": ""}}', "application/json"),
    ("court.events", "case.filed", b"\xff\xfe not text", None),
    ("police110.events", "alert.received", b"[]", "application/cloudevents+json"),
    ("bank.events", "x", b"{}", "text/plain"),
])
def test_the_dead_letter_channel_documents_what_intake_publishes(exchange, routing_key, body, content_type):
    doc = load_doc()
    channel = doc["channels"]["xinfang.dead-letters"]
    dead_letters = dead_letter_exchange()
    assert channel["bindings"]["amqp"]["exchange"] | {"vhost": "/"} == {
        "name": dead_letters.name, "type": dead_letters.type, "durable": dead_letters.durable,
        "autoDelete": dead_letters.auto_delete, "vhost": "/"}
    assert [q["name"] for q in channel["x-queues"]] == [DEAD_LETTER_QUEUE]
    assert {q["arguments"]["x-dead-letter-exchange"] for name, c in doc["channels"].items()
            if name in AGENCY_EXCHANGES for q in c["x-consumer-queues"]} == {dead_letters.name}
    refused = deref(doc, channel["subscribe"]["message"]["oneOf"][0])
    assert refused["headers"]["properties"]["x-reason"]["enum"] == list(DEAD_LETTER_REASONS)

    with pytest.raises(InboundRejected) as caught:
        parse_inbound(exchange, routing_key, body, content_type)
    consumer = InboundConsumer.__new__(InboundConsumer)  # only its dead-lettering, without a container
    consumer._dead_letters = DeadLetterPublisher("memory://")
    consumer._dead_letters._producer = producer = RecordingProducer()
    consumer._dead_letter(Delivery(exchange, routing_key, body, content_type), caught.value)
    [(sent, properties)] = producer.published
    assert sent == body and properties["routing_key"] == routing_key and properties["delivery_mode"] == 2
    headers = properties["headers"]
    validator = Draft7Validator(refused["headers"], format_checker=FORMATS)
    assert [e.message for e in validator.iter_errors(headers)] == []
    assert set(headers) == set(refused["headers"]["properties"]) == set(refused["headers"]["required"])
    assert (headers["x-reason"], json.loads(headers["x-errors"])) == (caught.value.reason, caught.value.errors)
    assert (headers["x-original-exchange"], headers["x-original-routing-key"]) == (exchange, routing_key)
