"""A bounded context inside its nameko service: its application, relay and followers as one
DependencyProvider, the RPC client that fetches a source's notifications, and the health checks
(`Health`: can the service reach its database and the broker, are its followers caught up)."""
from __future__ import annotations

import logging
import time

import eventlet
import psycopg
from greenlet import GreenletExit
from kombu import Connection
from nameko.extensions import DependencyProvider
from nameko.standalone.rpc import ClusterRpcProxy

from shared import heartbeats, rpc_replies
from shared.feed import NotificationFeed
from shared.follower import Follower
from shared.heartbeats import heartbeat
from shared.persistence import application_env, ensure_schema
from shared.relay import Relay
from shared.settings import Settings

log = logging.getLogger(__name__)

rpc_replies.install()  # every service with a context: a lost RPC reply must not stop it (decision 0020)
heartbeats.install()  # a link found dead by its heartbeats is dropped, not closed politely (forever)


class RemoteSource:
    """Fetches a source service's notifications over RPC (gap filling, catch-up, rebuild)."""

    def __init__(self, config: dict, source: str, timeout: float = 10):
        self.config, self.source, self.timeout = config, source, timeout
        self._proxy = None
        self._rpc = None

    def __call__(self, after: int, limit: int) -> list[dict]:
        return self._call("notifications", after, limit)

    def newest(self) -> int:
        """The source's newest position (the follower asks it only while catching up, for its lag)."""
        return self._call("newest_position")

    def _call(self, method: str, *args):
        try:
            if self._rpc is None:  # used only under the follower's lock: one green thread at a time
                self._proxy = ClusterRpcProxy(self.config, timeout=self.timeout)
                self._rpc = self._proxy.start()
            return getattr(getattr(self._rpc, self.source), method)(*args)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._proxy is not None:
            try:
                self._proxy.stop()
            except Exception:  # already broken
                pass
        self._proxy = self._rpc = None


class Context(DependencyProvider):
    """One bounded context inside its nameko service.

    `build(env, settings)` returns the context's processor: an eventsourcing Application (or, for
    reporting, a read model) that can also process other services' events. `translate` makes it a
    source of events (a feed and a relay); `follows` names the services whose events it processes.
    """

    def __init__(self, schema: str, build, translate=None, follows: tuple[str, ...] = ()):
        self.schema, self.build, self.translate, self.follows = schema, build, translate, follows
        self.settings: Settings | None = None
        self.app = None
        self.feed: NotificationFeed | None = None
        self.relay: Relay | None = None
        self.followers: dict[str, Follower] = {}
        self.database_ok = True  # as the last health check found it

    def setup(self):
        self.settings = Settings()
        ensure_schema(self.schema, self.settings)
        self.app = self.build(application_env(self.schema, self.settings), self.settings)
        if self.translate:
            self.feed = NotificationFeed(self.schema, self.app, self.translate)
            self.relay = Relay(self.feed, self.container.config["AMQP_URI"],
                               self.settings.postgres_conninfo(), self.schema,
                               poll_interval=self.settings.relay_poll_interval,
                               heartbeat=heartbeat(self.container.config))
            self.app.on_recorded.append(self.relay.wake.set)  # publish what was just stored, now
        for source in self.follows:
            self.followers[source] = Follower(self.container.service_name, source, self.app,
                                              RemoteSource(self.container.config, source),
                                              batch_size=self.settings.follower_batch)

    def start(self):
        if self.relay:
            self.container.spawn_managed_thread(self.relay.run)
        if self.followers:
            self.container.spawn_managed_thread(self._catch_up_at_start)

    def _catch_up_at_start(self):
        # The sources may still be starting: keep trying until each answers once.
        pending = set(self.followers)
        while pending:
            for source in sorted(pending):
                try:
                    self.followers[source].catch_up()
                    pending.discard(source)
                except Exception as exc:
                    log.info("catch-up from %s not possible yet: %s", source, exc)
            if pending:
                eventlet.sleep(1)
        try:
            self._caught_up()
        except Exception as exc:
            log.warning("caught up, not yet marked so: %s", exc)

    def _caught_up(self) -> None:
        caught_up = getattr(self.app, "caught_up", None)
        if caught_up:
            caught_up()

    def stop(self):
        if self.relay:
            self.relay.stop()
        for follower in self.followers.values():
            follower.fetch.close()
        close = getattr(self.app, "close", None)
        if close:
            close()

    def get_dependency(self, worker_ctx):
        return self

    # -- what the service methods call ------------------------------------------------------
    def receive(self, source: str, envelope: dict) -> None:
        try:
            self.followers[source].receive(envelope)
        except Exception as exc:  # acknowledged anyway: the next catch-up fetches it from the log
            log.warning("%s event #%s will be retried by catch-up: %s",
                        source, envelope.get("position"), exc)

    def catch_up(self) -> dict:
        done = {}
        for source, follower in self.followers.items():
            try:
                done[source] = follower.catch_up()
            except Exception as exc:
                log.info("catch-up from %s failed: %s", source, exc)
        return done

    def rebuild(self, reset) -> dict:
        """Runs `reset` (emptying what the followers built) while no event is being processed, then
        reprocesses every source from its first event in the background, one green thread per
        source, and answers at once; `rebuilding` tells how far it got."""
        followers = list(self.followers.values())
        for follower in followers:
            follower.lock.acquire()
        try:
            reset()
            for follower in followers:
                follower.restart_from_zero()
        finally:
            for follower in followers:
                follower.lock.release()
        threads = [self.container.spawn_managed_thread(lambda s=source: self._catch_up_until_done(s))
                   for source in self.followers]
        self.container.spawn_managed_thread(lambda: self._finish_when_done(threads))
        return self.rebuilding()

    def _finish_when_done(self, threads) -> None:
        for thread in threads:
            thread.wait()
        try:
            self._caught_up()
        except Exception as exc:  # the next start's catch-up finishes it
            log.warning("rebuild caught up, not yet marked finished: %s", exc)

    def _catch_up_until_done(self, source: str) -> None:
        while True:
            try:
                self.followers[source].catch_up()
                return
            except Exception as exc:  # a source restarting: the tracked position is kept
                log.info("rebuild from %s interrupted, going on: %s", source, exc)
                eventlet.sleep(1)

    def rebuilding(self) -> dict:
        """Whether a rebuild is under way (since when) and each source's tracked position."""
        started = self.app.rebuild_started_at()
        return {"rebuilding": started is not None, "started_at": started.isoformat() if started else None,
                "tracked": {s: f.tracked for s, f in self.followers.items()}}

    def notifications(self, after: int, limit: int) -> list[dict]:
        return self.feed.read(int(after), min(int(limit), 1000))[0]

    def health(self) -> dict:
        status = {"service": self.container.service_name}
        if self.relay:
            status["relay_active"] = self.relay.positions.leading
        status["tracking"] = {s: self._tracking(f) for s, f in self.followers.items()}
        return status

    def _tracking(self, follower: Follower) -> int:
        """The tracked position; what was last read when the database is unreachable or slow (reading
        it would only wait: eventsourcing retries for tens of seconds)."""
        if not self.database_ok:
            return follower.known_position
        try:
            with eventlet.Timeout(self.settings.health_timeout, TimeoutError("tracking position")):
                return follower.tracked
        except Exception:
            return follower.known_position

    # -- health -----------------------------------------------------------------------------
    def _datastore(self):
        """The eventsourcing datastore (its connection pool) the context's processor uses, if any."""
        for holder in (getattr(self.app, "recorder", None), getattr(self.app, "readmodel", None), self.app):
            datastore = getattr(holder, "datastore", None)
            if datastore is not None and hasattr(datastore, "pool"):
                return datastore
        return None

    def check_database(self, timeout: float) -> None:
        """`SELECT 1` through the service's own pool (a connection of its own when it has none);
        raises when the database does not answer within `timeout`."""
        try:
            with eventlet.Timeout(timeout + 0.5, TimeoutError(f"no answer within {timeout}s")):
                datastore = self._datastore()
                if datastore is not None:
                    with datastore.pool.connection(timeout=timeout) as conn:
                        conn.execute("SELECT 1")
                else:
                    with psycopg.connect(self.settings.postgres_conninfo(), autocommit=True,
                                         connect_timeout=max(1, round(timeout))) as conn:
                        conn.execute("SELECT 1")
            self.database_ok = True
        except BaseException:
            self.database_ok = False
            raise

    def follower_lags(self) -> dict[str, int | None]:
        """Each source's lag as its follower last knew it (None: not caught up once yet)."""
        return {source: follower.current_lag for source, follower in self.followers.items()}


