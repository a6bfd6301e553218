"""A backlog case (信访积案) over HTTP, every service a real process: a matter petitioned about a
fourth time becomes a backlog case by policy, is owned by a leader with a task force and a plan, met
three times and checked four times, resolved, shown on the petition, and counted in the backlog
resolution rate."""
from uuid import UUID


from ownership.domain import case_id_for
from tests.support import petition

REGION = "360781"
OFFICE = {"user": "lianxiban-chen"}  # as the administrator, so that the course runs whole
LEADER = {"id": "leader-liu", "name": "刘某某", "post": "瑞金市副市长", "level": "county"}
MEETINGS = [("materials", "2026-06-03", "调阅历次办理材料"), ("petitioner", "2026-06-05", "约见信访人当面听取诉求"),
            ("site", "2026-06-08", "到征收地块现场核实")]
CHECKS = [("facts_clear", "补充测绘报告已查清面积"), ("claims_resolved", "补足安置补偿款已到账"),
          ("policy_implemented", "按2025年补偿标准执行"), ("accountability_pursued", "对原经办人员进行约谈")]


def call(system, method, path, body=None, status=200):
    answer = system.session(**OFFICE).request(method, system.url(path), json=body, timeout=30)
    assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text[:400]}"
    return answer.json()


def test_a_fourth_petition_makes_a_backlog_case_owned_met_checked_resolved_and_counted(system):
    body = petition(751, region_code=REGION, category="housing_expropriation", received_at="2026-05-04T09:00:00+08:00")
    first = call(system, "POST", "/api/petitions", body, 201)
    case_path = f"/api/backlog-cases/{case_id_for(UUID(first['id']))}"
    for n, day in enumerate(("2026-05-11", "2026-05-18"), start=1):
        call(system, "POST", "/api/petitions", {**body, "received_at": f"{day}T09:00:00+08:00"}, 201)
        assert system.session().get(system.url(case_path), timeout=30).status_code == 404, f"a case after {n} repeats"

    # The third repeat petition on the matter makes it a backlog case, once.
    call(system, "POST", "/api/petitions", {**body, "received_at": "2026-05-25T09:00:00+08:00"}, 201)
    case = system.wait_until(lambda: (r := system.session().get(system.url(case_path), timeout=30)).ok and r.json())
    assert case["trigger"] == "repeats" and case["petition_id"] == first["id"] and case["status"] == "designated"
    assert call(system, "POST", "/api/backlog-cases", {"petition_id": first["id"], "reason": "再次认定"}, 201)["id"] == case["id"]

    # One case, one leader, one task force, one plan.
    owned = call(system, "POST", case_path + "/leader", {
        "leader": LEADER, "task_force": ["市信访局", "市自然资源局", "象湖镇"],
        "plan": {"steps": ["复核测绘面积", "补足补偿款", "回访信访人"], "target_date": "2026-07-31"},
        "at": "2026-06-01T10:00:00+08:00"})
    assert owned["status"] == "owned" and owned["leader"]["id"] == "leader-liu"
    assert [c["id"] for c in call(system, "GET", "/api/leaders/leader-liu/cases")["cases"]] == [case["id"]]

    # Not resolved before every meeting and check is on record: 409 naming what is missing.
    refused = call(system, "POST", case_path + "/resolution", {"summary": "已化解"}, 409)
    assert "见现场" in refused["message"] and "责任不追究不放过" in refused["message"]
    for kind, day, notes in MEETINGS:
        call(system, "POST", case_path + "/meetings", {"kind": kind, "held_on": day, "notes": notes})
    for kind, evidence in CHECKS[:3]:
        call(system, "POST", case_path + "/checks", {"kind": kind, "evidence": evidence})
    still = call(system, "POST", case_path + "/resolution", {"summary": "已化解"}, 409)
    assert "责任不追究不放过" in still["message"] and "见现场" not in still["message"]
    call(system, "POST", case_path + "/checks", {"kind": CHECKS[3][0], "evidence": CHECKS[3][1]})
    call(system, "POST", case_path + "/reviews", {"month": "2026-06", "progress": "补偿款已拨付"})
    resolved = call(system, "POST", case_path + "/resolution",
                    {"summary": "补足补偿款，信访人签字息诉罢访", "resolved_at": "2026-07-10T10:00:00+08:00"})
    assert resolved["status"] == "resolved" and resolved["missing_for_resolution"] == {}
    assert [e["actor"] for e in resolved["history"] if e["type"] == "resolved"] == ["lianxiban-chen"]

    # The petition shows it; the statistics count it.
    shown = system.wait_until(lambda: (p := call(system, "GET", f"/api/petitions/{first['id']}"))["status"]
                              == "backlog_resolved" and p)
    assert {"backlog_designated", "backlog_resolved"} <= {e.get("stage") for e in shown["history"]}
    period = f"from=2026-05-01&to=2026-05-31&region={REGION}"
    stats = system.wait_until(lambda: (s := call(system, "GET", f"/api/stats/backlog?{period}"))["resolved"] == 1 and s)
    assert stats["designated"] == 1 and stats["backlog_resolution_rate"] == 1.0
    assert stats["leader_owned_resolution_rate"] == 1.0 and stats["meets_target"] is True
    assert [(row["leader_id"], row["resolved"]) for row in stats["by_leader"]] == [("leader-liu", 1)]


def test_a_month_without_review_is_flagged_for_supervision(system):
    body = petition(752, region_code=REGION, category="land_acquisition_compensation",
                    received_at="2026-03-02T09:00:00+08:00")
    registered = call(system, "POST", "/api/petitions", body, 201)
    # Named with its region and category, a petition can be designated before ownership has seen it.
    case = call(system, "POST", "/api/backlog-cases", {
        "petition_id": registered["id"], "reason": "群众反映强烈，列为积案", "region_code": REGION,
        "category": "land_acquisition_compensation", "designated_at": "2026-08-20T10:00:00+08:00"}, 201)
    assert case["trigger"] == "manual"
    path = f"/api/backlog-cases/{case['id']}"
    call(system, "POST", path + "/reviews", {"month": "2026-10", "progress": "已召开协调会"})
    # Designated in August: September went without a review, October had one, November is not over.
    swept = call(system, "POST", "/api/backlog-sweep", {"as_of": "2026-11-23"})
    assert swept["reviews_missed"] >= 1
    assert call(system, "GET", path)["missed_reviews"] == ["2026-09"]
    again = call(system, "POST", "/api/backlog-sweep", {"as_of": "2026-11-23"})
    assert again["reviews_missed"] == 0 and call(system, "GET", path)["missed_reviews"] == ["2026-09"]
