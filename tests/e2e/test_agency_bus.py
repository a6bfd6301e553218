"""Other agencies on the bus: every contract message, published to RabbitMQ as an agency would,
counted once in the five volumes; bad messages dead-lettered with their reason, none lost."""
import json
import uuid

import requests
from kombu import Connection, Exchange, Queue

from intake.agency import petition_id_for

REGION = "421000"  # a region no other end-to-end test uses
WHEN = "2026-11-20T09:30:00+08:00"


def event(type_, id_, source, **data):
    return {"specversion": "1.0", "id": id_, "source": source, "type": type_, "time": WHEN,
            "datacontenttype": "application/json", "data": data}


CONTRACT = [
    ("hotline12345.events", event("work_order.created", "WO-1", "urn:cn:12345:421000", order_no="WO-1",
                                  received_at=WHEN, region_code=REGION, category="劳动保障", title="欠薪",
                                  content="工地欠薪", caller={"name": "市民某某", "phone": "13800001111"},
                                  transfer_to_petition=True)),
    ("police110.events", event("alert.received", "JJ-1", "urn:cn:110:421000", alert_no="JJ-1", received_at=WHEN,
                               region_code=REGION, category="治安")),
    ("police110.events", event("alert.transferred", "JJ-2", "urn:cn:110:421000", alert_no="JJ-2", received_at=WHEN,
                               region_code=REGION + "101", category="邻里纠纷", summary="排水沟争执",
                               parties=[{"name": "当事人甲", "phone": "13800002222"}])),
    ("court.events", event("case.filed", "(2026)鄂1000民初1号", "urn:cn:court:421000", case_no="(2026)鄂1000民初1号",
                           filed_at=WHEN, region_code=REGION, case_type="民事", cause="劳动争议")),
    ("court.events", event("mediation.referred", "(2026)鄂1000民诉前调1号", "urn:cn:court:421000",
                           case_no="(2026)鄂1000民诉前调1号", referred_at=WHEN, region_code=REGION,
                           summary="买卖合同纠纷", parties=[{"name": "当事人乙"}])),
    ("court.events", event("judicial_confirmation.decided", "JC-1", "urn:cn:court:421000",
                           mediation_id=str(uuid.uuid4()), confirmed=True, decided_at=WHEN)),
]


