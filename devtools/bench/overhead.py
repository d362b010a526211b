"""Pipeline overhead per answer (client send to first delta, less that request's own model time) and stop latency.

These run on the stack's own gateway, as `make bench` always has, so their figures compare with earlier runs.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from devtools.bench import MESSAGES
from devtools.bench.client import MESSAGE_200, ask, open_ws

#: The model's pace while overhead is measured (the pace `make bench` has always used: 15 ms a token).
OVERHEAD_PACE = 1000 / 15


@dataclass
class Overhead:
    """Per answer, in ms: all of it, before the model call (send to the request reaching the model), after it
    (the model's first message word to the first delta at the client)."""

    total: list[float] = field(default_factory=list)
    before: list[float] = field(default_factory=list)
    after: list[float] = field(default_factory=list)


def _model_timings(bedrock_url: str) -> list[dict[str, float]]:
    with urllib.request.urlopen(bedrock_url + "/_stats", timeout=5) as response:  # noqa: S310 - loopback only
        timings: list[dict[str, float]] = json.loads(response.read())["timings"]
    return sorted(timings, key=lambda t: t["receivedAt"])


async def overhead(endpoints: dict[str, Any], token: str, runs: int, gap_s: float) -> Overhead:
    """`runs` answers in one conversation, each matched to the model call that began after it was sent."""
    ws = await open_ws(endpoints["ws_url"], token)
    answers = []
    try:
        session: str | None = None
        for i in range(runs):
            await asyncio.sleep(gap_s)  # a person reads the answer before writing again
            answers.append(await ask(ws, MESSAGES[i % len(MESSAGES)], session_id=session))
            session = session or answers[-1].session_id
    finally:
        await ws.close()
    timings = _model_timings(endpoints["bedrock_url"])
    out = Overhead()
    for answer in answers:
        if not answer.deltas:
            continue
        sent_ms, first_ms = answer.sent * 1000, answer.deltas[0][0] * 1000
        call = next((t for t in timings if t["receivedAt"] >= sent_ms and t["firstBodyTokenAt"]), None)
        if call is not None:
            out.total.append(first_ms - sent_ms - (call["firstBodyTokenAt"] - call["receivedAt"]))
            out.before.append(call["receivedAt"] - sent_ms)
            out.after.append(first_ms - call["firstBodyTokenAt"])
    return out


async def stop_latency(endpoints: dict[str, Any], token: str, runs: int) -> list[float]:
    """Milliseconds from sending `stop` to receiving `done`, while an answer streams."""
    out = []
    ws = await open_ws(endpoints["ws_url"], token)
    try:
        for _ in range(runs):
            # A 200-token answer: still streaming when the stop arrives.
            frame = {"action": "sendMessage", "message": MESSAGE_200, "clientMessageId": str(uuid.uuid4())}
            await ws.send(json.dumps(frame))
            message_id = ""
            while (got := json.loads(await ws.recv()))["type"] != "delta":
                message_id = got.get("messageId", message_id) if got["type"] == "ack" else message_id
            started = time.perf_counter()
            await ws.send(json.dumps({"action": "stop", "messageId": message_id}))
            while json.loads(await ws.recv())["type"] != "done":
                pass
            out.append((time.perf_counter() - started) * 1000)
    finally:
        await ws.close()
    return out
