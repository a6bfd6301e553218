"""The relay: follows its service's notification log and publishes each event to RabbitMQ.

Publisher confirms and `mandatory` make the broker say whether it took the message and routed it;
the position is recorded only after that, so a crash in between re-publishes (followers absorb
duplicates) and an unroutable event holds the relay back instead of vanishing. One replica is
active at a time: the one holding a PostgreSQL advisory lock; the others wait as standbys.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time

import psycopg
from kombu import Connection, Exchange, Producer
from psycopg import sql

from shared import metrics
from shared.feed import NotificationFeed

log = logging.getLogger(__name__)


class Unroutable(Exception):
    pass


def advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class PositionStore:
    """The relay's published position and its leadership lock, on one dedicated connection."""

    def __init__(self, conninfo: str, schema: str, exchange: str):
        self.conninfo, self.schema, self.exchange = conninfo, schema, exchange
        self.conn: psycopg.Connection | None = None
        self.table = sql.Identifier(schema, "relay_position")
        self.leading = False
        self._position: int | None = None  # known while leading: nobody else writes it then

    def try_lead(self) -> bool:
        if self.conn is None or self.conn.closed:
            self.conn = psycopg.connect(self.conninfo, autocommit=True)
            self.conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (exchange text PRIMARY KEY, "
                                      "position bigint NOT NULL)").format(self.table))
            self.leading = False
        if not self.leading:
            row = self.conn.execute("SELECT pg_try_advisory_lock(%s)",
                                    (advisory_key("relay:" + self.exchange),)).fetchone()
            self.leading = bool(row[0])
            self._position = None
        return self.leading

    def position(self) -> int:
        if self._position is None:
            row = self.conn.execute(sql.SQL("SELECT position FROM {} WHERE exchange = %s").format(self.table),
                                    (self.exchange,)).fetchone()
            self._position = row[0] if row else 0
        return self._position

    def save(self, position: int) -> None:
        self.conn.execute(sql.SQL("INSERT INTO {} VALUES (%s, %s) ON CONFLICT (exchange) "
                                  "DO UPDATE SET position = EXCLUDED.position").format(self.table),
                          (self.exchange, position))
        self._position = position

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()  # closing the session releases the advisory lock
        self.conn = None
        self.leading = False
        self._position = None


class Relay:
    def __init__(self, feed: NotificationFeed, amqp_uri: str, conninfo: str, schema: str,
                 batch_size: int = 200, poll_interval: float = 0.2):
        self.feed = feed
        self.service = feed.service
        self.exchange = Exchange(f"{self.service}.events", type="topic", durable=True)
        self.amqp_uri = amqp_uri
        self.positions = PositionStore(conninfo, schema, self.exchange.name)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.wake = threading.Event()
        self.stopped = threading.Event()
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._returned: list = []

    # -- loop -------------------------------------------------------------------------------
    def run(self) -> None:
        backoff = self.poll_interval
        while not self.stopped.is_set():
            try:
                if not self.positions.try_lead():
                    metrics.RELAY_ACTIVE.labels(self.service).set(0)
                    self.stopped.wait(2.0)
                    continue
                metrics.RELAY_ACTIVE.labels(self.service).set(1)
                if self.publish_pending() == 0:
                    self.wake.wait(self.poll_interval)
                    self.wake.clear()
                backoff = self.poll_interval
            except Exception as exc:  # the loop must outlive broker and database restarts
                log.warning("relay %s: %s: %s; retrying", self.service, type(exc).__name__, exc)
                self._disconnect()
                if not isinstance(exc, Unroutable):
                    self.positions.close()
                self.stopped.wait(backoff)
                backoff = min(backoff * 2, 5.0)
        self._disconnect()
        self.positions.close()
        metrics.RELAY_ACTIVE.labels(self.service).set(0)

    def stop(self) -> None:
        self.stopped.set()
        self.wake.set()

    # -- one pass ---------------------------------------------------------------------------
    def publish_pending(self) -> int:
        """Publishes what lies after the recorded position; returns how many were published."""
        position = self.positions.position()
        envelopes = self.feed.read(position, self.batch_size)
        published = 0
        try:
            for envelope in envelopes:
                self._publish(envelope)
                position = envelope["position"]
                published += 1
        finally:
            if published:
                self.positions.save(position)
        # A short batch means nothing was left behind it; only a full one needs the log's end.
        lag = self.feed.newest_position() - position if len(envelopes) == self.batch_size else 0
        metrics.RELAY_LAG.labels(self.service).set(max(0, lag))
        return published

    def _publish(self, envelope: dict) -> None:
        producer = self._ensure_producer()
        self._returned.clear()
        producer.publish(envelope, routing_key=envelope["type"], mandatory=True, delivery_mode=2,
                         serializer="json", message_id=envelope["id"],
                         headers={"ce-source": envelope["source"], "ce-type": envelope["type"]})
        # With confirms, a basic.return for this message arrives before its basic.ack.
        if self._returned:
            metrics.UNROUTABLE.labels(self.service).inc()
            raise Unroutable(f"{envelope['type']} #{envelope['position']}: no queue bound")
        metrics.PUBLISHED.labels(self.service, envelope["type"]).inc()

    def _ensure_producer(self) -> Producer:
        if self._producer is None:
            self._connection = Connection(self.amqp_uri, transport_options={"confirm_publish": True},
                                          heartbeat=10, connect_timeout=5)
            channel = self._connection.channel()
            self._producer = Producer(channel, exchange=self.exchange, on_return=self._on_return)
            self.exchange(channel).declare()
        return self._producer

    def _on_return(self, exception, exchange, routing_key, message) -> None:
        self._returned.append(routing_key)

    def _disconnect(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # already broken; nothing to release
                pass
        self._connection = self._producer = None
