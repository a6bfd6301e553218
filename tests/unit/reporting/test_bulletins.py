"""Bulletins (通报), rule by rule: the period a day falls in; one bulletin per period and region; a
draft compiled again, a published one frozen; a correction as a new version with its reason and
what changed, the published version still readable; units ranked by the bureau's figures; and the
CSV analysts open in a spreadsheet."""
import csv
import io
from datetime import date

import pytest

from reporting import csv_export
from reporting.bulletin_application import BulletinApplication, BulletinNotFound, bulletin_view
from reporting.bulletins import BulletinFrozen, bulletin_id_for, difference, period_bounds, rank_units
from reporting.statistics import summary
from shared.actors import acting_as
from shared.errors import Conflict, InvalidCommand

COUNTS = {"received": 40, "persons": 30, "accepted": 32, "repeats": 10,
          "decided_in_time": 27, "decided_late": 2, "undecided_overdue": 1,
          "replied_on_time": 18, "replied_late": 1, "unreplied_overdue": 1,
          "rated": 16, "expired_unrated": 4, "satisfied": 12,
          "resolved": 13, "concluded": 22, "first_resolved": 9, "first_concluded": 12}
EMPTY = dict.fromkeys(COUNTS, 0)


@pytest.mark.parametrize(("kind", "day", "bounds"), [
    ("week", date(2026, 5, 14), (date(2026, 5, 11), date(2026, 5, 17))),  # a Thursday
    ("week", date(2026, 5, 11), (date(2026, 5, 11), date(2026, 5, 17))),  # the Monday
    ("week", date(2026, 5, 17), (date(2026, 5, 11), date(2026, 5, 17))),  # the Sunday
    ("week", date(2027, 1, 1), (date(2026, 12, 28), date(2027, 1, 3))),  # ISO week across the year's end
    ("month", date(2026, 5, 14), (date(2026, 5, 1), date(2026, 5, 31))),
    ("month", date(2028, 2, 10), (date(2028, 2, 1), date(2028, 2, 29))),  # a leap year
    ("month", date(2026, 2, 28), (date(2026, 2, 1), date(2026, 2, 28))),
    ("quarter", date(2026, 5, 14), (date(2026, 4, 1), date(2026, 6, 30))),
    ("quarter", date(2026, 1, 1), (date(2026, 1, 1), date(2026, 3, 31))),
    ("quarter", date(2026, 12, 31), (date(2026, 10, 1), date(2026, 12, 31))),
    ("year", date(2026, 5, 14), (date(2026, 1, 1), date(2026, 12, 31))),
])
def test_the_period_a_day_falls_in(kind, day, bounds):
    assert period_bounds(kind, day) == bounds


def test_an_unknown_kind_of_period_is_refused():
    with pytest.raises(InvalidCommand):
        period_bounds("fortnight", date(2026, 5, 14))


def unit(unit_id, on_time, satisfaction, assignments=4):
    return {"unit_id": unit_id, "assignments": assignments, "on_time_completion_rate": on_time,
            "rated": 2, "satisfied": 1, "satisfaction_rate": satisfaction}


def test_units_rank_by_the_first_figure_then_the_next_ties_share_a_rank_and_no_figure_comes_last():
    units = [unit("c", 0.9, 0.5), unit("a", 1.0, 0.5), unit("d", 0.9, 0.8), unit("b", 0.9, 0.5),
             unit("e", None, 1.0), unit("f", 0.5, None)]
    ranked = rank_units(units, ["on_time_completion_rate", "satisfaction_rate"])
    assert [(u["rank"], u["unit_id"]) for u in ranked] == [(1, "a"), (2, "d"), (3, "b"), (3, "c"), (5, "f"),
                                                          (6, "e")]
    by_satisfaction = rank_units(units, ["satisfaction_rate"])
    assert [(u["rank"], u["unit_id"]) for u in by_satisfaction] == [
        (1, "e"), (2, "d"), (3, "a"), (3, "b"), (3, "c"), (6, "f")]


