"""One chat turn: safety check, model or composer, meta, coalesced deltas; the `done` frame is returned.

The caller sends `done` once the answer is stored, so a client that has seen `done` finds the answer in history.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError
from urllib3.exceptions import HTTPError

from shared.connections import FrameSink
from shared.engine.composer import compose
from shared.engine.emotions import EMOTIONS, EmotionResult, classify
from shared.engine.prompt import build_system_prompt, parse_header
from shared.engine.resources import resources_for
from shared.engine.safety import assess, crisis_emotion, crisis_message
from shared.engine.scripture import ScriptureCatalogue, VerseChoice
from shared.metric_names import MetricName
from shared.model_client import THROTTLING_CODES, BedrockModel, ModelUnavailable, to_messages
from shared.observability import logger, metrics
from shared.protocol import (
    Delta,
    Done,
    Error,
    ErrorCode,
    Meta,
    Safety,
    SendMessage,
    StopReason,
    Timings,
    Usage,
    Verse,
)
from shared.streaming import Coalescer, TokenStream, TokenTimeout, pump

#: A header longer than this without a newline means the model skipped it; the text is message text.
HEADER_MAX_CHARS = 400
_WORDS = re.compile(r"\S+\s*")
_MODEL_ERRORS = (ModelUnavailable, TokenTimeout, ClientError, BotoCoreError, HTTPError, OSError)


def new_id() -> str:
    return str(uuid.uuid4())


def seed_of(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")


def words(text: str) -> list[str]:
    """Split text into word tokens that join back to exactly the text."""
    return _WORDS.findall(text)


def _ignore(*_: object) -> None:
    return None


@dataclass
class TurnContext:
    """What the chat turn knows about its surroundings (history and used verses come from storage)."""

    user_id: str
    message_id: str = field(default_factory=new_id)
    session_id: str = field(default_factory=new_id)
    history: list[tuple[str, str]] = field(default_factory=list)
    used_references: Collection[str] = ()
    should_stop: Callable[[], bool] = lambda: False
    on_meta: Callable[[Meta], None] = _ignore
    on_delta: Callable[[int, str], None] = _ignore


@dataclass
class TurnResult:
    message_id: str
    session_id: str
    text: str
    done: Done
    meta: Meta


class _Emitter:
    """Numbers deltas, remembers the text and the time of the first delta."""

    def __init__(self, sink: FrameSink, message_id: str, started: float, on_delta: Callable[[int, str], None]) -> None:
        self.sink = sink
        self.on_delta = on_delta
        self.message_id = message_id
        self.started = started
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


class ChatService:
    """Answers one sendMessage on one connection. Raises ConnectionGone if the client leaves."""

    def __init__(self, model: BedrockModel, catalogue: ScriptureCatalogue, first_token_budget_s: float) -> None:
        self._model = model
        self._catalogue = catalogue
        self._budget = first_token_budget_s

    def answer(self, request: SendMessage, sink: FrameSink, context: TurnContext) -> TurnResult:
        started = time.monotonic()
        message_id, session_id = context.message_id, context.session_id
        emitter = _Emitter(sink, message_id, started, context.on_delta)
        emotion = classify(request.message)
        # Seeded by the words and the turn's place in the session, so a replay gives the same answer.
        seed = seed_of(request.message, str(len(context.history)))

        if assess(request.message).crisis:
            metrics.add_metric(name=MetricName.CRISIS_ANSWERS, unit="Count", value=1)
            logger.info("crisis answer", message_id=message_id)
            heard = crisis_emotion(emotion)
            verse = self._catalogue.choose(heard, used=context.used_references, seed=seed)
            meta = self._meta(message_id, heard, emotion.confidence, verse, crisis=True)
            context.on_meta(meta)
            sink.send(meta)
            self._stream_text(crisis_message(seed), emitter, context)
            return self._finish(emitter, meta, session_id, StopReason.END_TURN, Usage(), fallback=False)

        system = build_system_prompt(EMOTIONS, self._catalogue.references(emotion.emotion))
        tokens: TokenStream | None = None
        first: str | None = None
        try:
            stream = self._model.start(system, to_messages(context.history, request.message))
            tokens = TokenStream(stream.tokens, on_close=stream.close)
            first = tokens.next(timeout=self._budget)
        except _MODEL_ERRORS as exc:
            if tokens:
                tokens.close()
            return self._fallback(request, sink, emitter, emotion, session_id, context, seed, reason=exc)

        assert tokens is not None
        try:
            header_text, rest = self._read_header(first or "", tokens)
            meta = self._meta_from_header(message_id, header_text, emotion, context, seed)
            context.on_meta(meta)
            sink.send(meta)
            coalescer = Coalescer(emitter)
            if rest:
                coalescer.add(rest)
            try:
                finished = pump(tokens, coalescer, context.should_stop)
            except _MODEL_ERRORS as exc:
                coalescer.flush()
                logger.warning("model stream broke", message_id=message_id, error_type=type(exc).__name__)
                sink.send(
                    Error(
                        code=ErrorCode.MODEL_UNAVAILABLE,
                        message="The answer was interrupted. Please try sending your message again.",
                        clientMessageId=request.client_message_id,
                        messageId=message_id,
                    )
                )
                return self._finish(emitter, meta, session_id, StopReason.ERROR, Usage(), fallback=False)
        finally:
            tokens.close()
        turn = stream.turn
        reason = StopReason.STOPPED if not finished else _stop_reason(turn.stop_reason)
        usage = Usage(inputTokens=turn.input_tokens, outputTokens=turn.output_tokens)
        return self._finish(emitter, meta, session_id, reason, usage, fallback=False)

    # -- pieces ---------------------------------------------------------------------------------
    def _read_header(self, first: str, tokens: TokenStream) -> tuple[str | None, str]:
        """Collect the model's first line; returns (header line or None, text after it)."""
        buffer = first
        while "\n" not in buffer and len(buffer) < HEADER_MAX_CHARS:
            token = tokens.next(timeout=self._budget)
            if token is None:
                break
            buffer += token
        line, newline, rest = buffer.partition("\n")
        if newline and parse_header(line) is not None:
            return line, rest.lstrip("\n")
        return None, buffer

    def _meta_from_header(
        self,
        message_id: str,
        header_line: str | None,
        emotion: EmotionResult,
        context: TurnContext,
        seed: int,
    ) -> Meta:
        header = parse_header(header_line) if header_line else None
        chosen = emotion.emotion
        confidence = emotion.confidence
        if header and header.emotion in EMOTIONS and header.emotion != emotion.emotion:
            chosen = header.emotion
            confidence = float(emotion.scores.get(chosen, 0.0)) or 0.5
        verse, substituted = self._catalogue.validate_proposal(
            header.reference if header else None, chosen, used=context.used_references, seed=seed
        )
        if substituted:
            metrics.add_metric(name=MetricName.VERSE_SUBSTITUTIONS, unit="Count", value=1)
            logger.info("verse substituted", message_id=message_id, emotion=chosen, had_header=header is not None)
        return self._meta(message_id, chosen, confidence, verse, crisis=False)

    def _fallback(
        self,
        request: SendMessage,
        sink: FrameSink,
        emitter: _Emitter,
        emotion: EmotionResult,
        session_id: str,
        context: TurnContext,
        seed: int,
        reason: BaseException,
    ) -> TurnResult:
        code = getattr(reason, "code", None) or type(reason).__name__
        logger.warning("model unavailable, composer answers", message_id=emitter.message_id, reason=code)
        metrics.add_metric(name=MetricName.MODEL_FALLBACKS, unit="Count", value=1)
        if code in THROTTLING_CODES:
            metrics.add_metric(name=MetricName.MODEL_THROTTLES, unit="Count", value=1)
        verse = self._catalogue.choose(emotion.emotion, used=context.used_references, seed=seed)
        meta = self._meta(emitter.message_id, emotion.emotion, emotion.confidence, verse, crisis=False)
        context.on_meta(meta)
        sink.send(meta)
        previous = [answer for _, answer in context.history]
        text = compose(request.message, emotion=emotion, verse=verse, seed=seed, previous=previous)
        stopped = not self._stream_text(text, emitter, context)
        reason_out = StopReason.STOPPED if stopped else StopReason.END_TURN
        return self._finish(emitter, meta, session_id, reason_out, Usage(), fallback=True)

    def _stream_text(self, text: str, emitter: _Emitter, context: TurnContext) -> bool:
        return pump(TokenStream(words(text)), Coalescer(emitter), context.should_stop)

    @staticmethod
    def _meta(message_id: str, emotion: str, confidence: float, verse: VerseChoice, *, crisis: bool) -> Meta:
        return Meta(
            messageId=message_id,
            emotion=emotion,
            confidence=round(min(1.0, max(0.0, confidence)), 3),
            verse=Verse(reference=verse.reference, text=verse.text, translation=verse.translation),
            safety=Safety.CRISIS if crisis else Safety.OK,
            resources=resources_for() if crisis else None,
        )

    @staticmethod
    def _finish(
        emitter: _Emitter,
        meta: Meta,
        session_id: str,
        reason: StopReason,
        usage: Usage,
        *,
        fallback: bool,
    ) -> TurnResult:
        now = time.monotonic()
        ttft = (emitter.first_delta_at - emitter.started) * 1000 if emitter.first_delta_at else None
        total = (now - emitter.started) * 1000
        done = Done(
            messageId=emitter.message_id,
            seq=emitter.seq,
            stopReason=reason,
            usage=usage,
            metrics=Timings(ttftMs=round(ttft, 1) if ttft is not None else None, totalMs=round(total, 1)),
            fallback=fallback,
        )
        if ttft is not None:
            metrics.add_metric(name=MetricName.TIME_TO_FIRST_TOKEN, unit="Milliseconds", value=ttft)
        metrics.add_metric(name=MetricName.ANSWER_DURATION, unit="Milliseconds", value=total)
        metrics.add_metric(name=MetricName.OUTPUT_TOKENS, unit="Count", value=usage.output_tokens)
        metrics.add_metric(name=MetricName.ANSWERS_COMPLETED, unit="Count", value=1)
        return TurnResult(emitter.message_id, session_id, "".join(emitter.parts), done, meta)


def _stop_reason(model_reason: str | None) -> StopReason:
    return StopReason.MAX_TOKENS if model_reason == "max_tokens" else StopReason.END_TURN
