"""CSV for analysts' spreadsheets: UTF-8 with a byte order mark (so Excel reads the Chinese labels),
Chinese column labels, one figure a row. Rates are fractions 0..1 as in the JSON answers; a figure
with nothing in its denominator is an empty cell. Pure: the gateway only sends what this returns."""
from __future__ import annotations

import csv
import io

from reporting.bulletins import KIND_NAMES

BOM = "\ufeff"

SUMMARY_LABELS = {
    "received": "登记量（件次）", "persons": "登记量（人次）", "accepted": "受理量", "repeats": "重复信访量",
    "timely_acceptance_rate": "及时受理率", "on_time_completion_rate": "按时办结率", "participation_rate": "参评率",
    "satisfaction_rate": "满意率", "repeat_rate": "重复信访率", "resolution_rate": "化解率",
    "first_petition_resolution_rate": "初信初访化解率",
}
FIVE_VOLUME_LABELS = {"hotline12345": "12345热线工单量", "police110": "110警情量", "court": "法院案件量",
                      "petitions": "信访量", "mediation": "调解量"}
SECTION_LABELS = {
    "mediation": {"opened": "调解受理量", "agreements": "调解成功量", "success_rate": "调解成功率"},
    "backlog": {"designated": "积案认定量", "resolved": "积案化解量", "backlog_resolution_rate": "积案化解率",
                "leader_owned_resolution_rate": "领导包案化解率"},
    "supervision": {"issued": "督办函件量", "overdue": "超期件量", "response_timeliness_rate": "反馈及时率",
                    "adoption_rate": "问责建议采纳率"},
}
CHANNEL_LABELS = {"visit": "来访", "letter": "来信", "online": "网上信访", "phone": "电话", "fax": "传真",
                  **FIVE_VOLUME_LABELS, "petition:hotline12345": "信访（经12345转来）",
                  "petition:police110": "信访（经110转来）", "petition:court": "信访（经法院转来）"}
FIGURE_HEADER = ["指标代码", "指标", "本期", "上年同期", "同比"]
VOLUME_HEADER = ["期间", "分类代码", "分类", "本期数量", "上年同期", "同比", "本期人次", "上年同期人次", "人次同比"]
RANKING_HEADER = ["排名", "单位代码", "单位", "交办件数", "按时办结率", "参评件数", "满意件数", "满意率"]
RANKING_KEYS = ["rank", "unit_id", "unit_name", "assignments", "on_time_completion_rate", "rated", "satisfied",
                "satisfaction_rate"]
BULLETIN_STATUS = {"draft": "草稿", "published": "已发布"}


def cell(value) -> str:
    """A number as Python writes it (read back exactly with float() or int()); None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def render(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return BOM + out.getvalue()


def summary_rows(summary: dict) -> list[list]:
    """One row per figure of Statistics.summary: this period, a year earlier, the change."""
    previous, changes = summary.get("previous_year", {}), summary.get("yoy", {})
    rows = [[key, label, summary.get(key), previous.get(key), changes.get(key)]
            for key, label in SUMMARY_LABELS.items()]
    volumes, last, change = (summary.get("five_volumes", {}), previous.get("five_volumes", {}),
                             changes.get("five_volumes", {}))
    rows += [[f"five_volumes.{key}", label, volumes.get(key), last.get(key), change.get(key)]
             for key, label in FIVE_VOLUME_LABELS.items()]
    # the same figures per person (人次口径): a group visit counts every person in it
    per_person, last, change = (summary.get("per_person", {}), previous.get("per_person", {}),
                                changes.get("per_person", {}))
    rows += [[f"per_person.{key}", label.replace("（件次）", "") + "（人次口径）", per_person.get(key), last.get(key),
              change.get(key)] for key, label in SUMMARY_LABELS.items() if key in per_person]
    return rows


def summary_csv(summary: dict) -> str:
    return render([FIGURE_HEADER, *summary_rows(summary)])


def volume_csv(volume: dict) -> str:
    rows = [[r["period"], r["key"], CHANNEL_LABELS.get(r["key"], r["key"]) if volume.get("by") == "channel" else r["key"],
             r["count"], r["previous_year_count"], r["yoy"], r.get("persons"), r.get("previous_year_persons"),
             r.get("persons_yoy")] for r in volume.get("series", [])]
    return render([VOLUME_HEADER, *rows])


def bulletin_csv(bulletin: dict) -> str:
    """The bulletin's current version: what it is, its figures, and its ranking of units; sections
    separated by an empty row, each with its own header."""
    figures = bulletin.get("figures", {})
    rows: list[list] = [
        ["通报", KIND_NAMES.get(bulletin["kind"], bulletin["kind"])],
        ["期间", f"{bulletin['start']}至{bulletin['end']}"],
        ["地区", bulletin["region"] or "全部"],
        ["状态", BULLETIN_STATUS.get(bulletin["status"], bulletin["status"])],
        ["版本", bulletin["version"]],
    ]
    current = (bulletin.get("versions") or [{}])[-1]
    if current.get("reason"):
        rows.append(["更正原因", current["reason"]])
    rows += [[], FIGURE_HEADER, *summary_rows(figures.get("summary", {}))]
    for section, labels in SECTION_LABELS.items():
        found = figures.get(section) or {}
        previous, changes = found.get("previous_year", {}), found.get("yoy", {})
        rows += [[f"{section}.{key}", label, found.get(key), previous.get(key), changes.get(key)]
                 for key, label in labels.items()]
    rows += [[], RANKING_HEADER, *([unit.get(k) for k in RANKING_KEYS] for unit in figures.get("ranking", []))]
    return render(rows)
