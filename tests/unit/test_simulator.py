"""services/simulator.py: generated agency traffic is exactly what CONTRACTS.md section 1 allows.

Pure tests (no broker; `publish` is checked on kombu's in-memory transport), and one integration test
that publishes to a RabbitMQ virtual host of its own.
"""
import json
import re
import uuid
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from jsonschema import Draft7Validator
from kombu import Connection, Exchange, Queue
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from services import simulator
from services.simulator import generate, publish

START, END = date(2026, 11, 1), date(2026, 11, 7)  # Sunday to Saturday
BEIJING = timezone(timedelta(hours=8))
DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.yaml"

# CONTRACTS.md section 1, as written there: (exchange, routing key) -> required data fields and their
# types ("datetime" is an ISO 8601 string with an offset, "region" an administrative division code).
REQUIRED = {
    ("hotline12345.events", "work_order.created"): {
        "order_no": str, "received_at": "datetime", "region_code": "region", "category": str, "title": str,
        "content": str, "transfer_to_petition": bool},
    ("police110.events", "alert.received"): {"alert_no": str, "received_at": "datetime", "region_code": "region"},
    ("police110.events", "alert.transferred"): {
        "alert_no": str, "received_at": "datetime", "region_code": "region", "category": str, "summary": str},
    ("court.events", "case.filed"): {"case_no": str, "filed_at": "datetime", "region_code": "region"},
    ("court.events", "mediation.referred"): {
        "case_no": str, "referred_at": "datetime", "region_code": "region", "summary": str},
    ("court.events", "judicial_confirmation.decided"): {
        "mediation_id": str, "confirmed": bool, "decided_at": "datetime"},
}
# The optional fields the contract names; nothing else may be sent.
OPTIONAL = {
    "work_order.created": {"caller": "person"},
    "alert.received": {"category": str},
    "alert.transferred": {"parties": "persons"},
    "case.filed": {"case_type": str, "cause": str},
    "mediation.referred": {"parties": "persons"},
    "judicial_confirmation.decided": {},
}
ATTRIBUTES = {"specversion", "id", "source", "type", "time", "datacontenttype", "data"}
SOURCE_KINDS = {"hotline12345.events": "12345", "police110.events": "110", "court.events": "court"}
FIVE_PLACES = ("150623", "371321", "5303", "360781", "110115")

OFFSET_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00")
REGION = re.compile(r"\d{6}|\d{9}|\d{12}")
SYNTHETIC_NAME = re.compile(r"[\u4e00-\u9fff]{1,2}某{1,2}")
SYNTHETIC_PHONE = re.compile(r"1380000\d{4}")
ANY_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ANY_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


@pytest.fixture(scope="module")
def week():
    return list(generate(START, END, 7))


def problems_of(exchange: str, key: str, event: dict, start: date = START, end: date = END) -> list[str]:
    found = []
    if set(event) != ATTRIBUTES:
        found.append(f"attributes {sorted(event)}")
    if (exchange, key) not in REQUIRED:
        return found + [f"unknown exchange/key {exchange} {key}"]
    if event["specversion"] != "1.0" or event["datacontenttype"] != "application/json":
        found.append("specversion/datacontenttype")
    if event["type"] != key:
        found.append(f"type {event['type']} is not the routing key {key}")
    if not (isinstance(event["id"], str) and event["id"]):
        found.append("id")
    if not re.fullmatch(rf"urn:cn:{SOURCE_KINDS[exchange]}:\d{{6}}", event["source"]):
        found.append(f"source {event['source']}")
    if not (isinstance(event["time"], str) and OFFSET_TIME.fullmatch(event["time"])):
        found.append(f"time {event['time']!r}")
    data = event["data"]
    if not isinstance(data, dict):
        return found + ["data is not an object"]
    required, optional = REQUIRED[(exchange, key)], OPTIONAL[key]
    for name in sorted(set(required) - set(data)):
        found.append(f"missing data.{name}")
    for name in sorted(set(data) - set(required) - set(optional)):
        found.append(f"data.{name} is not in the contract")
    for name, kind in {**required, **optional}.items():
        if name in data and not well_typed(data[name], kind, start, end):
            found.append(f"data.{name} = {data[name]!r} is not {kind}")
    return found


