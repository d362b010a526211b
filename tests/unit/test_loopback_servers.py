"""The local servers under a burst: connects queue instead of timing out, and invocations never wait for a thread."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler

from devtools.gateway.invoke import InProcessInvoker
from devtools.http import LoopbackServer

BURST = 300


def test_a_burst_of_connects_is_queued_while_the_server_is_busy() -> None:
    # Given a local server that is not accepting for the moment (its one thread busy elsewhere)
    server = LoopbackServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    sockets: list[socket.socket] = []
    try:
        # When 300 callers connect at once, each with a short connect timeout
        refused = 0
        for _ in range(BURST):
            s = socket.socket()
            s.settimeout(0.5)
            try:
                s.connect(server.server_address)
                sockets.append(s)
            except OSError:
                refused += 1
                s.close()
        # Then every connect completes (the kernel holds them until the server accepts), none times out
        assert refused == 0
    finally:
        for s in sockets:
            s.close()
        server.server_close()


def test_every_worker_is_running_before_the_first_invocation() -> None:
    # Given the in-process invoker, loaded with no functions
    invoker = InProcessInvoker(max_workers=32)
    before = threading.active_count()
    try:
        invoker.load({})
        # Then its 32 workers are already running, so an invocation in the event loop never waits for a thread
        assert threading.active_count() - before == 32
        # And a burst of 32 calls runs at once on them, without starting another thread
        started = time.monotonic()
        gate = threading.Barrier(32, timeout=5)
        futures = [invoker._executor.submit(gate.wait) for _ in range(32)]
        assert all(f.result(timeout=5) is not None for f in futures)
        assert threading.active_count() - before == 32
        assert time.monotonic() - started < 5
    finally:
        invoker.close()


class _Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        return None


class _Spared(LoopbackServer):
    spare_threads = 8


def test_connections_are_served_by_threads_started_with_the_server() -> None:
    # Given a local server started with 8 spare threads
    server = _Spared(("127.0.0.1", 0), _Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host, port = str(server.server_address[0]), int(server.server_address[1])
        before = set(threading.enumerate())
        # When 8 callers connect at once and each asks on its kept-alive connection
        connections = [http.client.HTTPConnection(host, port, timeout=5) for _ in range(8)]
        answers = []
        for c in connections:
            c.request("GET", "/")
            answers.append(c.getresponse().read())
        # Then every one is answered, and no thread was started for them
        assert answers == [b"ok"] * 8
        assert set(threading.enumerate()) - before == set()
        # And a ninth connection, with every spare busy, is still served (on a thread of its own)
        ninth = http.client.HTTPConnection(host, port, timeout=5)
        ninth.request("GET", "/")
        assert ninth.getresponse().read() == b"ok"
        for c in [*connections, ninth]:
            c.close()
    finally:
        server.shutdown()
        server.server_close()
