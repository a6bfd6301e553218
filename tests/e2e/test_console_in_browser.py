"""The web console and the petitioners' self-service in headless Chromium, every service a real
process (issue 11): a petitioner lodges a petition online and gets a query code; a clerk finds it in
the acceptance queue, sees the same person's earlier petition when registering a visit, accepts the
online one and prints its notice; the handling unit finds it in its own queue, signs for it, is told
which required elements its reply still lacks, replies; the clerk approves it in pre-review; the
petitioner opens the query-code page, reads the opinion and rates it; the statistics count the rating.
A query code of another petition shows nothing of this one. Screenshots of each page go to the test's
tmp_path (kept by pytest under its basetemp)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import system_of_its_own
from tests.support import REPLY, id_number

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; ./run test installs it
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: ./run test installs it")
# Its own system: its statistics are this test's petitions alone, and its acceptance queue too.
system = system_of_its_own("console")

PERSON = {"name": "苏某某", "id_number": id_number("36078119750312003"), "phone": "13907971234"}
REGION, CATEGORY = "360781107", "migrant_wage_arrears"  # 瑞金市叶坪镇, 拖欠农民工工资


def browse(tmp_path: Path, steps: list[dict], viewport=(1366, 900)) -> dict:
    """Runs the steps in Chromium (tests/e2e/console_browser.py, a process of its own); fails on any
    error of the page's scripts."""
    plan = {"shots": str(tmp_path), "viewport": list(viewport), "steps": steps}
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("console_browser.py"))],
                          input=json.dumps(plan), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert not result["problems"], result["problems"]
    return result["seen"]


def api(system, path, role="clerk", method="GET", body=None, status=200, **who):
    answer = system.session(role, **who).request(method, system.url(path), json=body, timeout=30)
    assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text[:300]}"
    return answer.json()


def fill_petition(prefix: str = "") -> list[dict]:
    return [{"fill": "#petitioner-name", "value": PERSON["name"]},
            {"fill": "#petitioner-id_number", "value": PERSON["id_number"]},
            {"fill": "#petitioner-phone", "value": PERSON["phone"]},
            {"select": "#region_code", "value": REGION}, {"select": "#category", "value": CATEGORY},
            {"select": "#matter_type", "value": "complaint"},
            {"fill": "#subject", "value": f"{prefix}工地拖欠工资"},
            {"fill": "#content", "value": "在叶坪镇某工地务工三个月，工资至今未结清，请求督促支付。"}]