def well_typed(value, kind, start: date, end: date) -> bool:
    if kind is bool:
        return type(value) is bool
    if kind is str:
        return isinstance(value, str) and value.strip() != ""
    if kind == "datetime":
        if not (isinstance(value, str) and OFFSET_TIME.fullmatch(value)):
            return False
        moment = datetime.fromisoformat(value)
        return datetime.combine(start, datetime.min.time(), BEIJING) <= moment < \
            datetime.combine(end + timedelta(days=1), datetime.min.time(), BEIJING)
    if kind == "region":
        return isinstance(value, str) and REGION.fullmatch(value) is not None
    if kind == "person":
        return isinstance(value, dict) and set(value) == {"name", "phone"} and all(
            isinstance(v, str) for v in value.values())
    if kind == "persons":
        return isinstance(value, list) and len(value) >= 1 and all(well_typed(p, "person", start, end) for p in value)
    raise AssertionError(kind)


def people(event: dict) -> list[dict]:
    data = event["data"]
    return ([data["caller"]] if "caller" in data else []) + data.get("parties", [])


# -- determinism ----------------------------------------------------------------------------------
def test_the_same_seed_gives_the_same_sequence(week):
    assert list(generate(START, END, 7)) == week


def test_a_different_seed_gives_a_different_sequence(week):
    other = list(generate(START, END, 8))
    assert other != week
    assert [e["id"] for _, _, e in other] != [e["id"] for _, _, e in week]


def test_a_day_is_the_same_whatever_range_it_is_generated_in(week):
    alone = list(generate(date(2026, 11, 3), date(2026, 11, 3), 7))
    assert alone and alone == [e for e in week if e[2]["time"].startswith("2026-11-03")]


# -- the contract ---------------------------------------------------------------------------------
def test_every_event_has_the_contracts_attributes_and_fields_with_the_right_types(week):
    found = [f"{e['id']} ({key}): {p}" for exchange, key, e in week for p in problems_of(exchange, key, e)]
    assert found == []


def test_every_kind_of_event_is_generated_and_optional_fields_are_used(week):
    kinds = Counter(key for _, key, _ in week)
    assert set(kinds) == set(OPTIONAL) - {"judicial_confirmation.decided"}
    for key in ("work_order.created", "case.filed", "alert.transferred", "mediation.referred"):
        assert any(set(OPTIONAL[key]) <= set(e["data"]) for _, k, e in week if k == key), key


def test_events_match_the_messages_documented_in_asyncapi(week):
    doc = yaml.safe_load(DOC_PATH.read_text(encoding="utf-8"))
    registry = Registry().with_resource("urn:doc", Resource(contents=doc, specification=DRAFT7))
    validators = {}
    for exchange in SOURCE_KINDS:
        for ref in doc["channels"][exchange]["publish"]["message"]["oneOf"]:
            name = ref["$ref"].rsplit("/", 1)[-1]
            message = doc["components"]["messages"][name]
            validators[(exchange, message["name"])] = Draft7Validator(
                {"$ref": f"urn:doc#/components/messages/{name}/payload"}, registry=registry)
    samples = week + list(generate(START, START, 1, ["150623"], mediation_ids=[str(uuid.uuid4())]))
    found = [f"{e['id']}: {err.message}" for exchange, key, e in samples
             for err in validators[(exchange, key)].iter_errors(e)]
    assert found == []


