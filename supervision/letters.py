"""The letters as documents (提醒函, 预警函, 督办函, 问责建议函): addressed to the unit, with the facts,
the limit, the reply deadline and the legal basis."""
from __future__ import annotations

from supervision.domain import KIND_NAMES, Supervision
from supervision.ladder import LETTER_NAMES, LETTERS
from shared.notices import Notice, chinese_date
from shared.views import plain

ISSUER = "信访工作联席会议办公室"
BASIS = {"reminder": "《信访工作条例》第四十条；本地信访事项办理时限预警制度",
         "warning": "《信访工作条例》第四十条",
         "supervision": "《信访工作条例》第三十九条、第四十条",
         "recommendation": "《信访工作条例》第四十条；《信访条例》第三十六条"}
ASK = {"reminder": "请于期限届满前依法办结。",
       "warning": "该事项已超过规定期限，请立即办理，并于{reply}前书面报告原因及办理情况。",
       "supervision": "现予督办，请于{reply}前办结并书面报告结果。",
       "recommendation": "建议对相关责任人依规依纪追究责任，请于{reply}前书面反馈处理情况及是否采纳。"}


def letters(watch: Supervision, unit_name) -> list[dict]:
    documents = []
    subject = KIND_NAMES[watch.kind]
    for kind in LETTERS:
        letter = watch.letters.get(kind)
        if letter is None:
            continue
        if watch.manual:
            facts = (f"经查，事项（编号 {watch.subject_id}）存在{subject}问题：{watch.note}"
                     f"整改期限为{chinese_date(letter['deadline'])}。")
        else:
            facts = (f"经查，{'信访事项' if watch.petition_id else '事项'}（编号 {watch.subject_id}）的{subject}"
                     f"为{chinese_date(letter['deadline'])}。" + (watch.note or ""))
        notice = Notice(kind, f"信访事项{LETTER_NAMES[kind]}", letter["issued_on"], ISSUER, (
            facts, ASK[kind].format(reply=chinese_date(letter["reply_by"])), f"依据：{BASIS[kind]}"))
        documents.append(plain({**notice.document(unit_name(letter["unit_id"])), "response": letter["response"],
                                "reply_by": letter["reply_by"]}))
    return documents
