"""The turn as one use case, read top to bottom: admit, choose, write, record (each stage a module of shared.turn)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from typing import Protocol

from shared.deadline import Deadline
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import AnotherVerse, Error, ErrorCode, Safety, SendMessage, StopReason, TurnStatus
from shared.recorder import Conversations, TurnRecorder
from shared.records import Session, Turn
from shared.sinks import DetachableSink, FrameSink
from shared.storage import StorageError
from shared.turn.admit import Admission, Admitted, Entry, Refused, Resent
from shared.turn.choose import Chooser
from shared.turn.follow import Follower
from shared.turn.write import Writer, Written

STATUS_OF = {
    StopReason.END_TURN: TurnStatus.COMPLETE,
    StopReason.MAX_TOKENS: TurnStatus.COMPLETE,
    StopReason.STOPPED: TurnStatus.STOPPED,
    StopReason.ERROR: TurnStatus.FAILED,
}


class SessionMemory(Conversations, Protocol):
    """The conversations store as the pipeline uses it: the recorder's writes, and the session remembered."""

    def remember(self, session: Session, keep: int) -> None: ...

    def owned_turn(self, user_id: str, message_id: str) -> Turn | None: ...


@dataclass(frozen=True)
class Sibling:
    """`anotherVerse`: the earlier answer a new one is written beside, for the same message."""

    message_id: str
    reference: str
    safety: Safety

    def applied(self, entry: Entry) -> Entry:
        """The admitted answer avoiding the earlier verse, and at least as careful as the earlier answer was (a
        crisis answer's "another verse" is again gentle, with the resources)."""
        if isinstance(entry, Resent) and entry.otherwise is not None:
            return replace(entry, otherwise=self._applied(entry.otherwise))
        return self._applied(entry) if isinstance(entry, Admitted) else entry

    def _applied(self, admitted: Admitted) -> Admitted:
        session = admitted.session
        used = replace(session, used_references=(*session.used_references, self.reference))
        return replace(admitted, session=used, safety=admitted.safety.raised_to(self.safety))


