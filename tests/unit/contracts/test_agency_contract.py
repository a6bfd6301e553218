"""Inbound agency events (CONTRACTS.md §1): what parse_inbound takes, and how it refuses the rest.

Every refusal is an InboundRejected with a reason code, whatever the bytes: a body from another
agency's system is never trusted to be JSON, UTF-8, small or shallow.
"""
import copy
import json
import re
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from services.simulator import generate
from shared.contracts import agency
from shared.contracts.agency import (AGENCY_BY_EXCHANGE, AGENCY_EXCHANGES, MAX_BODY, MAX_DEPTH, REASONS,
                                     InboundRejected, describe_schemas, parse_inbound)

CE = "application/cloudevents+json"
BEIJING = timezone(timedelta(hours=8))
AT = "2026-11-20T09:30:00+08:00"
WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=BEIJING)
MEDIATION_ID = "3f2c1a5e-8d4b-4c1e-9a7f-0b6d2e4c8a91"
PARTY = {"name": "当事人甲", "phone": "13800005678"}

# exchange, type, data: one valid event of each type, as an agency would send it.
EXAMPLES = {
    "work_order.created": ("hotline12345.events", {
        "order_no": "WO-2026-000123", "received_at": AT, "region_code": "371302", "category": "劳动保障",
        "title": "拖欠工资", "content": "某工地拖欠工资三个月", "caller": {"name": "市民某某", "phone": "13800001234"},
        "transfer_to_petition": True}),
    "alert.received": ("police110.events", {
        "alert_no": "JJ110-2026-0042", "received_at": AT, "region_code": "371302101", "category": "求助"}),
    "alert.transferred": ("police110.events", {
        "alert_no": "JJ110-2026-0043", "received_at": AT, "region_code": "371302101001", "category": "邻里纠纷",
        "summary": "邻里因排水沟发生争执", "parties": [PARTY, {"name": "当事人乙"}]}),
    "case.filed": ("court.events", {
        "case_no": "（2026）鲁1302民初1234号", "filed_at": AT, "region_code": "371302", "case_type": "民事",
        "cause": "民间借贷纠纷"}),
    "mediation.referred": ("court.events", {
        "case_no": "（2026）鲁1302民诉前调88号", "referred_at": AT, "region_code": "371302",
        "summary": "买卖合同纠纷，诉前委派调解", "parties": [PARTY]}),
    "judicial_confirmation.decided": ("court.events", {
        "mediation_id": MEDIATION_ID, "confirmed": False, "decided_at": "2026-11-20T01:30:00Z"}),
}


def event(type_="work_order.created", **changes) -> dict:
    data = copy.deepcopy(EXAMPLES[type_][1])
    data.update(changes.pop("data", {}))
    return {"specversion": "1.0", "id": "EV-1", "source": "urn:cn:12345:371300", "type": type_, "time": AT,
            "datacontenttype": "application/json", "data": data, **changes}


def send(message, type_="work_order.created", exchange=None, content_type=CE) -> dict:
    if isinstance(message, bytes):
        body = message
    else:
        try:
            body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: an agency can only send it \u-escaped
            body = json.dumps(message).encode("ascii")
    return parse_inbound(exchange or EXAMPLES[type_][0], type_, body, content_type)


def rejected(message, type_="work_order.created", **kwargs) -> InboundRejected:
    with pytest.raises(InboundRejected) as caught:
        send(message, type_, **kwargs)
    assert caught.value.reason in REASONS
    return caught.value


# -- what is taken --------------------------------------------------------------------------------
@pytest.mark.parametrize("type_", EXAMPLES)
def test_a_valid_event_of_each_type_comes_back_validated(type_):
    parsed = send(event(type_), type_)
    assert parsed == {"specversion": "1.0", "id": "EV-1", "source": "urn:cn:12345:371300", "type": type_,
                      "time": WHEN, "data": parsed["data"]}
    assert parsed["data"].keys() == EXAMPLES[type_][1].keys()
    moment = next(v for k, v in parsed["data"].items() if k.endswith("_at"))
    assert moment == WHEN and moment.utcoffset() is not None


