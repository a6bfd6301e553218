"""AMQP heartbeats of the broker connections our own code opens (relay, inbound consumers,
dead-letter publisher), so that each notices a dead link — also one that drops every packet without
a reset (RELIABILITY.md scenario 3), where no read or write ever fails and only missing heartbeats
tell.

nameko's own consumers take `HEARTBEAT` from the config (deploy/config.yaml, `AMQP_HEARTBEAT`,
nameko's default 60 s). Ours check every second or so from their own loops, so a short heartbeat
costs them nothing: 10 s (a dead link found within 20–30 s), or the configured one when shorter
(the fault suite's black-hole scenario sets a few seconds).
"""
from __future__ import annotations

import amqp
from amqp.exceptions import ConnectionForced

OWN_HEARTBEAT = 10  # seconds


def heartbeat(config: dict) -> int:
    return max(1, min(OWN_HEARTBEAT, int(config.get("HEARTBEAT") or OWN_HEARTBEAT)))


def keep_alive(connection) -> None:
    """Reads what the broker sent (its heartbeats count only once read: py-amqp looks at the frames
    received) and sends ours when due; raises ConnectionForced once the broker has been silent for
    two heartbeats. For a connection nobody reads otherwise, e.g. a publisher between publishes."""
    try:
        connection.drain_events(timeout=0.01)  # not 0: a non-blocking read raises EAGAIN, not a timeout
    except TimeoutError:  # socket.timeout: nothing arrived
        pass
    connection.heartbeat_check()


# -- a dead link is dropped, not closed politely ------------------------------------------------
# py-amqp raises ConnectionForced when heartbeats are missed, but leaves the socket open: the
# caller's cleanup (kombu's consumer cancel, Connection.close) then sends its Close and waits for a
# Close-Ok without a timeout. On a link that drops every packet that answer never comes, and the
# wait lasts until TCP gives up (some 15 minutes): every nameko consumer of the service hung there,
# noticed but never reconnecting (seen in tests/faults/test_black_hole.py, released only when the
# proxy closed the sockets). Dropping the socket first makes the cleanup fail at once, and the
# consumers reconnect as after any lost connection.
_original_tick = amqp.Connection.heartbeat_tick


def _heartbeat_tick(self, rate=2):
    try:
        return _original_tick(self, rate)
    except ConnectionForced:
        self.collect()  # closes the socket and forgets the channels: no Close handshake on a dead link
        raise


def install() -> None:
    """For every py-amqp connection of the process (nameko's and ours); shared.context calls it."""
    if amqp.Connection.heartbeat_tick is not _heartbeat_tick:
        amqp.Connection.heartbeat_tick = _heartbeat_tick
