"""Write stage: the crisis text, the model's answer (its header read first) or the composer's, streamed as deltas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from urllib3.exceptions import HTTPError

from shared.engine.composer import compose
from shared.engine.emotions import EMOTIONS
from shared.engine.prompt import build_system_prompt, parse_header
from shared.engine.safety import concern_line, crisis_message
from shared.metric_names import MetricName
from shared.model_client import THROTTLING_CODES, ModelStream, ModelUnavailable, to_messages
from shared.observability import logger, metrics
from shared.protocol import Done, Error, ErrorCode, Meta, SendMessage, StopReason, Usage
from shared.sinks import FrameSink
from shared.streaming import Backpressure, Coalescer, TokenStream, TokenTimeout, pump
from shared.turn.choose import Choice, Chooser, Picked, meta_of
from shared.turn.stream import Emitter, read_header, stream_words
from shared.turn_safety import TurnSafety

_MODEL_ERRORS = (ModelUnavailable, TokenTimeout, ClientError, BotoCoreError, HTTPError, OSError)


class Model(Protocol):
    """Starts one streamed model call (shared.model_client.BedrockModel)."""

    def start(self, system: str, messages: list[dict[str, Any]]) -> ModelStream: ...


class Recording(Protocol):
    """Where the answer is kept while it streams (the record stage's writer, shared.recorder.TurnRecorder)."""

    def set_meta(self, meta: Meta) -> None: ...

    def record(self, seq: int, text: str) -> None: ...

    def stopped(self) -> bool: ...


@dataclass(frozen=True)
class Written:
    text: str
    done: Done
    meta: Meta
    #: The turn's safety as it ended (raised by the model's header when it heard more than the detector).
    safety: TurnSafety


class _Answer:
    """One answer being written: where its frames go, and its safety level (which the model may raise)."""

    def __init__(self, out: FrameSink, message_id: str, recording: Recording, safety: TurnSafety, country: str | None):
        self.out = out
        self.recording = recording
        self.safety = safety
        self.country = country
        self.emitter = Emitter(out, message_id, recording.record)

    @property
    def message_id(self) -> str:
        return self.emitter.message_id

    def show(self, picked: Picked) -> Meta:
        meta = meta_of(self.message_id, picked, self.safety, self.country)
        self.recording.set_meta(meta)
        self.out.send(meta)
        return meta

    def coalescer(self) -> Coalescer:
        """Frames of this answer's text, kept back while the sink is still posting the previous one."""
        return Coalescer(self.emitter, pressure=self.out if isinstance(self.out, Backpressure) else None)

    def end_gently(self, coalescer: Coalescer, seed: int) -> None:
        """In the concern tier the answer ends with a gentle invitation to reach out to the people listed."""
        if self.safety.concern:
            coalescer.add("\n\n" + concern_line(seed, self.safety.language))
            coalescer.flush()

    def finish(self, meta: Meta, reason: StopReason, usage: Usage | None = None, *, fallback: bool = False) -> Written:
        if self.safety.concern and not self.safety.crisis:
            metrics.add_metric(name=MetricName.CONCERN_ANSWERS, unit="Count", value=1)
        done = self.emitter.done(reason, usage or Usage(), fallback=fallback)
        return Written(self.emitter.text, done, meta, self.safety)


class Writer:
    """Writes one answer to the client; raises ConnectionGone only through the sink it is given."""

    def __init__(self, model: Model, chooser: Chooser, first_token_budget_s: float) -> None:
        self._model = model
        self._chooser = chooser
        self._budget = first_token_budget_s

    def write(
        self,
        request: SendMessage,
        message_id: str,
        choice: Choice,
        safety: TurnSafety,
        recording: Recording,
        out: FrameSink,
    ) -> Written:
        answer = _Answer(out, message_id, recording, safety, request.country)
        if safety.crisis:
            return self._crisis(answer, choice)
        system = build_system_prompt(EMOTIONS, self._chooser.candidates(choice, safety))
        tokens: TokenStream | None = None
        try:
            stream = self._model.start(system, to_messages(list(choice.history), request.message))
            tokens = TokenStream(stream.tokens, on_close=stream.close)
            # Nothing is sent before the header is read, so a model failing until then is replaced whole.
            start = read_header(tokens.next(timeout=self._budget) or "", tokens, self._budget)
        except _MODEL_ERRORS as exc:
            if tokens:
                tokens.close()
            return self._composer(answer, request.message, choice, reason=exc)
        try:
            return self._model_answer(answer, request, choice, stream, tokens, start)
        finally:
            tokens.close()

    def _model_answer(
        self,
        answer: _Answer,
        request: SendMessage,
        choice: Choice,
        stream: ModelStream,
        tokens: TokenStream,
        start: tuple[str | None, str],
    ) -> Written:
        header_text, rest = start
        header = parse_header(header_text) if header_text else None
        if header is not None and header.risk.rank > answer.safety.level.rank:
            # The model's second opinion heard more than the detector: take it, before any text is sent.
            metrics.add_metric(name=MetricName.MODEL_RAISED_RISK, unit="Count", value=1)
            logger.info("model raised the risk level", message_id=answer.message_id, risk=header.risk.value)
            answer.safety = answer.safety.raised_to(header.risk)
            if answer.safety.crisis:
                tokens.close()
                return self._crisis(answer, choice)
        meta = answer.show(self._chooser.from_header(choice, header, answer.safety, answer.message_id))
        coalescer = answer.coalescer()
        if rest:
            coalescer.add(rest)
        try:
            finished = pump(tokens, coalescer, answer.recording.stopped)
            if finished:
                answer.end_gently(coalescer, choice.seed)
        except _MODEL_ERRORS as exc:
            coalescer.flush()
            logger.warning("model stream broke", message_id=answer.message_id, error_type=type(exc).__name__)
            answer.out.send(
                Error(
                    code=ErrorCode.MODEL_UNAVAILABLE,
                    message="The answer was interrupted. Please try sending your message again.",
                    clientMessageId=request.client_message_id,
                    messageId=answer.message_id,
                )
            )
            return answer.finish(meta, StopReason.ERROR)
        turn = stream.turn
        reason = _stop_reason(turn.stop_reason) if finished else StopReason.STOPPED
        return answer.finish(meta, reason, Usage(inputTokens=turn.input_tokens, outputTokens=turn.output_tokens))

    def _crisis(self, answer: _Answer, choice: Choice) -> Written:
        """Resources first, a gentle verse and the crisis text: instead of, never after, an ordinary answer."""
        metrics.add_metric(name=MetricName.CRISIS_REFERRALS, unit="Count", value=1)
        logger.info("crisis answer", message_id=answer.message_id, categories=list(answer.safety.categories))
        meta = answer.show(self._chooser.for_crisis(choice))
        text = crisis_message(choice.seed, answer.safety.language)
        stream_words(text, answer.coalescer(), answer.recording.stopped)
        return answer.finish(meta, StopReason.END_TURN)

    def _composer(self, answer: _Answer, message: str, choice: Choice, reason: BaseException) -> Written:
        """The model could not start: the offline composer writes the answer around a curated verse."""
        code = getattr(reason, "code", None) or type(reason).__name__
        logger.warning("model unavailable, composer answers", message_id=answer.message_id, reason=code)
        metrics.add_metric(name=MetricName.MODEL_FALLBACKS, unit="Count", value=1)
        if code in THROTTLING_CODES:
            metrics.add_metric(name=MetricName.MODEL_THROTTLES, unit="Count", value=1)
        picked = self._chooser.curated(choice, answer.safety)
        meta = answer.show(picked)
        previous = [exchange.answer for exchange in choice.history]
        text = compose(message, emotion=choice.emotion, verse=picked.verse, seed=choice.seed, previous=previous)
        coalescer = answer.coalescer()
        finished = stream_words(text, coalescer, answer.recording.stopped)
        if finished:
            answer.end_gently(coalescer, choice.seed)
        return answer.finish(meta, StopReason.END_TURN if finished else StopReason.STOPPED, fallback=True)


def _stop_reason(model_reason: str | None) -> StopReason:
    return StopReason.MAX_TOKENS if model_reason == "max_tokens" else StopReason.END_TURN
