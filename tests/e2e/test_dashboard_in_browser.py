"""The analysts' dashboard in headless Chromium, every service a real process: a year of petitions,
agency events and acceptance decisions in one township; the dashboard loaded for that year shows in
its charts the numbers the API gives for the same filter, and again after the period filter is
changed to one month through the page; screenshots go to the test's tmp_path."""
import json
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from kombu import Connection, Exchange

from shared.reference import load_reference
from supervision.domain import supervision_id_for
from tests.support import petition

REGION = "150623105"  # a township no other end-to-end test counts
VILLAGES = ("150623105001", "150623105002")  # the region breakdown's two bars
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; ./run test installs it
VOLUME_KEYS = ("hotline12345", "police110", "court", "petitions", "mediation")
OTHER_VOLUMES = {"hotline12345", "police110", "court", "mediation"}  # by channel, every other key is a petition
RATE_KEYS = ("timely_acceptance_rate", "on_time_completion_rate", "participation_rate", "satisfaction_rate",
             "repeat_rate", "resolution_rate", "first_petition_resolution_rate")
YEAR = {"from": "2025-01-01", "to": "2025-12-31", "region": REGION}
MARCH = {"from": "2025-03-01", "to": "2025-03-31", "region": REGION}


# -- the data -------------------------------------------------------------------------------------
def at(day: str) -> str:
    return f"{day}T09:30:00+08:00"


def api(system, path: str, params: dict | None = None, status: int = 200, **kwargs):
    answer = system.session().request(kwargs.pop("method", "GET"), system.url(path), params=params, timeout=30, **kwargs)
    assert answer.status_code == status, f"{path}: {answer.status_code} {answer.text[:400]}"
    return answer.json()


def register(system, n: int, village: str, day: str, channel: str = "visit") -> str:
    body = petition(n, region_code=village, channel=channel, received_at=at(day))
    return api(system, "/api/petitions", method="POST", json=body, status=201)["id"]


def accept(system, petition_id: str, day: str) -> str:
    api(system, f"/api/petitions/{petition_id}/acceptance", method="POST",
        json={"decision": "accepted", "reason": "属于受理范围", "decided_at": at(day)})
    return system.wait_until(lambda: api(system, f"/api/petitions/{petition_id}")["assignment_id"], timeout=30)


