"""A TCP proxy that can black-hole a link: a small "toxiproxy" of our own.

RELIABILITY.md scenario 3 wants a link that loses every packet without a reset. Where iptables is
not available (this machine, CI) a proxy between the services and the broker stands in for it:

- normally it forwards bytes both ways, and passes on a close from either side;
- `black_hole()`: every byte read from either side of every connection is swallowed, and a close
  from either side is not passed on (no FIN, no RST reaches the other end); new connections are
  accepted but nothing is forwarded on them (they are not even connected to the broker) — as with
  packets dropped, a client learns of the hole only from missing heartbeats or its own timeouts;
- `heal()`: the connections that lived during the hole are closed (their byte streams have a gap:
  after a real black hole the broker, which closed them for missed heartbeats, answers with a
  reset); new connections are forwarded again.

Swallowing (rather than not reading) keeps the senders' socket buffers from filling, as a real
black hole would only after a while; heartbeats are what the scenario is about, not buffer sizes.
One thread per connection: a few dozen connections, and simple to reason about.
"""
from __future__ import annotations

import logging
import select
import socket
import threading

log = logging.getLogger(__name__)


class _Link:
    """One client connection and, unless it was accepted during a hole, its broker connection."""

    def __init__(self, client: socket.socket, upstream: socket.socket | None, holed: bool):
        self.client, self.upstream = client, upstream
        self.holed = holed  # lived during a hole: forwards nothing, closed at heal
        self.closed = False
        self.pumping = True  # its thread still selects on the sockets
        self.lock = threading.Lock()

    def peer(self, sock: socket.socket) -> socket.socket | None:
        return self.upstream if sock is self.client else self.client

    def close(self) -> None:
        """From another thread (heal, stop): shut the sockets down, which wakes the link's own thread
        out of select() and lets it close them. Closing them here, under a select() of another green
        thread, left its listener on the file descriptor; the number, reused at once by the next
        socket the tests opened, then failed with eventlet's "second simultaneous read" (seen in CI)."""
        with self.lock:
            self.closed = True
            pumping = self.pumping
        for sock in self.sockets():
            try:  # the client sees EOF
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if not pumping:
            self.close_sockets()

    def pumped(self) -> bool:
        """Called by the link's thread as it ends; True when it is to close the sockets itself (not
        while a hole keeps the link for heal to close)."""
        with self.lock:
            self.pumping = False
            return not (self.holed and not self.closed)

    def close_sockets(self) -> None:
        for sock in self.sockets():
            sock.close()

    def sockets(self) -> list[socket.socket]:
        return [sock for sock in (self.client, self.upstream) if sock is not None]


class BlackHoleProxy:
    """Listens on 127.0.0.1:`port` (a free one by default) and forwards to `upstream_port`."""

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1", port: int = 0):
        self.upstream = (upstream_host, upstream_port)
        self.listener = socket.create_server(("127.0.0.1", port))
        self.port = self.listener.getsockname()[1]
        self._lock = threading.Lock()
        self._links: set[_Link] = set()
        self._holed = False
        self._stopped = threading.Event()
        self.accepted_in_hole = 0  # for the scenario's record: clients that tried to reconnect meanwhile

    def start(self) -> BlackHoleProxy:
        threading.Thread(target=self._accept, name=f"proxy:{self.port}", daemon=True).start()
        return self

    def uri(self, amqp_uri: str) -> str:
        """`amqp_uri` with the broker's port replaced by the proxy's."""
        return amqp_uri.replace(f":{self.upstream[1]}/", f":{self.port}/", 1)

    def black_hole(self) -> None:
        with self._lock:
            self._holed = True
            for link in self._links:
                link.holed = True
        log.info("proxy %s: black hole (%d connections)", self.port, len(self._links))

    def heal(self) -> int:
        """Forwards again; returns how many connections of the hole were closed."""
        with self._lock:
            self._holed = False
            broken = [link for link in self._links if link.holed]
            self._links.difference_update(broken)
        for link in broken:
            link.close()
        log.info("proxy %s: healed, %d connections closed", self.port, len(broken))
        return len(broken)

    def connections(self) -> int:
        with self._lock:
            return len(self._links)

    def stop(self) -> None:
        self._stopped.set()
        self.listener.close()
        with self._lock:
            links, self._links = list(self._links), set()
        for link in links:
            link.close()

    # -- threads --------------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:  # the listener closed by stop()
                return
            with self._lock:
                holed = self._holed
            upstream = None
            if not holed:
                try:
                    upstream = socket.create_connection(self.upstream, timeout=5)
                    upstream.settimeout(None)
                except OSError:  # broker away (its own restart scenario): refuse as it would
                    client.close()
                    continue
            else:
                self.accepted_in_hole += 1
            link = _Link(client, upstream, holed)
            with self._lock:
                if self._holed and not link.holed:  # the hole began while connecting
                    link.holed = True
                self._links.add(link)
            threading.Thread(target=self._pump, args=(link,), daemon=True).start()

    def _pump(self, link: _Link) -> None:
        reading = [s for s in (link.client, link.upstream) if s is not None]
        try:
            while reading and not link.closed:
                ready, _, _ = select.select(reading, [], [], 0.5)
                for sock in ready:
                    try:
                        data = sock.recv(65536)
                    except OSError:
                        if not link.holed or link.closed:
                            raise
                        data = b""  # a reset during the hole is swallowed like a close
                    if link.holed:  # swallowed; a close is not passed on either
                        if not data:
                            reading.remove(sock)
                        continue
                    if not data:  # a close in normal times goes through: close both ends
                        raise EOFError
                    link.peer(sock).sendall(data)
        except (OSError, ValueError, EOFError):  # shut down by heal()/stop() or closed by either end
            pass
        if not link.pumped():
            return  # both ends closed during the hole: nothing left to read, closed only at heal
        with self._lock:
            self._links.discard(link)
        for sock in link.sockets():
            try:  # a close in normal times reaches the other end too
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        link.close_sockets()
