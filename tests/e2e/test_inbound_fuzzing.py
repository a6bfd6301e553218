"""Inbound schema fuzzing (RELIABILITY.md scenario 11) against the real consumers: intake (every agency
event type), mediation (110 disputes, court referrals and confirmations) and dispatch (every agency's
joint_handling.reported). Valid, mutated and hostile messages on every exchange and routing key the
consumers bind: each copy a consumer receives is either processed once or dead-lettered with its
reason (processed + dead-lettered = received, per consumer and exchange), no attempt fails (a failure
would be a crash in the consumer, retried), and every consumer still takes a good message afterwards.

Extra attributes and data fields are ignored, not rejected (CONTRACTS.md §1, which wins over the
scenario's "unknown fields rejected"), and so is an ID number an agency adds to a person: it is
dropped, never stored, whatever its check digit. test_agency_bus.py and the unit contract tests
check the reasons one by one; this file checks the accounting under random input.
"""
import json
import re
import time
import uuid
from collections import Counter

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kombu import Connection, Exchange

from shared.contracts.agency import (AGENCY_EXCHANGES, JOINT_HANDLING_REPORTED, MAX_BODY, MAX_DEPTH,
                                     MEDIATION_INBOUND)
from tests.conftest import system_of_its_own
from tests.support import id_number


# What this module sends (thousands of dead letters) must not reach what the other modules count.
system = system_of_its_own("fuzz")

REGION = "659004"  # a county no other test counts: valid fuzzed events land only here
WHEN = "2026-11-20T09:30:00+08:00"
CE = "application/cloudevents+json"
# Who consumes what: (exchange, routing key) → the services whose queues bind it.
CONSUMERS: dict[tuple[str, str], tuple[str, ...]] = {}
for _exchange, _types in AGENCY_EXCHANGES.items():
    for _type in _types:
        CONSUMERS[(_exchange, _type)] = ("intake",)
    CONSUMERS[(_exchange, JOINT_HANDLING_REPORTED)] = ("dispatch",)
for _exchange, _types in MEDIATION_INBOUND.items():
    for _type in _types:
        CONSUMERS[(_exchange, _type)] += ("mediation",)
ROUTES = sorted(CONSUMERS)
SERVICES = ("intake", "mediation", "dispatch")


def person(name: str) -> dict:
    return {"name": name, "phone": "13800009999"}


def valid_data(type_: str, exchange: str, n: str) -> dict:
    agency = exchange.removesuffix(".events")
    return {
        "work_order.created": {"order_no": n, "received_at": WHEN, "region_code": REGION, "category": "劳动保障",
                               "title": "欠薪", "content": "工地拖欠工资", "caller": person("市民某某"),
                               "transfer_to_petition": False},
        "alert.received": {"alert_no": n, "received_at": WHEN, "region_code": REGION, "category": "求助"},
        "alert.transferred": {"alert_no": n, "received_at": WHEN, "region_code": REGION + "101",
                              "category": "邻里纠纷", "summary": "排水沟争执", "parties": [person("当事人甲")]},
        "case.filed": {"case_no": n, "filed_at": WHEN, "region_code": REGION, "case_type": "民事", "cause": "借贷"},
        "mediation.referred": {"case_no": n, "referred_at": WHEN, "region_code": REGION, "summary": "买卖合同纠纷",
                               "parties": [person("当事人乙")]},
        "judicial_confirmation.decided": {"mediation_id": str(uuid.uuid4()), "confirmed": True, "decided_at": WHEN},
        JOINT_HANDLING_REPORTED: {"assignment_id": str(uuid.uuid4()), "agency": agency, "result": "已核查",
                                  "reported_at": WHEN},
    }[type_]


def valid_event(exchange: str, type_: str) -> dict:
    n = f"FZ-{uuid.uuid4().hex[:12]}"
    return {"specversion": "1.0", "id": n, "source": f"urn:cn:{exchange.split('.')[0]}:{REGION}", "type": type_,
            "time": WHEN, "datacontenttype": "application/json", "data": valid_data(type_, exchange, n)}


