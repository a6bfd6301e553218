"""Bad input on every endpoint, over HTTP against the real system.

Malformed JSON, missing fields, wrong types, unknown enum values, unknown fields and oversized
bodies are answered 400 {"errors": {field: [messages]}} naming the offending field — never 500 —
and nothing is written: the event stores keep their row counts and the aggregate the command was
aimed at reads exactly as before. An unknown or malformed id in the path is answered 404.
"""
import copy
import json
import time
from datetime import date, timedelta

import pytest
import requests

from supervision.domain import supervision_id_for
from tests import support

REGION = "530102"  # a county no other end-to-end test counts in its statistics
EVENT_STORES = ("intake.intake_events", "dispatch.dispatch_events", "mediation.mediation_events",
                "ownership.ownership_events", "supervision.supervision_events")
UNIT = "<unit of the assignment>"  # replaced by the real unit before sending
REVIEWER = "<unit answering the review>"  # replaced by the reviewing body before sending
PETITION = "<a petition that is no backlog case yet>"  # replaced by the registered petition's id
PLACEHOLDERS = {UNIT: "unit", REVIEWER: "reviewer", PETITION: "registered"}  # placeholder → key of `world`
CO_UNIT = "etkqq-zhujian"  # a unit that region 530102 never routes to: a possible co-handling unit
MEDIATOR = "med-etkqq-01"  # in the expert pool (shared/reference/mediators.json)
SUPERVISED = "etkqq-ziranziyuan"  # the unit the world's manual supervisions and listing address
AHEAD = (date.today() + timedelta(days=60)).isoformat()  # a correction deadline still to come
DELETE = object()
TIMEOUT = 30


# -- helpers ----------------------------------------------------------------------------------
def changed(body, path: str, value):
    """A deep copy of body with the dotted path set to value (or removed, for DELETE)."""
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    node = body
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return body


def without(body, path: str):
    return changed(body, path, DELETE)


def wrong_check_digit(id_number: str) -> str:
    return id_number[:-1] + ("0" if id_number[-1] != "0" else "1")


def materialize(body, world: dict):
    if isinstance(body, str) and body in PLACEHOLDERS:
        return world[PLACEHOLDERS[body]]
    if isinstance(body, dict):
        return {k: materialize(v, world) for k, v in body.items()}
    if isinstance(body, list):
        return [materialize(v, world) for v in body]
    return body


def send(system, path: str, body, **headers) -> requests.Response:
    """POSTs bytes as they are and anything else as JSON (lone surrogates escaped as \\udXXX)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return system.session().post(system.url(path), data=data, timeout=TIMEOUT,
                                 headers={"Content-Type": "application/json", **headers})


def get_json(system, path: str) -> dict:
    answer = system.session().get(system.url(path), timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()


def stored(system, watched: str | None = None):
    """What a write would change: the event stores' row counts and the watched aggregate's view. The
    records of reads (FileAccess, decision 0023) are left out: reading the watched view makes one."""
    counts = {table: system.sql(f"SELECT count(*) FROM {table} WHERE topic NOT LIKE %s", "%FileAccess%")[0][0]
              for table in EVENT_STORES}
    return counts, (get_json(system, watched) if watched else None)


def settle(system, quiet_for: float = 1.0, timeout: float = 20.0):
    """Waits until no service writes any more (followers finished reacting to earlier commands)."""
    deadline = time.time() + timeout
    last = stored(system)
    while time.time() < deadline:
        time.sleep(quiet_for)
        now = stored(system)
        if now == last:
            return
        last = now
    raise AssertionError("the event stores never stopped growing")


def messages_only(node) -> bool:
    """Every leaf of an errors document is a non-empty list of message strings."""
    if isinstance(node, dict):
        return bool(node) and all(isinstance(k, str) and messages_only(v) for k, v in node.items())
    return isinstance(node, list) and bool(node) and all(isinstance(m, str) and m for m in node)


def assert_rejected(answer: requests.Response, fields: tuple[str, ...]):
    assert answer.status_code == 400, f"{answer.status_code}: {answer.text[:500]}"
    body = answer.json()
    errors = body["errors"]
    assert messages_only(errors), body
    for field in fields:
        node = errors
        for key in field.split("."):
            assert isinstance(node, dict) and key in node, f"no error for {field!r} in {errors}"
            node = node[key]


# -- the endpoints, a valid body for each, and what a write would change ------------------------
# endpoint: (path, valid body, the view that must stay as it is); {…} are filled from `world`.
PARTIES = [{"name": "甲某", "id_number": support.id_number("15062319800101951"), "phone": "13800000951",
            "role": "applicant"},
           {"name": "乙某", "role": "respondent"}]  # a mediation's two parties: index 0 and 1
MEDIATION = {"layer": "people", "region_code": REGION, "category": support.CATEGORIES[0],
             "summary": "两户因宅基地边界发生争执", "parties": PARTIES}
AGREEMENT = {"facts": "两户宅基地相邻，界桩缺失。", "disputes": "东侧围墙是否越界。",
             "terms": [{"content": "乙某拆除越界围墙0.5米", "manner": "自行拆除并由村委会见证", "due": "2026年12月31日前"}],
             "signatures": [{"role": "party", "party": 0, "name": "甲某"}, {"role": "party", "party": 1, "name": "乙某"},
                            {"role": "mediator", "name": "额尔敦"}]}
OWNERSHIP = {"leader": {"id": "leader-etkqq", "name": "刘某某", "post": "鄂托克前旗副旗长", "level": "county"},
             "task_force": ["旗信访局", "旗自然资源局"],
             "plan": {"steps": ["复核测绘面积", "补足补偿款", "回访信访人"], "target_date": "2026-12-31"}}
MEETINGS = ("materials", "petitioner", "site")  # 三见面
CHECKS = ("facts_clear", "claims_resolved", "policy_implemented", "accountability_pursued")  # 四不放过
POSTS = {
    "register": ("/api/petitions", support.petition(900, region_code=REGION), None),
    "acceptance": ("/api/petitions/{registered}/acceptance",
                   {"decision": "accepted", "reason": "依法受理"}, "/api/petitions/{registered}"),
    "sign": ("/api/assignments/{assigned}/sign", {"unit": UNIT}, "/api/assignments/{assigned}"),
    "extension": ("/api/assignments/{assigned}/extension",
                  {"days": 10, "reason": "需现场勘界", "approved_by": "张某"}, "/api/assignments/{assigned}"),
    "reply": ("/api/assignments/{signed}/reply", support.REPLY, "/api/assignments/{signed}"),
    "evaluation": ("/api/assignments/{replied}/evaluation", {"rating": "satisfied"},
                   "/api/assignments/{replied}"),
    "objection": ("/api/assignments/{assigned}/objection",
                  {"unit": UNIT, "reasons": "该事项不属本单位职责", "proposed_unit": CO_UNIT},
                  "/api/assignments/{assigned}"),
    "objection-decision": ("/api/assignments/{objected}/objection/decision",
                           {"upheld": True, "comment": "异议成立，改由住建局办理", "unit": CO_UNIT},
                           "/api/assignments/{objected}"),
    "co-units": ("/api/assignments/{assigned}/co-units", {"units": [CO_UNIT]}, "/api/assignments/{assigned}"),
    "co-opinion": ("/api/assignments/{co_handled}/co-opinions", {"unit": CO_UNIT, "opinion": "建议会同勘界"},
                   "/api/assignments/{co_handled}"),
    "pre-review": ("/api/assignments/{drafted}/pre-review", {"approved": True}, "/api/assignments/{drafted}"),
    "review-request": ("/api/assignments/{replied}/review-requests", {"reasons": "对处理意见不服"},
                       "/api/assignments/{replied}"),
    "hearing": ("/api/assignments/{under_review}/hearings",
                {"held_from": "2026-12-01", "held_to": "2026-12-02", "note": "公开听证"},
                "/api/assignments/{under_review}"),
    "review-decision": ("/api/assignments/{under_review}/review-decisions",
                        {"unit": REVIEWER, "decision": "upheld",
                         "opinion": {"findings": "原处理意见认定事实清楚。", "result": "维持原处理意见。",
                                     "legal_basis": "《信访工作条例》第三十五条",
                                     "remedy": "如不服，可于收到本意见书之日起30日内申请复核。"}},
                        "/api/assignments/{under_review}"),
    "expiry": ("/api/evaluations/expiry", {"as_of": "2026-12-01"}, None),
    "mediation-request": ("/api/assignments/{assigned}/mediation", {"layer": "people", "reason": "邻里纠纷宜先行调解"},
                          "/api/assignments/{assigned}"),
    # mediation (调解)
    "mediation-open": ("/api/mediations", MEDIATION, None),
    "mediation-party": ("/api/mediations/{awaiting}/parties",
                        {"name": "丙某", "id_number": support.id_number("15062319800101952"), "role": "other"},
                        "/api/mediations/{awaiting}"),
    "consent": ("/api/mediations/{awaiting}/consents", {"party": 0, "consents": True}, "/api/mediations/{awaiting}"),
    "mediator": ("/api/mediations/{awaiting}/mediators", {"mediator": MEDIATOR}, "/api/mediations/{awaiting}"),
    "session": ("/api/mediations/{mediating}/sessions",
                {"held_on": "2026-12-01", "attendees": ["甲某", "乙某"], "notes": "首次调解"},
                "/api/mediations/{mediating}"),
    "mediation-hearing": ("/api/mediations/{mediating}/hearings",
                          {"panel": ["赵某", "钱某"], "held_on": "2026-12-02", "participants": ["甲某", "乙某"],
                           "findings": "围墙东移0.5米，越界属实。"}, "/api/mediations/{mediating}"),
    "agreement": ("/api/mediations/{mediating}/agreement", AGREEMENT, "/api/mediations/{mediating}"),
    "failure": ("/api/mediations/{mediating}/failure", {"reason": "双方分歧较大，未能达成一致"},
                "/api/mediations/{mediating}"),
    "confirmation": ("/api/mediations/{agreed}/confirmation", {"applicants": [0, 1]}, "/api/mediations/{agreed}"),
    "confirmation-decision": ("/api/mediations/{agreed}/confirmation/decision",
                              {"confirmed": True, "court_ref": "(2026)蒙0623民特1号"}, "/api/mediations/{agreed}"),
    # backlog cases (领导包案)
    "designate": ("/api/backlog-cases", {"petition_id": PETITION, "reason": "群众反映强烈，列为积案"}, None),
    "leader": ("/api/backlog-cases/{designated}/leader", OWNERSHIP, "/api/backlog-cases/{designated}"),
    "meeting": ("/api/backlog-cases/{owned}/meetings",
                {"kind": "materials", "held_on": "2026-11-02", "notes": "调阅历次办理材料"}, "/api/backlog-cases/{owned}"),
    "check": ("/api/backlog-cases/{owned}/checks", {"kind": "facts_clear", "evidence": "补充测绘报告已查清面积"},
              "/api/backlog-cases/{owned}"),
    "monthly-review": ("/api/backlog-cases/{owned}/reviews", {"month": "2026-10", "progress": "补偿款已拨付"},
                       "/api/backlog-cases/{owned}"),
    "resolution": ("/api/backlog-cases/{complete}/resolution", {"summary": "补足补偿款，信访人签字息诉罢访"},
                   "/api/backlog-cases/{complete}"),
    "termination": ("/api/backlog-cases/{designated}/termination", {"reason": "信访人已去世，无法继续化解"},
                    "/api/backlog-cases/{designated}"),
    "backlog-sweep": ("/api/backlog-sweep", {"as_of": "2026-11-01"}, None),
    # supervision (督查督办); the subject of "supervision-open" is never taken up, so its deadline is checked
    "supervision-open": ("/api/supervisions", {"trigger": "buck_passing", "subject_id": "bad-input-never-opened",
                                               "unit": SUPERVISED, "region_code": REGION, "deadline": AHEAD,
                                               "note": "两局互相推诿，三个月未答复"}, None),
    "response": ("/api/supervisions/{supervised}/responses",
                 {"letter": "supervision", "unit": SUPERVISED, "text": "已成立专班，限期整改"},
                 "/api/supervisions/{supervised}"),
    "closure": ("/api/supervisions/{closable}/closure", {"reason": "已纠正，督办事项办结"},
                "/api/supervisions/{closable}"),
    "supervision-scan": ("/api/supervision-scan", {"as_of": "2026-11-01"}, None),
    "listing": ("/api/listings", {"target": "unit", "target_id": SUPERVISED, "unit": SUPERVISED,
                                  "region_code": REGION, "reason": "多次督办仍拖延", "correction_deadline": AHEAD},
                None),
    "lifting": ("/api/listings/{listed}/lifting", {"correction": "已完成整改并通报"}, "/api/listings/{listed}"),
}
WITHOUT_ID = ("register", "expiry", "mediation-open", "designate", "backlog-sweep", "supervision-open",
              "supervision-scan", "listing")
VALID = {endpoint: body for endpoint, (_, body, _) in POSTS.items()}


def register(system, n: int) -> str:
    answer = send(system, "/api/petitions", support.petition(n, region_code=REGION))
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def accepted_assignment(system, n: int) -> dict:
    petition_id = register(system, n)
    answer = send(system, f"/api/petitions/{petition_id}/acceptance", VALID["acceptance"])
    assert answer.status_code == 200, answer.text
    view = system.wait_until(lambda: (p := get_json(system, f"/api/petitions/{petition_id}"))["assignment_id"] and p)
    return get_json(system, f"/api/assignments/{view['assignment_id']}")


def mediation(system, consenting: tuple[int, ...] = (), agreement: dict | None = None) -> str:
    """A mediation of two parties opened over HTTP, with the given parties' consent and agreement."""
    answer = send(system, "/api/mediations", MEDIATION)
    assert answer.status_code == 201, answer.text
    mediation_id = answer.json()["id"]
    for party in consenting:
        answer = send(system, f"/api/mediations/{mediation_id}/consents", {"party": party, "consents": True})
        assert answer.status_code == 200, answer.text
    if agreement:
        answer = send(system, f"/api/mediations/{mediation_id}/agreement", agreement)
        assert answer.status_code == 200, answer.text
    return mediation_id


