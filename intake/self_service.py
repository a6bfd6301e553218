"""What a petitioner sees of their petition with the query code (查询码, A21): its dates, the steps it
went through in plain Chinese, and the notices addressed to them. Nothing of anyone else, no
internal reference (unit ids, pseudonyms, who in the bureau acted), and no personal data beyond the
notices' own wording, which they received anyway."""
from __future__ import annotations

from intake.domain import Petition
from intake.notices import CHANNEL_NAMES
from shared.ratings import RATING_NAMES
from shared.views import plain

STATUS_NAMES = {
    "registered": "已登记，待受理审查", "accepted": "已受理", "not_accepted": "不予受理", "diverted": "已告知通过法定途径解决",
    "withdrawn": "已撤回", "assigned": "已交办责任单位", "signed": "责任单位已签收，正在办理", "replied": "已答复，待评价",
    "evaluated": "已评价", "unrated_expired": "已答复（评价期已过）", "under_review": "复查中", "under_re_review": "复核中",
    "reviewed": "已复查", "closed": "已复核终结", "in_mediation": "调解中", "mediation_agreed": "已达成调解协议",
    "mediation_ended": "调解终结", "backlog_resolved": "已化解", "backlog_terminated": "已终结"}
DECISION_NAMES = {"accepted": "受理", "not_accepted": "不予受理", "diverted": "告知通过法定途径解决"}
# The handling steps dispatch reports (intake.application.MIRRORED), as a petitioner reads them.
STAGE_NAMES = {
    "signed": "责任单位签收", "rerouted": "改由其他单位办理", "extended": "办理期限延长", "replied": "出具处理意见（答复）",
    "evaluated": "信访人评价", "evaluation_expired": "评价期届满", "review_requested": "申请复查（复核）",
    "hearing_held": "举行听证", "mediation_requested": "转入调解", "mediation_opened": "调解开始",
    "mediation_agreed": "达成调解协议", "mediation_ended": "调解终结", "backlog_designated": "列为信访积案，领导包案",
    "backlog_resolved": "积案化解", "backlog_terminated": "积案终结", "review_decided": "复查（复核）意见出具"}


def steps(events) -> list[dict]:
    found = []
    for e in events:
        if isinstance(e, Petition.Registered):
            found.append({"step": "registered", "name": "登记", "at": e.received_at,
                          "detail": CHANNEL_NAMES.get(e.channel, e.channel)})
        elif isinstance(e, Petition.AcceptanceDecided):
            decision = DECISION_NAMES.get(e.decision, e.decision)
            # Why not: the reason the notice gives (A23), shown with the step as well.
            found.append({"step": "acceptance_decided", "name": "受理审查", "at": e.decided_at,
                          "detail": decision if e.decision == "accepted" else f"{decision}：{e.reason}"})
        elif isinstance(e, Petition.AssignmentLinked):
            found.append({"step": "assigned", "name": "交办责任单位", "at": e.timestamp, "detail": ""})
        elif isinstance(e, Petition.HandlingProgressed) and e.stage in STAGE_NAMES:
            found.append({"step": e.stage, "name": STAGE_NAMES[e.stage], "at": e.at, "detail": _detail(e)})
    return plain(found)


def _detail(e: Petition.HandlingProgressed) -> str:
    detail = e.detail or {}
    if e.stage == "extended" and detail.get("handling_deadline"):
        return f"延长{detail.get('days')}日，办理期限至{detail['handling_deadline']}"
    if e.stage == "evaluated" and detail.get("rating"):
        return RATING_NAMES.get(detail["rating"], "")
    return ""


def self_service_view(petition: Petition, events, notices: list[dict], category_name: str) -> dict:
    return plain({
        "status": petition.status, "status_name": STATUS_NAMES.get(petition.status, petition.status),
        "channel": petition.channel, "channel_name": CHANNEL_NAMES.get(petition.channel, petition.channel),
        "category": petition.category, "category_name": category_name, "region_code": petition.region_code,
        "received_at": petition.received_at, "acceptance_deadline": petition.acceptance_deadline,
        "steps": steps(events), "notices": notices})
