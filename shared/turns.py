"""Conversation-level turn handling: idempotency, rate limit, storage while streaming, resume and replay."""

from __future__ import annotations

import time
from typing import Any

from shared.chat import ChatService, TurnContext, TurnResult, new_id
from shared.connections import ConnectionGone, FrameSink, StorageError
from shared.conversations import ConversationRepository, Turn, TurnStatus
from shared.idempotency import IdempotencyStore
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import Ack, Delta, Done, Error, ErrorCode, Meta, SendMessage, StopReason, Timings
from shared.ratelimit import RateLimiter
from shared.recorder import TurnRecorder

FOLLOW_POLL_S = 0.1
FOLLOW_MAX_S = 600.0

_STATUS_OF = {
    StopReason.END_TURN: TurnStatus.COMPLETE,
    StopReason.MAX_TOKENS: TurnStatus.COMPLETE,
    StopReason.STOPPED: TurnStatus.STOPPED,
    StopReason.ERROR: TurnStatus.FAILED,
}


class DetachableSink:
    """Posts to the client until it is gone; then the answer goes on being written, for resume."""

    def __init__(self, sink: FrameSink) -> None:
        self._sink = sink
        self.gone = False

    def send(self, frame: Any) -> None:
        if self.gone:
            return
        try:
            self._sink.send(frame)
        except ConnectionGone:
            self.gone = True


class TurnService:
    def __init__(
        self,
        chat: ChatService,
        repo: ConversationRepository,
        idempotency: IdempotencyStore,
        limiter: RateLimiter,
        context_turns: int,
    ) -> None:
        self._chat = chat
        self._repo = repo
        self._idempotency = idempotency
        self._limiter = limiter
        self._context_turns = context_turns

    def send(self, request: SendMessage, user_id: str, sink: FrameSink) -> DetachableSink:
        """Answer (or replay) one sendMessage; returns the sink so the caller can see if the client left."""
        out = DetachableSink(sink)
        cmid = request.client_message_id
        session_id = request.session_id or new_id()
        session = self._repo.session(user_id, request.session_id) if request.session_id else {}
        if session is None:
            out.send(_error(ErrorCode.NOT_FOUND, "That conversation was not found.", cmid))
            return out
        claim = self._idempotency.claim(user_id, cmid, request.message, request.session_id, new_id(), session_id)
        if claim.conflict:
            out.send(_error(ErrorCode.BAD_REQUEST, "That clientMessageId was already used for another message.", cmid))
            return out
        if not claim.fresh:
            logger.info("duplicate message, replaying", message_id=claim.message_id)
            out.send(Ack(clientMessageId=cmid, messageId=claim.message_id, sessionId=claim.session_id))
            turn = self._wait_for_turn(user_id, claim.message_id)
            if turn is None:
                out.send(_error(ErrorCode.NOT_FOUND, "That message's answer is no longer available.", cmid))
            else:
                self.follow(turn, 0, out)
            return out
        decision = self._limiter.take(user_id)
        if not decision.allowed:
            self._idempotency.release(user_id, cmid)
            metrics.add_metric(name=MetricName.RATE_LIMITED, unit="Count", value=1)
            logger.info("rate limited", user_id=user_id, retry_after_ms=decision.retry_after_ms)
            out.send(
                Error(
                    code=ErrorCode.RATE_LIMITED,
                    message="You're sending messages faster than we can answer kindly; please wait a moment.",
                    clientMessageId=cmid,
                    retryAfterMs=decision.retry_after_ms,
                )
            )
            return out
        self._answer(request, user_id, claim.message_id, claim.session_id, session, out)
        return out

    def _answer(
        self,
        request: SendMessage,
        user_id: str,
        message_id: str,
        session_id: str,
        session: dict[str, Any],
        out: DetachableSink,
    ) -> None:
        out.send(Ack(clientMessageId=request.client_message_id, messageId=message_id, sessionId=session_id))
        # The user's message is written first thing by the recorder's thread, off the path to the first token.
        recorder = TurnRecorder(self._repo, message_id=message_id, session_id=session_id, user_id=user_id)
        recorder.begin(client_message_id=request.client_message_id, message=request.message).start()
        history: list[tuple[str, str]] = []
        used = list(session.get("usedReferences", []))
        if request.session_id:
            try:
                recent = self._repo.recent_turns(session_id, self._context_turns)
                history = [(t.message, t.answer) for t in recent if t.answer][-self._context_turns :]
            except StorageError:
                metrics.add_metric(name=MetricName.STORAGE_ERRORS, unit="Count", value=1)
                logger.warning("could not read the session's recent turns", message_id=message_id)
        context = TurnContext(
            user_id=user_id,
            message_id=message_id,
            session_id=session_id,
            history=history,
            used_references=used,
            should_stop=recorder.stop_requested.is_set,
            on_meta=lambda meta: recorder.set_meta(meta.model_dump(by_alias=True, exclude_none=True)),
            on_delta=recorder.record,
        )
        result: TurnResult = self._chat.answer(request, out, context)
        done = result.done.model_dump(by_alias=True, exclude_none=True)
        recorder.finish(_STATUS_OF[result.done.stop_reason], done)
        try:
            self._repo.remember_verse(user_id, session_id, result.meta.verse.reference)
        except StorageError:
            logger.warning("could not remember the verse", message_id=message_id)

    def _wait_for_turn(self, user_id: str, message_id: str, timeout_s: float = 5.0) -> Turn | None:
        """A concurrent duplicate may arrive before the first copy stored its turn."""
        deadline = time.monotonic() + timeout_s
        while True:
            turn = self._repo.owned_turn(user_id, message_id)
            if turn is not None or time.monotonic() > deadline:
                return turn
            time.sleep(FOLLOW_POLL_S)

    def follow(self, turn: Turn, after_seq: int, out: FrameSink, max_s: float = FOLLOW_MAX_S) -> None:
        """Send an answer's frames after `after_seq` from storage, then follow it live until done."""
        deadline = time.monotonic() + max_s
        sent_meta = False
        last_seq = after_seq
        while True:
            if turn.meta is not None and not sent_meta:
                out.send(Meta.model_validate(turn.meta))
                sent_meta = True
            if sent_meta:
                for seq, text in self._repo.chunks_after(turn.message_id, last_seq):
                    out.send(Delta(messageId=turn.message_id, seq=seq, text=text))
                    last_seq = seq
            if turn.final:
                out.send(_final_done(turn, last_seq))
                return
            if time.monotonic() > deadline or getattr(out, "gone", False):
                return
            time.sleep(FOLLOW_POLL_S)
            refreshed = self._repo.get_turn(turn.message_id)
            if refreshed is None:
                return
            turn = refreshed


def _final_done(turn: Turn, last_seq: int) -> Done:
    if turn.done:
        return Done.model_validate(turn.done)
    # The writer died mid-answer: what was stored is all there is.
    return Done(
        messageId=turn.message_id,
        seq=last_seq,
        stopReason=StopReason.ERROR,
        metrics=Timings(totalMs=float(turn.updated_at - turn.created_at)),
    )


def _error(code: ErrorCode, message: str, client_message_id: str | None = None) -> Error:
    return Error(code=code, message=message, clientMessageId=client_message_id)