# -- what hypothesis draws ------------------------------------------------------------------------
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | st.text(max_size=40),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)
BAD_REGIONS = st.sampled_from(["65900", "6590041", "abcdef", "６５９００４", "659004\n", 659004, None, ""])


def bad_check_digit(seventeen: str) -> str:
    good = id_number(seventeen)
    return good[:-1] + ("0" if good[-1] != "0" else "1")


@st.composite
def mutated(draw, exchange: str, routing_key: str) -> bytes:
    """A valid event of the route's type (or of another type), changed in one or more ways."""
    type_ = draw(st.sampled_from([routing_key, routing_key, *AGENCY_EXCHANGES[exchange], JOINT_HANDLING_REPORTED]))
    event = valid_event(exchange, type_)
    data = event["data"]
    for change in draw(st.lists(st.sampled_from(["drop", "retype", "unknown", "envelope", "region", "id_number",
                                                 "type", "none"]), min_size=1, max_size=3)):
        keys = sorted(data)
        if change == "drop" and keys:
            data.pop(draw(st.sampled_from(keys)))
        elif change == "retype" and keys:
            key = draw(st.sampled_from([k for k in keys if k != "region_code"] or keys))
            data[key] = draw(JSON)
        elif change == "unknown":
            data[draw(st.text(min_size=1, max_size=10))] = draw(JSON)
        elif change == "envelope":
            event[draw(st.sampled_from(["specversion", "id", "source", "time", "extra", "data"]))] = draw(JSON)
        elif change == "region":
            data["region_code"] = draw(BAD_REGIONS)
        elif change == "id_number":  # an extra field on a person: dropped, whatever its check digit
            seventeen = draw(st.from_regex(r"\A65900419[5-9][0-9]0[1-9][0-2][0-9][0-9]{3}\Z"))
            for holder in [data.get("caller"), *(data.get("parties") or [])]:
                if isinstance(holder, dict):
                    holder["id_number"] = bad_check_digit(seventeen)
        elif change == "type":
            event["type"] = draw(st.text(max_size=30))
    if not isinstance(event.get("data"), dict) and draw(st.booleans()):
        event["data"] = data
    return json.dumps(event, ensure_ascii=False).encode("utf-8", "surrogatepass")


def deeply_nested(depth: int) -> bytes:
    event = valid_event("court.events", "case.filed")
    inner = "[" * depth + "]" * depth
    return json.dumps(event, ensure_ascii=False).replace('"cause": "借贷"', f'"cause": {inner}').encode() if depth else b""


@st.composite
def message(draw) -> tuple[str, str, bytes, str | None]:
    exchange, routing_key = draw(st.sampled_from(ROUTES))
    kind = draw(st.sampled_from(["valid", "mutated", "mutated", "mutated", "bytes", "text", "deep", "content_type"]))
    content_type = draw(st.sampled_from([CE, "application/json", "Application/JSON; charset=utf-8", None]))
    if kind == "valid":
        body = json.dumps(valid_event(exchange, routing_key), ensure_ascii=False).encode()
    elif kind == "mutated":
        body = draw(mutated(exchange, routing_key))
    elif kind == "bytes":
        body = draw(st.binary(max_size=300))
    elif kind == "text":  # JSON that is no event: numbers, arrays, strings, NaN
        body = draw(st.sampled_from([b"NaN", b"1e999999", b"[]", b'"event"', b"null", b"{}", b'{"data": {}}',
                                     b"9" * 5000, json.dumps(draw(JSON)).encode()]))
    elif kind == "deep":
        body = deeply_nested(draw(st.integers(MAX_DEPTH - 2, 3 * MAX_DEPTH)))
    else:
        body = json.dumps(valid_event(exchange, routing_key)).encode()
        content_type = draw(st.sampled_from(["text/plain", "application/xml", "application/octet-stream",
                                             "multipart/form-data", "application/cloudevents-batch+json"]))
    return exchange, routing_key, body, content_type


