"""The streaming pieces of the write stage: numbered deltas, the model's header line, words through the coalescer."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from shared.engine.prompt import parse_header
from shared.metric_names import MetricName
from shared.observability import metrics
from shared.protocol import Delta, Done, StopReason, Timings, Usage
from shared.sinks import FrameSink
from shared.streaming import Coalescer, TokenStream, pump

#: A header longer than this without a newline means the model skipped it; the text is message text.
HEADER_MAX_CHARS = 400
_WORDS = re.compile(r"\S+\s*")


def words(text: str) -> list[str]:
    """Split text into word tokens that join back to exactly the text."""
    return _WORDS.findall(text)


class Emitter:
    """Numbers deltas and sends them, keeps the text, and times the answer from its start to its first delta."""

    def __init__(self, sink: FrameSink, message_id: str, on_delta: Callable[[int, str], None]) -> None:
        self.sink = sink
        self.on_delta = on_delta
        self.message_id = message_id
        self.started = time.monotonic()
        self.seq = 0
        self.parts: list[str] = []
        self.first_delta_at: float | None = None

    def __call__(self, text: str) -> None:
        self.seq += 1
        if self.first_delta_at is None:
            self.first_delta_at = time.monotonic()
        self.parts.append(text)
        self.on_delta(self.seq, text)
        self.sink.send(Delta(messageId=self.message_id, seq=self.seq, text=text))

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def done(self, reason: StopReason, usage: Usage, *, fallback: bool) -> Done:
        """The answer's `done` frame, its timings counted in the metrics."""
        ttft = (self.first_delta_at - self.started) * 1000 if self.first_delta_at else None
        total = (time.monotonic() - self.started) * 1000
        if ttft is not None:
            metrics.add_metric(name=MetricName.TIME_TO_FIRST_TOKEN, unit="Milliseconds", value=ttft)
        metrics.add_metric(name=MetricName.ANSWER_DURATION, unit="Milliseconds", value=total)
        metrics.add_metric(name=MetricName.OUTPUT_TOKENS, unit="Count", value=usage.output_tokens)
        metrics.add_metric(name=MetricName.ANSWERS_COMPLETED, unit="Count", value=1)
        return Done(
            messageId=self.message_id,
            seq=self.seq,
            stopReason=reason,
            usage=usage,
            metrics=Timings(ttftMs=round(ttft, 1) if ttft is not None else None, totalMs=round(total, 1)),
            fallback=fallback,
        )


def read_header(first: str, tokens: TokenStream, budget_s: float) -> tuple[str | None, str]:
    """Collect the model's first line; returns (header line or None, the text after it)."""
    buffer = first
    while "\n" not in buffer and len(buffer) < HEADER_MAX_CHARS:
        token = tokens.next(timeout=budget_s)
        if token is None:
            break
        buffer += token
    line, newline, rest = buffer.partition("\n")
    if newline and parse_header(line) is not None:
        return line, rest.lstrip("\n")
    return None, buffer


def stream_words(text: str, coalescer: Coalescer, should_stop: Callable[[], bool]) -> bool:
    """Send text the engine wrote (composer, crisis text) as the model's would be; False when stopped early."""
    return pump(TokenStream(words(text)), coalescer, should_stop)