def test_from_online_submission_to_rating_through_the_console(system, tmp_path):
    base = system.url("")
    # -- the petitioner lodges it online: field errors first, then the query code ----------------------
    seen = browse(tmp_path / "1-petitioner", [
        {"goto": f"{base}/self"}, {"wait": "#online-form"},
        # An accusation names the unit it accuses (A30): the field shows for that matter type only.
        {"select": "#matter_type", "value": "accusation"}, {"wait": "#accused_unit"},
        {"unlabelled": "unlabelled_accusation"}, {"select": "#matter_type", "value": "complaint"},
        {"wait": "#accused_unit", "hidden": True}, *fill_petition(),
        {"fill": "#petitioner-name", "value": ""}, {"fill": "#petitioner-id_number", "value": "360781197503120000"},
        {"click": "#online-submit"}, {"wait": "#petitioner-name-error"},
        {"read": "#petitioner-name-error", "as": "name_error"}, {"read": "#petitioner-id_number-error", "as": "id_error"},
        {"focused": "focus_after_error"}, {"shot": "self-online-errors"},
        {"fill": "#petitioner-name", "value": PERSON["name"]}, {"fill": "#petitioner-id_number", "value": PERSON["id_number"]},
        {"click": "#online-submit"}, {"wait": "#issued-code"}, {"read": "#issued-code", "as": "code"},
        {"shot": "self-code-issued"}, {"unlabelled": "unlabelled"}])
    assert seen["unlabelled"] == []
    assert seen["name_error"] and seen["id_error"] and seen["focus_after_error"] == "petitioner-name"
    assert seen["unlabelled_accusation"] == []
    code = seen["code"].strip()
    [item] = system.wait_until(lambda: api(system, "/api/worklists/acceptance")["items"], timeout=20)
    petition_id = item["petition_id"]
    assert item["channel"] == "online"

    # -- the clerk: the same person's earlier petition shows before a visit is saved; the online one accepted
    clerk = f"{base}/console#token={system.token('clerk', 'clerk-liu')}"
    seen = browse(tmp_path / "2-clerk", [
        {"goto": clerk}, {"wait": "#nav-register"}, {"click": "#nav-register"}, {"wait": "#register-form"},
        {"select": "#channel", "value": "visit"}, *fill_petition("来访："), {"click": "#check-repeats"},
        {"wait_text": ["#repeat-list", "1"]}, {"read": "#repeat-list", "as": "repeats"}, {"shot": "console-register-repeats"},
        {"click": "#nav-acceptance"}, {"wait": f"#acceptance-table tr[data-petition-id='{petition_id}']"},
        {"shot": "console-acceptance-queue"},
        {"click": f"#acceptance-table tr[data-petition-id='{petition_id}'] .open-petition"}, {"wait": "#acceptance-form"},
        {"read": "#petition-details", "as": "details"}, {"shot": "console-petition"},
        {"check": "#decision-accepted"}, {"fill": "#decision-reason", "value": "属于本机关受理范围，依法交办。"},
        {"click": "#decision-submit"}, {"wait": "article.notice"}, {"read": "article.notice", "as": "notice"},
        {"unlabelled": "unlabelled"},
        {"click": "article.notice .print-notice"}, {"media": "print"}, {"shot": "console-notice-printed"}])
    assert seen["unlabelled"] == []
    assert "同一事项" in seen["repeats"] and PERSON["id_number"] not in seen["details"]  # masked
    assert "信访事项受理告知书" in seen["notice"] and code in seen["notice"]

    # -- the handling unit: its queue, signing, the missing elements, the reply -------------------------
    assignment_id = system.wait_until(lambda: api(system, f"/api/petitions/{petition_id}")["assignment_id"], timeout=20)
    unit = api(system, f"/api/assignments/{assignment_id}")["unit"]
    row = f"#queue-table tr[data-assignment-id='{assignment_id}']"
    opinion = [{"fill": f"#opinion-{k}", "value": v} for k, v in REPLY["opinion"].items()]
    seen = browse(tmp_path / "3-unit", [
        {"goto": f"{base}/console#token={system.token('unit_handler', 'unit-xu', unit)}"}, {"wait": row},
        {"read": row, "as": "queued"}, {"shot": "console-unit-queue"},
        {"click": f"{row} .open-assignment"}, {"wait": "#sign-button"}, {"click": "#sign-button"}, {"wait": "#reply-form"},
        {"fill": "#extension-days", "value": "10"}, {"fill": "#extension-reason", "value": "需现场核实欠薪台账"},
        {"fill": "#extension-approved_by", "value": "市人社局 陈某"}, {"click": "#extension-submit"},
        {"wait": "#assignment-extension"}, {"read": "#assignment-extension", "as": "extension"},
        {"check": "#outcome-explain"}, opinion[0], {"fill": "#signature-business_head", "value": "王某"},
        {"read": "#reply-missing", "as": "missing"}, {"shot": "console-reply-incomplete"},
        {"click": "#reply-submit"}, {"wait": "#opinion-claims-error"}, {"read": "#opinion-claims-error", "as": "claims_error"},
        *opinion[1:], {"fill": "#signature-petition_head", "value": "李某"}, {"read": "#reply-missing", "as": "complete"},
        {"unlabelled": "unlabelled"},
        {"click": "#reply-submit"}, {"wait_text": ["#assignment-panel", "答复已送预审"]}, {"shot": "console-reply-sent"}])
    assert seen["unlabelled"] == []
    assert "待签收" in seen["queued"] and "10" in seen["extension"]
    assert "尚缺" in seen["missing"] and "信访人诉求" in seen["missing"] and "信访负责人" in seen["missing"]
    assert seen["claims_error"] and seen["complete"] == "要素齐全"

    # -- the clerk's pre-review ---------------------------------------------------------------------------
    row = f"#prereview-table tr[data-assignment-id='{assignment_id}']"
    browse(tmp_path / "4-pre-review", [
        {"goto": clerk}, {"wait": "#nav-prereview"}, {"click": "#nav-prereview"}, {"wait": row},
        {"click": f"{row} .open-prereview"}, {"wait": "#prereview-form"}, {"shot": "console-pre-review"},
        {"check": "#prereview-approve"}, {"click": "#prereview-submit"}, {"wait_text": ["#status", "预审通过"]},
        {"shot": "console-pre-review-approved"}])

    # -- the petitioner reads the opinion and rates it ------------------------------------------------------
    system.wait_until(lambda: requests.get(system.url(f"/api/public/petitions/{code}"), timeout=30).json()["reply"],
                      timeout=20)
    seen = browse(tmp_path / "5-petitioner", [
        {"goto": f"{base}/self"}, {"fill": "#query-code", "value": code.lower()}, {"click": "#query-submit"},
        {"wait": "#petition-reply"}, {"read": "#petition-reply", "as": "reply"}, {"read": "#petition-status", "as": "status"},
        {"read_all": "#petition-steps li", "as": "steps"}, {"shot": "self-reply"},
        {"check": "#rating-satisfied"}, {"click": "#evaluation-submit"}, {"wait": "#evaluation-done"},
        {"read": "#evaluation-done", "as": "rated"}, {"shot": "self-rated"},
        {"viewport": [390, 844], "as": "phone_width"}, {"shot": "self-rated-phone"}])
    assert REPLY["opinion"]["findings"] in seen["reply"] and "解释说明" in seen["reply"]
    assert any("责任单位签收" in s for s in seen["steps"]) and "满意" in seen["rated"]
    assert any("办理期限延长" in s and "延长10日" in s for s in seen["steps"])
    assert seen["phone_width"] <= 390  # nothing wider than a phone's screen

    # -- the statistics count the rating ------------------------------------------------------------------
    today = item["received_on"]
    summary = system.wait_until(lambda: (s := api(system, f"/api/stats/summary?from={today}&to={today}", "analyst"))
                                ["satisfaction_rate"] is not None and s, timeout=20)
    assert summary["satisfaction_rate"] == 1.0 and summary["participation_rate"] == 1.0
    seen = browse(tmp_path / "7-dashboard", [
        {"goto": f"{base}/dashboard#token={system.token('analyst', 'analyst-fan')}"}, {"ready": 1},
        {"wait": "#signin", "hidden": True},  # signed in by the link: no token field left on the page
        {"evaluate": "() => window.dashboardState.summary.satisfaction_rate", "as": "satisfaction"},
        {"shot": "dashboard-with-the-rating"}])
    assert seen["satisfaction"] == 1.0  # the dashboard's default period is this year, today's rating in it

    # -- another petition's code shows that petition only ---------------------------------------------------
    other = requests.post(system.url("/api/public/petitions"), timeout=30, json={
        "petitioner": {"name": "旁某"}, "region_code": REGION, "category": "environment", "subject": "噪声扰民",
        "content": "夜间施工噪声扰民。"}).json()["query_code"]
    seen = browse(tmp_path / "6-other", [
        {"goto": f"{base}/self"}, {"fill": "#query-code", "value": other}, {"click": "#query-submit"},
        {"wait": "#petition-status"}, {"read": "#petition-view", "as": "view"}, {"shot": "self-other-code"}])
    assert "工地拖欠工资" not in seen["view"] and REPLY["opinion"]["findings"] not in seen["view"]
    assert "噪声扰民" not in seen["view"] or "已登记" in seen["view"]