def check_broker(amqp_uri: str, timeout: float) -> None:
    """Opens (and closes) a connection to the service's virtual host; raises when that fails or
    takes longer than `timeout`. kombu's own retries are off: one attempt."""
    with eventlet.Timeout(timeout + 0.5, TimeoutError(f"no answer within {timeout}s")):
        with Connection(amqp_uri, connect_timeout=timeout, heartbeat=0) as conn:
            conn.ensure_connection(max_retries=0)


def _timed(check, *args) -> dict:
    started = time.perf_counter()
    try:
        check(*args)
        result = {"ok": True}
    except BaseException as exc:  # eventlet.Timeout is a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GreenletExit)):
            raise
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000)
    return result


class Health(DependencyProvider):
    """What /health, /health/live and /health/ready answer (shared.endpoints.Observable).

    `check(ready=False)`: the database (when the service has one) and the broker, each checked with
    a short timeout (XINFANG_HEALTH_TIMEOUT), at the same time. `check(ready=True)` also requires
    every follower to have caught up once and to be fewer than XINFANG_READY_MAX_LAG events behind.
    Returns the checks and the names of those failing."""

    def setup(self):
        self.settings = Settings()

    def get_dependency(self, worker_ctx):
        return self

    @property
    def contexts(self) -> list[Context]:
        """Every context of the service (reporting has two: the statistics and the bulletins)."""
        return sorted((d for d in self.container.dependencies if isinstance(d, Context)),
                      key=lambda c: c.attr_name)

    def check(self, ready: bool) -> tuple[dict, list[str]]:
        timeout = self.settings.health_timeout
        contexts = [c for c in self.contexts if c.app is not None]
        threads = {"broker": eventlet.spawn(_timed, check_broker, self.container.config["AMQP_URI"], timeout)}
        if contexts:
            threads["database"] = eventlet.spawn(_timed, _check_databases, contexts, timeout)
        checks = {name: thread.wait() for name, thread in threads.items()}
        followers = [c for c in contexts if c.followers]
        if ready and followers:
            lags = {source: lag for c in followers for source, lag in c.follower_lags().items()}
            limit = self.settings.ready_max_lag
            behind = sorted(s for s, lag in lags.items() if lag is None or lag >= limit)
            checks["followers"] = {"ok": not behind, "lag": lags, "max_lag": limit}
            if behind:
                checks["followers"]["behind"] = behind
        failing = sorted(name for name, result in checks.items() if not result["ok"])
        return checks, failing


def _check_databases(contexts: list[Context], timeout: float) -> None:
    """Each context's own pool, at the same time; the first failure is the answer."""
    threads = [eventlet.spawn(context.check_database, timeout) for context in contexts]
    errors = []
    for thread in threads:
        try:
            thread.wait()
        except Exception as exc:
            errors.append(exc)
    if errors:
        raise errors[0]
