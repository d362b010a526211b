"""A stored answer sent again (resume, a resent message) and followed live until it is done or time runs out."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Protocol

from shared.deadline import Deadline
from shared.observability import logger
from shared.protocol import Ack, Delta, Done, StopReason, Timings
from shared.records import Turn
from shared.sinks import FrameSink

#: How often a followed answer is read again while it is being written.
POLL_S = 0.1
#: A resent message may arrive before its first copy stored the turn (or gave its key back): how long to wait.
RESEND_WAIT_S = 5.0


class TurnReader(Protocol):
    def get_turn(self, message_id: str) -> Turn | None: ...

    def owned_turn(self, user_id: str, message_id: str) -> Turn | None: ...

    def chunks_after(self, message_id: str, after_seq: int) -> Iterable[tuple[int, str]]: ...


class KeyHolder(Protocol):
    def held(self, user_id: str, client_message_id: str) -> bool: ...


class Follower:
    """Sends an answer's frames from storage and polls it until it is final."""

    def __init__(self, turns: TurnReader, keys: KeyHolder) -> None:
        self._turns = turns
        self._keys = keys

    def follow(self, turn: Turn, after_seq: int, out: FrameSink, deadline: Deadline) -> None:
        """Meta, the deltas after `after_seq`, then live until done. An answer still unfinished at the deadline
        (its writer died, or is slower than this handler may wait) ends with a `done` saying "error"."""
        sent_meta = False
        last_seq = after_seq
        while True:
            if turn.meta is not None and not sent_meta:
                out.send(turn.meta)
                sent_meta = True
            if sent_meta:
                for seq, text in self._turns.chunks_after(turn.message_id, last_seq):
                    out.send(Delta(messageId=turn.message_id, seq=seq, text=text))
                    last_seq = seq
            if turn.final:
                out.send(turn.done or _incomplete(turn, last_seq))
                return
            if getattr(out, "gone", False):
                return
            if deadline.passed():
                logger.info("answer still unfinished at the deadline", message_id=turn.message_id, seq=last_seq)
                out.send(_incomplete(turn, last_seq))
                return
            time.sleep(POLL_S)
            refreshed = self._turns.get_turn(turn.message_id)
            if refreshed is None:
                return
            turn = refreshed

    def replay(
        self, message_id: str, session_id: str, user_id: str, cmid: str, out: FrameSink, deadline: Deadline
    ) -> bool:
        """A resent message: its stored answer again (ack first, once it exists); False when there is none."""
        logger.info("duplicate message, replaying", message_id=message_id)
        turn = self._wait_for_turn(user_id, message_id, cmid)
        if turn is None:
            return False
        out.send(Ack(clientMessageId=cmid, messageId=message_id, sessionId=session_id))
        self.follow(turn, 0, out, deadline)
        return True

    def _wait_for_turn(self, user_id: str, message_id: str, cmid: str) -> Turn | None:
        deadline = Deadline.within(RESEND_WAIT_S)
        while True:
            turn = self._turns.owned_turn(user_id, message_id)
            if turn is not None or deadline.passed():
                return turn
            if not self._keys.held(user_id, cmid):
                return None  # the first copy was refused: nothing will be stored under this id
            time.sleep(POLL_S)


def _incomplete(turn: Turn, last_seq: int) -> Done:
    """The end of an answer that is not finished: what was stored (and sent) is all there is."""
    return Done(
        messageId=turn.message_id,
        seq=last_seq,
        stopReason=StopReason.ERROR,
        metrics=Timings(totalMs=float(turn.updated_at - turn.created_at)),
    )
