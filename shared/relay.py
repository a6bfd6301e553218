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

import psycopg
from kombu import Connection, Exchange, Producer
from psycopg import sql

from shared import metrics
from shared.confirms import Confirms
from shared.feed import NotificationFeed
from shared.heartbeats import keep_alive

log = logging.getLogger(__name__)


class Unroutable(Exception):
    pass


def advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class PositionStore:
    """How far the relay has read its log and the last position it published, and its leadership
    lock, on one dedicated connection."""

    def __init__(self, conninfo: str, schema: str, exchange: str):
        self.conninfo, self.schema, self.exchange = conninfo, schema, exchange
        self.conn: psycopg.Connection | None = None
        self.table = sql.Identifier(schema, "relay_position")
        self.leading = False
        self._positions: tuple[int, int] | None = None  # known while leading: nobody else writes them

    def try_lead(self) -> bool:
        if self.conn is None or self.conn.closed:
            self.conn = psycopg.connect(self.conninfo, autocommit=True)
            self.conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (exchange text PRIMARY KEY, "
                                      "position bigint NOT NULL, published bigint NOT NULL)").format(self.table))
            # A table from before `published` existed: at worst followers see one false gap.
            self.conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS published bigint").format(self.table))
            self.conn.execute(sql.SQL("UPDATE {} SET published = position WHERE published IS NULL").format(self.table))
            self.leading = False
        if not self.leading:
            row = self.conn.execute("SELECT pg_try_advisory_lock(%s)",
                                    (advisory_key("relay:" + self.exchange),)).fetchone()
            self.leading = bool(row[0])
            self._positions = None
        return self.leading

    def positions(self) -> tuple[int, int]:
        """(read up to, last published)."""
        if self._positions is None:
            row = self.conn.execute(sql.SQL("SELECT position, published FROM {} WHERE exchange = %s")
                                    .format(self.table), (self.exchange,)).fetchone()
            self._positions = (row[0], row[1]) if row else (0, 0)
        return self._positions

    def position(self) -> int:
        return self.positions()[0]

    def save(self, position: int, published: int | None = None) -> None:
        published = position if published is None else published
        self.conn.execute(sql.SQL("INSERT INTO {} VALUES (%s, %s, %s) ON CONFLICT (exchange) DO UPDATE "
                                  "SET position = EXCLUDED.position, published = EXCLUDED.published")
                          .format(self.table), (self.exchange, position, published))
        self._positions = (position, published)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()  # closing the session releases the advisory lock
        self.conn = None
        self.leading = False
        self._positions = None


class Relay:
    def __init__(self, feed: NotificationFeed, amqp_uri: str, conninfo: str, schema: str,
                 batch_size: int = 200, poll_interval: float = 0.2, confirm_timeout: float = 10.0,
                 linger: float = 0.02, heartbeat: int = 10):
        self.feed = feed
        self.service = feed.service
        self.exchange = Exchange(f"{self.service}.events", type="topic", durable=True)
        self.amqp_uri = amqp_uri
        self.positions = PositionStore(conninfo, schema, self.exchange.name)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.confirm_timeout = confirm_timeout
        # After a wake-up, wait this long for more: a burst then costs one read and one confirm.
        self.linger = linger
        self.heartbeat = heartbeat
        self.wake = threading.Event()
        self.stopped = threading.Event()
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._confirms: Confirms | None = None

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
                    self._keep_alive()
                    woken = self.wake.wait(self.poll_interval)
                    self.wake.clear()
                    if woken:
                        self.stopped.wait(self.linger)
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
        position, published = self.positions.positions()
        envelopes, scanned = self.feed.read(position, self.batch_size, previous=published)
        if envelopes:
            producer, confirms = self._ensure_producer()
            confirms.expect([e["id"] for e in envelopes])
            for envelope in envelopes:
                producer.publish(envelope, routing_key=envelope["type"], mandatory=True, delivery_mode=2,
                                 serializer="json", message_id=envelope["id"],
                                 headers={"ce-source": envelope["source"], "ce-type": envelope["type"]})
            failed = confirms.wait(self._connection, self.confirm_timeout)
            delivered = [e for e in envelopes if e["id"] not in failed]
            if failed:
                # Everything before the first failure is safe; the rest goes again (absorbed as duplicates).
                first_failed = next(i for i, e in enumerate(envelopes) if e["id"] in failed)
                if first_failed:
                    last = envelopes[first_failed - 1]["position"]
                    self.positions.save(last, last)
                metrics.UNROUTABLE.labels(self.service).inc(len(failed))
                raise Unroutable(f"{len(failed)} of {len(envelopes)} events returned or refused: "
                                 f"{sorted(failed)[:5]}")
            for envelope in delivered:
                metrics.PUBLISHED.labels(self.service, envelope["type"]).inc()
            published = envelopes[-1]["position"]
        if scanned != position:
            self.positions.save(scanned, published)
        # A short read means nothing was left behind it; only a full one needs the log's end.
        lag = self.feed.newest_position() - scanned if len(envelopes) == self.batch_size else 0
        metrics.RELAY_LAG.labels(self.service).set(max(0, lag))
        return len(envelopes)

    def _ensure_producer(self) -> tuple[Producer, Confirms]:
        if self._producer is None:
            self._connection = Connection(self.amqp_uri, heartbeat=self.heartbeat, connect_timeout=5)
            channel = self._connection.channel()
            self._confirms = Confirms(channel)
            self._producer = Producer(channel, exchange=self.exchange, on_return=self._confirms.on_return)
            self.exchange(channel).declare()
        return self._producer, self._confirms

    def _keep_alive(self) -> None:
        """Heartbeats while idle. Without them the broker closed an idle relay's connection (the
        next publish then failed once), and a link dropping every packet went unnoticed until a
        confirm timed out. A dead connection is dropped; the next publish opens a new one."""
        if self._connection is None:
            return
        try:
            keep_alive(self._connection)
        except Exception as exc:
            log.info("relay %s: %s: %s; reconnecting at the next publish", self.service, type(exc).__name__, exc)
            self._disconnect()

    def _disconnect(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # already broken; nothing to release
                pass
        self._connection = self._producer = self._confirms = None
