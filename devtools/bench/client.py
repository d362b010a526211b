"""The bench's WebSocket client: sends a message and keeps every frame with its arrival time (epoch seconds)."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

#: 200 words of ordinary prose with sentence ends where a person would put them: echoed by the local model,
#: it is a 200-token answer (the budgets in DESIGN.md section 6 speak of a 200-token answer).
_PROSE = (
    "This morning I walked to the old bridge before work and watched the river for a while. "
    "The water was high after the rain, and the light on it kept changing as the clouds moved. "
    "I have been carrying a lot lately. "
    "My sister is moving across the country in the spring, my manager wants the report by Friday, "
    "and I keep waking up at four in the morning with a list running through my head. "
    "None of it is terrible on its own. "
    "Together it feels like a backpack that gets a little heavier every day, "
    "and I notice I am shorter with people I love. "
    "Yesterday I snapped at my son over his shoes, and I saw his face fall. "
    "I apologized later and he hugged me, but I still think about it. "
    "I want to be steady for him and for my sister, and I want to do good work without losing sleep. "
    "Some evenings I sit in the car for ten minutes before going inside, just to breathe. "
    "I am not sure what I need to hear. "
    "Maybe that it is all right to be tired, that I do not have to hold everything at once, "
    "and that small steps still count as walking. "
    "Tomorrow I will try to start the report early and take a slower walk home."
)
ANSWER_TOKENS = 200
MESSAGE_200 = " ".join(_PROSE.split()[:ANSWER_TOKENS])


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of values; 0.0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


@dataclass
class Answer:
    message: str
    sent: float = 0.0
    frames: list[tuple[float, dict[str, Any]]] = field(default_factory=list)

    def of(self, kind: str) -> list[tuple[float, dict[str, Any]]]:
        return [(at, f) for at, f in self.frames if f.get("type") == kind]

    @property
    def deltas(self) -> list[tuple[float, dict[str, Any]]]:
        return self.of("delta")

    @property
    def done(self) -> dict[str, Any] | None:
        found = self.of("done")
        return found[0][1] if found else None

    @property
    def done_at(self) -> float:
        found = self.of("done")
        return found[0][0] if found else (self.frames[-1][0] if self.frames else self.sent)

    @property
    def session_id(self) -> str | None:
        acks = self.of("ack")
        return str(acks[0][1]["sessionId"]) if acks else None

    @property
    def first_delta_ms(self) -> float | None:
        deltas = self.deltas
        return (deltas[0][0] - self.sent) * 1000 if deltas else None

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Error frames, and API Gateway's own frames (no `type`), such as an integration timeout."""
        return [f for _, f in self.frames if f.get("type") in ("error", None)]


async def open_ws(url: str, token: str) -> ClientConnection:
    return await connect(
        url,
        additional_headers={"Authorization": f"Bearer {token}"},
        max_size=None,
        open_timeout=120,
        ping_interval=None,
        compression=None,
    )


async def ask(ws: ClientConnection, message: str, session_id: str | None = None, timeout: float = 120) -> Answer:
    """Send one message and collect its frames until `done` (or an error frame ends it)."""
    frame: dict[str, Any] = {"action": "sendMessage", "message": message, "clientMessageId": str(uuid.uuid4())}
    if session_id:
        frame["sessionId"] = session_id
    answer = Answer(message)
    answer.sent = time.time()
    await ws.send(json.dumps(frame))
    async with asyncio.timeout(timeout):
        while True:
            got = json.loads(await ws.recv())
            answer.frames.append((time.time(), got))
            if got.get("type") in ("done", "error"):  # API Gateway's own frames (no type) do not end an answer
                return answer
