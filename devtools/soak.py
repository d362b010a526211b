"""Soak run (`make soak`): N concurrent chats of M turns, cut at random and resumed or resent, then audited.

After a cut (a close, or the network going away; even before the ack) the client reconnects and resumes
(`resume` with `afterSeq`) or resends the same `clientMessageId`. History must hold what it assembled, Bedrock
must be called once per distinct message, and each stack process's memory (RSS) must stay flat.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from devtools.bench import MESSAGES
from devtools.bootstrap import create_user, generate_password, sign_in
from devtools.stack import LocalStack, Ports, StackOptions

#: Rate limits high enough that the soak measures disconnects and resumes, not the limiter.
GENEROUS_LIMITS = {
    "RATE_LIMIT_BURST": "1000",
    "RATE_LIMIT_PER_MINUTE": "100000",
    "DAILY_MESSAGE_ALLOWANCE": "100000000",
}
ATTEMPTS_PER_TURN = 12
_KIB = 1024


@dataclass
class SoakOptions:
    chats: int = 8
    turns: int = 20
    #: The chance that a turn's stream is cut; after each reconnect the chance of another cut is half that.
    disconnect_rate: float = 0.3
    #: After a cut, the share of turns that resume (when the ack was seen); the others resend.
    resume_share: float = 0.5
    seed: int = 1
    frame_timeout_s: float = 30.0
    #: The whole run gives up after this long (the chats still running count as lost).
    max_seconds: float = 900.0


@dataclass
class ClientTurn:
    """One message and the answer as this client assembled it from every stream it read."""

    client_message_id: str
    message: str
    message_id: str | None = None
    deltas: dict[int, str] = field(default_factory=dict)
    done: bool = False

    @property
    def text(self) -> str:
        return "".join(text for _, text in sorted(self.deltas.items()))

    @property
    def after_seq(self) -> int:
        """The last seq up to which every delta arrived: where a resume picks up."""
        seq = 0
        while seq + 1 in self.deltas:
            seq += 1
        return seq


@dataclass
class Counts:
    turns_sent: int = 0
    disconnects: int = 0
    resumes: int = 0
    resends: int = 0
    stalls: int = 0
    gateway_frames: int = 0
    errors: Counter[str] = field(default_factory=Counter)


@dataclass
class Memory:
    """RSS of one process in KiB: when the soak proper began (after a warm-up turn per chat), half-way, at the end,
    and at most. Flat memory: the second half grows no more than the first."""

    start: int = 0
    middle: int = 0
    end: int = 0
    peak: int = 0


@dataclass
class SoakReport:
    options: SoakOptions
    counts: Counts
    lost: list[str]
    model_calls: int
    distinct_messages: int
    extra_turns_stored: int
    memory: dict[str, Memory]
    seconds: float

    @property
    def duplicate_model_calls(self) -> int:
        return self.model_calls - self.distinct_messages

    @property
    def clean(self) -> bool:
        return not self.lost and self.duplicate_model_calls == 0 and self.extra_turns_stored == 0


class MemoryWatch:
    """Samples VmRSS of each process every `interval_s` on a thread; the kernel's VmHWM bounds the peak."""

    def __init__(self, pids: dict[str, int], interval_s: float = 0.25) -> None:
        self.pids = pids
        self.interval_s = interval_s
        self.figures = {name: Memory() for name in pids}
        self._since_start: dict[str, list[int]] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="soak-memory", daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for name, pid in self.pids.items():
            figures = self.figures[name]
            figures.end = _status_kib(pid, "VmRSS") or figures.end
            figures.peak = max(figures.peak, _status_kib(pid, "VmHWM"))
            samples = (self._since_start or {}).get(name) or [figures.end]
            figures.middle = samples[len(samples) // 2]

    def mark_start(self) -> None:
        for name, pid in self.pids.items():
            self.figures[name].start = _status_kib(pid, "VmRSS")
        self._since_start = {name: [] for name in self.pids}

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            for name, pid in self.pids.items():
                rss = _status_kib(pid, "VmRSS")
                self.figures[name].peak = max(self.figures[name].peak, rss)
                if self._since_start is not None:
                    self._since_start[name].append(rss)


def _status_kib(pid: int, key: str) -> int:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith(f"{key}:")), 0)