def test_a_correction_records_each_figure_that_changed():
    old = {"summary": {"received": 40, "satisfaction_rate": 0.75, "five_volumes": {"court": 1}}, "ranking": [1]}
    new = {"summary": {"received": 41, "satisfaction_rate": 0.75, "five_volumes": {"court": 2}}, "ranking": [1]}
    assert difference(old, new) == {"summary.received": {"was": 40, "now": 41},
                                    "summary.five_volumes.court": {"was": 1, "now": 2}}
    assert difference(old, old) == {}


class Figures:
    """The statistics as they stand: what a test sets them to."""

    def __init__(self):
        self.received = 40
        self.asked = []

    def __call__(self, start, end, region):
        self.asked.append((start, end, region))
        return {"summary": {"from": start.isoformat(), "to": end.isoformat(), "region": region,
                            **summary({**COUNTS, "received": self.received}, EMPTY)},
                "mediation": {"opened": 3, "success_rate": 0.5, "previous_year": {"opened": 2}, "yoy": {"opened": 0.5}},
                "backlog": {"designated": 1, "resolved": 1, "backlog_resolution_rate": 1.0},
                "supervision": {"issued": 2, "overdue": 0, "response_timeliness_rate": None},
                "units": [unit("dept-b", 0.9, 0.8), unit("dept-a", 1.0, 0.5)]}


@pytest.fixture
def figures():
    return Figures()


@pytest.fixture
def app(figures):
    return BulletinApplication(figures=figures, unit_names={"dept-a": "甲局", "dept-b": "乙局"})


def test_compiling_the_same_period_twice_gives_the_same_bulletin_with_the_figures_replaced(app, figures):
    first = app.compile("month", date(2026, 5, 14), "3607")
    assert first.id == bulletin_id_for("month", date(2026, 5, 1), "3607")
    assert (first.start, first.end, first.status, first.figures_version) == (date(2026, 5, 1), date(2026, 5, 31), "draft", 1)
    assert figures.asked == [(date(2026, 5, 1), date(2026, 5, 31), "3607")]
    assert first.figures["summary"]["received"] == 40
    assert [(u["rank"], u["unit_id"], u["unit_name"]) for u in first.figures["ranking"]] == [
        (1, "dept-a", "甲局"), (2, "dept-b", "乙局")]

    figures.received = 42
    again = app.compile("month", date(2026, 5, 31), "3607")
    assert again.id == first.id and again.figures_version == 1 and again.figures["summary"]["received"] == 42
    assert [b.id for b in app.list()] == [first.id]
    assert [type(e).__name__ for e in app.history(first.id)] == ["Compiled", "Recompiled"]
    # another region or another kind of period is another bulletin
    assert app.compile("month", date(2026, 5, 14), "3608").id != first.id
    assert app.compile("quarter", date(2026, 5, 14), "3607").id != first.id
    assert len(app.list()) == 3 and [b.kind for b in app.list(kind="quarter")] == ["quarter"]


def test_a_published_bulletin_is_frozen(app, figures):
    bulletin = app.compile("month", date(2026, 5, 14))
    with acting_as("analyst-wang"):
        published = app.publish(bulletin.id)
    assert published.status == "published"
    asked = len(figures.asked)
    with pytest.raises(BulletinFrozen):
        app.compile("month", date(2026, 5, 1))
    assert len(figures.asked) == asked  # refused before anything is computed
    with pytest.raises(Conflict):
        app.publish(bulletin.id)
    view = bulletin_view(app.get(bulletin.id), app.history(bulletin.id))
    assert view["published_by"] == "analyst-wang" and view["status"] == "published"