@pytest.mark.parametrize("type_", EXAMPLES)
def test_extra_attributes_and_fields_are_dropped_not_rejected(type_):
    message = event(type_, subject="x", traceparent="00-abc", data={"extra": {"deep": [1, 2]}, "备注": "无"})
    parsed = send(message, type_)
    assert parsed["data"].keys() == EXAMPLES[type_][1].keys()
    assert set(parsed) == {"specversion", "id", "source", "type", "time", "data"}


def test_people_lose_their_extra_fields_too():
    parsed = send(event(data={"caller": {"name": "某某", "phone": "0531-12345678", "id_number": "x"}}))
    assert parsed["data"]["caller"] == {"name": "某某", "phone": "0531-12345678"}
    parties = send(event("alert.transferred", data={"parties": [{**PARTY, "age": 40}]}), "alert.transferred")
    assert parties["data"]["parties"] == [PARTY]


def test_optional_parts_may_be_absent_or_null():
    message = event()
    del message["time"], message["datacontenttype"], message["data"]["caller"]
    parsed = send(message)
    assert parsed["time"] is None and "caller" not in parsed["data"]
    assert send(event(time=None, data={"caller": None}))["data"]["caller"] is None
    message = event("alert.received")
    del message["data"]["category"]
    assert "category" not in send(message, "alert.received")["data"]
    message = event("case.filed", data={"case_type": None})
    del message["data"]["cause"]
    assert send(message, "case.filed")["data"]["case_type"] is None


def test_the_agencies_own_categories_are_taken_as_they_come():
    assert send(event(data={"category": "其他-未分类"}))["data"]["category"] == "其他-未分类"


@pytest.mark.parametrize("content_type", [CE, "application/json", "Application/JSON; charset=utf-8",
                                          "application/cloudevents+json;charset=UTF-8", None, ""])
def test_json_content_types_and_none_are_accepted(content_type):
    assert send(event(), content_type=content_type)["type"] == "work_order.created"


def test_lowercase_t_and_z_and_fractions_are_rfc_3339():
    parsed = send(event(time="2026-11-20t01:30:00.5z"))
    assert parsed["time"] == WHEN + timedelta(seconds=0.5)


def test_a_mediation_id_is_normalised_to_its_lower_case_form():
    parsed = send(event("judicial_confirmation.decided", data={"mediation_id": MEDIATION_ID.upper()}),
                  "judicial_confirmation.decided")
    assert parsed["data"]["mediation_id"] == MEDIATION_ID


def test_a_byte_order_mark_is_skipped():
    assert send(b"\xef\xbb\xbf" + json.dumps(event()).encode())["id"] == "EV-1"


def test_nesting_of_exactly_the_limit_is_taken_and_brackets_in_strings_do_not_count():
    nested = json.loads("[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2))  # + the event and data objects
    assert send(event(data={"deep": nested}))["id"] == "EV-1"
    parsed = send(event(data={"title": "[{" * 100, "content": '\\"[' * 5000, "x": ["]]]]" * 100]}))
    assert parsed["data"]["title"] == "[{" * 100


def test_what_our_simulator_publishes_as_an_agency_is_taken():
    ids = [str(uuid.uuid4()) for _ in range(3)]
    seen = set()
    for exchange, routing_key, message in generate(date(2026, 11, 2), date(2026, 11, 3), 1, mediation_ids=ids):
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        assert parse_inbound(exchange, routing_key, body, CE)["type"] == routing_key
        seen.add(routing_key)
    assert seen == set(EXAMPLES)


# -- each reason, from a concrete hostile message --------------------------------------------------
def test_unknown_exchange():
    assert rejected(event(), exchange="bank.events").reason == "unknown_exchange"


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/json-seq",
                                          "application/x-protobuf"])
def test_unsupported_content_type(content_type):
    assert rejected(event(), content_type=content_type).reason == "unsupported_content_type"


