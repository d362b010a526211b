"""Frames per answer, how long each token waits, and time to first delta, at model paces of 10, 30 and 60 tokens/s.

A token's hold is measured end to end: from the moment the handler read it off the model stream (stamped in the
host gateway by devtools/bench/trace.py) to the moment the client received the delta frame carrying its last
character. The per-token baseline is one message per model token of the message, which is what peers post.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from devtools.bench.client import MESSAGE_200, Answer, ask, median, open_ws, pct
from devtools.bench.rig import Rig
from devtools.bench.trace import LABEL_CHARS

PACES = (10, 30, 60)


@dataclass
class Streamed:
    """One answer and the model call that produced it, with that call's token arrivals."""

    answer: Answer
    call: dict[str, Any]
    tokens: list[dict[str, Any]]

    @property
    def body_tokens(self) -> int:
        return sum(1 for _ in self._body_offsets())

    @property
    def first_body_token_at(self) -> float:
        return next(at for at, _ in self._body_offsets())

    @property
    def last_token_at(self) -> float:
        return float(self.tokens[-1]["at"]) if self.tokens else float(self.call["end"])

    def _body_offsets(self) -> Any:
        """(arrival, offset of the token's last character in the message text) of each message token."""
        text = "".join(t["text"] for t in self.tokens)
        newline = text.find("\n")
        start = newline + 1 if newline >= 0 else 0
        while start < len(text) and text[start] == "\n":
            start += 1  # the handler drops the blank lines after the header (shared/chat.py)
        offset = 0
        for token in self.tokens:
            offset += len(token["text"])
            if offset - 1 - start >= 0:
                yield float(token["at"]), offset - 1 - start

    def holds(self) -> list[float]:
        """Seconds each message token waited between reaching the handler and reaching the client."""
        ends: list[int] = []
        arrivals: list[float] = []
        for at, delta in self.answer.deltas:
            ends.append((ends[-1] if ends else 0) + len(delta["text"]))
            arrivals.append(at)
        out = []
        for at, last_char in self._body_offsets():
            carrier = bisect.bisect_right(ends, last_char)
            if carrier < len(ends):
                out.append(arrivals[carrier] - at)
        return out


def match(answer: Answer, trace: dict[str, Any]) -> Streamed | None:
    """The ConverseStream call made for this answer: the first one for its message that began between send and done.

    The call's label is the start of the message it was asked to answer (devtools/bench/trace.py): with many chats
    at once, the first call after a send is usually another chat's."""
    label = answer.message[:LABEL_CHARS]
    calls = [
        c
        for c in trace["calls"]
        if c["op"] == "ConverseStream" and answer.sent <= c["start"] <= answer.done_at and c["label"] == label
    ]
    if not calls:
        return None
    call = min(calls, key=lambda c: c["start"])
    return Streamed(answer, call, [t for t in trace["tokens"] if t["call"] == call["id"]])


@dataclass
class PaceResult:
    tokens_per_s: float
    answers: list[Streamed] = field(default_factory=list)
    #: The host gateway's trace of these answers (devtools/bench/trace.py).
    trace: dict[str, Any] = field(default_factory=dict)
    #: Bytes the handlers logged per answer.
    log_bytes: float = 0.0

    @property
    def frames(self) -> float:
        return median([len(s.answer.deltas) for s in self.answers])

    @property
    def tokens(self) -> float:
        return median([s.body_tokens for s in self.answers])

    @property
    def ratio(self) -> float:
        return self.frames / self.tokens if self.tokens else 0.0

    def hold_ms(self, q: float) -> float:
        return pct([h * 1000 for s in self.answers for h in s.holds()], q)

    @property
    def first_delta_ms(self) -> float:
        return median([a for s in self.answers if (a := s.answer.first_delta_ms) is not None])

    @property
    def first_word_to_delta_ms(self) -> float:
        """The model's first message word reaching the handler, to its delta reaching the client."""
        return median([(s.answer.deltas[0][0] - s.first_body_token_at) * 1000 for s in self.answers])

    @property
    def handler_overhead_ms(self) -> float:
        """Send to done, less the model's own streaming time: what the handler adds to a Lambda's billed time."""
        spans = [(s.answer.done_at - s.answer.sent) - (s.last_token_at - s.call["start"]) for s in self.answers]
        return median([span * 1000 for span in spans])


async def run_pace(rig: Rig, token: str, tokens_per_s: float, runs: int) -> PaceResult:
    """`runs` 200-token answers in one conversation, one after another, at the given model pace."""
    rig.pace(tokens_per_s)
    rig.trace()  # forget what came before
    ws = await open_ws(rig.host_ws_url, token)
    logged = rig.log_bytes()
    answers: list[Answer] = []
    try:
        session: str | None = None
        for _ in range(runs):
            answers.append(await ask(ws, MESSAGE_200, session_id=session))
            session = session or answers[-1].session_id
    finally:
        await ws.close()
    trace = rig.trace()
    result = PaceResult(tokens_per_s, trace=trace, log_bytes=(rig.log_bytes() - logged) / max(1, runs))
    result.answers = [s for a in answers if a.done and (s := match(a, trace)) is not None]
    return result