class TurnService:
    """Answers one sendMessage on one connection, or replays the answer a resent copy of it already has."""

    def __init__(
        self,
        admission: Admission,
        chooser: Chooser,
        writer: Writer,
        follower: Follower,
        conversations: SessionMemory,
        context_turns: int,
    ) -> None:
        self._admission = admission
        self._chooser = chooser
        self._writer = writer
        self._follower = follower
        self._conversations = conversations
        self._context_turns = context_turns

    def send(self, request: SendMessage, user_id: str, sink: FrameSink, deadline: Deadline) -> DetachableSink:
        """Answer (or replay) one sendMessage; returns once every frame is posted (`gone`: the client left)."""
        with DetachableSink(sink) as out:
            self._send(request, user_id, out, deadline, again=True)
        return out

    def another(self, request: AnotherVerse, user_id: str, sink: FrameSink, deadline: Deadline) -> DetachableSink:
        """Answer an earlier message of this person again, with a verse its conversation has not shown yet."""
        with DetachableSink(sink) as out:
            original = self._conversations.owned_turn(user_id, request.message_id)
            refused = _not_answerable_again(original, request)
            if refused is not None or original is None or original.meta is None:
                out.send(refused or _answer_not_found(request))
                return out
            meta = original.meta
            again = SendMessage(
                message=original.message,
                clientMessageId=request.client_message_id,
                sessionId=original.session_id,
                country=request.country,
            )
            sibling = Sibling(original.message_id, meta.verse.reference, meta.safety)
            self._send(again, user_id, out, deadline, again=True, sibling=sibling)
        return out

    def _send(
        self,
        request: SendMessage,
        user_id: str,
        out: FrameSink,
        deadline: Deadline,
        *,
        again: bool,
        sibling: Sibling | None = None,
    ) -> None:
        # 1. Admit: the message's safety first, then its key and a token (never refusing a crisis).
        entry = self._admission.admit(request, user_id)
        if sibling is not None:
            entry = sibling.applied(entry)
        if isinstance(entry, Resent):
            if self._replayed(entry, request, user_id, out, deadline):
                return
            if entry.otherwise is None:
                self._not_answered(request, user_id, out, deadline, again=again, sibling=sibling)
                return
            entry = entry.otherwise  # a crisis whose first copy left nothing to replay is answered anew
        if isinstance(entry, Refused):
            out.send(entry.error)
            return
        self._answer(request, user_id, entry, out, sibling)

    def _answer(
        self, request: SendMessage, user_id: str, admitted: Admitted, out: FrameSink, sibling: Sibling | None
    ) -> None:
        ack = admitted.ack(request.client_message_id)
        sibling_of = sibling.message_id if sibling else None
        out.send(ack.model_copy(update={"sibling_of": sibling_of}) if sibling_of else ack)
        # The recorder starts at once: its own thread writes the person's message first, off the token path.
        recorder = TurnRecorder(
            self._conversations, message_id=admitted.message_id, session_id=admitted.session.session_id, user_id=user_id
        )
        recorder.begin(
            client_message_id=request.client_message_id,
            message=request.message,
            sibling_of=sibling_of,
            crisis=admitted.safety.crisis,
            # A stored session is touched once, by `remember` with the answer's context (docs/cost.md section 5).
            touch_session=not admitted.session.stored,
        ).start()
        # 2. Choose: the feeling heard, the model's context, the verses that may be shown.
        choice = self._chooser.choose(request.message, admitted.session, admitted.translation)
        # 3. Write: the crisis text, the model or the composer, streamed as it is written.
        written = self._writer.write(request, admitted.message_id, choice, admitted.safety, recorder, out)
        # 4. Record: the answer stored whole, then the session's memory; only then `done`, so a client that saw
        # it finds the answer in history and as context of its next message (or learns it was not stored).
        stored = self._record(request.message, admitted.session, written, recorder)
        out.send(written.done if stored else written.done.model_copy(update={"stored": False}))

    def _record(self, message: str, session: Session, written: Written, recorder: TurnRecorder) -> bool:
        """The answer stored whole, then the session's context, verses and crisis state; True when stored."""
        stored = recorder.finish(STATUS_OF[written.done.stop_reason], written.done)
        reference = written.meta.verse.reference
        after = session.after_answer(message, written.text, reference, crisis_open=written.safety.crisis_open)
        try:
            self._conversations.remember(after, self._context_turns)
        except StorageError:
            metrics.add_metric(name=MetricName.STORAGE_ERRORS, unit="Count", value=1)
            logger.warning("could not remember the verse and context", message_id=recorder.message_id)
        return stored

    def _replayed(self, resent: Resent, request: SendMessage, user_id: str, out: FrameSink, deadline: Deadline) -> bool:
        cmid = request.client_message_id
        replay = self._follower.replay
        if resent.otherwise is None:
            return replay(resent.message_id, resent.session_id, user_id, cmid, out, deadline)
        with contextlib.suppress(StorageError):  # a crisis is answered even when storage cannot replay
            return replay(resent.message_id, resent.session_id, user_id, cmid, out, deadline)
        return False

    def _not_answered(
        self,
        request: SendMessage,
        user_id: str,
        out: FrameSink,
        deadline: Deadline,
        *,
        again: bool,
        sibling: Sibling | None,
    ) -> None:
        """A resend whose first copy left no answer: if that copy gave the key back (it was refused), try afresh."""
        if again and self._admission.given_back(user_id, request.client_message_id):
            self._send(request, user_id, out, deadline, again=False, sibling=sibling)
            return
        message = "That message's answer is no longer available."
        out.send(Error(code=ErrorCode.NOT_FOUND, message=message, clientMessageId=request.client_message_id))


def _answer_not_found(request: AnotherVerse) -> Error:
    return Error(
        code=ErrorCode.NOT_FOUND,
        message="That answer was not found.",
        clientMessageId=request.client_message_id,
        messageId=request.message_id,
    )


def _not_answerable_again(original: Turn | None, request: AnotherVerse) -> Error | None:
    """Why this answer cannot have another verse yet (None: it can)."""
    if original is None:
        return _answer_not_found(request)
    if not original.final:
        return Error(
            code=ErrorCode.BAD_REQUEST,
            message="That answer is still being written; ask for another verse once it is finished.",
            clientMessageId=request.client_message_id,
            messageId=request.message_id,
        )
    return _answer_not_found(request) if original.meta is None else None
