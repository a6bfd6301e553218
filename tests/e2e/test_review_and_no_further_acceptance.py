"""The statutory lifecycle over HTTP with every service a real process: a petition through reply,
review (复查) and re-review (复核), refused on a fourth attempt (不再受理, A36); a repeat within the
handling limit; who did each step; the notices; an accusation the accused unit never sees."""

from tests.support import REPLY, petition

CLERK = {"user": "clerk-zhang"}  # as the administrator, so that the course runs whole
REVIEW_OPINION = {"findings": "原处理意见认定事实清楚。", "result": "维持原处理意见。",
                  "legal_basis": "《信访工作条例》第三十五条", "remedy": "可自收到之日起30日内请求复核。"}


def call(system, method, path, body=None, status=200, headers=None):
    answer = system.session(**(headers or CLERK)).request(method, system.url(path), json=body, timeout=30)
    assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text[:400]}"
    return answer.json()


def post(system, path, body, status=200, headers=None):
    return call(system, "POST", path, body, status, headers)


def get(system, path, status=200, headers=None):
    return call(system, "GET", path, None, status, headers)


def at(day: str, hour: int = 10) -> str:
    return f"{day}T{hour:02d}:00:00+08:00"


def assignment_of(system, petition_id):
    view = system.wait_until(lambda: (p := get(system, f"/api/petitions/{petition_id}"))["assignment_id"] and p)
    return get(system, f"/api/assignments/{view['assignment_id']}")


def test_review_then_re_review_then_the_same_matter_is_not_accepted_again(system):
    body = petition(731, region_code="150623101", received_at=at("2026-03-02"))
    first = post(system, "/api/petitions", body, 201)
    post(system, f"/api/petitions/{first['id']}/acceptance",
         {"decision": "accepted", "reason": "属于受理范围", "decided_at": at("2026-03-04"), "dispatch_mode": "transfer"})
    assignment = assignment_of(system, first["id"])
    path = f"/api/assignments/{assignment['id']}"
    assert assignment["mode"] == "transfer" and assignment["dispatched_on_time"] is True

    # A19: the same matter again while it is handled within its limit is linked and not accepted again.
    again = post(system, "/api/petitions", {**body, "received_at": at("2026-03-10")}, 201)
    assert again["repeat_of"] == first["id"] and again["status"] == "not_accepted"
    assert again["decision"]["ground"] == "repeat_in_handling" and again["matter"]["repeats"] == 1

    # Sign, draft the reply, the bureau sends it back once, then lets it go out.
    post(system, path + "/sign", {"unit": assignment["unit"], "signed_at": at("2026-03-05")})
    post(system, path + "/reply", {**REPLY, "replied_at": at("2026-04-18")})
    back = post(system, path + "/pre-review", {"approved": False, "comments": "法律依据引用不全", "decided_at": at("2026-04-19")})
    assert back["status"] == "signed" and back["pre_reviews"][0]["comments"] == "法律依据引用不全"
    post(system, path + "/reply", {**REPLY, "replied_at": at("2026-04-20")})
    replied = post(system, path + "/pre-review", {"approved": True, "decided_at": at("2026-04-21")})
    assert replied["status"] == "replied" and replied["reply"]["replied_at"].startswith("2026-04-21")
    post(system, path + "/evaluation", {"rating": "unsatisfied", "rated_at": at("2026-04-25")})

    # 复查 within 30 days of the reply, by the body one level up; a hearing's days are not counted.
    reviewing = post(system, path + "/review-requests", {"reasons": "对处理意见不服", "requested_at": at("2026-05-10")})
    review = reviewing["reviews"]["review"]
    assert review["reviewer_unit"] == "etkqq-zhengfu" and review["deadline"] == "2026-06-09"
    heard = post(system, path + "/hearings", {"held_from": "2026-05-20", "held_to": "2026-05-22", "note": "公开听证"})
    assert heard["reviews"]["review"]["deadline"] == "2026-06-12"
    post(system, path + "/review-decisions", {"unit": "etkqq-xinfangju", "decision": "upheld",
                                              "opinion": REVIEW_OPINION, "decided_at": at("2026-06-11")}, 409)
    reviewed = post(system, path + "/review-decisions", {"unit": "etkqq-zhengfu", "decision": "upheld",
                                                         "opinion": REVIEW_OPINION, "decided_at": at("2026-06-11")})
    assert reviewed["status"] == "reviewed" and reviewed["reviews"]["review"]["on_time"] is True

    # 复核 by the body above the reviewer; its answer closes the matter.
    post(system, path + "/review-requests", {"reasons": "对复查意见不服", "requested_at": at("2026-06-20")})
    closed = post(system, path + "/review-decisions", {"unit": "ordos-zhengfu", "decision": "upheld",
                                                       "opinion": REVIEW_OPINION, "decided_at": at("2026-07-10")})
    assert closed["status"] == "closed"
    post(system, path + "/review-requests", {"reasons": "再次请求", "requested_at": at("2026-07-12")}, 409)
    system.wait_until(lambda: get(system, f"/api/petitions/{first['id']}")["matter"]["stage"] == "closed")

    # The fourth attempt on the same facts and reasons is registered (来访必登) and refused at once.
    fourth = post(system, "/api/petitions", {**body, "received_at": at("2026-07-20")}, 201)
    assert fourth["status"] == "not_accepted" and fourth["decision"]["ground"] == "no_further_acceptance"
    assert "第三十六条" in fourth["decision"]["reason"] and fourth["repeat_of"] == first["id"]
    # New facts and reasons are another matter of record: not refused.
    fresh = post(system, "/api/petitions", {**body, "received_at": at("2026-07-21"), "new_facts": True}, 201)
    assert fresh["status"] == "registered"

    # The petition's history is the whole story, each step with who did it and when.
    history = system.wait_until(lambda: (h := get(system, f"/api/petitions/{first['id']}")["history"])
                                and [e for e in h if e.get("stage") == "review_decided"
                                     and e["detail"].get("review_stage") == "re_review"] and h)
    stages = [e.get("stage") or e["type"] for e in history]
    for step in ("registered", "acceptance_decided", "assignment_linked", "signed", "replied", "evaluated",
                 "review_requested", "hearing_held", "review_decided"):
        assert step in stages, (step, stages)
    assert history[0]["actor"] == "clerk-zhang" and all(e.get("actor") for e in history)

    # The notices, each a dated document with Chinese labels, in order.
    notices = get(system, f"/api/petitions/{first['id']}/notices")["notices"]
    assert [n["kind"] for n in notices] == ["acceptance", "handling_opinion", "review", "re_review"]
    assert "转送" in notices[0]["text"] and "测试某某：" in notices[0]["text"]
    assert "法律政策依据：" in notices[1]["text"] and "2026年4月21日" in notices[1]["text"]
    assert "不再受理" in notices[3]["text"] and notices[3]["issued_by"] == "鄂尔多斯市人民政府"
    refused = get(system, f"/api/petitions/{fourth['id']}/notices")["notices"]
    assert [n["title"] for n in refused] == ["信访事项不再受理告知书"]


