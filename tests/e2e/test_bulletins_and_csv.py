"""A monthly bulletin (月通报) and CSV export over HTTP, every service a real process: a month's
petitions handled and rated, the month compiled and published (frozen: compiling it again is 409),
a petition registered late for the month and the bulletin corrected as a second version with the
first still readable; the summary, volumes and bulletin downloaded as CSV and read back."""
import csv
import io


from tests.support import REPLY, petition

REGION = "150623106"  # a township no other end-to-end test counts, in a month none uses
PERIOD = f"from=2026-09-01&to=2026-09-30&region={REGION}"
ANALYST = {"user": "tongji-zhao"}  # as the administrator, so that the course runs whole
BOM = "\ufeff"


def call(system, method, path, body=None, status=200):
    answer = system.session(**ANALYST).request(method, system.url(path), json=body, timeout=30)
    assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text[:400]}"
    return answer.json()


def at(day: str) -> str:
    return f"{day}T09:00:00+08:00"


def download(system, path) -> list[list[str]]:
    answer = system.session().get(system.url(path), timeout=30)
    assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:400]}"
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"].startswith("attachment")
    assert answer.content.startswith(b"\xef\xbb\xbf")
    text = answer.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM):])))


def number(text: str):
    if text == "":
        return None
    return float(text) if any(c in text for c in ".e") else int(text)


def handled_and_rated(system, n: int, day: str) -> None:
    created = call(system, "POST", "/api/petitions", petition(n, region_code=REGION, received_at=at(day)), 201)
    call(system, "POST", f"/api/petitions/{created['id']}/acceptance",
         {"decision": "accepted", "reason": "属于受理范围", "decided_at": at("2026-09-02")})
    viewed = system.wait_until(lambda: (p := call(system, "GET", f"/api/petitions/{created['id']}"))["assignment_id"]
                               and p)
    path = f"/api/assignments/{viewed['assignment_id']}"
    unit = call(system, "GET", path)["unit"]
    call(system, "POST", path + "/sign", {"unit": unit, "signed_at": at("2026-09-03")})
    call(system, "POST", path + "/reply", {**REPLY, "replied_at": at("2026-09-10")})
    call(system, "POST", path + "/pre-review", {"approved": True, "decided_at": "2026-09-10T10:00:00+08:00"})
    call(system, "POST", path + "/evaluation", {"rating": "satisfied", "rated_at": at("2026-09-11")})


