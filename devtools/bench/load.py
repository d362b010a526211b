"""Scale on one 2-core machine: many chats streaming at once, and many idle authenticated connections held.

Concurrent chats run through the bench's host gateway (a worker per chat). Each chat is its own user, so no two
share a rate-limit bucket. A chat's delivered token rate is its message tokens over the time from its first delta to
its last at the client; the model's rate is the same tokens over the time from the first to the last reaching the
handler. Idle connections go to the stack's own gateway, the process `motivator dev` runs, whose memory growth
per connection is read from /proc (its handlers run in-process, so this is what the emulator holds per
connection).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection

from devtools.bench.client import MESSAGE_200, Answer, ask, median, open_ws, pct
from devtools.bench.pace import Streamed, match
from devtools.bench.rig import Rig

#: Chats start this far apart (200 chats begin within one second, then all stream together).
START_SPACING_S = 0.005
CONNECT_CONCURRENCY = 50


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


async def _connect_all(url: str, tokens: list[str]) -> list[ClientConnection]:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(token: str) -> ClientConnection:
        async with gate:
            return await open_ws(url, token)

    return list(await asyncio.gather(*(one(t) for t in tokens)))


async def _close_all(connections: list[ClientConnection]) -> None:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY * 4)

    async def one(ws: ClientConnection) -> None:
        async with gate:
            with contextlib.suppress(Exception):
                await ws.close()

    await asyncio.gather(*(one(ws) for ws in connections))


@dataclass
class ChatsResult:
    chats: int
    tokens_per_s: float
    answers: list[Answer] = field(default_factory=list)
    streams: list[Streamed] = field(default_factory=list)
    failures: int = 0
    wall_s: float = 0.0
    trace: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        incomplete = sum(1 for a in self.answers if a.done is None or a.done.get("stopReason") != "end_turn")
        return self.failures + incomplete + sum(len(a.errors) for a in self.answers)

    def first_delta_ms(self, q: float) -> float:
        return pct([ms for a in self.answers if (ms := a.first_delta_ms) is not None], q)

    def rate_ratios(self) -> list[float]:
        """Per chat: tokens delivered per second at the client over tokens reaching the handler per second."""
        out = []
        for s in self.streams:
            deltas = s.answer.deltas
            client_s = deltas[-1][0] - deltas[0][0]
            model_s = s.last_token_at - s.first_body_token_at
            if client_s > 0 and model_s > 0:
                out.append(model_s / client_s)
        return out

    @property
    def delivered_rate_ratio(self) -> float:
        return median(self.rate_ratios())

    def before_model_ms(self, q: float) -> float:
        """Send to the model call: admission (claim, rate limit, session) under this load."""
        return pct([(s.call["start"] - s.answer.sent) * 1000 for s in self.streams], q)

    def model_first_word_ms(self, q: float) -> float:
        """The model call to its first message word reaching the handler (the model's own time, under load)."""
        return pct([(s.first_body_token_at - s.call["start"]) * 1000 for s in self.streams], q)

    def first_post_ms(self, q: float, *, wait: bool) -> float:
        """The first delta's post: from the model's first word to the post beginning (`wait`), or the post itself."""
        posts = {c["label"]: c for c in self.trace["calls"] if c["op"] == "PostToConnection"}
        spans = []
        for s in self.streams:
            acks = s.answer.of("ack")
            post = posts.get(f"delta:1:{acks[0][1]['messageId']}") if acks else None
            if post is not None:
                spans.append((post["start"] - s.first_body_token_at) if wait else (post["end"] - post["start"]))
        return pct([span * 1000 for span in spans], q)

    @property
    def model_rate(self) -> float:
        """The model's own pace as the handlers saw it (the local model slows down under load too)."""
        rates = [(s.body_tokens - 1) / (s.last_token_at - s.first_body_token_at) for s in self.streams]
        return median([r for r in rates if r > 0])


async def concurrent_chats(rig: Rig, tokens: list[str], tokens_per_s: float) -> ChatsResult:
    """One 200-token answer per user, all streaming at once through the host gateway."""
    rig.pace(tokens_per_s)
    connections = await _connect_all(rig.host_ws_url, tokens)
    rig.trace()  # forget the connects
    result = ChatsResult(len(tokens), tokens_per_s)

    async def chat(i: int, ws: ClientConnection) -> Answer | None:
        await asyncio.sleep(i * START_SPACING_S)
        try:
            # A message of its own, so its model call is told from the other chats' (pace.match).
            return await ask(ws, f"Chat {i}. {MESSAGE_200}", timeout=120)
        except Exception:
            result.failures += 1
            return None

    started = time.monotonic()
    answers = await asyncio.gather(*(chat(i, ws) for i, ws in enumerate(connections)))
    result.wall_s = time.monotonic() - started
    await _close_all(connections)
    trace = rig.trace()
    result.trace = trace
    result.answers = [a for a in answers if a is not None]
    result.streams = [s for a in result.answers if a.deltas and (s := match(a, trace)) is not None]
    return result


@dataclass
class IdleResult:
    connections: int
    rss_before_kib: int
    rss_after_kib: int
    open_s: float

    @property
    def kib_per_connection(self) -> float:
        return (self.rss_after_kib - self.rss_before_kib) / self.connections if self.connections else 0.0


async def idle_connections(url: str, token: str, count: int, gateway_pid: int) -> IdleResult:
    """Open `count` authenticated connections to the gateway, hold them, and read its memory growth."""
    warm = await open_ws(url, token)  # imports, JWKS and the first connection's allocations are not per connection
    await asyncio.sleep(0.5)
    gc.collect()
    before = rss_kib(gateway_pid)
    started = time.monotonic()
    connections = await _connect_all(url, [token] * count)
    open_s = time.monotonic() - started
    await asyncio.sleep(2.0)  # let the connect handlers' last allocations settle
    after = rss_kib(gateway_pid)
    await _close_all([warm, *connections])
    return IdleResult(len(connections), before, after, open_s)


def summary(result: ChatsResult) -> dict[str, Any]:
    return {
        "chats": result.chats,
        "errors": result.errors,
        "first_delta_p50_ms": round(result.first_delta_ms(0.5), 1),
        "first_delta_p99_ms": round(result.first_delta_ms(0.99), 1),
        "before_model_p50_ms": round(result.before_model_ms(0.5), 1),
        "before_model_p99_ms": round(result.before_model_ms(0.99), 1),
        "model_first_word_p99_ms": round(result.model_first_word_ms(0.99), 1),
        "first_word_to_post_p50_ms": round(result.first_post_ms(0.5, wait=True), 1),
        "first_word_to_post_p99_ms": round(result.first_post_ms(0.99, wait=True), 1),
        "post_p50_ms": round(result.first_post_ms(0.5, wait=False), 1),
        "post_p99_ms": round(result.first_post_ms(0.99, wait=False), 1),
        "delivered_rate_ratio": round(result.delivered_rate_ratio, 4),
        "model_tokens_per_s": round(result.model_rate, 1),
        "wall_s": round(result.wall_s, 1),
    }