def test_ids_are_unique_per_source_and_carried_in_the_data(week):
    pairs = Counter((e["source"], e["id"]) for _, _, e in week)
    assert [p for p, n in pairs.items() if n > 1] == []
    for _, key, e in week:
        number = e["data"].get("order_no") or e["data"].get("alert_no") or e["data"].get("case_no")
        assert number == e["id"], key
    ids = {key: [e["id"] for _, k, e in week if k == key] for key in OPTIONAL}
    assert all(re.fullmatch(r"WO-2026-\d{6}", i) for i in ids["work_order.created"])
    assert all(re.fullmatch(r"JJ110-\d{6}-2026110\d-\d{4}", i) for i in ids["alert.received"] + ids["alert.transferred"])
    assert all(re.fullmatch(r"\(2026\)[\u4e00-\u9fff]\d{2,4}(民初|执|刑初|行初)\d+号", i) for i in ids["case.filed"])
    assert all(re.fullmatch(r"\(2026\)[\u4e00-\u9fff]\d{2,4}民诉前调\d+号", i) for i in ids["mediation.referred"])
    assert any(i.startswith("(2026)蒙0623") for i in ids["case.filed"])


def test_ids_of_overlapping_ranges_do_not_collide_within_a_source():
    first = list(generate(date(2026, 11, 2), date(2026, 11, 4), 3, ["150623"]))
    second = list(generate(date(2026, 11, 4), date(2026, 11, 6), 3, ["150623"]))
    by_id = {(e["source"], e["id"]): e for _, _, e in first}
    for _, _, e in second:  # the same (source, id) only for the very same event (the shared day)
        assert by_id.get((e["source"], e["id"]), e) == e


def test_times_are_ordered_and_within_the_range(week):
    times = [datetime.fromisoformat(e["time"]) for _, _, e in week]
    assert times == sorted(times)
    assert times[0] >= datetime(2026, 11, 1, tzinfo=BEIJING)
    assert times[-1] < datetime(2026, 11, 8, tzinfo=BEIJING)
    for _, _, e in week:  # the agency publishes after the fact it reports
        moment = next(e["data"][k] for k in ("received_at", "filed_at", "referred_at", "decided_at") if k in e["data"])
        assert datetime.fromisoformat(moment) <= datetime.fromisoformat(e["time"])


def test_region_codes_are_6_9_or_12_digits_under_the_given_prefixes():
    prefixes = ["150623", "371321104"]
    events = list(generate(START, END, 5, prefixes))
    codes = {e["data"]["region_code"] for _, _, e in events}
    assert all(REGION.fullmatch(c) and c.startswith(tuple(prefixes)) for c in codes), codes
    assert {len(c) for c in codes} == {6, 9, 12}
    assert {c[:9] for c in codes if len(c) >= 9} <= {"150623101", "150623102", "371321104"}
    assert all(e["source"].endswith((":150623", ":371321")) for _, _, e in events)


def test_by_default_the_five_places_of_the_reference_data(week):
    codes = {e["data"]["region_code"] for _, _, e in week}
    assert all(c.startswith(FIVE_PLACES) for c in codes)
    assert {p for p in FIVE_PLACES if any(c.startswith(p) for c in codes)} == set(FIVE_PLACES)


def test_an_unknown_but_well_formed_county_is_accepted():
    codes = {e["data"]["region_code"] for _, _, e in generate(START, START, 1, ["150624"])}
    assert codes and all(c.startswith("150624") and REGION.fullmatch(c) for c in codes)


@pytest.mark.parametrize("prefix", ["15062x", "1", "1506231010", ""])
def test_a_malformed_prefix_is_refused(prefix):
    with pytest.raises(ValueError):
        list(generate(START, START, 1, [prefix]))


def test_people_are_obviously_synthetic(week):
    persons = [p for _, _, e in week for p in people(e)]
    assert persons
    assert all(SYNTHETIC_NAME.fullmatch(p["name"]) for p in persons), {p["name"] for p in persons}
    assert all(SYNTHETIC_PHONE.fullmatch(p["phone"]) for p in persons)
    for _, _, e in week:  # nor any real-looking phone or ID-card number anywhere in the text
        text = json.dumps(e, ensure_ascii=False)
        assert all(SYNTHETIC_PHONE.fullmatch(m) for m in ANY_MOBILE.findall(text)), text
        assert not ANY_ID_NUMBER.search(text), text
    for _, _, e in week:
        if "parties" in e["data"]:
            names = [p["name"] for p in e["data"]["parties"]]
            assert len(set(names)) == len(names)
            assert all(name in e["data"]["summary"] for name in names)


