"""Loopback HTTP of the local tooling: readiness probes, and the base of its threaded servers."""

from __future__ import annotations

import urllib.request
from http.server import ThreadingHTTPServer

#: Connections a local server's socket queues before it accepts them. socketserver's default of 5 drops the SYNs of
#: a burst (200 chats calling the model, or posting, at once) and the callers' connect timeouts fire (2 s in
#: shared.aws) as if AWS were down; AWS endpoints accept them.
LISTEN_BACKLOG = 1024


class LoopbackServer(ThreadingHTTPServer):
    """A thread per connection, daemon threads, and a listen backlog that holds a burst of connects."""

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG


def http_ok(url: str, timeout: float = 1.0) -> bool:
    """True when GET `url` answers 2xx within `timeout` seconds; refused, timed out or any other status is False."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
            return bool(200 <= response.status < 300)
    except OSError:
        return False
