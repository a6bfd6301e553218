"""The petitioner's self-service by query code (查询码, A21) and the console's work queues, over HTTP
with every service a real process: a code is issued at registration and printed on the notice; with it
alone the petitioner follows the steps, reads the reply, rates it and asks for a review; it opens
nothing else; guessing codes is cut short; the clerk's, the unit's and the pre-review queues show
the petition where it stands, the unit's only to that unit."""
import json
import re
import uuid

import requests

from tests.conftest import system_of_its_own
from tests.support import REFERENCE, REPLY, petition

UNITS = [u["id"] for u in json.loads((REFERENCE / "units.json").read_text(encoding="utf-8"))]

# Its own system: the limits of wrong codes per address are counted per gateway (3 here, to reach them).
system = system_of_its_own("self_service", XINFANG_WRONG_CODES_PER_15_MIN="3")
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def call(session, system, method, path, body=None, status=200):
    answer = session.request(method, system.url(path), json=body, timeout=30)
    assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text[:400]}"
    return answer.json()


def public(system, method, path, body=None, status=200):
    return call(requests.Session(), system, method, path, body, status)


def test_a_petition_followed_by_its_query_code_from_registration_to_rating_and_review(system):
    clerk = system.session("clerk", "clerk-wang")
    body = {**petition(811, region_code="150623101"), "received_at": None}
    del body["received_at"]  # received now: the rating window is open today
    registered = call(clerk, system, "POST", "/api/petitions", body, 201)
    code = registered["query_code"]
    assert CODE.match(code)
    assert "query_code" not in call(clerk, system, "GET", f"/api/petitions/{registered['id']}")  # shown once

    # Typed in lower case without dashes, the code opens the petition as its petitioner sees it.
    seen = public(system, "GET", f"/api/public/petitions/{code.replace('-', '').lower()}")
    assert seen["status"] == "registered" and seen["status_name"] == "已登记，待受理审查"
    assert [s["name"] for s in seen["steps"]] == ["登记"] and seen["notices"] == []
    assert seen["evaluation"]["open"] is False and seen["reply"] is None
    assert "petitioner" not in seen and "id" not in seen  # nothing of the file beyond what they lodged

    # The clerk's queue holds it until decided; the repeat check finds it for the same person and matter.
    def in_acceptance_queue():
        return registered["id"] in [i["petition_id"] for i in call(clerk, system, "GET", "/api/worklists/acceptance")["items"]]
    system.wait_until(in_acceptance_queue, timeout=20)  # as soon as reporting has the registration
    repeats = call(clerk, system, "POST", "/api/petitions/possible-repeats", {
        "petitioner": body["petitioner"], "region_code": "150623", "category": body["category"]})["petitions"]
    assert [(p["id"], p["same_matter"]) for p in repeats] == [(registered["id"], True)]
    other_matter = call(clerk, system, "POST", "/api/petitions/possible-repeats", {
        "petitioner": body["petitioner"], "region_code": "150623", "category": "social_security"})["petitions"]
    assert [(p["id"], p["same_matter"]) for p in other_matter] == [(registered["id"], False)]

    call(clerk, system, "POST", f"/api/petitions/{registered['id']}/acceptance",
         {"decision": "accepted", "reason": "属于本机关受理范围"})
    system.wait_until(lambda: not in_acceptance_queue(), timeout=20)
    [notice] = call(clerk, system, "GET", f"/api/petitions/{registered['id']}/notices")["notices"]
    assert f"查询码：{code}" in notice["text"] and notice["paragraphs"][-1].startswith("查询码")

    # The handling unit finds it in its own queue, to sign for; another unit does not.
    assignment_id = system.wait_until(
        lambda: call(clerk, system, "GET", f"/api/petitions/{registered['id']}")["assignment_id"], timeout=20)
    unit = call(clerk, system, "GET", f"/api/assignments/{assignment_id}")["unit"]
    handler = system.session("unit_handler", "unit-zhao", unit)
    mine = system.wait_until(lambda: [i for i in call(handler, system, "GET", "/api/worklists/assignments")["items"]
                                      if i["assignment_id"] == assignment_id], timeout=20)
    assert mine[0]["awaiting"] == "sign" and mine[0]["signed"] is False and mine[0]["status_name"] == "待签收"
    stranger = system.session("unit_handler", "unit-qian", next(u for u in UNITS if u != unit))
    assert assignment_id not in [i["assignment_id"] for i in
                                 call(stranger, system, "GET", f"/api/worklists/assignments?unit={unit}")["items"]]

    call(handler, system, "POST", f"/api/assignments/{assignment_id}/sign", {"unit": unit})
    call(handler, system, "POST", f"/api/assignments/{assignment_id}/reply", REPLY)
    waiting = system.wait_until(lambda: [i for i in call(clerk, system, "GET", "/api/worklists/pre-review")["items"]
                                         if i["assignment_id"] == assignment_id], timeout=20)
    assert waiting[0]["unit_id"] == unit
    assert public(system, "GET", f"/api/public/petitions/{code}")["reply"] is None  # a draft is not a reply
    call(clerk, system, "POST", f"/api/assignments/{assignment_id}/pre-review", {"approved": True})

    seen = system.wait_until(lambda: (v := public(system, "GET", f"/api/public/petitions/{code}"))["reply"] and v,
                             timeout=20)
    assert seen["reply"]["opinion"] == REPLY["opinion"] and seen["reply"]["outcome_name"] == "解释说明"
    assert seen["evaluation"]["open"] is True and seen["review"]["open"] is True
    steps = system.wait_until(lambda: [s["name"] for s in public(system, "GET", f"/api/public/petitions/{code}")["steps"]
                                       if s["name"] == "出具处理意见（答复）"] and
                              [s["name"] for s in public(system, "GET", f"/api/public/petitions/{code}")["steps"]],
                              timeout=20)
    assert steps[:4] == ["登记", "受理审查", "交办责任单位", "责任单位签收"]
    assert any(n["kind"] == "handling_opinion" for n in seen["notices"])

    rated = public(system, "POST", f"/api/public/petitions/{code}/evaluation", {"rating": "basically_satisfied"})
    assert rated["evaluation"] == {**rated["evaluation"], "open": False, "rating": "basically_satisfied",
                                   "rating_name": "基本满意"}
    assert public(system, "POST", f"/api/public/petitions/{code}/evaluation", {"rating": "satisfied"},
                  status=409)["message"]
    reviewed = public(system, "POST", f"/api/public/petitions/{code}/review-request", {"reasons": "对处理意见不服"})
    assert reviewed["review"]["requested"] is True and reviewed["review"]["open"] is False

    # Who did it: the petitioner, in the audit trail, reads included.
    def by_petitioner():
        entries = call(system.session(), system, "GET", f"/api/audit?subject={registered['id']}")["entries"]
        return {e["type"] for e in entries if e["actor"] == "petitioner"}
    done = system.wait_until(lambda: (t := by_petitioner()) >= {"assignment.evaluated", "assignment.review_requested"}
                             and t, timeout=20)
    assert "petition.personal_data_read" in done


