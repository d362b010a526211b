"""Conversation-level turn handling: idempotency, rate limit, storage while streaming, resume and replay."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from shared import turn_safety
from shared.chat import ChatService, TurnContext, TurnResult, new_id
from shared.connections import ConnectionGone, FrameSink, StorageError
from shared.conversations import ConversationRepository, Turn, TurnStatus
from shared.idempotency import Claim, IdempotencyStore
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import Ack, Delta, Done, Error, ErrorCode, Meta, Safety, SendMessage, StopReason, Timings
from shared.ratelimit import Decision, RateLimiter
from shared.recorder import TurnRecorder

FOLLOW_POLL_S = 0.1
FOLLOW_MAX_S = 600.0
_REUSED_KEY = "That clientMessageId was already used for another message."
#: A crisis answer waits at most this long for storage (claim, session) before it goes ahead without it.
CRISIS_STORAGE_WAIT_S = 1.0

_STATUS_OF = {
    StopReason.END_TURN: TurnStatus.COMPLETE,
    StopReason.MAX_TOKENS: TurnStatus.COMPLETE,
    StopReason.STOPPED: TurnStatus.STOPPED,
    StopReason.ERROR: TurnStatus.FAILED,
}


class DetachableSink:
    """Posts frames to the client in order, from its own thread, so the answer never waits on the network.

    Once the client is gone the answer goes on being written, for resume. `close()` waits until every
    frame has been posted and raises what posting raised (other than the client being gone).
    """

    _CLOSE = object()

    def __init__(self, sink: FrameSink) -> None:
        self._sink = sink
        self.gone = False
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._error: Exception | None = None

    def send(self, frame: Any) -> None:
        if self.gone or self._error is not None:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._post_in_order, name="poster", daemon=True)
            self._thread.start()
        self._queue.put(frame)

    def _post_in_order(self) -> None:
        while (frame := self._queue.get()) is not self._CLOSE:
            if self.gone or self._error is not None:
                continue
            try:
                self._sink.send(frame)
            except ConnectionGone:
                self.gone = True
            except Exception as exc:  # raised to the handler by close()
                self._error = exc

    def close(self, *, quiet: bool = False) -> None:
        if self._thread is not None:
            self._queue.put(self._CLOSE)
            self._thread.join()
            self._thread = None
        if self._error is not None and not quiet:
            raise self._error

    def __enter__(self) -> DetachableSink:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(quiet=kind is not None)


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
        # Storage calls made side by side; created once per container like the clients they use.
        self._io = ThreadPoolExecutor(max_workers=8, thread_name_prefix="turn-io")

    def send(self, request: SendMessage, user_id: str, sink: FrameSink) -> DetachableSink:
        """Answer (or replay) one sendMessage; returns once every frame is posted (`gone`: the client left)."""
        with DetachableSink(sink) as out:
            self._send(request, user_id, out)
        return out

    def _send(self, request: SendMessage, user_id: str, out: DetachableSink, *, again: bool = True) -> None:
        cmid = request.client_message_id
        # Safety first: the message is heard before storage is read and before anything may refuse it.
        alone = turn_safety.of_message(request.message)
        session_id = request.session_id or new_id()
        message_id = new_id()
        # The checks before an answer are independent reads and writes: they go to storage at the same time.
        # The session item also carries the recent turns (context, and risk heard across them).
        reading = self._io.submit(self._repo.session, user_id, request.session_id) if request.session_id else None
        claiming = self._io.submit(
            self._idempotency.claim, user_id, cmid, request.message, request.session_id, message_id, session_id
        )
        if alone.crisis:
            self._admit_crisis(request, user_id, message_id, reading, claiming, out)
            return
        claim = claiming.result()
        if not claim.fresh:
            # A resend: it never takes a token (the copy that claimed the key pays for the one answer).
            if claim.conflict:
                out.send(
                    _error(ErrorCode.BAD_REQUEST, "That clientMessageId was already used for another message.", cmid)
                )
            elif not self._replay(claim, user_id, cmid, out):
                self._not_answered(request, user_id, out, again=again)
            return
        # Only the copy that claimed the key takes a token, so resends can never leave it without one.
        taking = self._io.submit(self._limiter.take, user_id)
        decision = self._settle(claim, taking, user_id, cmid)
        try:
            owned = reading.result() if reading else {}
        except StorageError:
            self._undo(claim, decision, user_id, cmid)
            raise
        if owned is None:
            self._undo(claim, decision, user_id, cmid)
            out.send(_error(ErrorCode.NOT_FOUND, "That conversation was not found.", cmid))
            return
        safety = self._hear(request.message, owned)
        if not decision.allowed and not safety.crisis:  # a crisis heard across the conversation is never refused
            self._undo(claim, decision, user_id, cmid)
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
            return
        self._answer(request, user_id, claim.message_id, claim.session_id, owned, safety, out)

    def _admit_crisis(
        self,
        request: SendMessage,
        user_id: str,
        message_id: str,
        reading: Future[dict[str, Any] | None] | None,
        claiming: Future[Claim],
        out: DetachableSink,
    ) -> None:
        """A crisis message gets the crisis answer whatever storage, the rate limit or the key say.

        Never rate limited (a token taken stays spent like any answer's), never refused as a reused key or an
        unknown conversation, never kept waiting on slow storage for more than CRISIS_STORAGE_WAIT_S.
        """
        cmid = request.client_message_id
        claim = _within(claiming, CRISIS_STORAGE_WAIT_S)
        owned = _within(reading, CRISIS_STORAGE_WAIT_S) if reading else {}
        if claim is not None and not claim.fresh and not claim.conflict:
            with contextlib.suppress(StorageError):
                if self._replay(claim, user_id, cmid, out):
                    return
        fresh = claim is not None and claim.fresh
        # An unknown, unreadable or someone else's conversation: the answer starts a new one of the person's own.
        session_id = request.session_id if owned and request.session_id else new_id()
        if fresh and claim is not None:
            message_id, session_id = claim.message_id, claim.session_id if owned else session_id
        elif claim is not None:
            message_id = new_id()  # the key belongs to another message or turn: this answer gets its own id
        safety = self._hear(request.message, owned or {}).raised_to(Safety.CRISIS)
        logger.info("crisis heard before admission", message_id=message_id, storage_answered=claim is not None)
        self._answer(request, user_id, message_id, session_id, owned or {}, safety, out)

    def _hear(self, message: str, session: dict[str, Any]) -> turn_safety.TurnSafety:
        earlier = [said for said, _ in self._repo.session_context(session)]
        return turn_safety.of_turn(message, earlier, crisis_open=self._repo.crisis_open(session))

    def _settle(self, claim: Claim, taking: Future[Decision], user_id: str, cmid: str) -> Decision:
        """The rate-limit token of a fresh claim; the key is given back if the token cannot be read."""
        try:
            return taking.result()
        except StorageError:
            with contextlib.suppress(StorageError):
                self._idempotency.release(user_id, cmid)
            raise

    def _not_answered(self, request: SendMessage, user_id: str, out: DetachableSink, *, again: bool) -> None:
        """A resend whose first copy left no answer: if that copy gave the key back (it was refused), try afresh."""
        cmid = request.client_message_id
        if again and not self._idempotency.held(user_id, cmid):
            self._send(request, user_id, out, again=False)
            return
        out.send(_error(ErrorCode.NOT_FOUND, "That message's answer is no longer available.", cmid))

    def _replay(self, claim: Claim, user_id: str, cmid: str, out: DetachableSink) -> bool:
        """A resent message: its stored answer again (ack first, once it exists); False when there is none."""
        logger.info("duplicate message, replaying", message_id=claim.message_id)
        turn = self._wait_for_turn(user_id, claim.message_id, cmid)
        if turn is None:
            return False
        out.send(Ack(clientMessageId=cmid, messageId=claim.message_id, sessionId=claim.session_id))
        self.follow(turn, 0, out)
        return True

    def _undo(self, claim: Claim, decision: Decision, user_id: str, cmid: str) -> None:
        """Nothing will be answered for this claim: give back the token and, if this call made the claim, the key."""
        try:
            if decision.allowed:
                self._limiter.give_back(user_id)
            if claim.fresh:
                self._idempotency.release(user_id, cmid)
        except StorageError:
            metrics.add_metric(name=MetricName.STORAGE_ERRORS, unit="Count", value=1)
            logger.warning("could not undo a refused message's claim or token", user_id=user_id)

    def _answer(
        self,
        request: SendMessage,
        user_id: str,
        message_id: str,
        session_id: str,
        session: dict[str, Any],
        safety: turn_safety.TurnSafety,
        out: DetachableSink,
    ) -> None:
        out.send(Ack(clientMessageId=request.client_message_id, messageId=message_id, sessionId=session_id))
        # The user's message is written first thing by the recorder's thread, off the path to the first token.
        recorder = TurnRecorder(self._repo, message_id=message_id, session_id=session_id, user_id=user_id)
        recorder.begin(client_message_id=request.client_message_id, message=request.message).start()
        history = self._repo.session_context(session)
        context = TurnContext(
            user_id=user_id,
            message_id=message_id,
            session_id=session_id,
            history=history[-self._context_turns :] if self._context_turns else [],
            used_references=list(session.get("usedReferences", [])),
            safety=safety,
            country=request.country,
            should_stop=recorder.stop_requested.is_set,
            on_meta=lambda meta: recorder.set_meta(meta.model_dump(by_alias=True, exclude_none=True)),
            on_delta=recorder.record,
        )
        result: TurnResult = self._chat.answer(request, out, context)
        done = result.done.model_dump(by_alias=True, exclude_none=True)
        stored = recorder.finish(_STATUS_OF[result.done.stop_reason], done)
        try:
            recent = [*history, (request.message, result.text)] if result.text else history
            used = [*context.used_references, result.meta.verse.reference]
            self._repo.remember_turn(
                user_id, session_id, used, recent, self._context_turns, crisis_open=result.safety.crisis_open
            )
        except StorageError:
            metrics.add_metric(name=MetricName.STORAGE_ERRORS, unit="Count", value=1)
            logger.warning("could not remember the verse and context", message_id=message_id)
        # Stored first, then done: a client that saw done and sends the next message at once gets this answer
        # as context, and a refresh shows it whole. If it could not be stored, done says so.
        out.send(result.done if stored else result.done.model_copy(update={"stored": False}))

    def _wait_for_turn(self, user_id: str, message_id: str, cmid: str, timeout_s: float = 5.0) -> Turn | None:
        """A concurrent duplicate may arrive before the first copy stored its turn (or gave the key back)."""
        deadline = time.monotonic() + timeout_s
        while True:
            turn = self._repo.owned_turn(user_id, message_id)
            if turn is not None or time.monotonic() > deadline:
                return turn
            if not self._idempotency.held(user_id, cmid):
                return None  # the first copy was refused: nothing will be stored under this id
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


def _within(future: Future[Any] | None, timeout_s: float) -> Any:
    """The future's result, or None when it failed with a StorageError or took longer than `timeout_s`."""
    if future is None:
        return None
    try:
        return future.result(timeout=timeout_s)
    except (StorageError, FutureTimeout):
        metrics.add_metric(name=MetricName.STORAGE_ERRORS, unit="Count", value=1)
        return None


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
