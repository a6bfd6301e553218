"""Each agency's system gets its own RabbitMQ user (services/broker_users.py), which may only publish to
its own exchange: the 12345 hotline's work orders are registered, but it cannot publish as the police
or the court, declare anything, nor read any queue (RELIABILITY.md scenario 14)."""
import json
from urllib.parse import quote

import amqp
import pytest
import requests
from amqp.exceptions import AccessRefused
from kombu import Connection

from intake.agency import petition_id_for
from services.broker_users import AGENCIES, create_agency_users, remove_agency_users
from tests.conftest import RABBIT_API

SOURCE = "urn:cn:12345:530381"
WHEN = "2026-11-20T09:30:00+08:00"


@pytest.fixture(scope="module")
def credentials(system):
    # System.provision makes them for every test system; made (and removed) here while it does not.
    made = getattr(system, "agency_credentials", None)
    yield made or create_agency_users(RABBIT_API, system.name)
    if not made:
        remove_agency_users(RABBIT_API, system.name)


def uri(system, login: dict) -> str:
    return f"pyamqp://{quote(login['user'], safe='')}:{quote(login['password'], safe='')}@127.0.0.1:5672/{system.name}"


def channel_of(system, login: dict) -> tuple[amqp.Connection, amqp.Channel]:
    connection = amqp.Connection("127.0.0.1:5672", userid=login["user"], password=login["password"],
                                 virtual_host=system.name, confirm_publish=True)
    connection.connect()
    return connection, connection.channel()


def work_order(number: str) -> bytes:
    return json.dumps({
        "specversion": "1.0", "id": number, "source": SOURCE, "type": "work_order.created", "time": WHEN,
        "datacontenttype": "application/json", "data": {
            "order_no": number, "received_at": WHEN, "region_code": "530381", "category": "劳动保障",
            "title": "欠薪", "content": "工地拖欠工资", "transfer_to_petition": True}}, ensure_ascii=False).encode()


def test_every_agency_has_a_user_that_may_only_write_its_own_exchange(credentials):
    assert set(credentials) == set(AGENCIES)
    for agency, login in credentials.items():
        granted = requests.get(f"{RABBIT_API}/users/{quote(login['user'], safe='')}/permissions", timeout=10).json()
        assert [(p["configure"], p["write"], p["read"]) for p in granted] == [("^$", f"^{agency}\\.events$", "^$")]
        # No tag: not even the management API lets it in.
        assert requests.get(RABBIT_API.replace("guest:guest", f"{login['user']}:{login['password']}") + "/overview",
                            timeout=10).status_code == 401


def test_the_hotlines_work_order_published_with_its_own_user_is_registered(system, credentials):
    # As the agency publishes: no declaration (it may not), publisher confirms, persistent.
    with Connection(uri(system, credentials["hotline12345"]), transport_options={"confirm_publish": True}) as conn:
        conn.Producer(auto_declare=False).publish(
            work_order("WO-ISO-1"), exchange="hotline12345.events", routing_key="work_order.created",
            serializer=None, content_type="application/cloudevents+json", content_encoding="binary",
            delivery_mode=2)
    clerk = system.session(role="clerk", user="clerk-iso")
    path = system.url(f"/api/petitions/{petition_id_for(SOURCE, 'WO-ISO-1')}")
    petition = system.wait_until(lambda: (a := clerk.get(path, timeout=30)).ok and a.json(), timeout=20)
    assert petition["channel"] == "hotline12345"


@pytest.mark.parametrize("exchange", ["police110.events", "court.events", "xinfang.dead-letters",
                                      "intake.events", "amq.topic", ""])
def test_the_hotline_cannot_publish_anywhere_else(system, credentials, exchange):
    connection, channel = channel_of(system, credentials["hotline12345"])
    try:
        with pytest.raises(AccessRefused):
            channel.basic_publish(amqp.Message(work_order("WO-ISO-2"), delivery_mode=2), exchange=exchange,
                                  routing_key="alert.received")
    finally:
        connection.collect()


def test_the_hotline_cannot_read_or_declare_or_bind(system, credentials):
    attempts = {
        "consume another's queue": lambda ch: ch.basic_consume("intake.inbound.police110.events", callback=print),
        "read its own exchange's queue": lambda ch: ch.basic_get("intake.inbound.hotline12345.events"),
        "declare a queue": lambda ch: ch.queue_declare("hotline-tap", auto_delete=True),
        "declare a server-named queue": lambda ch: ch.queue_declare("", exclusive=True),
        "declare an exchange": lambda ch: ch.exchange_declare("hotline12345.events", "topic", durable=True),
        "bind its exchange": lambda ch: ch.queue_bind("intake.inbound.hotline12345.events", "hotline12345.events",
                                                      "#"),
        "purge a queue": lambda ch: ch.queue_purge("intake.inbound.hotline12345.events"),
    }
    for what, attempt in attempts.items():
        connection, channel = channel_of(system, credentials["hotline12345"])
        try:
            with pytest.raises(AccessRefused):
                attempt(channel)
        except BaseException as failure:
            raise AssertionError(f"the hotline could {what}") from failure
        finally:
            connection.collect()