def test_too_large_is_checked_before_decoding():
    body = json.dumps(event(data={"content": "x"})).encode()
    big = body[:-1] + b', "pad": "' + b"\xff" * MAX_BODY + b'"}'
    assert rejected(big).reason == "too_large"
    padded = body[:-1] + b" " * (MAX_BODY - len(body)) + b"}"
    assert len(padded) == MAX_BODY and send(padded)["id"] == "EV-1"


@pytest.mark.parametrize("body", [b"\xff", b'{"id": "\xc0\xaf"}', b'{"id": "\xed\xa0\x80"}',  # overlong, surrogate
                                  b'{"id": "\xe4\xb8"}', b"\x80{}", "{}".encode("utf-16")])
def test_not_utf8(body):
    assert rejected(body).reason == "not_utf8"


@pytest.mark.parametrize("body", [b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
                                  b'{"a":' * 10000, b"[" * 100000, b'{"data": ' + b"[{}," * 100 + b"1"])
def test_too_deep(body):
    assert rejected(body).reason == "too_deep"


def test_too_deep_inside_an_otherwise_valid_event():
    deep = json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert rejected(event(data={"extra": deep})).reason == "too_deep"


@pytest.mark.parametrize("body", [b"", b"   ", b"{", b'{"a": 1,}', b"{'a': 1}", b'{"a": NaN}', b'{"a": Infinity}',
                                  b'{"a": 1} {"b": 2}', b'{"a": "\x01"}', b'{"a": 1' + b"9" * 5000 + b"}",
                                  b"[" * 60 + b"]" * 61, b'{"a": "\\"}'])
def test_not_json(body):
    assert rejected(body).reason == "not_json"


@pytest.mark.parametrize("body", [b"[]", b"null", b"1", b'"{}"', b"true", json.dumps([event()]).encode()])
def test_not_an_object(body):
    assert rejected(body).reason == "not_an_object"


INVALID_ENVELOPES = [
    ({"specversion": "0.3"}, "specversion"), ({"specversion": 1.0}, "specversion"), ({"id": ""}, "id"),
    ({"id": 42}, "id"), ({"id": "x" * 201}, "id"), ({"source": ""}, "source"), ({"source": "a b"}, "source"),
    ({"source": "urn:%zz"}, "source"), ({"source": "urn:" + "a" * 500}, "source"), ({"type": None}, "type"),
    ({"time": "2026-11-20T09:30:00"}, "time"), ({"time": "2026-11-20"}, "time"),
    ({"time": "1949-09-30T12:00:00+08:00"}, "time"), ({"time": "2100-01-01T00:00:00Z"}, "time"),
    ({"time": "20261120T093000+0800"}, "time"), ({"time": 1763602200}, "time"), ({"data": [1]}, "data"),
    ({"data": None}, "data"), ({"data": "{}"}, "data"), ({"datacontenttype": 7}, "datacontenttype"),
    ({"id": "a\x00b"}, "id"), ({"id": "\ud800"}, "id"),
]


@pytest.mark.parametrize("changes, field", INVALID_ENVELOPES)
def test_invalid_envelope(changes, field):
    error = rejected({**event(), **changes})
    assert error.reason == "invalid_envelope" and list(error.errors) == [field]


@pytest.mark.parametrize("missing", ["specversion", "id", "source", "type", "data"])
def test_a_missing_attribute_is_an_invalid_envelope(missing):
    message = event()
    del message[missing]
    error = rejected(message)
    assert (error.reason, list(error.errors)) == ("invalid_envelope", [missing])


def test_unknown_type():
    assert rejected(event(type="petition.registered")).reason == "unknown_type"
    # a real type, but of another agency's exchange
    assert rejected(event("case.filed"), "case.filed", exchange="hotline12345.events").reason == "unknown_type"


def test_type_mismatch():
    message = event("alert.received")
    with pytest.raises(InboundRejected) as caught:
        parse_inbound("police110.events", "alert.transferred", json.dumps(message).encode(), CE)
    assert caught.value.reason == "type_mismatch"


@pytest.mark.parametrize("type_", EXAMPLES)
def test_each_required_data_field_missing_is_invalid_data(type_):
    required = describe_schemas()[type_]["required"]
    for field in required:
        message = event(type_)
        del message["data"][field]
        error = rejected(message, type_)
        assert (error.reason, error.errors) == ("invalid_data", {f"data.{field}": ["Missing data for required field."]})


