"""The follower: one source's events, processed in notification order, each exactly once.

The broker makes delivery fast; the source's notification log makes it complete. A duplicate is
skipped, a gap (a position beyond the next expected) is filled by fetching from the source, and a
periodic catch-up fetches whatever the broker lost. The processor records the tracking position in
the same transaction as its effects, so a crash anywhere only repeats work that then conflicts.
An event that keeps failing is parked (recorded with its reason, tracked) so the stream moves on.

Its lag (source events not yet processed) is kept from what it already knows, without asking
anyone: the newest position the broker pushed or a fetch returned; while a catch-up is still behind
after a full batch, the source's newest position is asked once (`fetch.newest`, when the fetch has
it). `current_lag` is what /health/ready reads; the gauge `xinfang_follower_lag_events` follows it.
Each event is processed with its envelope's correlation id set (shared.logs), for logs and events.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from typing import Protocol
from collections.abc import Callable

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError, RecordConflictError

from shared import metrics
from shared.envelope import correlation_id
from shared.fault_injection import with_faults
from shared.logs import correlated

log = logging.getLogger(__name__)

# Failures of the infrastructure, not of the event: never counted towards parking.
TRANSIENT = (OperationalError, InterfaceError, psycopg.OperationalError, ConnectionError, TimeoutError)

Fetch = Callable[[int, int], list]  # (after position, limit) -> envelopes from the source


class Processor(Protocol):
    def tracked_position(self, source: str) -> int: ...

    def process(self, source: str, envelope: dict) -> bool:
        """Apply the event and record (source, position) atomically, or return False having written
        nothing when the event changes nothing here. Raise RecordConflictError when the tracking
        position or an aggregate version was taken meanwhile."""

    def record_position(self, source: str, position: int) -> None:
        """Record a tracking position alone (events up to it changed nothing)."""

    def park(self, source: str, envelope: dict, reason: str) -> None:
        """Record the event as undeliverable, with its tracking position, atomically."""


class Follower:
    def __init__(self, service: str, source: str, processor: Processor, fetch: Fetch,
                 max_attempts: int = 3, batch_size: int = 200):
        self.service, self.source = service, source
        self.processor = with_faults(service, source, processor)  # the processor itself unless a test injects
        self.fetch = fetch
        self.max_attempts = max_attempts
        self.batch_size = batch_size
        self.lock = threading.RLock()
        self._stored: int | None = None  # the processor's tracking position, as last read
        self._reached = 0  # processed or found to change nothing, in order; never moves back
        self._attempts: Counter = Counter()
        self._missed = False  # an event came while the lock was held: fetch before letting go
        self._newest = 0  # the newest published position known at the source
        self._catching_up_to: int | None = None  # the source's newest, asked during a long catch-up
        self.current_lag: int | None = None  # None until first known (after a catch-up or an event)

    def _count(self, outcome: str) -> None:
        metrics.CONSUMED.labels(self.service, self.source, outcome).inc()

    @property
    def tracked(self) -> int:
        if self._stored is None:
            self._stored = self.processor.tracked_position(self.source)
        return max(self._stored, self._reached)

    @property
    def known_position(self) -> int:
        """The tracked position as last read or reached, without reading the store (health checks)."""
        return max(self._stored or 0, self._reached)

    def forget_position(self) -> None:
        """Read the stored position again (another replica may have moved it)."""
        self._stored = None

    def restart_from_zero(self) -> None:
        """After the processor's store was emptied for a rebuild."""
        self._stored, self._reached = None, 0

    def receive(self, envelope: dict) -> None:
        """An event pushed by the broker."""
        # Never wait for the lock: a waiting handler holds one of the service's workers, and once
        # every worker waits so, a source that follows this service back finds none free to serve
        # the `notifications` RPC that the lock's holder is waiting for (seen: two services stalled
        # until the RPC timed out). The holder fetches whatever arrived meanwhile before letting go.
        self._newest = max(self._newest, envelope["position"])
        if not self.lock.acquire(blocking=False):
            self._missed = True
            self._count("deferred")
            return
        try:
            position = envelope["position"]
            previous = envelope.get("previous", position - 1)
            if position <= self.tracked:
                self._count("duplicate")
            elif previous <= self.tracked:  # nothing published lies between: it is the next one
                self._handle(envelope)
            else:
                self._count("gap")
                self._missed = True
            while self._missed:
                self._missed = False
                self.catch_up()
            self._update_lag()
        finally:
            self.lock.release()

    def catch_up(self) -> int:
        """Fetch and process everything after the tracked position; returns how many processed."""
        done = 0
        with self.lock:
            self.forget_position()
            try:
                while True:
                    batch = self.fetch(self.tracked, self.batch_size)
                    if batch:
                        self._newest = max(self._newest, batch[-1]["position"])
                    fresh = [envelope for envelope in batch if envelope["position"] > self.tracked]
                    if len(fresh) > 1 and hasattr(self.processor, "process_batch"):
                        self._handle_batch(fresh)
                    else:
                        for envelope in fresh:
                            self._handle(envelope)
                    done += len(fresh)
                    if len(batch) < self.batch_size:
                        break
                    if self._catching_up_to is None:  # still behind after a full batch: by how much
                        self._catching_up_to = self._source_newest()
                    self._update_lag()
            finally:
                self._catching_up_to = None
            self._store_reached_position()
            self._update_lag()
        return done

    def _source_newest(self) -> int:
        newest = getattr(self.fetch, "newest", None)
        if newest is None:
            return 0
        try:
            return int(newest())
        except Exception as exc:  # only the lag estimate suffers
            log.info("%s: newest position of %s unknown: %s", self.service, self.source, exc)
            return 0

    def _update_lag(self) -> int:
        newest = max(self._newest, self._catching_up_to or 0)
        return self._set_lag(max(0, newest - self.known_position))

    def _set_lag(self, lag: int) -> int:
        self.current_lag = lag
        metrics.FOLLOWER_LAG.labels(self.service, self.source).set(lag)
        return lag

    def lag(self, newest: int) -> int:
        """The lag behind a newest position learnt elsewhere (e.g. the source's `newest_position` RPC)."""
        return self._set_lag(max(0, newest - self.tracked))

    def _store_reached_position(self) -> None:
        # Events that changed nothing were not written one by one; their position is, now and then.
        self._stored = self.processor.tracked_position(self.source)
        if self._reached > self._stored:
            try:
                self.processor.record_position(self.source, self._reached)
                self._stored = self._reached
            except RecordConflictError:
                self.forget_position()  # another replica got further

    def _handle(self, envelope: dict) -> None:
        with correlated(correlation_id(envelope)):  # its logs, and the events it causes, carry it
            self._handle_correlated(envelope)

    def _handle_correlated(self, envelope: dict) -> None:
        position = envelope["position"]
        for _ in range(5):  # a version conflict with a concurrent command: reload and try again
            try:
                wrote = self.processor.process(self.source, envelope)
                self._advanced(position, "processed" if wrote else "ignored", stored=wrote)
                return
            except RecordConflictError:
                self.forget_position()
                if self.tracked >= position:
                    self._count("duplicate")
                    return
            except Exception as exc:
                self._failed(envelope, exc)
                return
        self._failed(envelope, RuntimeError("kept conflicting with concurrent commands"))

    def _handle_batch(self, envelopes: list[dict]) -> None:
        """Many events in one transaction (catching up, rebuilding); should any of them fail, each
        is tried on its own, so that only the failing one is retried or parked."""
        try:
            wrote = self.processor.process_batch(self.source, envelopes)
        except TRANSIENT:
            metrics.HANDLER_FAILURES.labels(self.service, self.source).inc()
            raise
        except Exception as exc:
            if not isinstance(exc, RecordConflictError):
                log.info("%s: a batch from %s failed (%s); one event at a time", self.service, self.source, exc)
            self.forget_position()
            for envelope in envelopes:
                if envelope["position"] > self.tracked:
                    self._handle(envelope)
            return
        outcome = "processed" if wrote else "ignored"
        for _ in envelopes[:-1]:
            self._count(outcome)
        self._advanced(envelopes[-1]["position"], outcome, stored=wrote)

    def _advanced(self, position: int, outcome: str, stored: bool) -> None:
        self._reached = position
        if stored:
            self._stored = position
        self._attempts.pop(position, None)
        self._count(outcome)

    def _failed(self, envelope: dict, exc: Exception) -> None:
        position = envelope["position"]
        if isinstance(exc, TRANSIENT):
            metrics.HANDLER_FAILURES.labels(self.service, self.source).inc()
            raise exc
        self._attempts[position] += 1
        metrics.HANDLER_FAILURES.labels(self.service, self.source).inc()
        log.warning("%s: %s #%s from %s failed (attempt %s): %s: %s", self.service, envelope["type"],
                    position, self.source, self._attempts[position], type(exc).__name__, exc)
        if self._attempts[position] < self.max_attempts:
            raise exc  # leave it untracked; the next delivery or catch-up tries again
        self.processor.park(self.source, envelope, f"{type(exc).__name__}: {exc}")
        metrics.PARKED.labels(self.service, self.source).inc()
        self._advanced(position, "parked", stored=True)