def test_a_month_compiled_published_frozen_corrected_and_exported(system):
    handled_and_rated(system, 801, "2026-09-01")
    call(system, "POST", "/api/petitions", petition(802, region_code=REGION, channel="letter",
                                                    received_at=at("2026-09-08")), 201)
    stats = system.wait_until(lambda: (s := call(system, "GET", f"/api/stats/summary?{PERIOD}"))["received"] == 2
                              and s["satisfaction_rate"] == 1.0 and s)

    # Compiled: the month the day falls in, with the figures as the statistics give them.
    compiled = call(system, "POST", "/api/bulletins", {"kind": "month", "day": "2026-09-15", "region": REGION}, 201)
    assert (compiled["from"], compiled["to"], compiled["status"], compiled["version"]) == (
        "2026-09-01", "2026-09-30", "draft", 1)
    assert {k: v for k, v in compiled["figures"]["summary"].items() if k != "as_of"} == {
        k: v for k, v in stats.items() if k != "as_of"}
    ranking = compiled["figures"]["ranking"]
    assert len(ranking) == 1 and ranking[0]["rank"] == 1
    assert ranking[0]["on_time_completion_rate"] == 1.0 and ranking[0]["satisfaction_rate"] == 1.0
    assert compiled["figures"]["rank_by"] == ["on_time_completion_rate", "satisfaction_rate"]
    # Compiled again while a draft: the same bulletin.
    again = call(system, "POST", "/api/bulletins", {"kind": "month", "day": "2026-09-30", "region": REGION}, 201)
    assert again["id"] == compiled["id"] and again["status"] == "draft"

    # Published: frozen.
    path = f"/api/bulletins/{compiled['id']}"
    published = call(system, "POST", path + "/publication", {})
    assert published["status"] == "published" and published["published_by"] == "tongji-zhao"
    call(system, "POST", "/api/bulletins", {"kind": "month", "day": "2026-09-01", "region": REGION}, 409)
    call(system, "POST", path + "/publication", {}, 409)
    assert [b["id"] for b in call(system, "GET", "/api/bulletins?status=published&kind=month")["bulletins"]
            if b["region"] == REGION] == [compiled["id"]]

    # A letter of 28 September registered late: the published month is corrected, not recompiled.
    call(system, "POST", "/api/petitions", petition(803, region_code=REGION, channel="letter",
                                                    received_at=at("2026-09-28")), 201)
    system.wait_until(lambda: call(system, "GET", f"/api/stats/summary?{PERIOD}")["received"] == 3)
    call(system, "POST", path + "/corrections", {"reason": ""}, 400)
    corrected = call(system, "POST", path + "/corrections", {"reason": "补录9月28日来信一件"})
    assert corrected["version"] == 2 and corrected["figures"]["summary"]["received"] == 3
    shown = call(system, "GET", path)
    assert [v["version"] for v in shown["versions"]] == [1, 2]
    assert shown["versions"][0]["figures"]["summary"]["received"] == 2  # as published
    assert shown["versions"][1]["reason"] == "补录9月28日来信一件"
    assert shown["versions"][1]["changes"]["summary.received"] == {"was": 2, "now": 3}
    assert [e["type"] for e in shown["history"]] == ["compiled", "recompiled", "published", "corrected"]

    # CSV: the same figures as the JSON answers.
    summary = call(system, "GET", f"/api/stats/summary?{PERIOD}")
    rows = download(system, f"/api/stats/summary.csv?{PERIOD}")
    assert rows[0] == ["指标代码", "指标", "本期", "上年同期", "同比"]
    by_key = {row[0]: row for row in rows[1:]}
    for key in ("received", "persons", "accepted", "repeats", "timely_acceptance_rate", "on_time_completion_rate",
                "participation_rate", "satisfaction_rate", "repeat_rate", "resolution_rate"):
        assert number(by_key[key][2]) == summary[key], key
        assert number(by_key[key][3]) == summary["previous_year"][key], key
    assert number(by_key["five_volumes.petitions"][2]) == summary["five_volumes"]["petitions"] == 3

    volume = call(system, "GET", f"/api/stats/volume?{PERIOD}&by=channel")
    rows = download(system, f"/api/stats/volume.csv?{PERIOD}&by=channel")
    assert rows[0] == ["期间", "分类代码", "分类", "本期数量", "上年同期", "同比", "本期人次", "上年同期人次", "人次同比"]
    assert [(r[0], r[1], number(r[3]), number(r[4]), number(r[6])) for r in rows[1:]] == [
        (s["period"], s["key"], s["count"], s["previous_year_count"], s["persons"]) for s in volume["series"]]
    assert {r[1]: r[2] for r in rows[1:]} == {"visit": "来访", "letter": "来信"}

    rows = download(system, path + ".csv")
    assert rows[0] == ["通报", "月通报"] and ["版本", "2"] in rows and ["状态", "已发布"] in rows
    figures_at = rows.index(["指标代码", "指标", "本期", "上年同期", "同比"])
    ranking_at = rows.index(["排名", "单位代码", "单位", "交办件数", "按时办结率", "参评件数", "满意件数", "满意率"])
    by_key = {row[0]: row for row in rows[figures_at + 1:ranking_at - 1]}
    assert number(by_key["received"][2]) == shown["figures"]["summary"]["received"] == 3
    assert number(by_key["satisfaction_rate"][2]) == shown["figures"]["summary"]["satisfaction_rate"]
    assert number(by_key["mediation.opened"][2]) == shown["figures"]["mediation"]["opened"]
    assert [(int(r[0]), r[1], number(r[4]), number(r[7])) for r in rows[ranking_at + 1:]] == [
        (u["rank"], u["unit_id"], u["on_time_completion_rate"], u["satisfaction_rate"])
        for u in shown["figures"]["ranking"]]

    call(system, "GET", "/api/bulletins/not-a-uuid", status=404)