INVALID_DATA = [
    ("work_order.created", {"order_no": 123}, "data.order_no"),
    ("work_order.created", {"order_no": ""}, "data.order_no"),
    ("work_order.created", {"region_code": "37130"}, "data.region_code"),
    ("work_order.created", {"region_code": "371302\n"}, "data.region_code"),
    ("work_order.created", {"region_code": "٣٧١٣٠٢"}, "data.region_code"),  # Arabic-Indic digits
    ("work_order.created", {"received_at": "2026-11-20T09:30:00"}, "data.received_at"),
    ("work_order.created", {"received_at": "9999-12-31T23:59:59-23:59"}, "data.received_at"),
    ("work_order.created", {"transfer_to_petition": 1}, "data.transfer_to_petition"),
    ("work_order.created", {"transfer_to_petition": "true"}, "data.transfer_to_petition"),
    ("work_order.created", {"transfer_to_petition": None}, "data.transfer_to_petition"),
    ("work_order.created", {"title": "x" * 201}, "data.title"),
    ("work_order.created", {"content": "x" * 20001}, "data.content"),
    ("work_order.created", {"content": "请\x00求"}, "data.content"),
    ("work_order.created", {"content": "\udc80"}, "data.content"),
    ("work_order.created", {"category": "x" * 65}, "data.category"),
    ("work_order.created", {"caller": "张三"}, "data.caller"),
    ("work_order.created", {"caller": {"phone": "call me"}}, "data.caller.phone"),
    ("work_order.created", {"caller": {"phone": "13800001234\n"}}, "data.caller.phone"),
    ("alert.received", {"category": 5}, "data.category"),
    ("alert.transferred", {"parties": [PARTY] * 21}, "data.parties"),
    ("alert.transferred", {"parties": [PARTY, "乙"]}, "data.parties.1"),
    ("alert.transferred", {"parties": {"name": "甲"}}, "data.parties"),
    ("mediation.referred", {"summary": ""}, "data.summary"),
    ("case.filed", {"cause": ["民间借贷"]}, "data.cause"),
    ("judicial_confirmation.decided", {"mediation_id": "not-a-uuid"}, "data.mediation_id"),
    ("judicial_confirmation.decided", {"mediation_id": "{" + MEDIATION_ID + "}"}, "data.mediation_id"),
    ("judicial_confirmation.decided", {"mediation_id": MEDIATION_ID.replace("-", "")}, "data.mediation_id"),
    ("judicial_confirmation.decided", {"confirmed": "false"}, "data.confirmed"),
    ("judicial_confirmation.decided", {"confirmed": 0}, "data.confirmed"),
]


@pytest.mark.parametrize("type_, data, field", INVALID_DATA)
def test_invalid_data(type_, data, field):
    error = rejected(event(type_, data=data), type_)
    assert error.reason == "invalid_data" and list(error.errors) == [field], error.errors