def test_an_accusation_never_reaches_nor_shows_to_the_accused_unit(system):
    accused = "etkqq-ziranziyuan"
    body = petition(732, category="official_misconduct", matter_type="accusation", accused_unit=accused,
                    received_at=at("2026-05-06"))
    assert "accused_unit" in post(system, "/api/petitions", {**body, "accused_unit": None}, 400)["errors"]
    accusation = post(system, "/api/petitions", body, 201)
    post(system, f"/api/petitions/{accusation['id']}/acceptance", {"decision": "accepted", "reason": "依法受理"})
    assignment = assignment_of(system, accusation["id"])
    assert assignment["unit"] == "etkqq-jiwei" and assignment["accused_unit"] == accused

    # A unit's people read no petitions at all, only the assignments their unit handles; the accused
    # unit learns not even that this one exists.
    as_accused = {"role": "unit_handler", "user": "ziranziyuan-wang", "unit": accused}
    get(system, f"/api/petitions/{accusation['id']}", 403, as_accused)
    get(system, f"/api/petitions/{accusation['id']}/notices", 403, as_accused)
    get(system, f"/api/assignments/{assignment['id']}", 404, as_accused)
    get(system, f"/api/assignments/{assignment['id']}", headers={"role": "unit_handler", "user": "jiwei-liu",
                                                                  "unit": "etkqq-jiwei"})

    # Objected within 5 working days; the bureau will not move it to the accused unit, but moves it on.
    path = f"/api/assignments/{assignment['id']}"
    post(system, path + "/objection", {"unit": "etkqq-jiwei", "reasons": "涉及上级管理干部，应由上级纪委办理"})
    post(system, path + "/objection/decision", {"upheld": True, "unit": accused, "comment": "改派"}, 409)
    moved = post(system, path + "/objection/decision", {"upheld": True, "unit": "etkqq-xinfangju",
                                                        "comment": "改由旗信访局转上级纪委"},
                 headers={"user": "bureau-chief-li"})
    assert moved["unit"] == "etkqq-xinfangju" and moved["moves"][0]["from"] == "etkqq-jiwei"
    assert [e["actor"] for e in moved["history"] if e["type"] == "rerouted"] == ["bureau-chief-li"]


def test_a_group_visit_keeps_at_most_five_representatives(system):
    people = [{"name": f"代表{i}", "phone": f"1390000{i:04d}"} for i in range(6)]
    body = petition(733, group_size=40, received_at=at("2026-05-07"))
    refused = post(system, "/api/petitions", {**body, "representatives": people}, 400)
    assert "第二十条" in refused["errors"]["representatives"][0]
    group = post(system, "/api/petitions", {**body, "representatives": people[:5]}, 201)
    assert group["group_size"] == 40 and len(group["representatives"]) == 5
    assert all("*" in r["phone"] for r in group["representatives"])
