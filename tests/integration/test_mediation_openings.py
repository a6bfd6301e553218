"""Mediation's openings on the real broker and database, with real nameko containers: 110 disputes
and court referrals off the agencies' exchanges (once each, however often delivered), bad messages
dead-lettered while the rest flow on, the court's confirmation recorded, and — with intake and
dispatch running too — the petitions diverted to mediation and the mediations a handling unit asks
for, through the followers."""
import json
import uuid
from datetime import datetime
from urllib.parse import quote

import pytest
import requests
from kombu import Connection, Exchange, Queue

from dispatch.application import assignment_id_for
from mediation.application import mediation_id_for
from services.dispatch import DispatchService
from services.intake import IntakeService
from services.mediation import MediationService
from shared.clock import BEIJING
from shared.inbound import DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE
from tests.conftest import RABBIT_API
from tests.support import petition

WHEN = "2026-11-20T09:30:00+08:00"
REGION = "150623101"
POLICE, COURT = "urn:cn:110:150623", "urn:cn:court:150623"
FACTS, DISPUTES = "两户因排水沟走向发生争执。", "排水沟的走向。"
TERMS = [{"content": "排水沟改走两户院墙之间", "manner": "双方各出一半工钱", "due": "2026年12月31日前"}]
SIGNATURES = [{"role": "party", "party": 0, "name": "当事人甲"}, {"role": "party", "party": 1, "name": "当事人乙"},
              {"role": "mediator", "name": "额尔敦"}]


def cloud_event(type_, id_, source, **data) -> dict:
    return {"specversion": "1.0", "id": id_, "source": source, "type": type_, "time": WHEN,
            "datacontenttype": "application/json", "data": data}


def alert_transferred(n):
    return cloud_event("alert.transferred", f"JJ-{n}", POLICE, alert_no=f"JJ-{n}", received_at=WHEN,
                       region_code=REGION, category="邻里纠纷", summary="两户因排水沟走向发生争执",
                       parties=[{"name": "当事人甲", "phone": "13800005678"}, {"name": "当事人乙"}])


def mediation_referred(n):
    case_no = f"(2026)内0623民诉前调{n}号"
    return cloud_event("mediation.referred", case_no, COURT, case_no=case_no, referred_at=WHEN, region_code="150623",
                       summary="买卖合同纠纷，立案前委派调解", parties=[{"name": "原告某"}, {"name": "被告某"}])


