"""The notices intake issues to the petitioner (A23): acceptance, non-acceptance, no further
acceptance, and the notice naming the legal route a matter is diverted to (受理/不予受理/不再受理告知书,
法定途径告知书). Dispatch issues the notices of handling (see dispatch.notices)."""
from __future__ import annotations

from dataclasses import replace

from intake.domain import Petition
from shared.clock import beijing_date
from shared.notices import Notice, chinese_date

CHANNEL_NAMES = {"visit": "来访", "letter": "来信", "online": "网上信访", "phone": "来电", "fax": "传真",
                 "hotline12345": "12345热线转来", "police110": "110转来", "court": "法院转来"}
ROUTE_NAMES = {"litigation": "向人民法院提起诉讼", "arbitration": "申请仲裁", "reconsideration": "申请行政复议",
               "mediation": "申请调解", "party_appeal": "向党组织提出党员申诉",
               "police_procedure": "依照公安机关法定程序办理", "court_procedure": "依照人民法院法定程序办理",
               "other": "通过其他法定途径解决"}
MODE_NAMES = {"assignment": "交办", "transfer": "转送"}


def notices(petition: Petition, issued_by: str) -> list[Notice]:
    """The notice of the decision, with the petition's query code (查询码) where it has one."""
    code = getattr(petition, "query_code", None)
    if code is None:
        return _notices(petition, issued_by)
    follow = (f"查询码：{code}。凭此码可在信访事项查询页面查询办理进度、阅看答复意见、进行满意度评价和申请复查，"
              "请妥善保管，勿告知他人。")
    return [replace(n, paragraphs=(*n.paragraphs, follow)) for n in _notices(petition, issued_by)]


def _notices(petition: Petition, issued_by: str) -> list[Notice]:
    decision = petition.decision
    if decision is None:
        return []
    on = beijing_date(decision["decided_at"])
    opening = (f"你（们）于{chinese_date(beijing_date(petition.received_at))}以"
               f"{CHANNEL_NAMES.get(petition.channel, petition.channel)}方式反映的“{petition.subject}”事项，")
    kind = decision["decision"]
    if kind == "accepted":
        mode = MODE_NAMES.get(decision.get("dispatch_mode") or "assignment")
        return [Notice("acceptance", "信访事项受理告知书", on, issued_by, (
            opening + f"经审查，本机关决定予以受理，并依法{mode}有权处理的机关、单位办理。",
            "有权处理的机关、单位应当自受理之日起60日内办结；情况复杂的，经批准可以适当延长办理期限，"
            "但延长期限不得超过30日，并告知延期理由。",
            "依据《信访工作条例》第二十二条、第二十三条、第三十四条。"))]
    if kind == "diverted":
        route = ROUTE_NAMES.get(decision["route"], decision["route"])
        return [Notice("diversion", "信访事项告知书（法定途径）", on, issued_by, (
            opening + f"经审查，该事项应当{route}。",
            f"理由：{decision['reason']}",
            "请依照有关法律、行政法规规定的程序向有关机关提出。依据《信访工作条例》第三十一条。"))]
    if decision.get("ground") == "no_further_acceptance":
        return [Notice("no_further_acceptance", "信访事项不再受理告知书", on, issued_by, (
            opening + "经审查，不再受理。", f"理由：{decision['reason']}"))]
    return [Notice("non_acceptance", "信访事项不予受理告知书", on, issued_by, (
        opening + "经审查，本机关决定不予受理。", f"理由：{decision['reason']}",
        "依据《信访工作条例》第二十三条。"))]
