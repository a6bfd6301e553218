"""The documents of a mediation: the agreement (调解协议书) and, when it ends without one, the
notice of the legal routes (告知书, 人民调解法第二十六条)."""
from __future__ import annotations

from mediation.domain import Mediation
from mediation.layers import LAYER_NAMES, LEGAL_ROUTES
from shared.clock import beijing_date
from shared.notices import Notice, chinese_date


def notices(mediation: Mediation, issued_by: str) -> list[Notice]:
    m, found = mediation, []
    if m.agreement:
        a = m.agreement
        parties = "；".join(f"{p['name']}" for p in m.parties)
        found.append(Notice("agreement", f"{LAYER_NAMES[a['layer']]}协议书", a["effective_on"], issued_by, (
            f"当事人：{parties}",
            f"纠纷事实：{a['facts']}",
            f"争议事项：{a['disputes']}",
            *(f"第{i + 1}条　{t['content']}（履行方式：{t['manner']}；履行期限：{t['due']}）"
              for i, t in enumerate(a["terms"])),
            "本协议经各方当事人和调解员签名后生效，具有法律约束力，当事人应当按照约定履行。",
            f"双方当事人可以自本协议生效之日起30日内（至{chinese_date(a['confirm_by'])}）共同向人民法院申请司法确认"
            "（《中华人民共和国人民调解法》第三十三条）。",
            "签名：" + "、".join(s["name"] for s in a["signatures"]))))
    if m.ended:
        e = m.ended
        why = (f"经{LAYER_NAMES[e['layer']]}征询，当事人不同意调解" if e["reason"] == "refused"
               else f"经{'、'.join(LAYER_NAMES[x['layer']] for x in m.layers)}，各方未能达成调解协议")
        found.append(Notice("mediation_ended", "调解终结告知书", beijing_date(e["at"]), issued_by, (
            f"你们之间的纠纷（{m.summary}），{why}，调解终结。",
            "当事人可以" + "、".join(LEGAL_ROUTES) + "，维护自己的合法权益（《中华人民共和国人民调解法》第二十六条）。")))
    return found
