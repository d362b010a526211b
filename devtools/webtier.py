"""The web tier scaled out on loopback: a real Redis for Reflex state and a round-robin proxy in front of backends.

`RoundRobinProxy` stands in for the ALB without stickiness: each new TCP connection goes to the next backend, so
HTTP and the Reflex /_event WebSocket pass through byte for byte; a backend that refuses is skipped, and a
connection whose backend dies is closed (the browser reconnects, and lands on another backend). `RedisServer` runs
Debian's redis-server (installed by .ci/run) with nothing persisted. Run the proxy alone with
`python -m devtools.webtier --port 8000 --backend 8001 --backend 8002`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from devtools.stack import StackError, free_port, terminate

LOOPBACK = "127.0.0.1"
REDIS_SERVER = "redis-server"
#: How long a backend may take to accept a connection before the next one is tried.
CONNECT_TIMEOUT_S = 2.0
CHUNK = 64 * 1024


@dataclasses.dataclass
class Forwarded:
    """One client connection: the backend it went to, its first request line, when it opened and closed."""

    backend: int
    first_line: str
    opened_at: float
    closed_at: float | None = None


class RoundRobinProxy:
    """A TCP proxy on loopback, on a thread of its own; start() returns its URL."""

    def __init__(self, backends: list[int], *, port: int = 0) -> None:
        if not backends:
            raise ValueError("the proxy needs at least one backend port")
        self.backends = list(backends)
        self.port = port
        self.url = ""
        self._next = 0
        self._lock = threading.Lock()
        self._forwarded: list[Forwarded] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._open: set[asyncio.StreamWriter] = set()

    # -- public ------------------------------------------------------------------------------
    def start(self) -> str:
        self.port = self.port or free_port()
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="round-robin-proxy", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise StackError(f"the round-robin proxy did not listen on port {self.port}")
        self.url = f"http://{LOOPBACK}:{self.port}"
        return self.url

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._thread = self._loop = None

    def connections(self) -> list[Forwarded]:
        """Every connection so far, oldest first (copies: the proxy goes on updating its own)."""
        with self._lock:
            return [dataclasses.replace(f) for f in self._forwarded]

    # -- internals ---------------------------------------------------------------------------
    def _run(self, ready: threading.Event) -> None:
        asyncio.run(self._serve(ready))

    async def _serve(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        server = await asyncio.start_server(self._forward, LOOPBACK, self.port, reuse_address=True)
        ready.set()
        async with server:
            await self._stopping.wait()
            server.close()
            for writer in list(self._open):
                writer.close()  # every forwarding ends on its own, nothing left to cancel
            while self._open:
                await asyncio.sleep(0.01)

    def _order(self) -> list[int]:
        """Backend indexes to try for a new connection: the next in turn first, then the others."""
        with self._lock:
            first, self._next = self._next, (self._next + 1) % len(self.backends)
        return [(first + i) % len(self.backends) for i in range(len(self.backends))]

    async def _forward(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self._open.add(client_w)
        try:
            head = await client_r.read(CHUNK)
            if not head:
                return
            upstream = await self._connect()
            if upstream is None:
                client_w.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            index, (backend_r, backend_w) = upstream
            self._open.add(backend_w)
            record = Forwarded(index, head.split(b"\r\n", 1)[0].decode("latin-1"), time.time())
            with self._lock:
                self._forwarded.append(record)
            try:
                backend_w.write(head)
                pumps = [
                    asyncio.create_task(_pump(client_r, backend_w)),
                    asyncio.create_task(_pump(backend_r, client_w)),
                ]
                await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
                for pump in pumps:
                    pump.cancel()
                await asyncio.gather(*pumps, return_exceptions=True)
            finally:
                record.closed_at = time.time()
                backend_w.close()
                self._open.discard(backend_w)
        except (ConnectionError, OSError):
            pass
        finally:
            client_w.close()
            self._open.discard(client_w)

    async def _connect(self) -> tuple[int, tuple[asyncio.StreamReader, asyncio.StreamWriter]] | None:
        for index in self._order():
            try:
                pair = await asyncio.wait_for(
                    asyncio.open_connection(LOOPBACK, self.backends[index]), timeout=CONNECT_TIMEOUT_S
                )
            except (OSError, TimeoutError):
                continue  # down (refused) or stuck: the next one, as a load balancer's health check would
            return index, pair
        return None


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while chunk := await reader.read(CHUNK):
            writer.write(chunk)
            await writer.drain()


class RedisServer:
    """`redis-server` on a free loopback port, nothing saved to disk; start() returns its redis:// URL."""

    def __init__(self, work_dir: Path, *, port: int = 0) -> None:
        self.work_dir = work_dir
        self.port = port
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> str:
        binary = shutil.which(REDIS_SERVER)
        if binary is None:
            raise StackError(
                "redis-server is missing: install it with `apt-get install -y redis-server` (.ci/run does this)"
            )
        self.port = self.port or free_port()
        self.work_dir.mkdir(parents=True, exist_ok=True)
        args = [binary, "--bind", LOOPBACK, "--port", str(self.port), "--save", "", "--appendonly", "no"]
        args += ["--dir", str(self.work_dir), "--logfile", str(self.work_dir / "redis.log")]
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StackError(f"redis-server exited with code {self.process.returncode}; see {self.work_dir}")
            with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    self.url = f"redis://{LOOPBACK}:{self.port}/0"
                    return self.url
            time.sleep(0.1)
        self.stop()
        raise StackError(f"redis-server did not answer on port {self.port} within {timeout:.0f} s")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            terminate(process)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True, help="where the proxy listens on 127.0.0.1")
    parser.add_argument("--backend", type=int, action="append", required=True, help="a backend port (repeat)")
    args = parser.parse_args(argv)
    proxy = RoundRobinProxy(args.backend, port=args.port)
    sys.stdout.write(f"round-robin proxy on {proxy.start()} -> {', '.join(str(p) for p in args.backend)}\n")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        proxy.stop()


if __name__ == "__main__":
    main()
