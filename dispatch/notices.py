"""The notices dispatch issues to the petitioner: extension, the handling opinion, and the review
and re-review opinions (延期告知书, 处理意见书, 复查意见书, 复核意见书)."""
from __future__ import annotations

from dispatch.domain import Assignment
from dispatch.opinion import OUTCOME_NAMES
from dispatch.review import STAGE_NAMES
from shared.clock import beijing_date
from shared.notices import Notice, chinese_date

ELEMENT_LABELS = {"facts": "基本事实", "claims": "信访人诉求", "findings": "调查核实情况",
                  "result": "处理意见", "legal_basis": "法律政策依据", "remedy": "救济途径"}
DECISION_NAMES = {"upheld": "维持原处理意见", "revised": "变更原处理意见"}


def notices(assignment: Assignment, unit_name) -> list[Notice]:
    a, found = assignment, []
    if a.extension:
        e = a.extension
        found.append(Notice("extension", "信访事项延期办理告知书", beijing_date(e["extended_at"]), unit_name(a.unit_id), (
            f"你反映的信访事项，因{e['reason']}，经{e['approved_by']}批准，办理期限延长{e['days']}日，"
            f"至{chinese_date(a.handling_deadline)}前办结。",
            "依据《信访工作条例》第三十四条。")))
    if a.reply:
        r = a.reply
        found.append(Notice("handling_opinion", "信访事项处理意见书", beijing_date(r["replied_at"]), unit_name(a.unit_id), (
            *(f"{label}：{r['opinion'][name]}" for name, label in ELEMENT_LABELS.items()),
            f"处理结果：{OUTCOME_NAMES[r['outcome']]}。",
            "如对本处理意见不服，可自收到本意见书之日起30日内请求原办理机关的上一级机关复查。",
            "签发：" + "、".join(s["name"] for s in r["signatures"]))))
    for stage, rv in a.reviews.items():
        if "decision" not in rv:
            continue
        remedy = ("如对复查意见不服，可自收到本意见书之日起30日内向复查机关的上一级机关请求复核。"
                  if stage == "review" else
                  "本复核意见为最终意见。信访人以同一事实和理由再提出信访的，不再受理（《信访工作条例》第三十六条）。")
        op = rv["opinion"]
        found.append(Notice(stage, f"信访事项{STAGE_NAMES[stage]}意见书", rv["decided_on"], unit_name(rv["reviewer_unit"]), (
            f"你于{chinese_date(rv['requested_on'])}提出的{STAGE_NAMES[stage]}请求，本机关已审查完毕。",
            f"审查认定：{op['findings']}",
            f"{STAGE_NAMES[stage]}意见：{DECISION_NAMES[rv['decision']]}。{op['result']}",
            f"依据：{op['legal_basis']}",
            f"{op['remedy']} {remedy}")))
    return found
