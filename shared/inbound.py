"""Consuming other agencies' exchanges: raw bytes in, each message either processed once or
dead-lettered with its reason — never dropped, and the consumer never stops on bad input.

Queues are quorum queues with a delivery limit and a dead-letter exchange, so a message whose
processing keeps failing (not its content: a bug, a database that stays down) is also parked by
the broker after a bounded number of attempts rather than retried forever.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from collections.abc import Callable

from kombu import Connection, Exchange, Producer, Queue, binding
from nameko.extensions import DependencyProvider

from shared import metrics
from shared.errors import Rejected
from shared.heartbeats import heartbeat, keep_alive
from shared.privacy import mask_in_bytes

log = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = "xinfang.dead-letters"
DEAD_LETTER_QUEUE = "xinfang.dead-letters"
DELIVERY_LIMIT = 5


@dataclass(frozen=True)
class Delivery:
    exchange: str
    routing_key: str
    body: bytes
    content_type: str | None


def delivery_of(message) -> Delivery:
    """A raw py-amqp message as we keep it; header texts made storable whatever the sender put there."""
    info = message.delivery_info
    body = message.body
    if isinstance(body, str):  # decoded on the way in after all: back to the bytes it came as
        encoding = message.properties.get("content_encoding") or "utf-8"
        try:
            body = body.encode(encoding, "surrogateescape")
        except (LookupError, UnicodeError):
            body = body.encode("utf-8", "surrogatepass")
    body = bytes(body)
    content_type = message.properties.get("content_type")
    return Delivery(_storable(info.get("exchange", "")), _storable(info.get("routing_key", "")), body,
                    _storable(content_type) if content_type is not None else None)


def _storable(text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return str(text).encode("utf-8", "backslashreplace").decode("utf-8")[:255]


def ack(message) -> None:
    message.channel.basic_ack(message.delivery_tag)


def requeue(message) -> None:
    message.channel.basic_reject(message.delivery_tag, requeue=True)


def dead_letter_exchange() -> Exchange:
    return Exchange(DEAD_LETTER_EXCHANGE, type="fanout", durable=True)


def inbound_queue(consumer: str, exchange: str, routing_keys: tuple[str, ...]) -> Queue:
    source = Exchange(exchange, type="topic", durable=True)
    return Queue(f"{consumer}.inbound.{exchange}", bindings=[binding(source, routing_key=key) for key in routing_keys],
                 durable=True,
        queue_arguments={"x-queue-type": "quorum", "x-delivery-limit": DELIVERY_LIMIT,
                         "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
                         "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"})


class InboundConsumer(DependencyProvider):
    """`parse(exchange, routing_key, body, content_type)` returns (sender, event) or raises Rejected;
    the context's application then handles the event (`receive_inbound(sender, event)`) or keeps
    the refused message for operators (`record_dead_letter(...)`, see shared/dead_letters.py)."""

    def __init__(self, bindings: dict[str, tuple[str, ...]], parse: Callable,
                 context_attr: str = "context", prefetch: int = 50, gather_seconds: float = 0.005):
        self.bindings, self.parse = bindings, parse
        self.context_attr, self.prefetch, self.gather_seconds = context_attr, prefetch, gather_seconds
        self.stopped = threading.Event()

    def get_dependency(self, worker_ctx):
        return self

    def start(self):
        self.context = next(d for d in self.container.dependencies if d.attr_name == self.context_attr)
        self.queues = [inbound_queue(self.container.service_name, exchange, keys)
                       for exchange, keys in self.bindings.items()]
        self.container.spawn_managed_thread(self.run)

    def stop(self):
        self.stopped.set()

    def run(self) -> None:
        backoff = 0.5
        while not self.stopped.is_set():
            try:
                # Heartbeats (checked below each second): a link that drops every packet is noticed.
                with Connection(self.container.config["AMQP_URI"], heartbeat=heartbeat(self.container.config),
                                connect_timeout=5) as connection:
                    connection.connect()
                    backoff = 0.5  # connected: the next failure starts from a short wait again
                    self._consume(connection)
            except Exception as exc:  # the consumer must outlive broker restarts
                log.warning("inbound consumer: %s: %s; reconnecting", type(exc).__name__, exc, exc_info=True)
                self.stopped.wait(backoff)
                backoff = min(backoff * 2, 10)

    def _consume(self, connection: Connection) -> None:
        # Raw py-amqp messages, bodies as bytes: neither the sender's content_encoding nor its
        # compression header is applied to a body we have not validated (no decompression bombs).
        channel = connection.channel()
        channel.auto_decode = False
        channel.basic_qos(0, self.prefetch, False)
        dead_letters = dead_letter_exchange()
        dead_letters(channel).declare()
        Queue(DEAD_LETTER_QUEUE, exchange=dead_letters, durable=True)(channel).declare()
        arrived: list = []
        for queue in self.queues:
            queue(channel).declare()
            channel.basic_consume(queue=queue.name, callback=arrived.append, no_ack=False)
        self._dead_letters = DeadLetterPublisher(self.container.config["AMQP_URI"],
                                                 heartbeat(self.container.config))
        try:
            while not self.stopped.is_set():
                try:
                    connection.drain_events(timeout=1)
                except TimeoutError:
                    pass
                connection.heartbeat_check()  # under sustained load too, or the broker drops us
                self._dead_letters.heartbeat_check()
                if arrived:  # also what arrived while setting up, or during a timeout
                    self._gather(connection, arrived)
                    batch = arrived[:]
                    arrived.clear()
                    self._process(batch)
        finally:
            self._dead_letters.close()

    def _gather(self, connection: Connection, arrived: list) -> None:
        """Whatever else the broker has already sent (up to the prefetch), for one transaction."""
        deadline = time.monotonic() + self.gather_seconds
        while len(arrived) < self.prefetch:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                connection.drain_events(timeout=remaining)
            except TimeoutError:
                return

    def _process(self, batch: list) -> None:
        app = self.context.app
        accepted, refused = [], []
        for message in batch:
            try:
                delivery = delivery_of(message)
            except Exception as exc:  # one unreadable message must not cost the others a delivery
                self._retry_later(message, Delivery("?", "?", b"", None), exc)
                continue
            try:
                accepted.append((message, delivery, self.parse(delivery.exchange, delivery.routing_key,
                                                               delivery.body, delivery.content_type)))
            except Rejected as rejected:
                refused.append((message, delivery, rejected))
            except Exception as exc:
                self._retry_later(message, delivery, exc)
        if refused:
            self._keep_all(app, refused)
        if not accepted:
            return
        try:
            # Group commit: one transaction (and one table lock) for the whole batch.
            app.receive_inbound_batch([item for _, _, item in accepted])
        except Exception:
            # One of them is the trouble (recorded before, refused, a conflict): each on its own.
            # Every message has effect once, so what the batch may have done first is absorbed.
            for message, delivery, item in accepted:
                self._one(app, message, delivery, item)
            return
        for message, delivery, _ in accepted:
            metrics.INBOUND.labels(delivery.exchange, delivery.routing_key, "processed").inc()
            ack(message)

    def _one(self, app, message, delivery: Delivery, item: tuple) -> None:
        try:
            try:
                app.receive_inbound(*item)
                metrics.INBOUND.labels(delivery.exchange, delivery.routing_key, "processed").inc()
            except Rejected as rejected:
                self._keep(app, delivery, rejected)
        except Exception as exc:
            self._retry_later(message, delivery, exc)
            return
        ack(message)

    def _keep_all(self, app, refused: list) -> None:
        """The batch's refused messages: recorded in one transaction (group commit, as for the good
        ones), then each dead-lettered on the broker and acknowledged; one by one when the batch
        cannot be recorded whole (one of them was recorded before)."""
        try:
            app.record_dead_letters([(d.exchange, d.routing_key, d.content_type, d.body, r.reason, r.errors)
                                     for _, d, r in refused])
        except Exception:
            for message, delivery, rejected in refused:
                try:
                    self._keep(app, delivery, rejected)
                except Exception as exc:
                    self._retry_later(message, delivery, exc)
                    continue
                ack(message)
            return
        for message, delivery, rejected in refused:
            try:
                self._dead_letter(delivery, rejected)
            except Exception as exc:  # recorded already: the retry finds it recorded and sends it on
                self._retry_later(message, delivery, exc)
                continue
            metrics.INBOUND_DEAD_LETTERS.labels(delivery.exchange, rejected.reason).inc()
            ack(message)

    def _keep(self, app, delivery: Delivery, rejected: Rejected) -> None:
        # Recorded first (idempotent by content): a crash before the ack then costs at most a
        # second copy in the broker's queue, never a lost or doubled record.
        app.record_dead_letter(delivery.exchange, delivery.routing_key, delivery.content_type, delivery.body,
                               rejected.reason, rejected.errors)
        self._dead_letter(delivery, rejected)
        metrics.INBOUND_DEAD_LETTERS.labels(delivery.exchange, rejected.reason).inc()

    def _retry_later(self, message, delivery: Delivery, exc: Exception) -> None:
        # Not the message's fault (or not known to be): try again later; after the delivery limit
        # the broker dead-letters it (with x-death headers) instead of looping forever.
        log.warning("inbound %s/%s failed: %s: %s", delivery.exchange, delivery.routing_key,
                    type(exc).__name__, exc)
        metrics.INBOUND.labels(delivery.exchange, delivery.routing_key, "failed").inc()
        self.stopped.wait(1.0)
        requeue(message)

    def _dead_letter(self, delivery: Delivery, rejected: Rejected) -> None:
        self._dead_letters.publish(delivery, rejected)


class DeadLetterPublisher:
    """Publishes refused messages to the dead-letter exchange, each waiting for the broker's confirm,
    on a connection of its own (a publish waiting for its confirm on the consuming connection would
    also take deliveries meant for the consumer).

    The connection keeps heartbeats (`heartbeat_check()` from the consumer's loop): without them the
    broker closed it after some 30 s without a dead letter, and every later bad message failed to be
    dead-lettered until the broker parked it without its reason. Any failure closes it; the next
    publish opens a new one and tries once more, so a broker restart costs no dead letter."""

    def __init__(self, amqp_uri: str, heartbeat: int = 10, confirm_timeout: float = 10.0):
        self.amqp_uri, self.heartbeat, self.confirm_timeout = amqp_uri, heartbeat, confirm_timeout
        self._connection: Connection | None = None
        self._producer: Producer | None = None

    def publish(self, delivery: Delivery, rejected: Rejected) -> None:
        for attempt in (1, 2):
            try:
                # Masked: the queue is read by operators and outlives any erasure (decision 0023).
                self._ensure().publish(
                    mask_in_bytes(delivery.body), routing_key=delivery.routing_key, serializer=None,
                    content_type=delivery.content_type or "application/octet-stream", content_encoding="binary",
                    delivery_mode=2, headers={
                        "x-reason": rejected.reason, "x-errors": errors_header(rejected.errors),
                        "x-original-exchange": delivery.exchange, "x-original-routing-key": delivery.routing_key},
                    confirm_timeout=self.confirm_timeout)  # a black-holed link must not hang the consumer
                return
            except Exception as exc:
                self.close()
                if attempt == 2:
                    raise
                log.info("dead-letter publisher: %s: %s; reconnecting", type(exc).__name__, exc)

    def _ensure(self) -> Producer:
        if self._producer is None:
            connection = Connection(self.amqp_uri, heartbeat=self.heartbeat, connect_timeout=5,
                                    transport_options={"confirm_publish": True})
            connection.connect()
            self._connection = connection
            exchange = dead_letter_exchange()
            self._producer = Producer(connection.channel(), exchange=exchange)
            exchange(self._producer.channel).declare()
        return self._producer

    def heartbeat_check(self) -> None:
        if self._connection is None:
            return
        try:
            keep_alive(self._connection)  # reads the broker's heartbeats too, or they never count
        except Exception as exc:  # gone: the next dead letter opens a new connection
            log.info("dead-letter publisher: %s: %s; reopened when next needed", type(exc).__name__, exc)
            self.close()

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # already broken
                pass
        self._connection = self._producer = None


def errors_header(errors: dict, limit: int = 4000) -> str:
    """The field errors as JSON that fits a header; when too long, the fields that failed."""
    text = json.dumps(errors, ensure_ascii=False)
    if len(text) <= limit:
        return text
    fields = list(errors)
    while fields and len(json.dumps({"_truncated": True, "fields": fields}, ensure_ascii=False)) > limit:
        fields = fields[: len(fields) // 2]
    return json.dumps({"_truncated": True, "fields": fields}, ensure_ascii=False)