def test_texts_are_chinese_and_filled_in(week):
    for _, _, e in week:
        for name in ("title", "content", "summary", "category", "cause", "case_type"):
            value = e["data"].get(name)
            if value is not None:
                assert "{" not in value and "}" not in value and re.search(r"[\u4e00-\u9fff]", value), value
    labels = {e["data"]["category"] for _, k, e in week if k == "work_order.created"}
    assert {"劳动保障", "城乡建设", "环境保护"} <= labels


# -- volumes --------------------------------------------------------------------------------------
def test_volumes_are_a_countys_and_rest_days_are_quieter():
    events = list(generate(date(2026, 11, 2), date(2026, 11, 29), 11, ["150623"]))  # four weeks
    per_day = Counter((k, e["time"][:10]) for _, k, e in events)

    def mean(keys, weekend):
        days = [date(2026, 11, 2) + timedelta(days=i) for i in range(28)]
        days = [d for d in days if (d.weekday() >= 5) == weekend]
        return sum(per_day[(k, d.isoformat())] for k in keys for d in days) / len(days)

    work_orders, alerts = ["work_order.created"], ["alert.received", "alert.transferred"]
    court = ["case.filed", "mediation.referred"]
    assert 34 <= mean(work_orders, False) <= 46
    assert 20 <= mean(alerts, False) <= 30
    assert 4 <= mean(court, False) <= 8
    assert mean(work_orders, True) < 0.75 * mean(work_orders, False)
    assert mean(alerts, True) < mean(alerts, False)
    assert mean(court, True) < 0.3 * mean(court, False)


def test_shares_of_transfers_and_referrals():
    events = list(generate(date(2026, 9, 1), date(2026, 11, 30), 2, ["150623", "371321"]))
    kinds = Counter(k for _, k, _ in events)
    orders = [e for _, k, e in events if k == "work_order.created"]
    transferred = sum(e["data"]["transfer_to_petition"] for e in orders) / len(orders)
    assert 0.11 <= transferred <= 0.19
    assert 0.07 <= kinds["alert.transferred"] / (kinds["alert.transferred"] + kinds["alert.received"]) <= 0.13
    assert 0.05 <= kinds["mediation.referred"] / (kinds["mediation.referred"] + kinds["case.filed"]) <= 0.15


def test_per_day_changes_the_volumes():
    quiet = list(generate(START, END, 7, ["150623"], {"work_orders": 0, "alerts": 0, "court_cases": 3}))
    assert {k for _, k, _ in quiet} <= {"case.filed", "mediation.referred"} and quiet
    busy = list(generate(date(2026, 11, 2), date(2026, 11, 2), 7, ["150623"], {"work_orders": 400}))
    assert 330 <= sum(k == "work_order.created" for _, k, _ in busy) <= 470
    with pytest.raises(ValueError):
        list(generate(START, END, 7, None, {"lorries": 3}))
    with pytest.raises(ValueError):
        list(generate(END, START, 7))


# -- judicial confirmations ------------------------------------------------------------------------
def test_judicial_confirmations_only_for_given_mediation_ids(week):
    assert not any(k == "judicial_confirmation.decided" for _, k, _ in week)
    ids = [str(uuid.uuid4()) for _ in range(12)]
    events = list(generate(START, END, 7, mediation_ids=ids))
    decided = [(x, e) for x, k, e in events if k == "judicial_confirmation.decided"]
    assert sorted(e["data"]["mediation_id"] for _, e in decided) == sorted(ids)
    assert all(x == "court.events" and problems_of(x, "judicial_confirmation.decided", e) == [] for x, e in decided)
    assert all(re.fullmatch(r"\(2026\)[\u4e00-\u9fff]\d{2,4}民特\d+号", e["id"]) for _, e in decided)
    assert len({(e["source"], e["id"]) for _, _, e in events}) == len(events)
    assert [e for _, k, e in events if k != "judicial_confirmation.decided"] == [e for _, _, e in week]


