"""A bounded context inside its nameko service: its application, relay and followers as one
DependencyProvider, and the RPC client that fetches a source's notifications."""
from __future__ import annotations

import logging

import eventlet
from nameko.extensions import DependencyProvider
from nameko.standalone.rpc import ClusterRpcProxy

from shared.feed import NotificationFeed
from shared.follower import Follower
from shared.persistence import application_env, ensure_schema
from shared.relay import Relay
from shared.settings import Settings

log = logging.getLogger(__name__)


class RemoteSource:
    """Fetches a source service's notifications over RPC (gap filling, catch-up, rebuild)."""

    def __init__(self, config: dict, source: str, timeout: float = 10):
        self.config, self.source, self.timeout = config, source, timeout
        self._proxy = None
        self._rpc = None

    def __call__(self, after: int, limit: int) -> list[dict]:
        try:
            if self._rpc is None:  # used only under the follower's lock: one green thread at a time
                self._proxy = ClusterRpcProxy(self.config, timeout=self.timeout)
                self._rpc = self._proxy.start()
            return getattr(self._rpc, self.source).notifications(after, limit)
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

    def setup(self):
        self.settings = Settings()
        ensure_schema(self.schema, self.settings)
        self.app = self.build(application_env(self.schema, self.settings), self.settings)
        if self.translate:
            self.feed = NotificationFeed(self.schema, self.app, self.translate)
            self.relay = Relay(self.feed, self.container.config["AMQP_URI"],
                               self.settings.postgres_conninfo(), self.schema,
                               poll_interval=self.settings.relay_poll_interval)
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
        status["tracking"] = {s: f.tracked for s, f in self.followers.items()}
        return status
