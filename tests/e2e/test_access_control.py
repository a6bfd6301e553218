"""Access control through the real gateway and services: 401 without a token and 403 outside the
role on every route of the OpenAPI document; a unit sees and acts on its own work only; a leader on
their own cases; only discipline inspection reads an accusation; tokens are stored hashed, issued
by the operator command and stop working once revoked."""
import os
import re
import subprocess
import sys
import uuid

import pytest
import requests

from services.gateway import http_handlers
from shared.access import PERMISSIONS, PUBLIC, TOKEN_ROLES, Principal, Role, may_call
from tests.conftest import system_of_its_own
from tests.support import REPLY, petition


# What this module sends (petitions, tokens, an erasure) must not reach what the other modules count.
system = system_of_its_own("access")

ROLES = sorted(TOKEN_ROLES)
FILLERS = {"{id}": str(uuid.UUID(int=7)), "{leader}": "leader-nobody", "{agency}": "police110",
           "{code}": "0000-0000-0000"}


def routes(system) -> list[tuple[str, str, str]]:
    """(method, path, handler) for every operation the gateway documents."""
    handlers = {(e.method.lower(), e.url): name for name, e in http_handlers().items()}
    spec = requests.get(system.url("/api/openapi.json"), timeout=30).json()  # public: no token
    found = []
    for path, operations in spec["paths"].items():
        for method in operations:
            handler = next(name for (m, url), name in handlers.items()
                           if m == method and _same_shape(url, path))
            if handler in PUBLIC:  # the self-service: the query code is the credential (its own tests)
                continue
            concrete = path
            for placeholder, value in FILLERS.items():
                concrete = concrete.replace(placeholder, value)
            found.append((method, concrete, handler))
    return found


def _same_shape(url: str, path: str) -> bool:
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", url) == re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_every_route_refuses_a_request_without_a_token_or_outside_the_role(system):
    found = routes(system)
    assert len(found) > 60
    sessions = {role: system.session(str(role), unit="etkqq-aolezhaoqi" if role is Role.UNIT_HANDLER else None)
                for role in ROLES}
    forbidden_checked = 0
    for method, path, handler in found:
        anonymous = requests.request(method, system.url(path), json={}, timeout=30)
        assert anonymous.status_code == 401, f"{method} {path} without a token: {anonymous.status_code}"
        for role, session in sessions.items():
            if may_call(Principal("x", role, "u" if role is Role.UNIT_HANDLER else None), handler):
                continue
            answer = session.request(method, system.url(path), json={}, timeout=30)
            assert answer.status_code == 403, f"{method} {path} as {role}: {answer.status_code} {answer.text[:200]}"
            assert "may not" in answer.json()["message"]
            forbidden_checked += 1
    assert forbidden_checked > 200  # most routes are closed to most roles
    assert set(PERMISSIONS) >= {handler for *_, handler in found}


def test_the_description_and_the_dashboard_are_public_and_the_api_is_not(system):
    assert requests.get(system.url("/api/openapi.json"), timeout=30).status_code == 200
    assert requests.get(system.url("/dashboard"), timeout=30).status_code == 200
    assert requests.get(system.url("/api/me"), timeout=30).status_code == 401
    me = system.session("unit_handler", "xiang-li", "etkqq-aolezhaoqi").get(system.url("/api/me"), timeout=30).json()
    assert me == {"user": "xiang-li", "role": "unit_handler", "unit": "etkqq-aolezhaoqi"}


def _ok(answer, status=200):
    assert answer.status_code == status, f"{answer.status_code} {answer.text[:300]}"
    return answer.json()


def _accepted_assignment(system, clerk, n: int, **changes) -> dict:
    created = _ok(clerk.post(system.url("/api/petitions"), json=petition(n, **changes), timeout=30), 201)
    _ok(clerk.post(system.url(f"/api/petitions/{created['id']}/acceptance"),
                   json={"decision": "accepted", "reason": "依法受理"}, timeout=30))
    assignment_id = system.wait_until(lambda: _ok(clerk.get(system.url(f"/api/petitions/{created['id']}"),
                                                            timeout=30))["assignment_id"], timeout=30)
    return {"petition": created, **_ok(clerk.get(system.url(f"/api/assignments/{assignment_id}"), timeout=30))}