def test_a_huge_parties_list_is_refused_by_its_length_alone(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("an item of an over-long list was read")

    monkeypatch.setattr(agency.PersonSchema, "load", never)
    monkeypatch.setattr(agency.PersonSchema, "_deserialize", never)
    error = rejected(event("alert.transferred", data={"parties": [{}] * 50000}), "alert.transferred")
    assert error.errors == {"data.parties": ["at most 20 items"]}


def test_the_rejection_says_what_and_why():
    error = rejected(event(data={"region_code": "1"}))
    assert str(error).startswith("invalid_data: ") and "data.region_code" in str(error)
    assert str(InboundRejected("not_json")) == "not_json" and InboundRejected("not_json").errors == {}


# -- hostile bodies are refused, never hang ----------------------------------------------------------
# A guard against pathological (quadratic, exponential) handling, not a speed measurement: the
# limit is generous so a loaded CI machine does not fail it; speed belongs to bench/.
def refused_within(body: bytes, seconds: float = 5.0) -> str:
    started = time.perf_counter()
    with pytest.raises(InboundRejected) as caught:
        parse_inbound("court.events", "case.filed", body, CE)
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"{caught.value.reason} took {elapsed:.3f} s"
    return caught.value.reason


@pytest.mark.parametrize("body, reason", [
    (b"[" * 100000, "too_deep"),
    (b'{"a":' * 10000, "too_deep"),
    (b"{" * (10 * 1024 * 1024), "too_large"),
    (b'{"a": "' + b"x" * (10 * 1024 * 1024) + b'"}', "too_large"),
])
def test_hostile_bodies_are_refused_quickly(body, reason):
    assert refused_within(body) == reason


# The worst a body within the limit can do. The scan takes some 10 ms a MiB; what is left is
# json.loads building up to half a million containers (0.1-0.25 s here), hence the wider bound.
@pytest.mark.parametrize("body, reason", [
    (b"[" * MAX_BODY, "too_deep"),
    (b"[" * (MAX_BODY // 2) + b"]" * (MAX_BODY // 2), "too_deep"),
    (b'["",' * (MAX_BODY // 4), "too_deep"),
    (b'"' + b'a\\"' * (MAX_BODY // 3 - 1), "not_json"),
    (b"[" + b",".join([b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1)] * (MAX_BODY // (2 * MAX_DEPTH)))
     + b"]", "not_an_object"),
    (b'{"a": [' + b"[]," * (MAX_BODY // 3 - 10) + b"[]]}", "invalid_envelope"),
])
def test_the_largest_hostile_bodies_are_refused_in_bounded_time(body, reason):
    assert refused_within(body) == reason


def test_nesting_is_refused_before_json_loads_sees_it(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("json.loads was called")

    monkeypatch.setattr(agency.json, "loads", boom)
    assert refused_within(b"[" * 100000) == "too_deep"
    assert refused_within(b'{"a":' * 10000) == "too_deep"


# -- whatever the bytes, a dict or InboundRejected ---------------------------------------------------
EXCHANGE_AND_KEY = st.sampled_from([(e, t) for e, types in AGENCY_EXCHANGES.items() for t in types]
                                   + [("court.events", "work_order.created"), ("x.events", "x")])
CONTENT_TYPES = st.sampled_from([CE, "application/json", None, "text/plain"])
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20), inner, max_size=5),
    max_leaves=30)
FIELD_NAMES = sorted({name for d in describe_schemas().values() for name in d["properties"]} | {"name", "phone"})
DATA = st.dictionaries(st.sampled_from(FIELD_NAMES),
                       JSONISH | st.sampled_from([AT, "371302", MEDIATION_ID, True, [PARTY], PARTY]), max_size=10)


def only_dict_or_rejected(exchange, routing_key, body, content_type):
    try:
        parsed = parse_inbound(exchange, routing_key, body, content_type)
    except InboundRejected as error:
        assert error.reason in REASONS and isinstance(error.errors, dict)
        return
    assert isinstance(parsed, dict) and set(parsed) == {"specversion", "id", "source", "type", "time", "data"}
    assert parsed["type"] == routing_key


QUICK = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(EXCHANGE_AND_KEY, st.binary(max_size=2000), CONTENT_TYPES)
def test_arbitrary_bytes(exchange_and_key, body, content_type):
    only_dict_or_rejected(*exchange_and_key, body, content_type)


@QUICK
@given(EXCHANGE_AND_KEY, JSONISH)
def test_arbitrary_json(exchange_and_key, value):
    only_dict_or_rejected(*exchange_and_key, json.dumps(value).encode(), CE)


@QUICK
@given(EXCHANGE_AND_KEY, DATA, st.dictionaries(st.sampled_from(["time", "id", "source", "extra"]), JSONISH))
def test_arbitrary_data_in_a_well_formed_envelope(exchange_and_key, data, attributes):
    exchange, routing_key = exchange_and_key
    message = {"specversion": "1.0", "id": "EV-1", "source": "urn:x", "type": routing_key, **attributes,
               "data": data}
    only_dict_or_rejected(exchange, routing_key, json.dumps(message).encode(), CE)


# -- the names, and what docs/asyncapi.yaml says of the same events -------------------------------
def test_each_exchange_names_its_agency():
    assert AGENCY_BY_EXCHANGE == {"hotline12345.events": "hotline12345", "police110.events": "police110",
                                  "court.events": "court"}
    assert sorted(t for types in AGENCY_EXCHANGES.values() for t in types) == sorted(EXAMPLES)


# -- code and document agree both ways: what parse_inbound takes the document allows, and what one
# refuses for a missing field or a wrong value the other refuses too ------------------------------
DOC_URI = "urn:xinfang:asyncapi-document"
ISO_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})")
DOC_FORMATS = FormatChecker()


@DOC_FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    """RFC 3339 `date-time`, as JSON Schema means the format."""
    if not isinstance(value, str):
        return True
    return bool(ISO_DATE_TIME.fullmatch(value)) and datetime.fromisoformat(value.upper()) is not None


def _ecma_pattern(validator, pattern, instance, schema):
    """`pattern` as ECMA-262 reads it (what JSON Schema specifies): `$` ends the string, where
    Python's `$` also matches before a final newline ("371302\\n")."""
    if not validator.is_type(instance, "string"):
        return
    python = pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern
    if not re.search(python, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


DocValidator = validators.extend(Draft7Validator, {"pattern": _ecma_pattern})


def load_doc() -> dict:
    return yaml.safe_load((Path(__file__).resolve().parents[3] / "docs" / "asyncapi.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def doc() -> dict:
    return load_doc()


def inbound_messages(doc: dict) -> dict[str, str]:
    """Event type -> component key of each message the agency channels document."""
    found = {}
    for exchange in AGENCY_EXCHANGES:
        for ref in doc["channels"][exchange]["publish"]["message"]["oneOf"]:
            key = ref["$ref"].rsplit("/", 1)[-1]
            found[doc["components"]["messages"][key]["name"]] = key
    return found


def doc_data(doc: dict, type_: str) -> dict:
    return doc["components"]["messages"][inbound_messages(doc)[type_]]["payload"]["allOf"][1]["properties"]["data"]


def doc_errors(doc: dict, message: dict, type_: str = "work_order.created") -> list[str]:
    """What the document's payload schema for messages of type_ (the routing key) finds wrong with it."""
    key = inbound_messages(doc)[type_]
    registry = Registry().with_resource(DOC_URI, Resource(contents=doc, specification=DRAFT7))
    validator = DocValidator({"$ref": f"{DOC_URI}#/components/messages/{key}/payload"}, registry=registry,
                             format_checker=DOC_FORMATS)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(envelope)'}: {e.message}" for e in validator.iter_errors(message)]


def taken_by_both(doc, message, type_):
    assert doc_errors(doc, message, type_) == [], "the document refuses what the code takes"
    send(message, type_)


def refused_by_both(doc, message, type_) -> InboundRejected:
    assert doc_errors(doc, message, type_) != [], "the document allows what the code refuses"
    return rejected(message, type_)


def test_the_schemas_say_what_asyncapi_documents(doc):
    described = describe_schemas()
    assert set(EXAMPLES) <= set(inbound_messages(doc)) & set(described)
    for type_ in set(inbound_messages(doc)) & set(described):  # joint_handling.reported too, once parsed
        data = doc_data(doc, type_)
        assert described[type_] == {"required": data["required"], "properties": list(data["properties"])}, type_


def test_the_documented_envelope_requires_what_the_code_requires(doc):
    envelope = doc["components"]["schemas"]["InboundEnvelope"]
    required = [name for name, f in agency.ENVELOPE.fields.items() if f.required]
    assert envelope["required"] == required
    assert list(envelope["properties"]) == list(agency.ENVELOPE.fields)


@pytest.mark.parametrize("type_", EXAMPLES)
def test_a_valid_example_is_valid_for_the_document_too(doc, type_):
    taken_by_both(doc, event(type_), type_)
    # With the optional parts absent, and each optional field null.
    minimal = event(type_)
    del minimal["time"], minimal["datacontenttype"]
    required = describe_schemas()[type_]["required"]
    minimal["data"] = {k: v for k, v in minimal["data"].items() if k in required}
    taken_by_both(doc, minimal, type_)
    nulls = event(type_, time=None, datacontenttype=None,
                  data={k: None for k in describe_schemas()[type_]["properties"] if k not in required})
    taken_by_both(doc, nulls, type_)


@pytest.mark.parametrize("type_", EXAMPLES)
def test_a_missing_required_field_is_refused_by_both(doc, type_):
    data = doc_data(doc, type_)
    for field in data["properties"]:
        message = event(type_)
        message["data"].pop(field, None)
        if field in data["required"]:
            assert refused_by_both(doc, message, type_).reason == "invalid_data", field
        else:
            taken_by_both(doc, message, type_)
    for attribute in doc["components"]["schemas"]["InboundEnvelope"]["properties"]:
        message = event(type_)
        del message[attribute]
        if attribute in doc["components"]["schemas"]["InboundEnvelope"]["required"]:
            assert refused_by_both(doc, message, type_).reason == "invalid_envelope", attribute
        else:
            taken_by_both(doc, message, type_)


# What JSON Schema cannot say: the range of a moment, and lone surrogates (valid JSON, not Unicode).
THE_DOCUMENT_CANNOT_SAY = {"1949-09-30T12:00:00+08:00", "2100-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59",
                           chr(0xD800), chr(0xDC80)}


def _beyond_the_document(changes: dict) -> bool:
    return any(isinstance(v, str) and v in THE_DOCUMENT_CANNOT_SAY for v in changes.values())


@pytest.mark.parametrize("changes, field", INVALID_ENVELOPES)
def test_an_envelope_the_code_refuses_the_document_refuses(doc, changes, field):
    message = {**event(), **changes}
    if _beyond_the_document(changes):
        assert doc_errors(doc, message) == []  # said in words only: keep this list honest
        assert rejected(message).reason == "invalid_envelope"
    else:
        assert refused_by_both(doc, message, "work_order.created").reason == "invalid_envelope"


@pytest.mark.parametrize("type_, data, field", INVALID_DATA)
def test_data_the_code_refuses_the_document_refuses(doc, type_, data, field):
    message = event(type_, data=data)
    if _beyond_the_document(data):
        assert doc_errors(doc, message, type_) == []
        assert rejected(message, type_).reason == "invalid_data"
    else:
        assert refused_by_both(doc, message, type_).reason == "invalid_data"


@pytest.mark.parametrize("type_, data", [
    ("work_order.created", {"order_no": "x" * 64, "category": "类" * 64, "title": "题" * 200, "content": "文" * 20000}),
    ("work_order.created", {"region_code": "371302101", "caller": {}}),
    ("work_order.created", {"caller": {"name": "名" * 100, "phone": "+86-531-1234567"}}),
    ("work_order.created", {"caller": {"phone": "12345"}, "received_at": "2026-11-20T09:30:00.123456789Z"}),
    ("work_order.created", {"received_at": "1949-10-01T00:00:00Z", "transfer_to_petition": False}),
    ("alert.received", {"category": "", "received_at": "2099-12-31t23:59:59z"}),
    ("alert.transferred", {"parties": [PARTY] * 20}),
    ("alert.transferred", {"parties": []}),
    ("case.filed", {"case_type": "", "cause": "由" * 200}),
    ("judicial_confirmation.decided", {"mediation_id": MEDIATION_ID.upper(), "confirmed": True}),
])
def test_what_the_document_allows_at_its_limits_the_code_takes(doc, type_, data):
    taken_by_both(doc, event(type_, data=data), type_)
    taken_by_both(doc, event(type_, source="urn:cn:court:%E9%B2%81/" + "a" * 450, id="i" * 200), type_)


def test_extra_attributes_and_fields_are_allowed_by_both(doc):
    message = event("alert.transferred", subject="x", data={"extra": [1], "parties": [{**PARTY, "age": 40}]})
    taken_by_both(doc, message, "alert.transferred")
