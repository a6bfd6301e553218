"""The fault suite's proxy (tests/faults/proxy.py) against an echo server: forwards, swallows
everything without closing during a hole, closes the hole's connections at heal, forwards anew."""
import socket
import threading

import pytest

from tests.faults.proxy import BlackHoleProxy


@pytest.fixture
def echo():
    server = socket.create_server(("127.0.0.1", 0))

    def serve(conn):
        with conn:
            while data := conn.recv(4096):
                conn.sendall(data)

    def accept():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()


def roundtrip(sock, data=b"ping", timeout=2.0):
    sock.settimeout(timeout)
    sock.sendall(data)
    return sock.recv(4096)


def test_forwards_swallows_in_the_hole_and_closes_at_heal(echo):
    proxy = BlackHoleProxy(echo).start()
    try:
        before = socket.create_connection(("127.0.0.1", proxy.port))
        assert roundtrip(before) == b"ping"
        proxy.black_hole()
        with pytest.raises(TimeoutError):  # nothing back, and no close or reset either
            roundtrip(before, timeout=0.5)
        during = socket.create_connection(("127.0.0.1", proxy.port))  # accepted, then silence
        with pytest.raises(TimeoutError):
            roundtrip(during, timeout=0.5)
        assert proxy.accepted_in_hole == 1
        assert proxy.heal() == 2
        for sock in (before, during):  # their streams had a gap: closed
            sock.settimeout(2)
            assert sock.recv(4096) == b""
        after = socket.create_connection(("127.0.0.1", proxy.port))
        assert roundtrip(after, b"pong") == b"pong"
    finally:
        proxy.stop()


def test_uri_points_at_the_proxy():
    proxy = BlackHoleProxy(5999)
    try:
        assert proxy.uri("pyamqp://guest:guest@127.0.0.1:5999/black-hole") == \
            f"pyamqp://guest:guest@127.0.0.1:{proxy.port}/black-hole"
    finally:
        proxy.stop()