class Chat:
    """One user's conversation, cut and resumed at random."""

    def __init__(self, endpoints: dict[str, Any], token: str, options: SoakOptions, counts: Counts, seed: int) -> None:
        self.endpoints = endpoints
        self.token = token
        self.options = options
        self.counts = counts
        self.rng = random.Random(seed)
        self.session_id: str | None = None
        self.turns: list[ClientTurn] = []
        self.ws: ClientConnection | None = None

    async def open(self) -> ClientConnection:
        headers = {"Authorization": f"Bearer {self.token}"}
        self.ws = await connect(self.endpoints["ws_url"], additional_headers=headers, max_size=None, open_timeout=30)
        return self.ws

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def turn(self, cut_rate: float) -> ClientTurn:
        turn = ClientTurn(str(uuid.uuid4()), f"{self.rng.choice(MESSAGES)} ({len(self.turns) + 1})")
        self.turns.append(turn)
        self.counts.turns_sent += 1
        request = {"action": "sendMessage", "message": turn.message, "clientMessageId": turn.client_message_id}
        request |= {"sessionId": self.session_id} if self.session_id else {}
        await self._send(request)
        for _ in range(ATTEMPTS_PER_TURN):
            outcome = await self._read(turn, self._cut(cut_rate))
            if outcome == "done":
                return turn
            if outcome != "refused":
                await self.open()
            cut_rate /= 2
            await self._go_on(turn, request, resume=outcome != "refused")
        return turn

    def _cut(self, rate: float) -> int | None:
        """After how many frames to cut the stream (0: before the ack), or None."""
        return self.rng.randint(0, 8) if self.rng.random() < rate else None

    async def _read(self, turn: ClientTurn, cut_after: int | None) -> str:
        """Frames of this turn until done ("done"), a cut ("cut"), a silence or a close ("lost"), or an error."""
        assert self.ws is not None
        seen = 0
        while True:
            if cut_after is not None and seen >= cut_after:
                await self._drop()
                return "cut"
            try:
                frame = json.loads(await asyncio.wait_for(self.ws.recv(), self.options.frame_timeout_s))
            except TimeoutError:
                self.counts.stalls += 1
                return "lost"
            except ConnectionClosed:
                return "lost"
            seen += 1
            kind = frame.get("type")
            if kind == "ack":
                turn.message_id, self.session_id = frame["messageId"], frame["sessionId"]
            elif kind == "delta" and frame.get("messageId") == turn.message_id:
                turn.deltas[int(frame["seq"])] = frame["text"]
            elif kind == "done" and frame.get("messageId") == turn.message_id:
                turn.done = True
                return "done"
            elif kind == "error":
                self.counts.errors[str(frame.get("code"))] += 1
                await asyncio.sleep(float(frame.get("retryAfterMs") or 200) / 1000)
                return "refused"
            elif kind is None:
                self.counts.gateway_frames += 1  # API Gateway's own frame (its 29 s timeout): the stream goes on

    async def _drop(self) -> None:
        assert self.ws is not None
        self.counts.disconnects += 1
        if self.rng.random() < 0.5:
            self.ws.transport.abort()  # the network goes away: no close frame
        else:
            await self.ws.close()

    async def _go_on(self, turn: ClientTurn, request: dict[str, Any], *, resume: bool) -> None:
        if resume and turn.message_id and self.rng.random() < self.options.resume_share:
            self.counts.resumes += 1
            await self._send({"action": "resume", "messageId": turn.message_id, "afterSeq": turn.after_seq})
        else:
            self.counts.resends += 1
            await self._send(request)

    async def _send(self, frame: dict[str, Any]) -> None:
        try:
            await (self.ws or await self.open()).send(json.dumps(frame))
        except ConnectionClosed:  # closed by the other side meanwhile (idle timeout, a restart): once more
            await (await self.open()).send(json.dumps(frame))

    async def _next(self, kinds: set[str]) -> dict[str, Any]:
        assert self.ws is not None
        while True:
            frame: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), self.options.frame_timeout_s))
            if frame.get("type") in kinds:
                return frame

    async def history(self) -> list[dict[str, Any]]:
        """Every turn of this chat's conversation, as the `history` action pages it."""
        if self.session_id is None:
            return []
        await self.open()
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            request = {"action": "history", "sessionId": self.session_id, "limit": 50}
            await self._send(request | ({"cursor": cursor} if cursor else {}))
            page = await self._next({"history", "error"})
            items += page.get("items") or []
            cursor = page.get("cursor")
            if not cursor:
                await self.close()
                return items


def audit(chat: Chat, label: str, stored: list[dict[str, Any]]) -> tuple[list[str], int]:
    """Turns whose history differs from what the client assembled, and turns stored that the client never made."""
    by_id = {item.get("messageId"): item for item in stored}
    lost = []
    for number, turn in enumerate(chat.turns, start=1):
        item = by_id.get(turn.message_id)
        where = f"{label} turn {number} ({turn.message_id or 'never acked'})"
        if not turn.done or item is None:
            lost.append(f"{where}: {'not in history' if turn.done else 'no done after every retry'}")
        elif item.get("message") != turn.message:
            lost.append(f"{where}: history has message {item.get('message')!r}")
        elif item.get("answer") != turn.text or item.get("status") != "complete":
            lost.append(f"{where}: history {item.get('status')} answer differs from the {len(turn.text)} chars read")
    return lost, len(by_id) - len({t.message_id for t in chat.turns if t.message_id})