def publish(system, exchange: str, type_: str, **data):
    """As the agency would: a CloudEvent on its exchange (CONTRACTS.md §1)."""
    event_id = f"DASH-{uuid.uuid4().hex[:10]}"
    body = {"specversion": "1.0", "id": event_id, "source": f"urn:cn:{exchange}:{REGION}", "type": type_,
            "time": next(v for k, v in data.items() if k.endswith("_at")), "datacontenttype": "application/json",
            "data": data}
    with Connection(system.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        target = Exchange(f"{exchange}.events", "topic", durable=True)
        target(conn.channel()).declare()
        conn.Producer().publish(json.dumps(body, ensure_ascii=False).encode(), exchange=target, routing_key=type_,
                                serializer=None, content_type="application/cloudevents+json",
                                content_encoding="binary", delivery_mode=2)
    return event_id


@pytest.fixture(scope="module")
def township(system):
    """2025 and, for the year-earlier columns, 2024: petitions in two villages, one accepted late and
    one never decided (overdue), and a 12345 work order, a 110 alert, a court case and a court
    referral to mediation. Returns the watches that must be on today's overdue list."""
    first = register(system, 841, VILLAGES[0], "2025-02-10")
    late = register(system, 842, VILLAGES[0], "2025-03-05")
    third = register(system, 843, VILLAGES[0], "2025-03-20")
    letter = register(system, 844, VILLAGES[1], "2025-03-12", channel="letter")
    undecided = register(system, 845, VILLAGES[1], "2025-05-08", channel="online")
    register(system, 846, VILLAGES[0], "2024-03-15")
    register(system, 847, VILLAGES[1], "2024-06-03", channel="letter")
    assignments = [accept(system, first, "2025-02-12"), accept(system, late, "2025-04-10"),
                   accept(system, third, "2025-03-21"), accept(system, letter, "2025-03-13")]
    publish(system, "hotline12345", "work_order.created", order_no=f"WO-{uuid.uuid4().hex[:8]}",
            received_at=at("2025-03-10"), region_code=REGION, category="劳动保障", title="欠薪", content="工地欠薪",
            caller={"name": "市民某某", "phone": "13800001111"}, transfer_to_petition=False)
    publish(system, "hotline12345", "work_order.created", order_no=f"WO-{uuid.uuid4().hex[:8]}",
            received_at=at("2024-03-11"), region_code=REGION, category="劳动保障", title="欠薪", content="工地欠薪",
            caller={"name": "市民某某", "phone": "13800001111"}, transfer_to_petition=False)
    publish(system, "police110", "alert.received", alert_no=f"JJ-{uuid.uuid4().hex[:8]}",
            received_at=at("2025-02-20"), region_code=REGION, category="治安")
    publish(system, "court", "case.filed", case_no=f"(2025)蒙0623民初{uuid.uuid4().int % 10000}号",
            filed_at=at("2025-05-06"), region_code=REGION, case_type="民事", cause="劳动争议")
    publish(system, "court", "mediation.referred", case_no=f"(2025)蒙0623民诉前调{uuid.uuid4().int % 10000}号",
            referred_at=at("2025-03-14"), region_code=REGION, summary="买卖合同纠纷", parties=[{"name": "当事人乙"}])

    expected = {"received": 5, "accepted": 4, "five_volumes": {"hotline12345": 1, "police110": 1, "court": 1,
                                                                "petitions": 5, "mediation": 1}}
    system.wait_until(lambda: (s := api(system, "/api/stats/summary", YEAR))["received"] == 5 and s["accepted"] == 4
                      and s["five_volumes"] == expected["five_volumes"] and s["previous_year"]["received"] == 2
                      and s["previous_year"]["five_volumes"]["hotline12345"] == 1, timeout=60, interval=0.5)
    watches = {str(supervision_id_for("acceptance", undecided))} | {
        str(supervision_id_for("handling", a)) for a in assignments}
    for _ in range(120):
        overdue = api(system, "/api/supervision/overdue", {"region": REGION})
        if watches <= overdue_ids(overdue):
            return watches
        time.sleep(0.5)
    raise AssertionError(f"overdue watches missing: {watches - overdue_ids(overdue)} from {overdue}")


def overdue_ids(overdue: dict) -> set[str]:
    return {item["supervision_id"] for unit in overdue["units"] for item in unit["items"]}


def settled(system, filter_: dict, granularity: str) -> dict:
    """The API's answers for a filter once two readings a second apart agree (followers are done)."""
    def read():
        return {"summary": api(system, "/api/stats/summary", filter_),
                "volume": api(system, "/api/stats/volume", {**filter_, "granularity": granularity, "by": "channel"}),
                "regions": api(system, "/api/stats/volume", {**filter_, "granularity": granularity, "by": "region"}),
                "overdue": api(system, "/api/supervision/overdue", {"region": filter_["region"]})}
    previous = None
    for _ in range(30):
        current = read()
        if current == previous:
            return current
        previous = current
        time.sleep(1)
    raise AssertionError("the statistics kept changing")


# -- what the charts must show ------------------------------------------------------------------
def periods(filter_: dict, granularity: str) -> list[str]:
    start, end = date.fromisoformat(filter_["from"]), date.fromisoformat(filter_["to"])
    if granularity == "day":
        return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    assert granularity == "month" and start.day == 1
    return [date(start.year, m, 1).isoformat() for m in range(start.month, end.month + 1)]


def expected_volumes(volume: dict, axis: list[str]) -> dict[str, list[int]]:
    series = {f"{k}:{w}": [0] * len(axis) for k in VOLUME_KEYS for w in ("current", "previous_year")}
    for row in volume["series"]:
        key = row["key"] if row["key"] in OTHER_VOLUMES else "petitions"
        series[f"{key}:current"][axis.index(row["period"])] += row["count"]
        series[f"{key}:previous_year"][axis.index(row["period"])] += row["previous_year_count"]
    return series


def values(series: dict) -> list:
    return [v["value"] if isinstance(v, dict) else v for v in series["data"]]


def keyed(series: dict) -> dict:
    return {v["key"]: v["value"] for v in series["data"]}


def percent(rate):
    return None if rate is None else pytest.approx(rate * 100)


def check_page_shows(shown: dict, api_answers: dict, filter_: dict, granularity: str, targets: dict):
    assert shown["echarts"] == "object", "ECharts did not load: ./run up or ./run test vendors it"
    assert shown["error"] == ""
    state = shown["state"]
    assert state["filter"] == filter_ and state["granularity"] == granularity
    for name in ("summary", "volume", "regions", "overdue"):
        assert state[name] == api_answers[name], name
    charts = shown["charts"]
    assert all(chart and chart["canvas"] > 0 for chart in charts.values()), "a chart did not render"

    # 五量: one line per volume and year, every period of the filter on the axis.
    summary = api_answers["summary"]
    axis = periods(filter_, granularity)
    volumes = {s["id"]: values(s) for s in charts["chart-volumes"]["series"]}
    assert len(charts["chart-volumes"]["x"]) == len(axis)
    assert volumes == expected_volumes(api_answers["volume"], axis)
    for key in VOLUME_KEYS:  # the lines add up to the summary's five volumes
        assert sum(volumes[f"{key}:current"]) == summary["five_volumes"][key], key
        assert sum(volumes[f"{key}:previous_year"]) == summary["previous_year"]["five_volumes"][key], key

    # The rates against the targets, in percent.
    rates = {s["id"]: s for s in charts["chart-rates"]["series"]}
    assert [v["key"] for v in rates["current"]["data"]] == list(RATE_KEYS)
    assert keyed(rates["current"]) == {k: percent(summary[k]) for k in RATE_KEYS}
    assert keyed(rates["previous_year"]) == {k: percent(summary["previous_year"][k]) for k in RATE_KEYS}
    assert keyed(rates["target"]) == {k: percent(targets.get(k)) for k in RATE_KEYS}

    # The regions: the period's totals per village, this year and last.
    regions = {s["id"]: keyed(s) for s in charts["chart-regions"]["series"]}
    totals = {}
    for row in api_answers["regions"]["series"]:
        now, before = totals.get(row["key"], (0, 0))
        totals[row["key"]] = (now + row["count"], before + row["previous_year_count"])
    assert regions == {"current": {k: v[0] for k, v in totals.items()},
                       "previous_year": {k: v[1] for k, v in totals.items()}}

    # The overdue list, row by row, and the key numbers as text.
    overdue = api_answers["overdue"]
    assert shown["overdue_rows"] == [item["supervision_id"] for unit in overdue["units"] for item in unit["items"]]
    assert f"共 {overdue['overdue']} 件" in shown["overdue_caption"]
    assert f"登记量（件次）\n{summary['received']}\n" in shown["kpis"]


def in_browser(plan: dict) -> dict:
    """The page as Chromium shows it, step by step (dashboard_browser.py, a process without eventlet)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: ./run test installs Debian's chromium (apt-get install chromium)")
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("dashboard_browser.py"))],
                          input=json.dumps(plan), capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


# -- the test -------------------------------------------------------------------------------------
def test_the_gateway_serves_the_dashboard_and_its_targets(system):
    # The page and its files need no token (its figures do): a browser fetches them before signing in.
    home = requests.get(system.url("/"), allow_redirects=False, timeout=30)
    assert (home.status_code, home.headers["Location"]) == (302, "/dashboard")
    page = requests.get(system.url("/dashboard"), timeout=30)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8" and "信访统计分析看板" in page.text
    library = requests.get(system.url("/dashboard/vendor/echarts.min.js"), timeout=30)
    assert library.status_code == 200, "the vendored ECharts is missing: ./run up or ./run test copies it"
    assert library.headers["Content-Type"] == "text/javascript; charset=utf-8"
    for sneaky in ("/dashboard/../pyproject.toml", "/dashboard/%2e%2e/%2e%2e/pyproject.toml",
                   "/dashboard/..%2f..%2fpyproject.toml", "/dashboard/vendor/..%2f..%2f..%2fpackage.json"):
        # Sent as written: requests would resolve the dots itself.
        prepared = requests.Request("GET", system.url("/")).prepare()
        prepared.url = system.url(sneaky)
        assert requests.Session().send(prepared, timeout=30).status_code == 404, sneaky
    assert api(system, "/api/stats/targets")["targets"] == load_reference().policy["targets"]
    assert {"prefix": "150623", "name": "鄂托克前旗"}.items() <= next(
        r for r in api(system, "/api/reference/regions")["regions"] if r["code"] == "150623").items()


def test_the_dashboard_draws_what_the_api_answers_and_follows_the_period_filter(system, township, tmp_path,
                                                                                 capsys):
    targets = api(system, "/api/stats/targets")["targets"]
    year, march = settled(system, YEAR, "month"), settled(system, MARCH, "day")
    assert overdue_ids(year["overdue"]) >= township
    assert (year["summary"]["received"], march["summary"]["received"]) == (5, 3)  # the filter changes the figures

    # Loaded for 2025, then the period changed as an analyst would: two dates and 查询; then a phone.
    link = system.url(f"/dashboard?from={YEAR['from']}&to={YEAR['to']}&region={REGION}")
    shown = in_browser({"url": link + "#token=" + system.token("analyst", "tongji-zhao"),
                        "shots": str(tmp_path), "steps": [
                            {"name": "2025"},
                            {"name": "2025-03", "fill": {"起始日期": MARCH["from"], "截止日期": MARCH["to"]},
                             "click": "查询"},
                            {"name": "phone", "viewport": [390, 844]}]})
    with capsys.disabled():
        print("\ndashboard screenshots:", *(step["screenshot"] for step in shown["steps"]), sep="\n  ")
    first, second, phone = shown["steps"]
    check_page_shows(first, year, YEAR, "month", targets)
    check_page_shows(second, march, MARCH, "day", targets)
    assert "from=2025-03-01" in second["url"]  # a link to the same view
    assert phone["scroll_width"] <= 390  # one column, nothing wider than the screen
    assert "token" not in first["url"]  # taken from the link's fragment and removed from it
    assert shown["problems"] == []


def test_the_dashboard_asks_for_a_token_and_shows_the_figures_once_given_one(system, township, tmp_path):
    link = system.url(f"/dashboard?from={YEAR['from']}&to={YEAR['to']}&region={REGION}")
    shown = in_browser({"url": link, "shots": str(tmp_path), "steps": [
        {"name": "signin"},
        {"name": "signed-in", "fill": {"访问令牌": system.token("supervisor", "dubanke-zhou")}, "click": "登录"}]})
    asked, signed_in = shown["steps"]
    assert asked["signin_shown"] and "令牌" in asked["error"] and asked["state"] is None
    assert not signed_in["signin_shown"] and signed_in["error"] == ""
    assert signed_in["state"]["summary"]["received"] == settled(system, YEAR, "month")["summary"]["received"]
    # The browser reports the refused calls before the token was given, and nothing else.
    assert shown["problems"] and all("401" in problem for problem in shown["problems"])
