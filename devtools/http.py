"""Loopback HTTP of the local tooling: readiness probes, and the base of its threaded servers."""

from __future__ import annotations

import queue
import threading
import urllib.request
from http.server import ThreadingHTTPServer
from typing import Any

#: Connections a local server's socket queues before it accepts them. socketserver's default of 5 drops the SYNs of
#: a burst (200 chats calling the model, or posting, at once) and the callers' connect timeouts fire (2 s in
#: shared.aws) as if AWS were down; AWS endpoints accept them.
LISTEN_BACKLOG = 1024


class LoopbackServer(ThreadingHTTPServer):
    """A thread per connection, daemon threads, and a listen backlog that holds a burst of connects.

    `spare_threads` threads are started with the server and serve connections as they come, one each at a time; a
    connection arriving while all are busy gets a thread of its own, as in ThreadingHTTPServer. In a process whose
    GIL is contended (the gateway running 200 handlers), starting a thread waits for the GIL, and the one thread
    accepting connections started them one by one: 200 callers connecting at once waited seconds for their first
    request to be read.
    """

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG
    spare_threads = 0

    def server_activate(self) -> None:
        super().server_activate()
        self._handoff: queue.SimpleQueue[tuple[Any, Any] | None] = queue.SimpleQueue()
        self._idle_spares = threading.Semaphore(self.spare_threads)
        for n in range(self.spare_threads):
            threading.Thread(target=self._serve_handed_off, name=f"{type(self).__name__}-{n}", daemon=True).start()

    def process_request(self, request: Any, client_address: Any) -> None:
        if self._idle_spares.acquire(blocking=False):
            self._handoff.put((request, client_address))
        else:
            super().process_request(request, client_address)

    def _serve_handed_off(self) -> None:
        while (handed := self._handoff.get()) is not None:
            try:
                self.process_request_thread(*handed)
            finally:
                self._idle_spares.release()

    def server_close(self) -> None:
        for _ in range(self.spare_threads):
            self._handoff.put(None)  # an idle spare ends; a busy one ends after its connection
        super().server_close()


def http_ok(url: str, timeout: float = 1.0) -> bool:
    """True when GET `url` answers 2xx within `timeout` seconds; refused, timed out or any other status is False."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
            return bool(200 <= response.status < 300)
    except OSError:
        return False