def publish(system, exchange, routing_key, body: bytes, content_type="application/cloudevents+json"):
    with Connection(system.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        target = Exchange(exchange, "topic", durable=True)
        target(conn.channel()).declare()
        conn.Producer().publish(body, exchange=target, routing_key=routing_key, serializer=None,
                                content_type=content_type, content_encoding="binary", delivery_mode=2)


def publish_event(system, exchange, ce):
    publish(system, exchange, ce["type"], json.dumps(ce, ensure_ascii=False).encode())


def summary(system):
    return system.session().get(system.url(f"/api/stats/summary?from=2026-11-01&to=2026-11-30&region={REGION}"),
                        timeout=30).json()


def test_every_contract_message_counts_once_in_the_five_volumes(system):
    for exchange, ce in CONTRACT + CONTRACT:  # every message delivered twice
        publish_event(system, exchange, ce)
    expected = {"hotline12345": 1, "police110": 2, "court": 1, "petitions": 1, "mediation": 2}
    stats = system.wait_until(lambda: (s := summary(system))["five_volumes"] == expected and s, timeout=20)
    assert stats["previous_year"]["five_volumes"]["court"] == 0

    # The work order marked for transfer is a petition on channel hotline12345, with a derived id.
    petition = system.session().get(system.url(f"/api/petitions/{petition_id_for('urn:cn:12345:421000', 'WO-1')}"),
                            timeout=30).json()
    assert petition["channel"] == "hotline12345" and petition["category"] == "labour_dispute"
    assert petition["petitioner"]["phone"] == "138****1111"

    volume = system.session().get(system.url(f"/api/stats/volume?from=2026-11-01&to=2026-11-30&region={REGION}"),
                          timeout=30).json()
    counts = {row["key"]: row["count"] for row in volume["series"]}
    assert counts == {"hotline12345": 1, "police110": 2, "court": 1, "mediation": 2, "petition:hotline12345": 1}


HOSTILE = [
    (b"this is not json", "not_json"),
    (b"\xff\xfe\xfa not utf-8", "not_utf8"),
    (b"[1, 2, 3]", "not_an_object"),
    (b"[" * 100_000, "too_deep"),
    (json.dumps(event("case.filed", "X-1", "urn:cn:court:421000", filed_at=WHEN, region_code=REGION)).encode(),
     "invalid_data"),  # case_no missing
    (json.dumps(event("alert.received", "X-2", "urn:cn:court:421000", alert_no="A", received_at=WHEN,
                      region_code=REGION)).encode(), "unknown_type"),  # a 110 type on the court exchange
]


def test_bad_messages_are_dead_lettered_with_their_reason_and_good_ones_still_flow(system):
    for body, _ in HOSTILE:
        publish(system, "court.events", "case.filed", body)
    publish(system, "court.events", "case.filed", b"x" * (2 * 1024 * 1024))  # 2 MiB
    good = event("case.filed", "(2026)鄂1000民初99号", "urn:cn:court:421000", case_no="(2026)鄂1000民初99号",
                 filed_at=WHEN, region_code=REGION + "102")
    publish_event(system, "court.events", good)

    def listed():
        letters = system.session().get(system.url("/api/dead-letters?limit=200"), timeout=30).json()["items"]
        return {letter["reason"] for letter in letters if letter["exchange"] == "court.events"}

    reasons = system.wait_until(lambda: (r := listed()) >= {reason for _, reason in HOSTILE} | {"too_large"} and r,
                                timeout=30)
    assert reasons >= {"not_json", "not_utf8", "too_large"}
    system.wait_until(lambda: summary(system)["five_volumes"]["court"] >= 1, timeout=20)

    # The broker's dead-letter queue holds the original bodies with the reason in a header.
    held = {}
    with Connection(system.amqp_uri) as conn:
        queue = Queue("xinfang.dead-letters", Exchange("xinfang.dead-letters", "fanout", durable=True), durable=True)
        bound = queue(conn.channel())
        while (message := bound.get(no_ack=True)) is not None:
            held[message.headers["x-reason"]] = message.body
    assert held["not_json"] == b"this is not json"
    assert len(held["too_large"]) == 2 * 1024 * 1024

    metrics = requests.get(f"http://127.0.0.1:{system.ports['intake']}/metrics", timeout=5).text
    assert 'xinfang_inbound_dead_letters_total{exchange="court.events",reason="not_json"} 1.0' in metrics


def test_resubmitting_a_message_that_is_still_wrong_is_refused_with_its_reason(system):
    publish(system, "police110.events", "alert.received", b'{"specversion": "0.3"}')
    letters = system.wait_until(lambda: [letter for letter in system.session().get(
        system.url("/api/dead-letters?limit=200"), timeout=30).json()["items"]
        if letter["exchange"] == "police110.events"], timeout=20)
    answer = system.session().post(system.url(f"/api/dead-letters/{letters[0]['id']}/resubmit"), json={"by": "值班员"},
                           timeout=30)
    assert answer.status_code == 400 and "still refused" in answer.json()["message"]
    assert system.session().post(system.url(f"/api/dead-letters/{uuid.uuid4()}/resubmit"), json={"by": "值班员"},
                         timeout=30).status_code == 404


def test_the_senders_encoding_and_compression_headers_are_not_applied_to_unchecked_bytes(system):
    gbk = "拖欠工资".encode("gbk")  # not UTF-8; the sender claims latin-1 so a decoder would accept it
    bomb = b"not really zlib, but claims to be"
    with Connection(system.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        court = Exchange("court.events", "topic", durable=True)
        conn.Producer().publish(gbk, exchange=court, routing_key="case.filed", serializer=None,
                                content_type="application/json", content_encoding="latin-1")
        conn.Producer().publish(bomb, exchange=court, routing_key="case.filed", serializer=None,
                                content_type="application/json", content_encoding="binary",
                                headers={"compression": "application/x-gzip"})

    def kept():
        return {letter["body_bytes"]: letter["reason"] for letter in system.session().get(
            system.url("/api/dead-letters?limit=200"), timeout=30).json()["items"]}

    letters = system.wait_until(lambda: (k := kept()).get(len(gbk)) and k.get(len(bomb)) and k, timeout=20)
    assert letters[len(gbk)] == "not_utf8" and letters[len(bomb)] == "not_json"
    assert requests.get(f"http://127.0.0.1:{system.ports['intake']}/health", timeout=5).ok