def test_a_correction_is_a_new_version_and_the_published_one_stays_readable(app, figures):
    bulletin = app.compile("month", date(2026, 5, 14), "3607")
    with pytest.raises(Conflict):
        app.correct(bulletin.id, "a draft is compiled again instead")
    app.publish(bulletin.id)
    with pytest.raises(InvalidCommand):
        app.correct(bulletin.id, "  ")
    figures.received = 41  # a petition registered late, for a day of the period
    with acting_as("analyst-li"):
        corrected = app.correct(bulletin.id, "补录一件5月来信")
    assert corrected.figures_version == 2 and corrected.status == "published"
    assert corrected.figures["summary"]["received"] == 41
    assert corrected.versions[0]["figures"]["summary"]["received"] == 40
    assert corrected.versions[1]["reason"] == "补录一件5月来信"
    assert corrected.versions[1]["changes"]["summary.received"] == {"was": 40, "now": 41}

    view = bulletin_view(app.get(bulletin.id), app.history(bulletin.id))
    assert [v["version"] for v in view["versions"]] == [1, 2]
    assert view["versions"][1]["actor"] == "analyst-li" and view["versions"][0]["at"] < view["versions"][1]["at"]
    assert [e["type"] for e in view["history"]] == ["compiled", "published", "corrected"]
    with pytest.raises(BulletinFrozen):
        app.compile("month", date(2026, 5, 14), "3607")


def test_an_unknown_bulletin_is_not_found(app):
    with pytest.raises(BulletinNotFound):
        app.get(bulletin_id_for("month", date(2020, 1, 1), ""))


def read(text: str) -> list[list[str]]:
    assert text.startswith(csv_export.BOM)
    return list(csv.reader(io.StringIO(text[len(csv_export.BOM):])))


def test_the_summary_csv_has_a_byte_order_mark_chinese_headers_and_the_figures_exactly():
    figures = summary(COUNTS, {**EMPTY, "received": 32})
    text = csv_export.summary_csv(figures)
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    rows = read(text)
    assert rows[0] == ["指标代码", "指标", "本期", "上年同期", "同比"]
    by_key = {row[0]: row for row in rows[1:]}
    assert by_key["received"][1:] == ["登记量（件次）", "40", "32", "0.25"]
    assert float(by_key["satisfaction_rate"][2]) == figures["satisfaction_rate"]
    assert by_key["satisfaction_rate"][3] == ""  # nothing rated a year earlier: no figure
    assert by_key["five_volumes.petitions"][1:3] == ["信访量", "40"]
    assert by_key["per_person.received"][1] == "登记量（人次口径）"
    assert by_key["per_person.satisfaction_rate"][1] == "满意率（人次口径）"


def test_the_volume_csv_labels_channels_in_chinese():
    volume = {"granularity": "month", "by": "channel", "series": [
        {"period": "2026-05-01", "key": "visit", "count": 3, "previous_year_count": 2, "yoy": 0.5,
         "persons": 32, "previous_year_persons": 2, "persons_yoy": 15.0},
        {"period": "2026-05-01", "key": "hotline12345", "count": 1, "previous_year_count": 0, "yoy": None,
         "persons": 1, "previous_year_persons": 0, "persons_yoy": None}]}
    rows = read(csv_export.volume_csv(volume))
    assert rows == [["期间", "分类代码", "分类", "本期数量", "上年同期", "同比", "本期人次", "上年同期人次", "人次同比"],
                    ["2026-05-01", "visit", "来访", "3", "2", "0.5", "32", "2", "15.0"],
                    ["2026-05-01", "hotline12345", "12345热线工单量", "1", "0", "", "1", "0", ""]]


def test_the_bulletin_csv_shows_the_current_version_and_the_ranking(app, figures):
    bulletin = app.compile("month", date(2026, 5, 14), "3607")
    app.publish(bulletin.id)
    figures.received = 41
    app.correct(bulletin.id, "补录")
    rows = read(csv_export.bulletin_csv(bulletin_view(app.get(bulletin.id), app.history(bulletin.id))))
    head = {row[0]: row[1] for row in rows[:6]}
    assert head == {"通报": "月通报", "期间": "2026-05-01至2026-05-31", "地区": "3607", "状态": "已发布", "版本": "2",
                    "更正原因": "补录"}
    figures_at = rows.index(csv_export.FIGURE_HEADER)
    ranking_at = rows.index(csv_export.RANKING_HEADER)
    by_key = {row[0]: row for row in rows[figures_at + 1:ranking_at - 1]}
    assert by_key["received"][2] == "41" and by_key["mediation.opened"][2:5] == ["3", "2", "0.5"]
    assert [row[:3] for row in rows[ranking_at + 1:]] == [["1", "dept-a", "甲局"], ["2", "dept-b", "乙局"]]
