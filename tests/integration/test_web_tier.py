"""The scaled-out web tier's parts on loopback: the round-robin proxy (HTTP and WebSocket, a dead backend skipped)
and the token manager that lets a tab keep its Reflex token when its backend is killed, on a real redis-server."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosedError
from websockets.sync.client import connect
from websockets.sync.server import ServerConnection, serve

from devtools.webtier import RedisServer, RoundRobinProxy

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


class _Named(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = self.server.name.encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _http_backend(name: str) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Named)
    server.name = name  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode())


def test_proxy_sends_each_new_connection_to_the_next_backend_and_skips_one_that_is_down() -> None:
    # Given two HTTP backends behind the proxy
    first, second = _http_backend("first"), _http_backend("second")
    proxy = RoundRobinProxy([first.server_address[1], second.server_address[1]])
    url = proxy.start()
    try:
        # When four requests arrive, each on a new connection
        answers = [_get(f"{url}/ping") for _ in range(4)]
        # Then they alternate between the backends, with no stickiness
        assert answers == ["first", "second", "first", "second"]
        # When the first backend goes down
        first.shutdown()
        first.server_close()
        # Then every new connection reaches the second
        assert [_get(f"{url}/ping") for _ in range(3)] == ["second"] * 3
        # And the proxy recorded where each went and what it asked for
        forwarded = proxy.connections()
        assert [f.backend for f in forwarded[:4]] == [0, 1, 0, 1]
        assert all(f.first_line == "GET /ping HTTP/1.1" for f in forwarded)
    finally:
        proxy.stop()
        second.shutdown()


def test_proxy_carries_a_websocket_and_closes_it_when_its_backend_dies() -> None:
    def echo(ws: ServerConnection) -> None:
        for message in ws:
            if message == "die":
                ws.socket.shutdown(socket.SHUT_RDWR)  # the backend's end vanishes: no close frame, as on SIGKILL
                return
            ws.send(message)

    with serve(echo, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        proxy = RoundRobinProxy([server.socket.getsockname()[1]])
        url = proxy.start().replace("http://", "ws://")
        try:
            # Given a WebSocket through the proxy, When a message goes out, Then its echo comes back
            with connect(f"{url}/_event/?token=t") as ws:
                ws.send("hello")
                assert ws.recv(timeout=5) == "hello"
                # When the backend's connection dies, Then the client's is closed too (it reconnects elsewhere)
                ws.send("die")
                with pytest.raises(ConnectionClosedError):
                    ws.recv(timeout=5)
            assert proxy.connections()[0].first_line.startswith("GET /_event/?token=t ")
        finally:
            proxy.stop()
            server.shutdown()


@pytest.mark.parametrize(("redis_url", "mode"), [("", "memory"), ("redis://127.0.0.1:6379/0", "redis")])
def test_tab_state_stays_in_memory_unless_a_redis_url_is_given(redis_url: str, mode: str) -> None:
    # Given the web client's environment with or without REFLEX_REDIS_URL
    env = {k: v for k, v in os.environ.items() if k != "REFLEX_REDIS_URL"}
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'webclient'}"
    if redis_url:
        env["REFLEX_REDIS_URL"] = redis_url
    # When Reflex loads webclient/rxconfig.py
    loaded = subprocess.run(
        [sys.executable, "-c", "from reflex.config import get_config; print(get_config().state_manager_mode.value)"],
        cwd=ROOT / "webclient",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    # Then the tabs' state (Cognito tokens included) is in memory by default, in Redis only when asked; never on disk
    assert loaded.stdout.split()[-1] == mode


# -- the token manager on a real Redis ---------------------------------------------------------
@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = RedisServer(Path(tmp_path_factory.mktemp("redis")))
    yield server.start()
    server.stop()


#: Another backend: links a token to a socket through the failover token manager, says so, then waits to be killed.
OTHER_BACKEND = textwrap.dedent(
    """
    import asyncio, sys
    import redis.asyncio
    from motivator_web.failover import FailoverTokenManager

    async def main():
        manager = FailoverTokenManager(redis.asyncio.Redis.from_url(sys.argv[1]))
        assert await manager.link_token_to_sid("tab-1", "sid-on-a") is None
        print("linked", manager.instance_id, flush=True)
        await asyncio.sleep(600)

    asyncio.run(main())
    """
)


def _other_backend(redis_url: str) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'webclient'}"}
    process = subprocess.Popen(
        [sys.executable, "-c", OTHER_BACKEND, redis_url],
        cwd=ROOT / "webclient",
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().split()
    assert line[:1] == ["linked"], line
    return process, line[1]


async def test_a_tab_keeps_its_token_when_its_backend_was_killed_but_not_when_it_lives(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redis.asyncio

    monkeypatch.chdir(ROOT / "webclient")
    from motivator_web.failover import FailoverTokenManager

    # Given backend A holding the socket of tab-1
    backend_a, a_id = _other_backend(redis_url)
    here = FailoverTokenManager(redis.asyncio.Redis.from_url(redis_url))
    try:
        # When the same token connects here while A lives (a duplicated tab), Then it gets a new token, as in Reflex
        assert await here.instance_alive(a_id)
        renamed = await here.link_token_to_sid("tab-1", "sid-dup")
        assert renamed is not None and renamed != "tab-1"

        # When A is killed outright (no shutdown: its socket record stays in Redis)
        os.killpg(backend_a.pid, signal.SIGKILL)
        backend_a.wait()
        for _ in range(50):
            if not await here.instance_alive(a_id):
                break
            await asyncio.sleep(0.02)
        # And the tab reconnects here
        kept = await here.link_token_to_sid("tab-1", "sid-on-b")
        # Then it keeps its token (and so its state), and its socket record now names this backend
        assert kept is None
        assert here.token_to_socket["tab-1"].instance_id == here.instance_id
        assert await here._get_token_owner("tab-1", refresh=True) == here.instance_id
    finally:
        if backend_a.poll() is None:
            os.killpg(backend_a.pid, signal.SIGKILL)
        await here.close()