# -- publishing, without a broker -------------------------------------------------------------------
def test_publish_sends_what_an_agency_sends():
    uri = f"memory://sim-{uuid.uuid4().hex[:8]}"
    events = list(generate(date(2026, 11, 2), date(2026, 11, 2), 4, ["150623"]))[:40]
    with Connection(uri) as conn:
        queues = [Queue(f"all-{x}", Exchange(x, type="topic", durable=True), routing_key="#")(conn.channel())
                  for x in SOURCE_KINDS]
        for queue in queues:
            queue.declare()
        assert publish(events, uri, confirm=False) == 40
        messages = [m for q in queues for m in iter(lambda q=q: q.get(no_ack=True), None)]
    assert len(messages) == 40
    expected = {e["id"]: (x, k, e) for x, k, e in events}
    for message in messages:
        exchange, key, event = expected[message.properties["message_id"]]
        assert message.content_type == "application/cloudevents+json"
        assert message.content_encoding == "utf-8"
        assert message.properties["delivery_mode"] == 2
        assert message.delivery_info["exchange"] == exchange and message.delivery_info["routing_key"] == key
        assert json.loads(message.body.decode("utf-8")) == event


def test_dry_run_prints_json_lines(capsys):
    assert simulator.main(["--from", "2026-11-02", "--to", "2026-11-02", "--seed", "7", "--region", "150623",
                           "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [e for _, _, e in generate(date(2026, 11, 2),
                                                                                 date(2026, 11, 2), 7, ["150623"])]


# -- against RabbitMQ -------------------------------------------------------------------------------
RABBIT_API = "http://guest:guest@127.0.0.1:15672/api"


@pytest.fixture
def vhost():
    requests = pytest.importorskip("requests")
    name = f"simulator_test_{uuid.uuid4().hex[:8]}"
    path = quote(name, safe="")
    try:
        requests.put(f"{RABBIT_API}/vhosts/{path}", timeout=10).raise_for_status()
    except requests.ConnectionError:
        pytest.skip("RabbitMQ management API not reachable")
    try:
        requests.put(f"{RABBIT_API}/permissions/{path}/guest", timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        yield f"pyamqp://guest:guest@127.0.0.1:5672/{path}"
    finally:
        requests.delete(f"{RABBIT_API}/vhosts/{path}", timeout=10)


@pytest.mark.integration
def test_twenty_events_arrive_through_rabbitmq(vhost):
    day = list(generate(date(2026, 11, 2), date(2026, 11, 2), 9, ["150623"]))
    picked = [next(e for e in day if e[1] == key) for key in ("work_order.created", "alert.received", "case.filed")]
    events = picked + [e for e in day if e not in picked][:17]
    with Connection(vhost) as conn:
        channel = conn.channel()
        queues = [Queue(f"sim-{x}", Exchange(x, type="topic", durable=True), routing_key="#", durable=True)(channel)
                  for x in SOURCE_KINDS]
        for queue in queues:
            queue.declare()
        assert publish(events, vhost, confirm=True) == 20
        messages = [m for q in queues for m in iter(lambda q=q: q.get(no_ack=False), None)]
        for message in messages:
            message.ack()
    assert len(messages) == 20
    expected = {e["id"]: e for _, _, e in events}
    assert {m.properties["message_id"] for m in messages} == set(expected)
    for message in messages:
        assert message.content_type == "application/cloudevents+json"
        assert message.properties["delivery_mode"] == 2
        assert message.content_encoding == "utf-8"
        body = message.body  # py-amqp hands a utf-8 body over already decoded
        event = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
        assert event == expected[event["id"]]
        assert message.delivery_info["routing_key"] == event["type"]