def test_the_letters_a_unit_must_answer_and_the_cases_a_leader_owns(system, tmp_path):
    """督办函 in the unit's console, answered there; the leader's own backlog cases."""
    body = {"channel": "letter", "petitioner": {"name": "钟某某", "phone": "13907970001"}, "region_code": REGION,
            "category": "labour_dispute", "subject": "劳动合同纠纷", "content": "单位未签劳动合同。",
            "received_at": "2026-06-01T10:00:00+08:00"}
    petition_id = api(system, "/api/petitions", method="POST", body=body, status=201)["id"]
    api(system, f"/api/petitions/{petition_id}/acceptance", method="POST",
        body={"decision": "accepted", "reason": "依法受理", "decided_at": "2026-06-03T10:00:00+08:00"})
    assignment_id = system.wait_until(lambda: api(system, f"/api/petitions/{petition_id}")["assignment_id"], timeout=20)
    unit = api(system, f"/api/assignments/{assignment_id}")["unit"]
    api(system, f"/api/assignments/{assignment_id}/sign", "unit_handler", "POST",
        {"unit": unit, "signed_at": "2026-06-04T10:00:00+08:00"}, user="unit-he", unit=unit)
    # The timer's scan, as of the day after the handling limit: a warning (预警函) to the unit.
    watch = _watch(assignment_id)
    system.wait_until(lambda: system.session("supervisor").get(system.url(f"/api/supervisions/{watch}"), timeout=30).ok,
                      timeout=20)
    api(system, "/api/supervision-scan", "supervisor", "POST", {"as_of": "2026-08-04"})
    [warning] = system.wait_until(lambda: [i for i in api(system, "/api/worklists/letters", "supervisor")["items"]
                                           if i["letter"] == "warning"], timeout=20)
    row = f"#letters-table tr[data-letter-id='{warning['letter_id']}']"
    seen = browse(tmp_path / "letters", [
        {"goto": f"{system.url('')}/console#token={system.token('unit_handler', 'unit-he', unit)}"},
        {"wait": "#nav-letters"}, {"click": "#nav-letters"}, {"wait": row}, {"read": row, "as": "letter_row"},
        {"shot": "console-unit-letters"}, {"click": f"{row} .open-letter"}, {"wait": "#response-form"},
        {"read": "#letter-panel", "as": "letter"}, {"unlabelled": "unlabelled"},
        {"fill": "#response-text", "value": "已成立专班，三日内答复信访人。"}, {"click": "#response-submit"},
        {"wait_text": ["#status", "回复已提交"]}, {"shot": "console-unit-letter-answered"}])
    assert "预警函" in seen["letter_row"] and "超期" in seen["letter_row"]
    assert "信访事项预警函" in seen["letter"] and seen["unlabelled"] == []
    answered = api(system, f"/api/supervisions/{watch}", "supervisor")["letters"]
    assert [x["response"]["text"] for x in answered if x["letter"] == "warning"] == ["已成立专班，三日内答复信访人。"]

    case = api(system, "/api/backlog-cases", "supervisor", "POST", {"petition_id": petition_id, "reason": "久拖未决"}, 201)
    api(system, f"/api/backlog-cases/{case['id']}/leader", "supervisor", "POST", {
        "leader": {"id": "leader-gao", "name": "高某", "post": "瑞金市副市长", "level": "county"},
        "task_force": ["市信访局", "市人社局"], "plan": {"steps": ["约见信访人"], "target_date": "2026-12-31"}})
    seen = browse(tmp_path / "leader", [
        {"goto": f"{system.url('')}/console#token={system.token('leader', 'leader-gao')}"},
        {"wait": f"#leader-table tr[data-case-id='{case['id']}']"}, {"read": "#leader-table", "as": "cases"},
        {"shot": "console-leader-cases"}])
    assert petition_id in seen["cases"]


def _watch(assignment_id: str) -> str:
    from supervision.domain import supervision_id_for
    return str(supervision_id_for("handling", assignment_id))
