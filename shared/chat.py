"""One chat turn: the crisis answer or the model (composer when it is down), meta, coalesced deltas; returns `done`.

The caller has already heard the turn's safety level (shared.turn_safety) and sends `done` once the answer is
stored, so a client that has seen `done` finds the answer in history.
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
from shared.engine.prompt import ModelHeader, build_system_prompt, parse_header
from shared.engine.resources import resources_for
from shared.engine.safety import concern_line, crisis_emotion, crisis_message
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
    SendMessage,
    StopReason,
    Timings,
    Usage,
    Verse,
)
from shared.streaming import Coalescer, TokenStream, TokenTimeout, pump
from shared.turn_safety import TurnSafety

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
    #: Heard before the turn was admitted; the model's header may raise it, never lower it.
    safety: TurnSafety = field(default_factory=TurnSafety)
    #: The person's country (ISO 3166-1 alpha-2), for the local emergency number among the resources.
    country: str | None = None
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
    #: The turn's safety as it ended (raised by the model's header when it heard more than the detector).
    safety: TurnSafety = field(default_factory=TurnSafety)


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
        message_id = context.message_id
        emitter = _Emitter(sink, message_id, started, context.on_delta)
        emotion = classify(request.message)
        # Seeded by the words and the turn's place in the session, so a replay gives the same answer.
        seed = seed_of(request.message, str(len(context.history)))

        if context.safety.crisis:
            return self._crisis(sink, emitter, emotion, context, seed)

        gentle = context.safety.concern
        system = build_system_prompt(EMOTIONS, self._catalogue.entries(emotion.emotion, gentle=gentle))
        tokens: TokenStream | None = None
        first: str | None = None
        try:
            stream = self._model.start(system, to_messages(context.history, request.message))
            tokens = TokenStream(stream.tokens, on_close=stream.close)
            first = tokens.next(timeout=self._budget)
        except _MODEL_ERRORS as exc:
            if tokens:
                tokens.close()
            return self._fallback(request, sink, emitter, emotion, context, seed, reason=exc)

        assert tokens is not None
        try:
            header_text, rest = self._read_header(first or "", tokens)
            header = parse_header(header_text) if header_text else None
            if header is not None and header.risk.rank > context.safety.level.rank:
                # The model's second opinion heard more than the detector: take it, before any text is sent.
                metrics.add_metric(name=MetricName.MODEL_RAISED_RISK, unit="Count", value=1)
                logger.info("model raised the risk level", message_id=message_id, risk=header.risk.value)
                context.safety = context.safety.raised_to(header.risk)
                if context.safety.crisis:
                    tokens.close()
                    return self._crisis(sink, emitter, emotion, context, seed)
            meta = self._meta_from_header(message_id, header, emotion, context, seed)
            context.on_meta(meta)
            sink.send(meta)
            coalescer = Coalescer(emitter)
            if rest:
                coalescer.add(rest)
            try:
                finished = pump(tokens, coalescer, context.should_stop)
                if finished:
                    self._add_concern_line(coalescer, context, seed)
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
                return self._finish(emitter, meta, context, StopReason.ERROR, Usage(), fallback=False)
        finally:
            tokens.close()
        turn = stream.turn
        reason = StopReason.STOPPED if not finished else _stop_reason(turn.stop_reason)
        usage = Usage(inputTokens=turn.input_tokens, outputTokens=turn.output_tokens)
        return self._finish(emitter, meta, context, reason, usage, fallback=False)

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

    def _crisis(
        self, sink: FrameSink, emitter: _Emitter, emotion: EmotionResult, context: TurnContext, seed: int
    ) -> TurnResult:
        """Resources first, a gentle verse and the crisis text: instead of, never after, an ordinary answer."""
        metrics.add_metric(name=MetricName.CRISIS_REFERRALS, unit="Count", value=1)
        logger.info("crisis answer", message_id=emitter.message_id, categories=list(context.safety.categories))
        heard = crisis_emotion(emotion)
        verse = self._catalogue.choose(heard, used=context.used_references, seed=seed, gentle=True)
        meta = self._meta(emitter.message_id, heard, emotion.confidence, verse, context)
        context.on_meta(meta)
        sink.send(meta)
        self._stream_text(crisis_message(seed, context.safety.language), emitter, context)
        return self._finish(emitter, meta, context, StopReason.END_TURN, Usage(), fallback=False)

    def _add_concern_line(self, coalescer: Coalescer, context: TurnContext, seed: int) -> None:
        """In the concern tier the answer ends with a gentle invitation to reach out to the people listed."""
        if context.safety.concern:
            coalescer.add("\n\n" + concern_line(seed, context.safety.language))
            coalescer.flush()

    def _meta_from_header(
        self,
        message_id: str,
        header: ModelHeader | None,
        emotion: EmotionResult,
        context: TurnContext,
        seed: int,
    ) -> Meta:
        chosen = emotion.emotion
        confidence = emotion.confidence
        if header and header.emotion in EMOTIONS and header.emotion != emotion.emotion:
            chosen = header.emotion
            confidence = float(emotion.scores.get(chosen, 0.0)) or 0.5
        verse, substituted = self._catalogue.validate_proposal(
            header.reference if header else None,
            chosen,
            used=context.used_references,
            seed=seed,
            gentle=context.safety.concern,
        )
        if substituted:
            metrics.add_metric(name=MetricName.VERSE_SUBSTITUTIONS, unit="Count", value=1)
            logger.info("verse substituted", message_id=message_id, emotion=chosen, had_header=header is not None)
        return self._meta(message_id, chosen, confidence, verse, context)

    def _fallback(
        self,
        request: SendMessage,
        sink: FrameSink,
        emitter: _Emitter,
        emotion: EmotionResult,
        context: TurnContext,
        seed: int,
        reason: BaseException,
    ) -> TurnResult:
        code = getattr(reason, "code", None) or type(reason).__name__
        logger.warning("model unavailable, composer answers", message_id=emitter.message_id, reason=code)
        metrics.add_metric(name=MetricName.MODEL_FALLBACKS, unit="Count", value=1)
        if code in THROTTLING_CODES:
            metrics.add_metric(name=MetricName.MODEL_THROTTLES, unit="Count", value=1)
        gentle = context.safety.concern
        verse = self._catalogue.choose(emotion.emotion, used=context.used_references, seed=seed, gentle=gentle)
        meta = self._meta(emitter.message_id, emotion.emotion, emotion.confidence, verse, context)
        context.on_meta(meta)
        sink.send(meta)
        previous = [answer for _, answer in context.history]
        text = compose(request.message, emotion=emotion, verse=verse, seed=seed, previous=previous)
        coalescer = Coalescer(emitter)
        finished = pump(TokenStream(words(text)), coalescer, context.should_stop)
        if finished:
            self._add_concern_line(coalescer, context, seed)
        reason_out = StopReason.END_TURN if finished else StopReason.STOPPED
        return self._finish(emitter, meta, context, reason_out, Usage(), fallback=True)

    def _stream_text(self, text: str, emitter: _Emitter, context: TurnContext) -> bool:
        return pump(TokenStream(words(text)), Coalescer(emitter), context.should_stop)

    @staticmethod
    def _meta(message_id: str, emotion: str, confidence: float, verse: VerseChoice, context: TurnContext) -> Meta:
        safety = context.safety
        return Meta(
            messageId=message_id,
            emotion=emotion,
            confidence=round(min(1.0, max(0.0, confidence)), 3),
            verse=Verse(reference=verse.reference, text=verse.text, translation=verse.translation),
            safety=safety.level,
            resources=resources_for(context.country, safety.language) if safety.concern else None,
        )

    @staticmethod
    def _finish(
        emitter: _Emitter,
        meta: Meta,
        context: TurnContext,
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
        if context.safety.concern and not context.safety.crisis:
            metrics.add_metric(name=MetricName.CONCERN_ANSWERS, unit="Count", value=1)
        return TurnResult(emitter.message_id, context.session_id, "".join(emitter.parts), done, meta, context.safety)


def _stop_reason(model_reason: str | None) -> StopReason:
    return StopReason.MAX_TOKENS if model_reason == "max_tokens" else StopReason.END_TURN
