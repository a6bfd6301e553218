"""Relay and follower on the real broker and database: each event is processed exactly once,
when the broker delivers it twice, when the relay re-publishes after a crash, and when one never
arrives (the follower fills the gap from the source's log)."""
import uuid

import pytest
from eventsourcing.postgres import PostgresFactory
from eventsourcing.utils import Environment
from kombu import Connection, Exchange, Queue
from nameko.standalone.rpc import ClusterRpcProxy

from intake.application import IntakeApplication
from intake.published import translate
from reporting.readmodel import StatisticsReadModel
from services.intake import IntakeService
from shared import metrics
from shared.feed import NotificationFeed
from shared.follower import Follower
from shared.context import RemoteSource
from shared.relay import Relay, Unroutable
from tests.integration.conftest import app_env, drain
from tests.support import petition


def register(app, count, offset=0):
    for n in range(offset, offset + count):
        body = petition(n)
        app.register(uuid.uuid4(), **{**body, "received_at": None})


@pytest.fixture
def readmodel(infra):
    factory = PostgresFactory(Environment("reporting", {**app_env(infra, "reporting"), "CIPHER_TOPIC": ""}))
    yield factory.tracking_recorder(StatisticsReadModel)
    factory.close()


def counted(infra):
    return infra.sql("SELECT count(*) FROM reporting.stats_petitions")[0][0]


def consumed(outcome):
    return metrics.CONSUMED.labels("reporting", "intake", outcome)._value.get()


def test_relay_publishes_each_event_once_and_again_only_after_a_crash(infra, readmodel):
    app = IntakeApplication(app_env(infra, "intake"), pseudonym_key=b"k")
    relay = Relay(NotificationFeed("intake", app, translate), infra.amqp_uri,
                  infra.settings.postgres_conninfo(), "intake")
    queue = Queue("audit", Exchange("intake.events", "topic", durable=True), routing_key="#")
    with Connection(infra.amqp_uri) as conn:
        queue(conn.channel()).declare()
    register(app, 3)
    assert relay.positions.try_lead()

    # Published with confirms, in order, once; a second pass finds nothing new. Each registration
    # stores four events, of which only the petition's is published (the repeat index and the query
    # code's index are internal).
    assert relay.publish_pending() == 3
    assert relay.publish_pending() == 0
    first = drain(infra.amqp_uri, queue)
    assert [(e["previous"], e["position"]) for e in first] == [(0, 1), (1, 5), (5, 9)]
    assert all("13800000" not in str(e) and "测试某某" not in str(e) for e in first)

    # A relay that crashed after the broker's confirm but before saving its position publishes again.
    relay.positions.save(0)
    assert relay.publish_pending() == 3
    again = drain(infra.amqp_uri, queue)
    assert again == first

    # The follower sees every event twice and applies each once.
    follower = Follower("reporting", "intake", readmodel, fetch=lambda after, limit: [])
    duplicates_before = consumed("duplicate")
    for envelope in first + again:
        follower.receive(envelope)
    assert counted(infra) == 3
    assert consumed("duplicate") - duplicates_before == 3
    assert readmodel.tracked_position("intake") == 9
    relay.positions.close()
    app.close()


def test_an_unroutable_event_holds_the_relay_back(infra):
    app = IntakeApplication(app_env(infra, "intake"), pseudonym_key=b"k")
    relay = Relay(NotificationFeed("intake", app, translate), infra.amqp_uri,
                  infra.settings.postgres_conninfo(), "intake")
    register(app, 1)
    assert relay.positions.try_lead()
    unroutable_before = metrics.UNROUTABLE.labels("intake")._value.get()
    with pytest.raises(Unroutable):
        relay.publish_pending()  # no queue is bound to intake.events
    assert relay.positions.position() == 0
    assert metrics.UNROUTABLE.labels("intake")._value.get() == unroutable_before + 1
    relay.positions.close()
    app.close()


def test_a_second_relay_waits_while_the_first_leads(infra):
    app = IntakeApplication(app_env(infra, "intake"), pseudonym_key=b"k")
    feed = NotificationFeed("intake", app, translate)
    leader = Relay(feed, infra.amqp_uri, infra.settings.postgres_conninfo(), "intake")
    standby = Relay(feed, infra.amqp_uri, infra.settings.postgres_conninfo(), "intake")
    assert leader.positions.try_lead() and not standby.positions.try_lead()
    leader.positions.close()  # the leader dies: its session, and with it the lock, is gone
    # The server releases a closed session's locks a moment later; a standby keeps trying.
    infra.wait_until(standby.positions.try_lead, timeout=5)
    standby.positions.close()
    app.close()


def test_a_missing_event_is_fetched_from_the_running_source(infra, readmodel, container_factory):
    container = container_factory(IntakeService, infra.config)
    container.start()
    with ClusterRpcProxy(infra.config) as rpc:
        for n in range(5):
            rpc.intake.register(str(uuid.uuid4()), petition(100 + n))
        envelopes = rpc.intake.notifications(0, 100)
    follower = Follower("reporting", "intake", readmodel, RemoteSource(infra.config, "intake"))
    gaps_before = consumed("gap")

    # Only the newest event reaches the follower; everything before it comes over RPC, in order.
    follower.receive(envelopes[-1])
    assert consumed("gap") == gaps_before + 1
    assert counted(infra) == 5
    assert readmodel.tracked_position("intake") == envelopes[-1]["position"]

    # The broker then delivers the first one late: it changes nothing.
    follower.receive(envelopes[0])
    assert counted(infra) == 5
    follower.fetch.close()