def test_a_query_code_opens_its_own_petition_only_and_guessing_is_cut_short(system):
    clerk = system.session("clerk", "clerk-li")
    first = call(clerk, system, "POST", "/api/petitions", petition(821, subject="甲事项"), 201)
    second = call(clerk, system, "POST", "/api/petitions", petition(822, subject="乙事项"), 201)
    assert first["query_code"] != second["query_code"]
    call(clerk, system, "POST", f"/api/petitions/{first['id']}/acceptance", {"decision": "accepted", "reason": "受理"})
    seen = public(system, "GET", f"/api/public/petitions/{second['query_code']}")
    assert seen["status"] == "registered" and seen["notices"] == []  # not the first one's decision
    assert "甲事项" not in str(seen)

    # Three codes that open nothing, then even a right one waits (per address, XINFANG_WRONG_CODES_PER_15_MIN).
    for _ in range(3):
        wrong = "".join(c for c in uuid.uuid4().hex.upper() if c in "0123456789ABCDEF")[:12]
        assert public(system, "GET", f"/api/public/petitions/{wrong}", status=404)["message"]
    answer = requests.get(system.url(f"/api/public/petitions/{first['query_code']}"), timeout=30)
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0


def test_a_petition_lodged_online_is_registered_with_the_same_rules_and_gets_its_code(system):
    body = {k: v for k, v in petition(831).items() if k not in ("channel", "received_at")}
    bad = public(system, "POST", "/api/public/petitions",
                 {**body, "petitioner": {"name": "", "id_number": "150623198001010000"}}, status=400)
    assert set(bad["errors"]["petitioner"]) == {"name", "id_number"}
    assert public(system, "POST", "/api/public/petitions", {**body, "channel": "visit"}, status=400)["errors"]["channel"]
    accusation = {**body, "matter_type": "accusation"}
    assert "accused unit" in public(system, "POST", "/api/public/petitions", accusation, status=400)["errors"]["accused_unit"][0]
    units = public(system, "GET", "/api/public/reference")["units"]
    assert public(system, "POST", "/api/public/petitions", {**accusation, "accused_unit": units[0]["code"]},
                  status=201)["query_code"]
    receipt = public(system, "POST", "/api/public/petitions", body, status=201)
    assert CODE.match(receipt["query_code"]) and receipt["status"] == "registered"
    def online_items():
        return [i for i in call(system.session("clerk"), system, "GET", "/api/worklists/acceptance")["items"]
                if i["channel"] == "online"]
    online = system.wait_until(lambda: len(items := online_items()) >= 2 and items, timeout=20)
    assert len(online) == 2 and {i["channel_name"] for i in online} == {"网上信访"}