def backlog_case(system, n: int, owned: bool = False, complete: bool = False) -> str:
    """A backlog case designated by hand for a petition registered over HTTP, owned and met and checked
    if asked for. Ownership may not have seen the petition yet: it refuses (400) until it has."""
    petition_id = register(system, n)
    body = {"petition_id": petition_id, "reason": "群众反映强烈，列为积案"}
    answer = system.wait_until(lambda: (a := send(system, "/api/backlog-cases", body)).status_code == 201 and a)
    case_id = answer.json()["id"]
    steps = [("leader", OWNERSHIP)] if owned or complete else []
    if complete:
        steps += [("meetings", {"kind": kind, "held_on": "2026-11-02", "notes": "已见面"}) for kind in MEETINGS]
        steps += [("checks", {"kind": kind, "evidence": "有据可查"}) for kind in CHECKS]
    for action, step in steps:
        answer = send(system, f"/api/backlog-cases/{case_id}/{action}", step)
        assert answer.status_code == 200, answer.text
    return case_id


def command(system, assignment: dict, action: str, body: dict) -> dict:
    answer = send(system, f"/api/assignments/{assignment['id']}/{action}", body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def created(system, path: str, body: dict) -> str:
    answer = send(system, path, body)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def found(system, path: str) -> bool:
    return system.session().get(system.url(path), timeout=TIMEOUT).status_code == 200


@pytest.fixture(scope="module")
def world(system):
    """A petition and assignments in the state where a valid command to each endpoint would write."""
    registered = register(system, 901)                      # acceptance not yet decided
    assigned = accepted_assignment(system, 902)             # neither signed nor extended
    signed = accepted_assignment(system, 903)               # signed, not replied
    command(system, signed, "sign", {"unit": signed["unit"]})
    replied = accepted_assignment(system, 904)              # replied, not rated
    command(system, replied, "sign", {"unit": replied["unit"]})
    assert command(system, replied, "reply", support.REPLY)["status"] == "pre_review"
    assert command(system, replied, "pre-review", {"approved": True})["status"] == "replied"
    system.wait_until(lambda: get_json(system, f"/api/petitions/{replied['petition_id']}")["status"] == "replied")
    objected = accepted_assignment(system, 905)             # objected to, no decision yet
    command(system, objected, "objection", {"unit": objected["unit"], "reasons": "该事项不属本单位职责"})
    drafted = accepted_assignment(system, 906)              # reply drafted, awaiting pre-review
    command(system, drafted, "sign", {"unit": drafted["unit"]})
    assert command(system, drafted, "reply", support.REPLY)["status"] == "pre_review"
    co_handled = accepted_assignment(system, 907)           # with a co-handling unit, no opinion yet
    command(system, co_handled, "co-units", {"units": [CO_UNIT]})
    under_review = accepted_assignment(system, 908)         # review asked for, not answered
    command(system, under_review, "sign", {"unit": under_review["unit"]})
    command(system, under_review, "reply", support.REPLY)
    command(system, under_review, "pre-review", {"approved": True})
    reviewing = command(system, under_review, "review-requests", {"reasons": "对处理意见不服"})
    assert reviewing["status"] == "under_review", reviewing
    awaiting = mediation(system)                            # two parties, neither has consented
    mediating = mediation(system, consenting=(0, 1))        # both consented: sessions, agreement, failure
    agreed = mediation(system, consenting=(0, 1), agreement=AGREEMENT)  # no confirmation applied or decided
    statuses = {key: get_json(system, f"/api/mediations/{m}")["status"]
                for key, m in (("awaiting", awaiting), ("mediating", mediating), ("agreed", agreed))}
    assert statuses == {"awaiting": "awaiting_consent", "mediating": "in_mediation", "agreed": "agreed"}, statuses
    designated = backlog_case(system, 910)                  # no leader yet: leader, termination
    owned = backlog_case(system, 911, owned=True)           # a leader, no meeting or check: meetings, checks, reviews
    complete = backlog_case(system, 912, complete=True)     # met three times, checked four times: resolution
    cases = {key: get_json(system, f"/api/backlog-cases/{case}") for key, case in
             (("designated", designated), ("owned", owned), ("complete", complete))}
    assert {key: case["status"] for key, case in cases.items()} == {
        "designated": "designated", "owned": "owned", "complete": "owned"}, cases
    assert cases["complete"]["missing_for_resolution"] == {}, cases["complete"]
    manual = VALID["supervision-open"]
    supervised = created(system, "/api/supervisions",       # a supervision letter issued at once, not answered
                         {**manual, "trigger": "non_compliant_handling", "subject_id": assigned["id"]})
    closable = created(system, "/api/supervisions", {**manual, "trigger": "delay", "subject_id": assigned["id"]})
    views = {key: get_json(system, f"/api/supervisions/{s}") for key, s in (("supervised", supervised),
                                                                             ("closable", closable))}
    letters = {key: [(x["letter"], x["unit_id"], x["response"]) for x in v["letters"]] for key, v in views.items()}
    assert letters == {key: [("supervision", SUPERVISED, None)] for key in views}, views
    listed = created(system, "/api/listings", VALID["listing"])  # not lifted
    # Supervision opens a watch from every petition, assignment and review above: wait for the last
    # ones, then for every service to fall quiet.
    watched = str(supervision_id_for("acceptance", registered))
    watches = [f"/api/supervisions/{supervision_id_for(kind, subject)}" for kind, subject in
               [("acceptance", case["petition_id"]) for case in cases.values()] +
               [("acceptance", registered), ("handling", under_review["id"]), ("review", under_review["id"])]]
    system.wait_until(lambda: all(found(system, watch) for watch in watches), timeout=20)
    settle(system)
    return {"supervised": supervised, "closable": closable, "listed": listed, "watched": watched,
            "registered": registered, "assigned": assigned["id"], "unit": assigned["unit"],
            "signed": signed["id"], "replied": replied["id"], "objected": objected["id"],
            "drafted": drafted["id"], "co_handled": co_handled["id"], "under_review": under_review["id"],
            "reviewer": reviewing["reviews"]["review"]["reviewer_unit"],
            "awaiting": awaiting, "mediating": mediating, "agreed": agreed,
            "designated": designated, "owned": owned, "complete": complete}


def attempt(system, world, endpoint: str, body, path: str | None = None, **headers):
    """Sends body to endpoint; asserts that nothing was written; returns the answer."""
    template, _, watched = POSTS[endpoint]
    path = path or template.format(**world)
    watched = watched and watched.format(**world)
    before = stored(system, watched)
    answer = send(system, path, materialize(body, world), **headers)
    assert stored(system, watched) == before, f"{endpoint} wrote something: {answer.status_code} {answer.text[:300]}"
    return answer


# -- the cases --------------------------------------------------------------------------------
def body_cases(endpoint: str, valid: dict):
    """Broken bodies that every endpoint must refuse the same way."""
    yield "malformed-json", b'{"reason": ', "_body"
    yield "truncated-json", json.dumps(valid).encode()[:-1], "_body"
    yield "not-utf8", b'{"x": "\xff\xfe"}', "_body"
    yield "oversized-70KB", {**valid, "padding": "x" * 70_000}, "_body"
    yield "nested-100k-deep", b"[" * 100_000, "_body"
    yield "nested-60k-deep-under-limit", b"[" * 60_000, "_body"
    yield "empty-body", b"", "_schema"
    yield "null", None, "_schema"
    yield "list-not-object", [valid], "_schema"
    yield "string-not-object", "accepted", "_schema"
    yield "number-not-object", 42, "_schema"
    yield "unknown-field", {**valid, "colour": "blue"}, "colour"


P, ACC, EXT, REP = VALID["register"], VALID["acceptance"], VALID["extension"], VALID["reply"]
SIGS = REP["signatures"]
OBJ, DEC, CO, PRE = VALID["objection"], VALID["objection-decision"], VALID["co-opinion"], VALID["pre-review"]
RR, HEAR, RD = VALID["review-request"], VALID["hearing"], VALID["review-decision"]
REPRESENTATIVE = {"name": "代表某某", "id_number": support.id_number("15062319800101950")}
ACCUSATION = changed(P, "matter_type", "accusation")
MR, MED, PARTY, CONSENT = VALID["mediation-request"], VALID["mediation-open"], VALID["mediation-party"], VALID["consent"]
SESSION, MH, AG, FAIL = VALID["session"], VALID["mediation-hearing"], VALID["agreement"], VALID["failure"]
CONF, CD = VALID["confirmation"], VALID["confirmation-decision"]
DES, OWN, MEET, CHECK = VALID["designate"], VALID["leader"], VALID["meeting"], VALID["check"]
REV, RES, TERM = VALID["monthly-review"], VALID["resolution"], VALID["termination"]
MAN, RESP, LIST = VALID["supervision-open"], VALID["response"], VALID["listing"]
FIELD_CASES = [  # (endpoint, id, body, *fields the errors must name)
    # POST /api/petitions
    ("register", "missing-channel", without(P, "channel"), "channel"),
    ("register", "missing-petitioner", without(P, "petitioner"), "petitioner"),
    ("register", "missing-petitioner-name", without(P, "petitioner.name"), "petitioner.name"),
    ("register", "missing-region-subject-content", without(without(without(P, "region_code"), "subject"), "content"),
     "region_code", "subject", "content"),
    ("register", "missing-category", without(P, "category"), "category"),
    ("register", "unknown-channel", changed(P, "channel", "carrier_pigeon"), "channel"),
    ("register", "unknown-category", changed(P, "category", "weather"), "category"),
    ("register", "unknown-matter-type", changed(P, "matter_type", "gossip"), "matter_type"),
    ("register", "number-for-subject", changed(P, "subject", 123), "subject"),
    ("register", "number-for-region-code", changed(P, "region_code", 530102), "region_code"),
    ("register", "number-for-phone", changed(P, "petitioner.phone", 13800000000), "petitioner.phone"),
    ("register", "string-for-petitioner", changed(P, "petitioner", "测试某某"), "petitioner"),
    ("register", "null-petitioner", changed(P, "petitioner", None), "petitioner"),
    ("register", "id-number-check-digit", changed(P, "petitioner.id_number",
                                                 wrong_check_digit(P["petitioner"]["id_number"])),
     "petitioner.id_number"),
    ("register", "id-number-too-short", changed(P, "petitioner.id_number", "15062319800101"), "petitioner.id_number"),
    ("register", "phone-not-a-number", changed(P, "petitioner.phone", "call me"), "petitioner.phone"),
    ("register", "region-code-5-digits", changed(P, "region_code", "53010"), "region_code"),
    ("register", "region-code-letters", changed(P, "region_code", "abcdef"), "region_code"),
    ("register", "empty-subject", changed(P, "subject", ""), "subject"),
    ("register", "subject-too-long", changed(P, "subject", "字" * 201), "subject"),
    ("register", "received-at-not-a-date", changed(P, "received_at", "yesterday"), "received_at"),
    ("register", "received-at-naive", changed(P, "received_at", "2026-11-02T09:30:00"), "received_at"),
    ("register", "unknown-petitioner-field", changed(P, "petitioner.nickname", "老王"), "petitioner.nickname"),
    ("register", "six-representatives", changed(P, "representatives", [REPRESENTATIVE] * 6), "representatives"),
    ("register", "representative-without-name", changed(P, "representatives", [{"phone": "13800000000"}]),
     "representatives.0.name"),
    ("register", "representative-id-check-digit",
     changed(P, "representatives", [{**REPRESENTATIVE, "id_number": wrong_check_digit(REPRESENTATIVE["id_number"])}]),
     "representatives.0.id_number"),
    ("register", "object-for-representatives", changed(P, "representatives", REPRESENTATIVE), "representatives"),
    ("register", "string-for-group-size", changed(P, "group_size", "20"), "group_size"),
    ("register", "zero-group-size", changed(P, "group_size", 0), "group_size"),
    ("register", "accusation-without-accused-unit", ACCUSATION, "accused_unit"),
    ("register", "accusation-with-null-accused-unit", changed(ACCUSATION, "accused_unit", None), "accused_unit"),
    ("register", "unknown-accused-unit", changed(ACCUSATION, "accused_unit", "no-such-unit"), "accused_unit"),
    ("register", "string-for-new-facts", changed(P, "new_facts", "perhaps"), "new_facts"),
    # POST /api/petitions/{id}/acceptance
    ("acceptance", "missing-decision", without(ACC, "decision"), "decision"),
    ("acceptance", "missing-reason", without(ACC, "reason"), "reason"),
    ("acceptance", "unknown-decision", changed(ACC, "decision", "maybe"), "decision"),
    ("acceptance", "number-for-decision", changed(ACC, "decision", 1), "decision"),
    ("acceptance", "empty-reason", changed(ACC, "reason", ""), "reason"),
    ("acceptance", "blank-reason", changed(ACC, "reason", "   "), "reason"),
    ("acceptance", "diverted-without-route", changed(ACC, "decision", "diverted"), "route"),
    ("acceptance", "unknown-route", changed(changed(ACC, "decision", "diverted"), "route", "court"), "route"),
    ("acceptance", "decided-at-not-a-date", changed(ACC, "decided_at", "2026-13-01T00:00:00+08:00"), "decided_at"),
    ("acceptance", "unknown-dispatch-mode", changed(ACC, "dispatch_mode", "courier"), "dispatch_mode"),
    ("acceptance", "number-for-dispatch-mode", changed(ACC, "dispatch_mode", 2), "dispatch_mode"),
    # POST /api/assignments/{id}/sign
    ("sign", "missing-unit", {}, "unit"),
    ("sign", "number-for-unit", {"unit": 42}, "unit"),
    ("sign", "empty-unit", {"unit": ""}, "unit"),
    ("sign", "unit-too-long", {"unit": "u" * 65}, "unit"),
    ("sign", "signed-at-not-a-date", {"unit": UNIT, "signed_at": "today"}, "signed_at"),
    # POST /api/assignments/{id}/extension
    ("extension", "missing-days", without(EXT, "days"), "days"),
    ("extension", "missing-approver", without(EXT, "approved_by"), "approved_by"),
    ("extension", "string-for-days", changed(EXT, "days", "10"), "days"),
    ("extension", "fraction-for-days", changed(EXT, "days", 10.5), "days"),
    ("extension", "boolean-for-days", changed(EXT, "days", True), "days"),
    ("extension", "zero-days", changed(EXT, "days", 0), "days"),
    ("extension", "too-many-days", changed(EXT, "days", 31), "days"),
    ("extension", "huge-days", changed(EXT, "days", 10**30), "days"),
    ("extension", "empty-reason", changed(EXT, "reason", ""), "reason"),
    ("extension", "blank-reason", changed(EXT, "reason", "  "), "reason"),
    # POST /api/assignments/{id}/reply
    ("reply", "missing-outcome", without(REP, "outcome"), "outcome"),
    ("reply", "unknown-outcome", changed(REP, "outcome", "maybe"), "outcome"),
    ("reply", "missing-opinion", without(REP, "opinion"), "opinion"),
    ("reply", "missing-legal-basis", without(REP, "opinion.legal_basis"), "opinion.legal_basis"),
    ("reply", "blank-remedy", changed(REP, "opinion.remedy", "  "), "opinion.remedy"),
    ("reply", "number-for-facts", changed(REP, "opinion.facts", 7), "opinion.facts"),
    ("reply", "unknown-opinion-element", changed(REP, "opinion.mood", "calm"), "opinion.mood"),
    ("reply", "string-for-opinion", changed(REP, "opinion", "见附件"), "opinion"),
    ("reply", "one-signature", changed(REP, "signatures", SIGS[:1]), "signatures"),
    ("reply", "no-signatures", changed(REP, "signatures", []), "signatures"),
    ("reply", "same-person-signs-twice", changed(REP, "signatures.1.name", SIGS[0]["name"]), "signatures"),
    ("reply", "unknown-role", changed(REP, "signatures.1.role", "mayor"), "signatures.1.role"),
    ("reply", "signature-not-object", changed(REP, "signatures", ["王某", "李某"]), "signatures.0._schema"),
    ("reply", "object-for-signatures", changed(REP, "signatures", SIGS[0]), "signatures"),
    # POST /api/assignments/{id}/evaluation
    ("evaluation", "missing-rating", {}, "rating"),
    ("evaluation", "unknown-rating", {"rating": "meh"}, "rating"),
    ("evaluation", "number-for-rating", {"rating": 5}, "rating"),
    ("evaluation", "rated-at-not-a-date", {"rating": "satisfied", "rated_at": 20261201}, "rated_at"),
    # POST /api/assignments/{id}/objection
    ("objection", "missing-reasons", without(OBJ, "reasons"), "reasons"),
    ("objection", "missing-unit", without(OBJ, "unit"), "unit"),
    ("objection", "blank-reasons", changed(OBJ, "reasons", "   "), "reasons"),
    ("objection", "number-for-reasons", changed(OBJ, "reasons", 5), "reasons"),
    ("objection", "unknown-proposed-unit", changed(OBJ, "proposed_unit", "no-such-unit"), "proposed_unit"),
    ("objection", "objected-at-not-a-date", changed(OBJ, "objected_at", "soon"), "objected_at"),
    # POST /api/assignments/{id}/objection/decision
    ("objection-decision", "missing-upheld", without(DEC, "upheld"), "upheld"),
    ("objection-decision", "missing-comment", without(DEC, "comment"), "comment"),
    ("objection-decision", "string-for-upheld", changed(DEC, "upheld", "perhaps"), "upheld"),
    ("objection-decision", "null-upheld", changed(DEC, "upheld", None), "upheld"),
    ("objection-decision", "blank-comment", changed(DEC, "comment", "  "), "comment"),
    ("objection-decision", "unknown-unit", changed(DEC, "unit", "no-such-unit"), "unit"),
    ("objection-decision", "upheld-without-unit", without(DEC, "unit"), "unit"),
    # POST /api/assignments/{id}/co-units
    ("co-units", "missing-units", {}, "units"),
    ("co-units", "no-units", {"units": []}, "units"),
    ("co-units", "unknown-unit", {"units": [CO_UNIT, "no-such-unit"]}, "units.1"),
    ("co-units", "string-for-units", {"units": CO_UNIT}, "units"),
    ("co-units", "number-for-unit", {"units": [42]}, "units.0"),
    ("co-units", "added-at-not-a-date", {"units": [CO_UNIT], "added_at": "now"}, "added_at"),
    # POST /api/assignments/{id}/co-opinions
    ("co-opinion", "missing-opinion", without(CO, "opinion"), "opinion"),
    ("co-opinion", "missing-unit", without(CO, "unit"), "unit"),
    ("co-opinion", "blank-opinion", changed(CO, "opinion", " \n "), "opinion"),
    ("co-opinion", "number-for-unit", changed(CO, "unit", 7), "unit"),
    ("co-opinion", "list-for-opinion", changed(CO, "opinion", ["同意"]), "opinion"),
    # POST /api/assignments/{id}/pre-review
    ("pre-review", "missing-approved", {}, "approved"),
    ("pre-review", "string-for-approved", {"approved": "perhaps"}, "approved"),
    ("pre-review", "rejected-without-comments", {"approved": False}, "comments"),
    ("pre-review", "rejected-with-blank-comments", {"approved": False, "comments": "  "}, "comments"),
    ("pre-review", "number-for-comments", {**PRE, "comments": 1}, "comments"),
    ("pre-review", "decided-at-naive", {**PRE, "decided_at": "2026-11-20T10:00:00"}, "decided_at"),
    # POST /api/assignments/{id}/review-requests
    ("review-request", "missing-reasons", {}, "reasons"),
    ("review-request", "blank-reasons", changed(RR, "reasons", "  "), "reasons"),
    ("review-request", "number-for-reasons", changed(RR, "reasons", 30), "reasons"),
    ("review-request", "unknown-reviewer-unit", changed(RR, "reviewer_unit", "no-such-unit"), "reviewer_unit"),
    ("review-request", "requested-at-not-a-date", changed(RR, "requested_at", "2026-02-30T10:00:00+08:00"),
     "requested_at"),
    # POST /api/assignments/{id}/hearings
    ("hearing", "missing-held-from", without(HEAR, "held_from"), "held_from"),
    ("hearing", "missing-held-to", without(HEAR, "held_to"), "held_to"),
    ("hearing", "held-to-not-a-date", changed(HEAR, "held_to", "the day after"), "held_to"),
    ("hearing", "held-to-before-held-from", changed(HEAR, "held_to", "2026-11-30"), "held_to"),
    ("hearing", "held-from-in-year-1900", changed(HEAR, "held_from", "1900-01-01"), "held_from"),
    ("hearing", "number-for-held-from", changed(HEAR, "held_from", 20261201), "held_from"),
    ("hearing", "number-for-note", changed(HEAR, "note", 3), "note"),
    # POST /api/assignments/{id}/review-decisions
    ("review-decision", "missing-decision", without(RD, "decision"), "decision"),
    ("review-decision", "unknown-decision", changed(RD, "decision", "quashed"), "decision"),
    ("review-decision", "missing-opinion", without(RD, "opinion"), "opinion"),
    ("review-decision", "missing-unit", without(RD, "unit"), "unit"),
    ("review-decision", "blank-result", changed(RD, "opinion.result", "  "), "opinion.result"),
    ("review-decision", "missing-findings-and-remedy", without(without(RD, "opinion.findings"), "opinion.remedy"),
     "opinion.findings", "opinion.remedy"),
    ("review-decision", "unknown-opinion-element", changed(RD, "opinion.mood", "calm"), "opinion.mood"),
    ("review-decision", "string-for-opinion", changed(RD, "opinion", "见附件"), "opinion"),
    # POST /api/evaluations/expiry
    ("expiry", "as-of-not-a-date", {"as_of": "tomorrow"}, "as_of"),
    ("expiry", "as-of-impossible-date", {"as_of": "2026-02-30"}, "as_of"),
    ("expiry", "since-in-year-1900", {"as_of": "2026-12-01", "since": "1900-01-01"}, "since"),
    ("expiry", "number-for-as-of", {"as_of": 20261201}, "as_of"),
    # POST /api/assignments/{id}/mediation
    ("mediation-request", "missing-layer", without(MR, "layer"), "layer"),
    ("mediation-request", "unknown-layer", changed(MR, "layer", "family"), "layer"),
    ("mediation-request", "missing-reason", without(MR, "reason"), "reason"),
    ("mediation-request", "blank-reason", changed(MR, "reason", "  "), "reason"),
    ("mediation-request", "number-for-reason", changed(MR, "reason", 12), "reason"),
    ("mediation-request", "requested-at-not-a-date", changed(MR, "requested_at", "now"), "requested_at"),
    # POST /api/mediations
    ("mediation-open", "missing-layer", without(MED, "layer"), "layer"),
    ("mediation-open", "unknown-layer", changed(MED, "layer", "family"), "layer"),
    ("mediation-open", "unknown-category", changed(MED, "category", "weather"), "category"),
    ("mediation-open", "missing-summary-and-region", without(without(MED, "summary"), "region_code"),
     "summary", "region_code"),
    ("mediation-open", "blank-summary", changed(MED, "summary", " \n "), "summary"),
    ("mediation-open", "region-code-letters", changed(MED, "region_code", "abcdef"), "region_code"),
    ("mediation-open", "string-for-parties", changed(MED, "parties", "甲某、乙某"), "parties"),
    ("mediation-open", "party-without-name", without(MED, "parties.1.name"), "parties.1.name"),
    ("mediation-open", "party-blank-name", changed(MED, "parties.1.name", "  "), "parties"),
    ("mediation-open", "party-unknown-role", changed(MED, "parties.1.role", "witness"), "parties.1.role"),
    ("mediation-open", "party-id-number-check-digit",
     changed(MED, "parties.0.id_number", wrong_check_digit(PARTIES[0]["id_number"])), "parties.0.id_number"),
    ("mediation-open", "petition-id-not-a-uuid", changed(MED, "petition_id", "not-a-uuid"), "petition_id"),
    ("mediation-open", "opened-at-naive", changed(MED, "opened_at", "2026-11-02T09:30:00"), "opened_at"),
    # POST /api/mediations/{id}/parties
    ("mediation-party", "missing-name", without(PARTY, "name"), "name"),
    ("mediation-party", "id-number-check-digit", changed(PARTY, "id_number", wrong_check_digit(PARTY["id_number"])),
     "id_number"),
    ("mediation-party", "id-number-too-short", changed(PARTY, "id_number", "15062319800101"), "id_number"),
    ("mediation-party", "unknown-role", changed(PARTY, "role", "witness"), "role"),
    ("mediation-party", "number-for-phone", changed(PARTY, "phone", 13800000000), "phone"),
    ("mediation-party", "list-for-name", changed(PARTY, "name", ["丙某"]), "name"),
    # POST /api/mediations/{id}/consents
    ("consent", "missing-party", without(CONSENT, "party"), "party"),
    ("consent", "missing-consents", without(CONSENT, "consents"), "consents"),
    ("consent", "no-such-party", changed(CONSENT, "party", 2), "party"),
    ("consent", "negative-party", changed(CONSENT, "party", -1), "party"),
    ("consent", "string-for-party", changed(CONSENT, "party", "0"), "party"),
    ("consent", "fraction-for-party", changed(CONSENT, "party", 0.5), "party"),
    ("consent", "string-for-consents", changed(CONSENT, "consents", "perhaps"), "consents"),
    ("consent", "null-consents", changed(CONSENT, "consents", None), "consents"),
    ("consent", "at-not-a-date", changed(CONSENT, "at", "today"), "at"),
    # POST /api/mediations/{id}/mediators
    ("mediator", "missing-mediator", {}, "mediator"),
    ("mediator", "unknown-mediator", {"mediator": "med-nowhere-99"}, "mediator"),
    ("mediator", "number-for-mediator", {"mediator": 1}, "mediator"),
    ("mediator", "empty-mediator", {"mediator": ""}, "mediator"),
    ("mediator", "at-naive", {"mediator": MEDIATOR, "at": "2026-11-20T10:00:00"}, "at"),
    # POST /api/mediations/{id}/sessions
    ("session", "missing-held-on", without(SESSION, "held_on"), "held_on"),
    ("session", "held-on-not-a-date", changed(SESSION, "held_on", "next monday"), "held_on"),
    ("session", "held-on-impossible-date", changed(SESSION, "held_on", "2026-02-30"), "held_on"),
    ("session", "held-on-in-year-1900", changed(SESSION, "held_on", "1900-01-01"), "held_on"),
    ("session", "missing-attendees", without(SESSION, "attendees"), "attendees"),
    ("session", "no-attendees", changed(SESSION, "attendees", []), "attendees"),
    ("session", "string-for-attendees", changed(SESSION, "attendees", "甲某"), "attendees"),
    ("session", "number-for-attendee", changed(SESSION, "attendees", ["甲某", 2]), "attendees.1"),
    # POST /api/mediations/{id}/hearings
    ("mediation-hearing", "missing-panel", without(MH, "panel"), "panel"),
    ("mediation-hearing", "no-panel", changed(MH, "panel", []), "panel"),
    ("mediation-hearing", "missing-findings", without(MH, "findings"), "findings"),
    ("mediation-hearing", "blank-findings", changed(MH, "findings", "   "), "findings"),
    ("mediation-hearing", "held-on-not-a-date", changed(MH, "held_on", "the day after"), "held_on"),
    ("mediation-hearing", "number-for-participant", changed(MH, "participants", [1]), "participants.0"),
    # POST /api/mediations/{id}/agreement
    ("agreement", "missing-terms", without(AG, "terms"), "terms"),
    ("agreement", "no-terms", changed(AG, "terms", []), "terms"),
    ("agreement", "string-for-terms", changed(AG, "terms", "按约履行"), "terms"),
    ("agreement", "term-missing-manner", without(AG, "terms.0.manner"), "terms.0.manner"),
    ("agreement", "term-blank-manner", changed(AG, "terms.0.manner", "  "), "terms.0"),
    ("agreement", "unknown-term-element", changed(AG, "terms.0.penalty", "加倍"), "terms.0.penalty"),
    ("agreement", "missing-facts-and-disputes", without(without(AG, "facts"), "disputes"), "facts", "disputes"),
    ("agreement", "blank-facts", changed(AG, "facts", "  "), "facts"),
    ("agreement", "party-1-has-not-signed", changed(AG, "signatures", [AG["signatures"][0], AG["signatures"][2]]),
     "signatures"),
    ("agreement", "party-signs-for-no-such-party", changed(AG, "signatures.1.party", 2), "signatures"),
    ("agreement", "party-signature-without-index", without(AG, "signatures.1.party"), "signatures"),
    ("agreement", "mediator-has-not-signed", changed(AG, "signatures", AG["signatures"][:2]), "signatures"),
    ("agreement", "no-signatures", changed(AG, "signatures", []), "signatures"),
    ("agreement", "unknown-signer-role", changed(AG, "signatures.2.role", "witness"), "signatures.2.role"),
    ("agreement", "negative-party-index", changed(AG, "signatures.0.party", -1), "signatures.0.party"),
    ("agreement", "string-for-party-index", changed(AG, "signatures.0.party", "0"), "signatures.0.party"),
    ("agreement", "signature-not-object", changed(AG, "signatures", ["甲某", "乙某", "额尔敦"]), "signatures.0._schema"),
    ("agreement", "signed-at-not-a-date", changed(AG, "signed_at", "yesterday"), "signed_at"),
    # POST /api/mediations/{id}/failure
    ("failure", "missing-reason", {}, "reason"),
    ("failure", "blank-reason", {"reason": " \t "}, "reason"),
    ("failure", "number-for-reason", {"reason": 0}, "reason"),
    ("failure", "failed-at-not-a-date", {**FAIL, "failed_at": "2026-02-30T10:00:00+08:00"}, "failed_at"),
    # POST /api/mediations/{id}/confirmation
    ("confirmation", "missing-applicants", {}, "applicants"),
    ("confirmation", "no-applicants", {"applicants": []}, "applicants"),
    ("confirmation", "party-1-has-not-applied", {"applicants": [0]}, "applicants"),
    ("confirmation", "number-for-applicants", {"applicants": 0}, "applicants"),
    ("confirmation", "negative-applicant", {"applicants": [-1, 0, 1]}, "applicants.0"),
    ("confirmation", "string-for-applicant", {"applicants": ["0", 1]}, "applicants.0"),
    ("confirmation", "applied-at-not-a-date", {**CONF, "applied_at": "soon"}, "applied_at"),
    # POST /api/mediations/{id}/confirmation/decision
    ("confirmation-decision", "missing-confirmed", without(CD, "confirmed"), "confirmed"),
    ("confirmation-decision", "string-for-confirmed", changed(CD, "confirmed", "perhaps"), "confirmed"),
    ("confirmation-decision", "null-confirmed", changed(CD, "confirmed", None), "confirmed"),
    ("confirmation-decision", "number-for-court-ref", changed(CD, "court_ref", 1), "court_ref"),
    ("confirmation-decision", "court-ref-too-long", changed(CD, "court_ref", "号" * 101), "court_ref"),
    ("confirmation-decision", "decided-at-in-year-1900", changed(CD, "decided_at", "1900-01-01T00:00:00+08:00"),
     "decided_at"),
    # POST /api/backlog-cases
    ("designate", "petition-id-not-a-uuid", changed(DES, "petition_id", "not-a-uuid"), "petition_id"),
    ("designate", "number-for-petition-id", changed(DES, "petition_id", 42), "petition_id"),
    ("designate", "missing-petition-id", without(DES, "petition_id"), "petition_id"),
    ("designate", "missing-reason", without(DES, "reason"), "reason"),
    ("designate", "empty-reason", changed(DES, "reason", ""), "reason"),
    ("designate", "blank-reason", changed(DES, "reason", "   "), "reason"),
    ("designate", "unknown-category", changed(DES, "category", "weather"), "category"),
    ("designate", "region-code-letters", changed(DES, "region_code", "abcdef"), "region_code"),
    ("designate", "designated-at-naive", changed(DES, "designated_at", "2026-11-02T09:30:00"), "designated_at"),
    # POST /api/backlog-cases/{id}/leader
    ("leader", "missing-leader", without(OWN, "leader"), "leader"),
    ("leader", "unknown-leader-level", changed(OWN, "leader.level", "province"), "leader.level"),
    ("leader", "missing-leader-name", without(OWN, "leader.name"), "leader.name"),
    ("leader", "blank-leader-name", changed(OWN, "leader.name", "  "), "leader"),
    ("leader", "string-for-leader", changed(OWN, "leader", "刘某某"), "leader"),
    ("leader", "missing-task-force", without(OWN, "task_force"), "task_force"),
    ("leader", "empty-task-force", changed(OWN, "task_force", []), "task_force"),
    ("leader", "number-for-task-force-member", changed(OWN, "task_force", ["旗信访局", 3]), "task_force.1"),
    ("leader", "missing-plan", without(OWN, "plan"), "plan"),
    ("leader", "plan-without-steps", without(OWN, "plan.steps"), "plan.steps"),
    ("leader", "plan-with-no-steps", changed(OWN, "plan.steps", []), "plan.steps"),
    ("leader", "plan-without-target-date", without(OWN, "plan.target_date"), "plan.target_date"),
    ("leader", "target-date-not-a-date", changed(OWN, "plan.target_date", "year end"), "plan.target_date"),
    ("leader", "unknown-plan-element", changed(OWN, "plan.budget", 100), "plan.budget"),
    ("leader", "at-naive", changed(OWN, "at", "2026-11-20T10:00:00"), "at"),
    # POST /api/backlog-cases/{id}/meetings
    ("meeting", "missing-kind", without(MEET, "kind"), "kind"),
    ("meeting", "unknown-meeting-kind", changed(MEET, "kind", "dinner"), "kind"),
    ("meeting", "missing-held-on", without(MEET, "held_on"), "held_on"),
    ("meeting", "held-on-not-a-date", changed(MEET, "held_on", "last week"), "held_on"),
    ("meeting", "held-on-impossible-date", changed(MEET, "held_on", "2026-02-30"), "held_on"),
    ("meeting", "held-on-in-year-1900", changed(MEET, "held_on", "1900-01-01"), "held_on"),
    ("meeting", "missing-notes", without(MEET, "notes"), "notes"),
    ("meeting", "blank-notes", changed(MEET, "notes", " \n "), "notes"),
    # POST /api/backlog-cases/{id}/checks
    ("check", "missing-kind", without(CHECK, "kind"), "kind"),
    ("check", "unknown-check-kind", changed(CHECK, "kind", "everything_fine"), "kind"),
    ("check", "missing-evidence", without(CHECK, "evidence"), "evidence"),
    ("check", "empty-evidence", changed(CHECK, "evidence", ""), "evidence"),
    ("check", "blank-evidence", changed(CHECK, "evidence", "   "), "evidence"),
    ("check", "list-for-evidence", changed(CHECK, "evidence", ["测绘报告"]), "evidence"),
    # POST /api/backlog-cases/{id}/reviews
    ("monthly-review", "month-13", changed(REV, "month", "2026-13"), "month"),
    ("monthly-review", "two-digit-year", changed(REV, "month", "26-11"), "month"),
    ("monthly-review", "month-with-day", changed(REV, "month", "2026-10-01"), "month"),
    ("monthly-review", "future-month", changed(REV, "month", "2099-12"), "month"),
    ("monthly-review", "number-for-month", changed(REV, "month", 202610), "month"),
    ("monthly-review", "missing-progress", without(REV, "progress"), "progress"),
    ("monthly-review", "blank-progress", changed(REV, "progress", "  "), "progress"),
    # POST /api/backlog-cases/{id}/resolution
    ("resolution", "missing-summary", {}, "summary"),
    ("resolution", "empty-summary", {"summary": ""}, "summary"),
    ("resolution", "blank-summary", {"summary": "  "}, "summary"),
    ("resolution", "number-for-summary", {"summary": 1}, "summary"),
    ("resolution", "resolved-at-not-a-date", {**RES, "resolved_at": "2026-02-30T10:00:00+08:00"}, "resolved_at"),
    # POST /api/backlog-cases/{id}/termination
    ("termination", "missing-reason", {}, "reason"),
    ("termination", "blank-reason", {"reason": " \t "}, "reason"),
    ("termination", "number-for-reason", {"reason": 0}, "reason"),
    ("termination", "terminated-at-naive", {**TERM, "terminated_at": "2026-11-20T10:00:00"}, "terminated_at"),
    # POST /api/backlog-sweep
    ("backlog-sweep", "as-of-not-a-date", {"as_of": "tomorrow"}, "as_of"),
    ("backlog-sweep", "as-of-impossible-date", {"as_of": "2026-02-30"}, "as_of"),
    ("backlog-sweep", "as-of-after-today", {"as_of": "2099-12-31"}, "as_of"),
    ("backlog-sweep", "since-in-year-1900", {"as_of": "2026-11-01", "since": "1900-01-01"}, "since"),
    ("backlog-sweep", "number-for-as-of", {"as_of": 20261101}, "as_of"),
    # POST /api/supervisions
    ("supervision-open", "missing-trigger", without(MAN, "trigger"), "trigger"),
    ("supervision-open", "unknown-trigger", changed(MAN, "trigger", "laziness"), "trigger"),
    ("supervision-open", "watched-limit-as-trigger", changed(MAN, "trigger", "handling"), "trigger"),
    ("supervision-open", "missing-subject-id", without(MAN, "subject_id"), "subject_id"),
    ("supervision-open", "empty-subject-id", changed(MAN, "subject_id", ""), "subject_id"),
    ("supervision-open", "subject-id-too-long", changed(MAN, "subject_id", "s" * 101), "subject_id"),
    ("supervision-open", "unknown-unit", changed(MAN, "unit", "no-such-unit"), "unit"),
    ("supervision-open", "number-for-unit", changed(MAN, "unit", 7), "unit"),
    ("supervision-open", "region-code-5-digits", changed(MAN, "region_code", "53010"), "region_code"),
    ("supervision-open", "region-code-letters", changed(MAN, "region_code", "abcdef"), "region_code"),
    ("supervision-open", "missing-deadline", without(MAN, "deadline"), "deadline"),
    ("supervision-open", "deadline-not-a-date", changed(MAN, "deadline", "end of month"), "deadline"),
    ("supervision-open", "deadline-impossible-date", changed(MAN, "deadline", "2026-02-30"), "deadline"),
    ("supervision-open", "deadline-in-the-past", changed(MAN, "deadline", "2020-01-01"), "deadline"),
    ("supervision-open", "deadline-in-year-1900", changed(MAN, "deadline", "1900-01-01"), "deadline"),
    ("supervision-open", "number-for-deadline", changed(MAN, "deadline", 20261231), "deadline"),
    ("supervision-open", "missing-note", without(MAN, "note"), "note"),
    ("supervision-open", "empty-note", changed(MAN, "note", ""), "note"),
    ("supervision-open", "blank-note", changed(MAN, "note", " \n "), "note"),
    ("supervision-open", "petition-id-not-a-uuid", changed(MAN, "petition_id", "not-a-uuid"), "petition_id"),
    ("supervision-open", "opened-at-naive", changed(MAN, "opened_at", "2026-11-02T09:30:00"), "opened_at"),
    # POST /api/supervisions/{id}/responses
    ("response", "missing-letter", without(RESP, "letter"), "letter"),
    ("response", "unknown-letter-kind", changed(RESP, "letter", "thank_you"), "letter"),
    ("response", "letter-name-for-kind", changed(RESP, "letter", "督办函"), "letter"),
    ("response", "missing-unit", without(RESP, "unit"), "unit"),
    ("response", "number-for-unit", changed(RESP, "unit", 7), "unit"),
    ("response", "unit-too-long", changed(RESP, "unit", "u" * 65), "unit"),
    ("response", "missing-text", without(RESP, "text"), "text"),
    ("response", "empty-text", changed(RESP, "text", ""), "text"),
    ("response", "blank-text", changed(RESP, "text", "  "), "text"),
    ("response", "string-for-adopted", changed(RESP, "adopted", "perhaps"), "adopted"),
    ("response", "responded-at-naive", changed(RESP, "responded_at", "2026-11-20T10:00:00"), "responded_at"),
    ("response", "responded-before-the-letter", changed(RESP, "responded_at", "2020-01-01T10:00:00+08:00"),
     "responded_at"),
    # POST /api/supervisions/{id}/closure
    ("closure", "missing-reason", {}, "reason"),
    ("closure", "empty-reason", {"reason": ""}, "reason"),
    ("closure", "blank-reason", {"reason": " \t "}, "reason"),
    ("closure", "number-for-reason", {"reason": 0}, "reason"),
    ("closure", "closed-at-not-a-date", {**VALID["closure"], "closed_at": "2026-02-30T10:00:00+08:00"}, "closed_at"),
    # POST /api/supervision-scan
    ("supervision-scan", "as-of-not-a-date", {"as_of": "tomorrow"}, "as_of"),
    ("supervision-scan", "as-of-impossible-date", {"as_of": "2026-02-30"}, "as_of"),
    ("supervision-scan", "as-of-after-today", {"as_of": "2099-12-31"}, "as_of"),
    ("supervision-scan", "as-of-in-year-2100", {"as_of": "2100-01-01"}, "as_of"),
    ("supervision-scan", "since-in-year-1900", {"as_of": "2026-11-01", "since": "1900-01-01"}, "since"),
    ("supervision-scan", "number-for-as-of", {"as_of": 20261101}, "as_of"),
    # POST /api/listings
    ("listing", "missing-target", without(LIST, "target"), "target"),
    ("listing", "unknown-listing-target", changed(LIST, "target", "department"), "target"),
    ("listing", "number-for-target", changed(LIST, "target", 1), "target"),
    ("listing", "missing-target-id", without(LIST, "target_id"), "target_id"),
    ("listing", "empty-target-id", changed(LIST, "target_id", ""), "target_id"),
    ("listing", "unknown-unit", changed(LIST, "unit", "no-such-unit"), "unit"),
    ("listing", "region-code-letters", changed(LIST, "region_code", "abcdef"), "region_code"),
    ("listing", "missing-reason", without(LIST, "reason"), "reason"),
    ("listing", "blank-reason", changed(LIST, "reason", "   "), "reason"),
    ("listing", "missing-correction-deadline", without(LIST, "correction_deadline"), "correction_deadline"),
    ("listing", "correction-deadline-not-a-date", changed(LIST, "correction_deadline", "next month"),
     "correction_deadline"),
    ("listing", "correction-deadline-impossible-date", changed(LIST, "correction_deadline", "2026-02-30"),
     "correction_deadline"),
    ("listing", "correction-deadline-before-the-listing", changed(LIST, "correction_deadline", "2020-01-01"),
     "correction_deadline"),
    ("listing", "listed-at-naive", changed(LIST, "listed_at", "2026-11-02T09:30:00"), "listed_at"),
    # POST /api/listings/{id}/lifting
    ("lifting", "missing-correction", {}, "correction"),
    ("lifting", "empty-correction", {"correction": ""}, "correction"),
    ("lifting", "blank-correction", {"correction": " \n "}, "correction"),
    ("lifting", "list-for-correction", {"correction": ["已整改"]}, "correction"),
    ("lifting", "lifted-at-naive", {**VALID["lifting"], "lifted_at": "2026-11-20T10:00:00"}, "lifted_at"),
]

BODY_CASES = [pytest.param(endpoint, body, (field,), id=f"{endpoint}-{name}")
              for endpoint in POSTS for name, body, field in body_cases(endpoint, VALID[endpoint])]
BODY_CASES += [pytest.param(endpoint, body, fields, id=f"{endpoint}-{name}")
               for endpoint, name, body, *fields in FIELD_CASES]

PERIOD = {"from": "2026-01-01", "to": "2026-12-31"}
QUERY_CASES = [  # (id, query, *fields), for both stats endpoints
    ("no-period", {}, "from", "to"),
    ("missing-to", {"from": "2026-01-01"}, "to"),
    ("missing-from", {"to": "2026-12-31"}, "from"),
    ("impossible-date", {**PERIOD, "from": "2026-02-30"}, "from"),
    ("not-a-date", {**PERIOD, "to": "next week"}, "to"),
    ("from-after-to", {"from": "2026-12-31", "to": "2026-01-01"}, "from"),
    ("longer-than-ten-years", {"from": "2000-01-01", "to": "2026-12-31"}, "to"),
    ("region-letters", {**PERIOD, "region": "abc"}, "region"),
    ("region-13-digits", {**PERIOD, "region": "5301020000001"}, "region"),
    ("unknown-parameter", {**PERIOD, "colour": "blue"}, "colour"),
]
STATS_CASES = [pytest.param(path, query, fields, id=f"{path.rsplit('/', 1)[1]}-{name}")
               for path in ("/api/stats/summary", "/api/stats/volume") for name, query, *fields in QUERY_CASES]
STATS_CASES += [
    pytest.param("/api/stats/volume", {**PERIOD, "granularity": "year"}, ("granularity",), id="volume-unknown-granularity"),
    pytest.param("/api/stats/volume", {**PERIOD, "by": "colour"}, ("by",), id="volume-unknown-by"),
    pytest.param("/api/stats/volume", {**PERIOD, "granularity": "hour", "by": ""}, ("granularity", "by"),
                 id="volume-unknown-granularity-and-by"),
]

UNKNOWN = "8d0d5c8e-2b4f-4c55-9a57-8ad1e2f2f5a1"
MALFORMED_IDS = ["not-a-uuid", "12345", "8d0d5c8e-2b4f-4c55-9a57-8ad1e2f2f5a", "x" * 300]


# -- tests ------------------------------------------------------------------------------------
@pytest.mark.parametrize("endpoint, body, fields", BODY_CASES)
def test_bad_body_is_refused_with_field_errors_and_nothing_written(system, world, endpoint, body, fields):
    assert_rejected(attempt(system, world, endpoint, body), fields)


def test_oversized_chunked_body_is_refused_and_nothing_written(system, world):
    """No Content-Length: the size limit must hold for a streamed body too."""
    before = stored(system)
    body = json.dumps({**VALID["register"], "content": "x" * 70_000}).encode()
    answer = system.session().post(system.url("/api/petitions"), timeout=TIMEOUT, headers={"Content-Type": "application/json"},
                           data=(body[i:i + 8192] for i in range(0, len(body), 8192)))
    assert answer.status_code == 400, answer.text
    assert stored(system) == before


def test_a_valid_chunked_body_is_read(system):
    body = json.dumps(VALID["register"]).encode()
    answer = system.session().post(system.url("/api/petitions"), timeout=TIMEOUT, headers={"Content-Type": "application/json"},
                           data=(body[i:i + 100] for i in range(0, len(body), 100)))
    assert answer.status_code == 201, answer.text
    settle(system)  # ownership follows the registration: not a write of the next test's


@pytest.mark.parametrize("path, query, fields", STATS_CASES)
def test_bad_statistics_query_is_refused_with_field_errors(system, path, query, fields):
    before = stored(system)
    assert_rejected(system.session().get(system.url(path), params=query, timeout=TIMEOUT), fields)
    assert stored(system) == before


@pytest.mark.parametrize("path", ["/api/stats/summary", "/api/stats/volume"])
def test_a_valid_statistics_query_is_answered(system, path):
    """The control for the cases above: the same endpoints do answer a good query."""
    assert system.session().get(system.url(path), params=PERIOD, timeout=TIMEOUT).status_code == 200


@pytest.mark.parametrize("kind", ["petitions", "assignments"])
@pytest.mark.parametrize("bad_id", [UNKNOWN, *MALFORMED_IDS], ids=["unknown", *MALFORMED_IDS[:3], "long"])
def test_reading_an_unknown_or_malformed_id_is_404(system, kind, bad_id):
    answer = system.session().get(system.url(f"/api/{kind}/{bad_id}"), timeout=TIMEOUT)
    assert answer.status_code == 404, answer.text
    assert "message" in answer.json()


@pytest.mark.parametrize("bad_id", [UNKNOWN, *MALFORMED_IDS], ids=["unknown", *MALFORMED_IDS[:3], "long"])
def test_the_notices_of_an_unknown_or_malformed_petition_id_are_404(system, bad_id):
    answer = system.session().get(system.url(f"/api/petitions/{bad_id}/notices"), timeout=TIMEOUT)
    assert answer.status_code == 404, answer.text
    assert "message" in answer.json()


def test_the_notices_of_an_assignment_id_are_404_and_of_a_petition_200(system, world):
    """The control for the cases above, and an assignment id is no petition id here either."""
    assert system.session().get(system.url(f"/api/petitions/{world['assigned']}/notices"), timeout=TIMEOUT).status_code == 404
    notices = get_json(system, f"/api/petitions/{world['registered']}/notices")
    assert notices["petition_id"] == world["registered"] and isinstance(notices["notices"], list)


@pytest.mark.parametrize("view", ["", "/notices", "/mediators"], ids=["mediation", "notices", "mediators"])
@pytest.mark.parametrize("bad_id", [UNKNOWN, *MALFORMED_IDS], ids=["unknown", *MALFORMED_IDS[:3], "long"])
def test_the_views_of_an_unknown_or_malformed_mediation_id_are_404(system, view, bad_id):
    answer = system.session().get(system.url(f"/api/mediations/{bad_id}{view}"), timeout=TIMEOUT)
    assert answer.status_code == 404, answer.text
    assert "message" in answer.json()


@pytest.mark.parametrize("view", ["", "/notices", "/mediators"], ids=["mediation", "notices", "mediators"])
def test_a_petition_or_assignment_id_is_no_mediation_id_and_a_mediation_id_is_200(system, world, view):
    """The control for the cases above, and another aggregate's id is no mediation id."""
    for key in ("registered", "assigned"):
        answer = system.session().get(system.url(f"/api/mediations/{world[key]}{view}"), timeout=TIMEOUT)
        assert answer.status_code == 404, answer.text
    get_json(system, f"/api/mediations/{world['awaiting']}{view}")
    assert system.session().get(system.url(f"/api/petitions/{world['awaiting']}"), timeout=TIMEOUT).status_code == 404
    assert system.session().get(system.url(f"/api/assignments/{world['awaiting']}"), timeout=TIMEOUT).status_code == 404


@pytest.mark.parametrize("bad_id", [UNKNOWN, *MALFORMED_IDS], ids=["unknown", *MALFORMED_IDS[:3], "long"])
def test_reading_an_unknown_or_malformed_backlog_case_id_is_404(system, bad_id):
    answer = system.session().get(system.url(f"/api/backlog-cases/{bad_id}"), timeout=TIMEOUT)
    assert answer.status_code == 404, answer.text
    assert "message" in answer.json()


def test_a_petition_or_mediation_id_is_no_backlog_case_id_and_a_case_id_is_200(system, world):
    """The control for the cases above, and another aggregate's id is no case id."""
    for key in ("registered", "awaiting"):
        answer = system.session().get(system.url(f"/api/backlog-cases/{world[key]}"), timeout=TIMEOUT)
        assert answer.status_code == 404, answer.text
    assert get_json(system, f"/api/backlog-cases/{world['designated']}")["id"] == world["designated"]
    assert system.session().get(system.url(f"/api/petitions/{world['designated']}"), timeout=TIMEOUT).status_code == 404


SUPERVISION_VIEWS = ["/api/supervisions/{}", "/api/supervisions/{}/letters", "/api/listings/{}"]


@pytest.mark.parametrize("view", SUPERVISION_VIEWS, ids=["supervision", "letters", "listing"])
@pytest.mark.parametrize("bad_id", [UNKNOWN, *MALFORMED_IDS], ids=["unknown", *MALFORMED_IDS[:3], "long"])
def test_the_views_of_an_unknown_or_malformed_supervision_or_listing_id_are_404(system, view, bad_id):
    answer = system.session().get(system.url(view.format(bad_id)), timeout=TIMEOUT)
    assert answer.status_code == 404, answer.text
    assert "message" in answer.json()


def test_another_aggregates_id_is_no_supervision_or_listing_id_and_theirs_are_200(system, world):
    """The control for the cases above, and a listing is no supervision nor the other way round."""
    for view, key in [(view, key) for view in SUPERVISION_VIEWS[:2] for key in ("registered", "listed")] + [
            (SUPERVISION_VIEWS[2], "registered"), (SUPERVISION_VIEWS[2], "supervised")]:
        answer = system.session().get(system.url(view.format(world[key])), timeout=TIMEOUT)
        assert answer.status_code == 404, f"{view.format(key)}: {answer.text}"
    assert get_json(system, f"/api/supervisions/{world['supervised']}")["status"] == "watching"
    letters = get_json(system, f"/api/supervisions/{world['supervised']}/letters")
    assert letters["supervision_id"] == world["supervised"] and len(letters["letters"]) == 1, letters
    assert get_json(system, f"/api/listings/{world['listed']}")["lifted"] is None


@pytest.mark.parametrize("change", [{"letter": "warning"}, {"letter": "recommendation", "adopted": True},
                                    {"unit": CO_UNIT}, {"unit": UNIT}],
                         ids=["warning-never-issued", "recommendation-never-issued", "another-unit",
                              "the-assignments-unit"])
def test_an_answer_to_a_letter_never_issued_or_from_another_unit_is_409_and_nothing_written(system, world, change):
    answer = attempt(system, world, "response", {**VALID["response"], **change})
    assert answer.status_code == 409, answer.text
    assert "message" in answer.json()


def test_closing_a_watched_limit_by_hand_is_refused_and_nothing_written(system, world):
    """Only a manual supervision is closed by the office; a watched limit closes when it is met."""
    watch = f"/api/supervisions/{world['watched']}"
    before = stored(system, watch)
    answer = send(system, f"{watch}/closure", VALID["closure"])
    assert stored(system, watch) == before, f"the refused closure wrote something: {answer.text[:300]}"
    assert_rejected(answer, ("_schema",))


CASE_LISTS = ["/api/backlog-cases", "/api/leaders/leader-etkqq/cases"]


@pytest.mark.parametrize("path", CASE_LISTS, ids=["register", "leader"])
@pytest.mark.parametrize("query, fields", [({"status": "closed"}, ("status",)), ({"status": ""}, ("status",)),
                                           ({"status": "owned", "colour": "blue"}, ("colour",))],
                         ids=["unknown-status", "empty-status", "unknown-parameter"])
def test_a_bad_case_list_query_is_refused_naming_the_field(system, path, query, fields):
    before = stored(system)
    assert_rejected(system.session().get(system.url(path), params=query, timeout=TIMEOUT), fields)
    assert stored(system) == before


@pytest.mark.parametrize("path", CASE_LISTS, ids=["register", "leader"])
def test_a_good_case_list_query_is_answered(system, world, path):
    """The control for the cases above: the owned case is on the register and on its leader's list."""
    cases = system.session().get(system.url(path), params={"status": "owned"}, timeout=TIMEOUT)
    assert cases.status_code == 200, cases.text
    assert world["owned"] in [case["id"] for case in cases.json()["cases"]]


@pytest.mark.parametrize("key, missing", [
    ("owned", ("见案件材料", "见信访人", "见现场", "事实不查清不放过", "责任不追究不放过")),
    ("designated", ("leader", "见现场", "政策不落实不放过"))])
def test_resolving_an_incomplete_case_is_409_naming_what_is_missing_and_nothing_written(system, world, key, missing):
    case = f"/api/backlog-cases/{world[key]}"
    before = stored(system, case)
    answer = send(system, f"{case}/resolution", VALID["resolution"])
    assert stored(system, case) == before, f"the refused resolution wrote something: {answer.text[:300]}"
    assert answer.status_code == 409, answer.text
    assert all(name in answer.json()["message"] for name in missing), answer.text


def test_a_petition_id_is_no_assignment_id_and_the_other_way_round(system, world):
    petition_id = get_json(system, f"/api/assignments/{world['assigned']}")["petition_id"]
    assert system.session().get(system.url(f"/api/assignments/{petition_id}"), timeout=TIMEOUT).status_code == 404
    assert system.session().get(system.url(f"/api/petitions/{world['assigned']}"), timeout=TIMEOUT).status_code == 404


@pytest.mark.parametrize("endpoint", [e for e in POSTS if e not in WITHOUT_ID])
@pytest.mark.parametrize("bad_id", [UNKNOWN, "not-a-uuid"], ids=["unknown", "malformed"])
def test_a_command_to_an_unknown_or_malformed_id_is_404_and_nothing_written(system, world, endpoint, bad_id):
    template = POSTS[endpoint][0]
    path = template.format(**{key: bad_id for key in world})
    answer = attempt(system, world, endpoint, VALID[endpoint], path=path)
    assert answer.status_code == 404, answer.text


BAD_TOKENS = {"no-header": None, "empty": "Bearer ", "basic-scheme": "Basic dXNlcjpwYXNz", "no-scheme": "xf_abc",
              "unknown-token": "Bearer xf_" + "A" * 43, "control-character": "Bearer xf_\x01abc",
              "5000-characters": "Bearer " + "x" * 5000}


@pytest.mark.parametrize("endpoint", ["register", "acceptance", "sign", "objection", "pre-review",
                                      "review-decision", "expiry", "mediation-request", "mediation-open",
                                      "mediation-party", "consent", "agreement", "confirmation-decision",
                                      "designate", "leader", "resolution", "termination", "backlog-sweep",
                                      "supervision-open", "response", "closure", "supervision-scan", "listing",
                                      "lifting"])
@pytest.mark.parametrize("token", list(BAD_TOKENS.values()), ids=list(BAD_TOKENS))
def test_a_missing_or_bad_token_is_401_and_nothing_written(system, world, endpoint, token):
    """A valid command without a valid bearer token is refused before it is even read."""
    answer = attempt(system, world, endpoint, VALID[endpoint], Authorization=token)
    assert answer.status_code == 401, answer.text[:300]
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_who_is_recorded_comes_from_the_token_not_from_a_header(system):
    """The control for the cases above: a valid token registers, and the old X-User-Id header no
    longer names who acted: the token's person is recorded."""
    created = send(system, "/api/petitions", support.petition(909, region_code=REGION), **{"X-User-Id": "impostor"})
    assert created.status_code == 201, created.text
    history = get_json(system, f"/api/petitions/{created.json()['id']}")["history"]
    assert {e["actor"] for e in history} == {"test-administrator"}
    settle(system)  # ownership follows the registration: not a write of the next test's


# -- input that once reached the services and answered 500
SURROGATE = "\ud800"
UNSTORABLE = [
    pytest.param("register", changed(P, "subject", f"草牧场{SURROGATE}"), ("subject",), id="register-lone-surrogate"),
    pytest.param("acceptance", changed(ACC, "reason", SURROGATE), ("reason",), id="acceptance-lone-surrogate"),
    pytest.param("extension", changed(EXT, "reason", SURROGATE), ("reason",), id="extension-lone-surrogate"),
    pytest.param("sign", {"unit": SURROGATE}, ("unit",), id="sign-lone-surrogate"),
    pytest.param("register", changed(P, "content", "有\x00空字符"), ("content",), id="register-nul-character"),
    pytest.param("register", changed(P, "received_at", "9999-12-31T23:00:00+00:00"), ("received_at",),
                 id="register-received-in-year-9999"),
    pytest.param("register", changed(P, "received_at", "0001-01-01T00:00:00+08:00"), ("received_at",),
                 id="register-received-in-year-1"),
    pytest.param("mediation-open", changed(MED, "summary", f"宅基地{SURROGATE}"), ("summary",),
                 id="mediation-open-lone-surrogate"),
    pytest.param("mediation-party", changed(PARTY, "name", f"丙{SURROGATE}"), ("name",),
                 id="mediation-party-lone-surrogate"),
    pytest.param("agreement", changed(AG, "terms.0.content", "拆除\x00围墙"), ("terms.0.content",),
                 id="agreement-nul-character"),
    pytest.param("failure", {"reason": SURROGATE}, ("reason",), id="failure-lone-surrogate"),
    pytest.param("designate", changed(DES, "reason", f"积案{SURROGATE}"), ("reason",), id="designate-lone-surrogate"),
    pytest.param("leader", changed(OWN, "task_force", [f"专班{SURROGATE}"]), ("task_force.0",),
                 id="leader-lone-surrogate"),
    pytest.param("meeting", changed(MEET, "notes", "见\x00面"), ("notes",), id="meeting-nul-character"),
    pytest.param("resolution", {"summary": f"化解{SURROGATE}"}, ("summary",), id="resolution-lone-surrogate"),
    pytest.param("supervision-open", changed(MAN, "note", f"推诿{SURROGATE}"), ("note",),
                 id="supervision-open-lone-surrogate"),
    pytest.param("response", changed(RESP, "text", "整\x00改"), ("text",), id="response-nul-character"),
    pytest.param("listing", changed(LIST, "reason", f"拖延{SURROGATE}"), ("reason",), id="listing-lone-surrogate"),
    pytest.param("lifting", {"correction": f"整改{SURROGATE}"}, ("correction",), id="lifting-lone-surrogate"),
]


@pytest.mark.parametrize("endpoint, body, fields", UNSTORABLE)
def test_unstorable_text_or_impossible_time_is_refused_on_its_field(system, world, endpoint, body, fields):
    assert_rejected(attempt(system, world, endpoint, body), fields)


@pytest.mark.parametrize("path", ["/api/stats/summary", "/api/stats/volume"])
def test_a_period_in_year_1_is_refused(system, path):
    answer = system.session().get(system.url(path), params={"from": "0001-01-01", "to": "0001-12-31"}, timeout=TIMEOUT)
    assert_rejected(answer, ("from",))
