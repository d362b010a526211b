"""The local servers under a burst: connects queue instead of timing out, and invocations never wait for a thread."""

from __future__ import annotations

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