# -- sending and counting -------------------------------------------------------------------------
def publish(system, messages) -> Counter:
    """Publishes each message as an agency would; returns the copies each consumer should receive,
    per (service, exchange)."""
    expected = Counter()
    with Connection(system.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer()
        for exchange, routing_key, body, content_type in messages:
            producer.publish(body, exchange=Exchange(exchange, "topic", durable=True), routing_key=routing_key,
                             serializer=None, content_type=content_type, content_encoding="binary", delivery_mode=2)
            for service in CONSUMERS[(exchange, routing_key)]:
                expected[(service, exchange)] += 1
    return expected


SAMPLE = re.compile(r'^(xinfang_inbound_(?:events|dead_letters)_total)\{([^}]*)\} ([0-9.e+]+)$', re.M)
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def accounted(system) -> tuple[Counter, Counter]:
    """Per (service, exchange): messages processed or dead-lettered, and failed attempts."""
    done, failed = Counter(), Counter()
    for service in SERVICES:
        text = requests.get(f"http://127.0.0.1:{system.ports[service]}/metrics", timeout=10).text
        for name, labels, value in SAMPLE.findall(text):
            label = dict(LABEL.findall(labels))
            key = (service, label["exchange"])
            if name.endswith("dead_letters_total") or label.get("outcome") == "processed":
                done[key] += int(float(value))
            elif label.get("outcome") == "failed":
                failed[key] += int(float(value))
    return done, failed


def send_and_account(system, messages, timeout: float = 30) -> None:
    before, failed_before = accounted(system)
    expected = publish(system, messages)
    deadline = time.time() + timeout
    while True:
        now, failed = accounted(system)
        assert failed == failed_before, f"attempts failed: {failed - failed_before}"
        if all(now[key] - before[key] >= n for key, n in expected.items()):
            break
        assert time.time() < deadline, f"not all accounted for: {expected} vs {now - before}"
        time.sleep(0.2)
    time.sleep(0.5)  # nothing counted twice: each copy once, no more
    now, failed = accounted(system)
    assert {key: now[key] - before[key] for key in expected} == dict(expected)
    assert failed == failed_before


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(messages=st.lists(message(), min_size=10, max_size=30))
def test_random_messages_are_each_processed_once_or_dead_lettered(system, messages):
    send_and_account(system, messages)


def test_huge_deep_and_odd_bodies_on_every_route_are_dead_lettered_fast(system):
    hostile = [b"x" * (MAX_BODY + 1), b"[" * 200_000, b'{"a":' * 10_000, deeply_nested(MAX_DEPTH * 4),
               b"\xef\xbb\xbf", b"", b"\x00" * 64, b'{"specversion": "1.0", "id": "\xed\xa0\x80"}',
               json.dumps({"data": {"x": "y" * (MAX_BODY - 100)}}).encode()]
    messages = [(exchange, key, body, CE) for exchange, key in ROUTES for body in hostile]
    started = time.time()
    send_and_account(system, messages, timeout=45)
    assert time.time() - started < 45


def test_every_consumer_still_takes_a_good_message_and_stores_no_id_number(system):
    messages = [(exchange, key, json.dumps(valid_event(exchange, key), ensure_ascii=False).encode(), CE)
                for exchange, key in ROUTES]
    order = valid_event("hotline12345.events", "work_order.created")
    order["data"].update(transfer_to_petition=True, caller={**person("市民某某"),
                                                            "id_number": bad_check_digit("65900419800101123")})
    messages.append(("hotline12345.events", "work_order.created", json.dumps(order, ensure_ascii=False).encode(),
                     CE))
    send_and_account(system, messages)
    for service in SERVICES:
        assert requests.get(f"http://127.0.0.1:{system.ports[service]}/health", timeout=10).ok
    # The work order became a petition; the ID number it carried is nowhere in it.
    from intake.agency import petition_id_for
    clerk = system.session(role="clerk", user="clerk-fuzz")
    path = system.url(f"/api/petitions/{petition_id_for(order['source'], order['id'])}")
    petition = system.wait_until(lambda: (a := clerk.get(path, timeout=30)).ok and a.json(), timeout=20)
    assert not (petition["petitioner"] or {}).get("id_number")
    assert bad_check_digit("65900419800101123") not in json.dumps(petition)