def publish(infra, exchange, routing_key, body: bytes):
    """As an agency does: raw bytes, with publisher confirms."""
    with Connection(infra.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        target = Exchange(exchange, "topic", durable=True)
        target(conn.channel()).declare()
        conn.Producer().publish(body, exchange=target, routing_key=routing_key, serializer=None,
                                content_type="application/cloudevents+json", content_encoding="binary",
                                delivery_mode=2)


def publish_event(infra, exchange, ce):
    publish(infra, exchange, ce["type"], json.dumps(ce, ensure_ascii=False).encode())




def queue_exists(infra, name: str) -> bool:
    url = f"{RABBIT_API}/queues/{quote(infra.name, safe='')}/{quote(name, safe='')}"
    return requests.get(url, timeout=5).status_code == 200


@pytest.fixture
def start(infra, services):
    """The services' containers, started once mediation's inbound queues are bound: the consumer
    declares them from its own thread, and an agency's message published before has nowhere to go."""
    def start_services(*classes):
        services(*classes)
        infra.wait_until(lambda: all(queue_exists(infra, f"mediation.inbound.{exchange}")
                                     for exchange in ("police110.events", "court.events")), timeout=30)
    return start_services




def found(rpc, mediation_id):
    try:
        return rpc.mediation.get_mediation(str(mediation_id))
    except Exception:  # NotFound until it is opened
        return None


def opened(rpc) -> list[str]:
    return [e["data"]["mediation_id"] for e in rpc.mediation.notifications(0, 1000) if e["type"] == "mediation.opened"]


def test_each_agency_dispute_opens_one_mediation_at_its_layer(infra, start, rpc):
    start(MediationService)
    publish_event(infra, "police110.events", alert_transferred(1))
    publish_event(infra, "court.events", mediation_referred(1))
    publish_event(infra, "court.events", mediation_referred(1))  # the court refers it again
    publish_event(infra, "court.events", mediation_referred(2))  # after the duplicate in the same queue
    police, court, later = (mediation_id_for(POLICE, "JJ-1"), mediation_id_for(COURT, "(2026)内0623民诉前调1号"),
                            mediation_id_for(COURT, "(2026)内0623民诉前调2号"))
    infra.wait_until(lambda: found(rpc, police) and found(rpc, later), timeout=30)

    from_110 = rpc.mediation.get_mediation(str(police))
    assert (from_110["source"], from_110["source_ref"], from_110["layer"], from_110["status"]) == (
        "police110", "JJ-1", "people", "awaiting_consent")
    assert (from_110["category"], from_110["region_code"], from_110["deadline"]) == (
        "neighbourhood_dispute", REGION, None)
    assert [(p["name"], p["phone"]) for p in from_110["parties"]] == [("当事人甲", "138****5678"), ("当事人乙", None)]

    referred = rpc.mediation.get_mediation(str(court))
    assert (referred["source"], referred["layer"], referred["layer_name"], referred["deadline"]) == (
        "court", "pre_litigation", "诉前调解", "2026-12-21")  # 30 days from 20 Nov end on a Sunday
    assert [entry["type"] for entry in referred["history"]] == ["opened"]
    assert sorted(opened(rpc)) == sorted(str(m) for m in (police, court, later))  # once per event
    assert rpc.mediation.dead_letters()["items"] == []


def test_a_malformed_message_is_dead_lettered_with_its_reason_and_the_others_keep_flowing(
        infra, start, rpc):
    start(MediationService)
    no_summary = alert_transferred(2)
    del no_summary["data"]["summary"]
    publish(infra, "police110.events", "alert.transferred", b"{this is not json")
    publish_event(infra, "police110.events", no_summary)
    publish_event(infra, "police110.events", alert_transferred(3))
    publish_event(infra, "court.events", mediation_referred(3))

    def letters():
        return rpc.mediation.dead_letters()["items"]

    kept = infra.wait_until(lambda: len(items := letters()) >= 2 and items, timeout=30)
    assert sorted((k["exchange"], k["routing_key"], k["reason"]) for k in kept) == [
        ("police110.events", "alert.transferred", "invalid_data"),
        ("police110.events", "alert.transferred", "not_json")]
    invalid = next(k for k in kept if k["reason"] == "invalid_data")
    assert invalid["errors"] == {"data.summary": ["Missing data for required field."]}
    assert "13800005678" not in invalid["body"]  # an operator sees the body with phones masked

    # Neither stopped the consumer: what came after on both exchanges is opened.
    infra.wait_until(lambda: found(rpc, mediation_id_for(POLICE, "JJ-3"))
                     and found(rpc, mediation_id_for(COURT, "(2026)内0623民诉前调3号")), timeout=30)
    assert found(rpc, mediation_id_for(POLICE, "JJ-2")) is None

    # The broker's dead-letter queue holds the original bodies, the reason in a header.
    held = {}
    with Connection(infra.amqp_uri) as conn:
        queue = Queue(DEAD_LETTER_QUEUE, Exchange(DEAD_LETTER_EXCHANGE, "fanout", durable=True), durable=True)
        bound = queue(conn.channel())
        while (message := bound.get(no_ack=True)) is not None:
            held[message.headers["x-reason"]] = message.body
    assert held["not_json"] == b"{this is not json"
    assert set(held) == {"not_json", "invalid_data"}


def test_the_courts_confirmation_decision_is_recorded_on_the_agreed_mediation(infra, start, rpc):
    start(MediationService)
    publish_event(infra, "police110.events", alert_transferred(4))
    mediation_id = str(mediation_id_for(POLICE, "JJ-4"))
    infra.wait_until(lambda: found(rpc, mediation_id), timeout=30)

    for party in (0, 1):
        rpc.mediation.record_consent(mediation_id, party, True, actor="调解员额尔敦")
    rpc.mediation.assign_mediator(mediation_id, "med-etkqq-01", actor="调解员额尔敦")
    rpc.mediation.reach_agreement(mediation_id, FACTS, DISPUTES, TERMS, SIGNATURES, actor="调解员额尔敦")
    agreed = rpc.mediation.apply_for_confirmation(mediation_id, [0, 1], actor="调解员额尔敦")
    assert agreed["status"] == "agreed" and agreed["confirmation"]["confirmed"] is None

    decided_at = datetime.now(BEIJING).replace(microsecond=0).isoformat()
    decision = cloud_event("judicial_confirmation.decided", "JC-2026-1", COURT, mediation_id=mediation_id,
                           confirmed=True, decided_at=decided_at)
    publish_event(infra, "court.events", decision)
    publish_event(infra, "court.events", decision)  # delivered twice: recorded once
    unknown = cloud_event("judicial_confirmation.decided", "JC-2026-2", COURT, mediation_id=str(uuid.uuid4()),
                          confirmed=True, decided_at=decided_at)
    publish_event(infra, "court.events", unknown)

    kept = infra.wait_until(lambda: rpc.mediation.dead_letters()["items"], timeout=30)
    assert [(k["routing_key"], k["reason"]) for k in kept] == [("judicial_confirmation.decided", "refused")]
    assert "no mediation" in kept[0]["errors"]["data.mediation_id"][0]
    confirmed = rpc.mediation.get_mediation(mediation_id)
    assert confirmed["confirmation"]["confirmed"] is True
    assert (confirmed["confirmation"]["court_ref"], confirmed["confirmation"]["decided_at"]) == (
        "JC-2026-1", decided_at)
    history = confirmed["history"]
    assert [e["type"] for e in history].count("confirmation_decided") == 1
    assert next(e for e in history if e["type"] == "confirmation_decided")["actor"] == "system"
    assert next(e for e in history if e["type"] == "agreed")["actor"] == "调解员额尔敦"
    published = [e["type"] for e in rpc.mediation.notifications(0, 1000)]
    assert published.count("mediation.confirmation_decided") == 1


def test_diverted_petitions_and_requested_mediations_open_one_each_through_the_followers(
        infra, start, rpc, assignment_of):
    start(IntakeService, DispatchService, MediationService)
    diverted, accepted = str(uuid.uuid4()), str(uuid.uuid4())
    rpc.intake.register(diverted, petition(501))
    rpc.intake.register(accepted, petition(502))
    rpc.intake.decide_acceptance(diverted, "diverted", "属民间纠纷，引导人民调解", route="mediation", actor="登记员某")
    rpc.intake.decide_acceptance(accepted, "accepted", "属本机关受理范围", actor="登记员某")

    from_petition = mediation_id_for("petition", diverted)
    mediation = infra.wait_until(lambda: found(rpc, from_petition), timeout=30)
    assert (mediation["source"], mediation["petition_id"], mediation["layer"], mediation["parties"]) == (
        "petition", diverted, "people", [])

    assignment_id = str(assignment_id_for(uuid.UUID(accepted)))

    unit = assignment_of(assignment_id)["unit"]
    rpc.dispatch.sign(assignment_id, unit, actor="承办人某")
    rpc.dispatch.request_mediation(assignment_id, "administrative", "土地权属争议，先行政调处", actor="承办人某")
    from_assignment = mediation_id_for("petition", accepted)
    mediation = infra.wait_until(lambda: found(rpc, from_assignment), timeout=30)
    assert (mediation["source"], mediation["petition_id"], mediation["layer"]) == (
        "assignment", accepted, "administrative")

    # Once mediation has followed both logs to their newest event: one mediation each, no more.
    newest = {source: getattr(rpc, source).notifications(0, 1000)[-1]["position"] for source in ("intake", "dispatch")}

    def tracking():
        health = requests.get(f"http://127.0.0.1:{infra.ports['mediation']}/health", timeout=5).json()
        return all(health["tracking"][source] >= position for source, position in newest.items())

    infra.wait_until(tracking, timeout=30)
    assert sorted(opened(rpc)) == sorted([str(from_petition), str(from_assignment)])
    # Intake follows mediation back: the diverted petition shows it is being mediated.
    infra.wait_until(lambda: rpc.intake.get_petition(diverted)["status"] == "in_mediation", timeout=30)
