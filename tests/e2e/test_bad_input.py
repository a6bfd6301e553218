"""Bad input on every endpoint, over HTTP against the real system.

Malformed JSON, missing fields, wrong types, unknown enum values, unknown fields and oversized
bodies are answered 400 {"errors": {field: [messages]}} naming the offending field — never 500 —
and nothing is written: the event stores keep their row counts and the aggregate the command was
aimed at reads exactly as before. An unknown or malformed id in the path is answered 404.
"""
import copy
import json
import time

import pytest
import requests

from tests import support

REGION = "530102"  # a county no other end-to-end test counts in its statistics
EVENT_STORES = ("intake.intake_events", "dispatch.dispatch_events")
UNIT = "<unit of the assignment>"  # replaced by the real unit before sending
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


def materialize(body, unit: str):
    if body == UNIT:
        return unit
    if isinstance(body, dict):
        return {k: materialize(v, unit) for k, v in body.items()}
    if isinstance(body, list):
        return [materialize(v, unit) for v in body]
    return body


def send(system, path: str, body) -> requests.Response:
    """POSTs bytes as they are and anything else as JSON (lone surrogates escaped as \\udXXX)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(system.url(path), data=data, timeout=TIMEOUT,
                         headers={"Content-Type": "application/json"})


def get_json(system, path: str) -> dict:
    answer = requests.get(system.url(path), timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()


def stored(system, watched: str | None = None):
    """What a write would change: the event stores' row counts and the watched aggregate's view."""
    counts = {table: system.sql(f"SELECT count(*) FROM {table}")[0][0] for table in EVENT_STORES}
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
}
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


def command(system, assignment: dict, action: str, body: dict):
    answer = send(system, f"/api/assignments/{assignment['id']}/{action}", body)
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def world(system):
    """A petition and assignments in the state where a valid command to each endpoint would write."""
    registered = register(system, 901)                      # acceptance not yet decided
    assigned = accepted_assignment(system, 902)             # neither signed nor extended
    signed = accepted_assignment(system, 903)               # signed, not replied
    command(system, signed, "sign", {"unit": signed["unit"]})
    replied = accepted_assignment(system, 904)              # replied, not rated
    command(system, replied, "sign", {"unit": replied["unit"]})
    command(system, replied, "reply", support.REPLY)
    system.wait_until(lambda: get_json(system, f"/api/petitions/{replied['petition_id']}")["status"] == "replied")
    settle(system)
    return {"registered": registered, "assigned": assigned["id"], "unit": assigned["unit"],
            "signed": signed["id"], "replied": replied["id"]}


def attempt(system, world, endpoint: str, body, path: str | None = None):
    """Sends body to endpoint; asserts that nothing was written; returns the answer."""
    template, _, watched = POSTS[endpoint]
    path = path or template.format(**world)
    watched = watched and watched.format(**world)
    before = stored(system, watched)
    answer = send(system, path, materialize(body, world["unit"]))
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
    answer = requests.post(system.url("/api/petitions"), timeout=TIMEOUT, headers={"Content-Type": "application/json"},
                           data=(body[i:i + 8192] for i in range(0, len(body), 8192)))
    assert answer.status_code == 400, answer.text
    assert stored(system) == before


def test_a_valid_chunked_body_is_read(system):
    body = json.dumps(VALID["register"]).encode()
    answer = requests.post(system.url("/api/petitions"), timeout=TIMEOUT, headers={"Content-Type": "application/json"},
                           data=(body[i:i + 100] for i in range(0, len(body), 100)))
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize("path, query, fields", STATS_CASES)
def test_bad_statistics_query_is_refused_with_field_errors(system, path, query, fields):
    before = stored(system)
    assert_rejected(requests.get(system.url(path), params=query, timeout=TIMEOUT), fields)
    assert stored(system) == before


@pytest.mark.parametrize("path", ["/api/stats/summary", "/api/stats/volume"])
def test_a_valid_statistics_query_is_answered(system, path):
    """The control for the cases above: the same endpoints do answer a good query."""
    assert requests.get(system.url(path), params=PERIOD, timeout=TIMEOUT).status_code == 200


@pytest.mark.parametrize("kind", ["petitions", "assignments"])
@pytest.mark.parametrize("bad_id", [UNKNOWN, *MALFORMED_IDS], ids=["unknown", *MALFORMED_IDS[:3], "long"])
def test_reading_an_unknown_or_malformed_id_is_404(system, kind, bad_id):
    answer = requests.get(system.url(f"/api/{kind}/{bad_id}"), timeout=TIMEOUT)
    assert answer.status_code == 404, answer.text
    assert "message" in answer.json()


def test_a_petition_id_is_no_assignment_id_and_the_other_way_round(system, world):
    petition_id = get_json(system, f"/api/assignments/{world['assigned']}")["petition_id"]
    assert requests.get(system.url(f"/api/assignments/{petition_id}"), timeout=TIMEOUT).status_code == 404
    assert requests.get(system.url(f"/api/petitions/{world['assigned']}"), timeout=TIMEOUT).status_code == 404


@pytest.mark.parametrize("endpoint", [e for e in POSTS if e != "register"])
@pytest.mark.parametrize("bad_id", [UNKNOWN, "not-a-uuid"], ids=["unknown", "malformed"])
def test_a_command_to_an_unknown_or_malformed_id_is_404_and_nothing_written(system, world, endpoint, bad_id):
    template = POSTS[endpoint][0]
    path = template.format(**{key: bad_id for key in ("registered", "assigned", "signed", "replied")})
    answer = attempt(system, world, endpoint, VALID[endpoint], path=path)
    assert answer.status_code == 404, answer.text


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
]


@pytest.mark.parametrize("endpoint, body, fields", UNSTORABLE)
def test_unstorable_text_or_impossible_time_is_refused_on_its_field(system, world, endpoint, body, fields):
    assert_rejected(attempt(system, world, endpoint, body), fields)


@pytest.mark.parametrize("path", ["/api/stats/summary", "/api/stats/volume"])
def test_a_period_in_year_1_is_refused(system, path):
    answer = requests.get(system.url(path), params={"from": "0001-01-01", "to": "0001-12-31"}, timeout=TIMEOUT)
    assert_rejected(answer, ("from",))