def test_a_unit_sees_and_acts_on_its_own_assignments_only(system):
    clerk = system.session("clerk", "clerk-access")
    assignment = _accepted_assignment(system, clerk, 8611, region_code="150623")
    path = system.url(f"/api/assignments/{assignment['id']}")
    own = system.session("unit_handler", "own-handler", assignment["unit"])
    other_unit = "etkqq-jiwei" if assignment["unit"] != "etkqq-jiwei" else "etkqq-xinfangju"
    other = system.session("unit_handler", "other-handler", other_unit)

    assert other.get(path, timeout=30).status_code == 404  # not even that it exists
    assert other.post(path + "/sign", json={"unit": other_unit}, timeout=30).status_code == 404
    assert own.post(path + "/sign", json={"unit": other_unit}, timeout=30).status_code == 403  # for another unit
    signed = _ok(own.post(path + "/sign", json={"unit": assignment["unit"]}, timeout=30))
    assert signed["status"] == "signed"
    assert [e["actor"] for e in signed["history"] if e["type"] == "signed"] == ["own-handler"]
    assert other.post(path + "/reply", json=REPLY, timeout=30).status_code == 404
    assert own.post(path + "/pre-review", json={"approved": True}, timeout=30).status_code == 403  # the bureau's
    replied = _ok(own.post(path + "/reply", json=REPLY, timeout=30))
    assert replied["status"] in ("replied", "pre_review")


def test_only_discipline_inspection_reads_what_an_accusation_says(system):
    clerk = system.session("clerk", "clerk-access")
    body = petition(8612, category="official_misconduct", matter_type="accusation", accused_unit="etkqq-ziranziyuan",
                    content="举报某干部收受好处费的具体经过")
    created = _ok(clerk.post(system.url("/api/petitions"), json=body, timeout=30), 201)
    path = system.url(f"/api/petitions/{created['id']}")
    for role in ("clerk", "supervisor", "administrator", "leader"):
        shown = _ok(system.session(role).get(path, timeout=30))
        assert shown["content"] != body["content"] and "纪检监察" in shown["content"], role
        assert body["subject"] not in str(shown)
    inspector = _ok(system.session("inspector", "jiwei-liu").get(path, timeout=30))
    assert (inspector["subject"], inspector["content"]) == (body["subject"], body["content"])
    assert system.session("analyst").get(path, timeout=30).status_code == 403


def test_a_leader_works_their_own_backlog_cases_only(system):
    clerk = system.session("clerk", "clerk-access")
    office = system.session("supervisor", "lianxiban-chen")
    assignment = _accepted_assignment(system, clerk, 8613, region_code="150623")
    case = _ok(office.post(system.url("/api/backlog-cases"), json={
        "petition_id": assignment["petition"]["id"], "reason": "多次重复信访，久拖未决", "region_code": "150623",
        "category": assignment["petition"]["category"]}, timeout=30), 201)
    path = system.url(f"/api/backlog-cases/{case['id']}")
    _ok(office.post(path + "/leader", json={
        "leader": {"id": "leader-wang", "name": "王某", "post": "副旗长", "level": "county"},
        "task_force": ["旗信访局", "旗自然资源局"],
        "plan": {"steps": ["调阅材料", "约见信访人"], "target_date": "2026-12-31"}}, timeout=30))
    owner, stranger = system.session("leader", "leader-wang"), system.session("leader", "leader-zhao")
    assert _ok(owner.get(path, timeout=30))["leader"]["id"] == "leader-wang"
    assert stranger.get(path, timeout=30).status_code == 403
    meeting = {"kind": "materials", "held_on": "2026-11-20", "notes": "调阅全部卷宗"}
    assert stranger.post(path + "/meetings", json=meeting, timeout=30).status_code == 403
    _ok(owner.post(path + "/meetings", json=meeting, timeout=30))
    listed = _ok(stranger.get(system.url("/api/backlog-cases"), timeout=30))["cases"]
    assert case["id"] not in {c["id"] for c in listed}
    assert case["id"] in {c["id"] for c in _ok(owner.get(system.url("/api/backlog-cases"), timeout=30))["cases"]}