async def soak(endpoints: dict[str, Any], pids: dict[str, int], options: SoakOptions) -> SoakReport:
    """The soak against a running stack whose processes are `pids` (name -> pid)."""
    started = time.monotonic()
    tokens = await asyncio.gather(*(asyncio.to_thread(_new_user_token, endpoints) for _ in range(options.chats)))
    counts = Counts()
    chats = [Chat(endpoints, token, options, counts, options.seed * 1000 + i) for i, token in enumerate(tokens)]
    await asyncio.to_thread(_bedrock, endpoints, "/_stats/reset", {})
    lost: list[str] = []
    with MemoryWatch(pids) as memory:
        await asyncio.gather(*(chat.turn(0.0) for chat in chats))  # warm-up: imports, JWKS, pools
        memory.mark_start()

        async def converse(chat: Chat) -> None:
            for _ in range(options.turns - 1):
                await chat.turn(options.disconnect_rate)
            await chat.close()

        try:
            await asyncio.wait_for(asyncio.gather(*(converse(c) for c in chats)), options.max_seconds)
        except TimeoutError:
            lost.append(f"the soak did not finish within {options.max_seconds:.0f} s")
    extra = 0
    for number, chat in enumerate(chats, start=1):
        missing, stored_extra = audit(chat, f"chat {number}", await chat.history())
        lost += missing
        extra += stored_extra
    stats = await asyncio.to_thread(_bedrock, endpoints, "/_stats")
    return SoakReport(
        options, counts, lost, int(stats["calls"]), counts.turns_sent, extra, memory.figures, time.monotonic() - started
    )


def _new_user_token(e: dict[str, Any]) -> str:
    username, password = f"soak-{uuid.uuid4().hex[:10]}@motivator.local", generate_password()
    create_user(e["cognito_url"], e["region"], e["user_pool_id"], username, password)
    return str(
        sign_in(e["cognito_url"], e["region"], e["client_id"], username, password, e.get("client_secret", ""))[
            "AccessToken"
        ]
    )


def _bedrock(endpoints: dict[str, Any], path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    url = endpoints["bedrock_url"] + path
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")  # noqa: S310 - loopback only
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        raw = response.read()
    return json.loads(raw) if raw else None


def render(report: SoakReport) -> str:
    o, c = report.options, report.counts
    lines = [
        f"soak: {o.chats} chats x {o.turns} turns, disconnect rate {o.disconnect_rate:.2f}, seed {o.seed}",
        f"turns sent             {c.turns_sent}",
        f"  disconnects          {c.disconnects} (then {c.resumes} resumes, {c.resends} resends; {c.stalls} stalls)",
        f"  errors answered      {dict(c.errors) or 'none'}; gateway frames {c.gateway_frames}",
        f"turns lost             {len(report.lost)}",
        *(f"  - {line}" for line in report.lost[:20]),
        f"duplicate model calls  {report.duplicate_model_calls} (Bedrock calls {report.model_calls} for "
        f"{report.distinct_messages} distinct messages)",
        f"turns stored twice     {report.extra_turns_stored}",
        "memory (RSS, MiB)      start  half-way   end    peak",
        *(
            f"  {name:18} {m.start / _KIB:7.1f}  {m.middle / _KIB:7.1f}  {m.end / _KIB:6.1f}  {m.peak / _KIB:6.1f}"
            for name, m in report.memory.items()
        ),
        f"wall time              {report.seconds:.1f} s",
    ]
    return "\n".join(lines)


_OPTIONS_HELP = {
    "chats": "N concurrent chats, one user each",
    "turns": "M turns per chat",
    "disconnect_rate": "the chance that a turn's stream is cut",
    "resume_share": "the share of cut turns that resume (the others resend)",
    "seed": "seed of the cuts and choices (the run is repeatable up to timing)",
    "max_seconds": "give up after this long",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.soak", description=__doc__)
    defaults = SoakOptions()
    for name, text in _OPTIONS_HELP.items():
        default = getattr(defaults, name)
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default, help=text)
    parser.add_argument("--token-delay-ms", type=float, default=15.0, help="pace of the local model")
    args = parser.parse_args(argv)
    options = SoakOptions(**{name: getattr(args, name) for name in _OPTIONS_HELP})
    with tempfile.TemporaryDirectory(prefix="motivator-soak-") as state:
        stack_options = StackOptions(
            state_dir=Path(state), ports=Ports.free(), token_delay_ms=args.token_delay_ms, handler_env=GENEROUS_LIMITS
        )
        sys.stdout.write(f"==> starting the local stack; {options.chats} chats x {options.turns} turns\n")
        sys.stdout.flush()
        with LocalStack(stack_options, progress=lambda line: None) as stack:
            pids = {name: process.pid for name, process in stack.processes.items()}
            report = asyncio.run(soak(stack.endpoints, pids, options))
    sys.stdout.write(render(report) + "\n")
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