def test_tokens_are_issued_by_the_operator_command_stored_hashed_and_revocable(system):
    env = {**os.environ, **system.env}
    issued = subprocess.run([sys.executable, "-m", "services.tokens", "issue", "--role", "analyst", "--user", "tongji-qian",
                             "--label", "test"], env=env, capture_output=True, text=True, timeout=60, check=True)
    token = issued.stdout.strip()
    token_id = issued.stderr.split()[1]
    assert token.startswith("xf_") and len(token) > 40
    analyst = requests.Session()
    analyst.headers["Authorization"] = f"Bearer {token}"
    summary = system.url("/api/stats/summary?from=2026-11-01&to=2026-11-30")
    assert analyst.get(summary, timeout=30).status_code == 200
    assert analyst.get(system.url("/api/dead-letters?service=intake"), timeout=30).status_code == 403
    stored = system.sql("SELECT * FROM access.tokens WHERE id = %s", token_id)
    assert len(stored) == 1 and token not in str(stored)  # only its hash

    listing = subprocess.run([sys.executable, "-m", "services.tokens", "list"], env=env, capture_output=True,
                             text=True, timeout=60, check=True).stdout
    assert token_id in listing and "tongji-qian" in listing and token not in listing
    subprocess.run([sys.executable, "-m", "services.tokens", "revoke", token_id], env=env, check=True, timeout=60,
                   capture_output=True)
    # The gateway trusts a lookup for XINFANG_TOKEN_CACHE_SECONDS (10 s by default), then refuses.
    system.wait_until(lambda: analyst.get(summary, timeout=30).status_code == 401, timeout=20, interval=1)

    refused = subprocess.run([sys.executable, "-m", "services.tokens", "issue", "--role", "unit_handler", "--user", "x"],
                             env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "needs unit" in refused.stderr


@pytest.mark.parametrize("role", ["analyst", "agency"])
def test_roles_without_case_work_cannot_read_petitions_or_assignments(system, role):
    session = system.session(role)
    assert session.get(system.url(f"/api/petitions/{uuid.uuid4()}"), timeout=30).status_code == 403
    assert session.get(system.url(f"/api/assignments/{uuid.uuid4()}"), timeout=30).status_code == 403


def test_the_administrator_erases_a_petitioner_over_http_and_the_erasure_is_listed(system):
    clerk = system.session("clerk", "clerk-access")
    body = petition(8614, region_code="150623")
    created = _ok(clerk.post(system.url("/api/petitions"), json=body, timeout=30), 201)
    path = system.url(f"/api/petitions/{created['id']}/erasure")
    assert clerk.post(path, json={"ground": "request"}, timeout=30).status_code == 403
    admin = system.session("administrator", "admin-sun")
    refused = admin.post(path, json={"ground": "because"}, timeout=30)
    assert refused.status_code == 400 and "ground" in refused.json()["errors"]
    erased = _ok(admin.post(path, json={"ground": "request"}, timeout=30))
    assert (erased["by"], erased["ground"], erased["key_deleted"]) == ("admin-sun", "request", True)
    shown = _ok(clerk.get(system.url(f"/api/petitions/{created['id']}"), timeout=30))
    assert shown["petitioner"]["name"] == "（已删除）" and body["petitioner"]["name"] not in str(shown)
    listed = _ok(admin.get(system.url("/api/erasures"), timeout=30))["erasures"]
    assert {"petition_id": created["id"], "by": "admin-sun", "ground": "request"}.items() <= listed[-1].items()
    assert body["petitioner"]["id_number"] not in str(listed)
