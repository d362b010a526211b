"""What the conversations store holds, as the code reads it: Session, Turn, Chunk and Deleted (no storage keys here)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from shared.protocol import Done, FeedbackView, Meta, TurnStatus, TurnView


def new_id() -> str:
    """A new session or message id."""
    return str(uuid.uuid4())


def now_ms() -> int:
    return int(time.time() * 1000)


class Exchange(NamedTuple):
    """One earlier message and its answer: the model's context, and what the safety check hears across."""

    message: str
    answer: str


@dataclass(frozen=True)
class Session:
    """One conversation of one person, with what the next answer needs to know about it."""

    session_id: str
    user_id: str
    title: str = ""
    created_at: int | None = None
    last_activity_at: int | None = None
    turn_count: int = 0
    #: The last few messages and answers (answers cut short), oldest first.
    recent_turns: tuple[Exchange, ...] = ()
    #: Verses already shown in this session, oldest first (to avoid repeats).
    used_references: tuple[str, ...] = ()
    #: A crisis answer was given and the person has not yet said they are safe.
    crisis_open: bool = False

    @classmethod
    def new(cls, session_id: str, user_id: str) -> Session:
        """A conversation that starts with this message (nothing stored yet)."""
        return cls(session_id=session_id, user_id=user_id)

    @property
    def stored(self) -> bool:
        """Read from storage (its first message created it), not started by the message being answered."""
        return self.created_at is not None

    @property
    def earlier_messages(self) -> list[str]:
        return [exchange.message for exchange in self.recent_turns]

    def after_answer(self, message: str, answer: str, reference: str, *, crisis_open: bool) -> Session:
        """The session as the next message will find it: this exchange as context (when there was an answer),
        the verse as used, and whether a crisis is still open."""
        recent = (*self.recent_turns, Exchange(message, answer)) if answer else self.recent_turns
        return replace(
            self,
            recent_turns=recent,
            used_references=(*self.used_references, reference),
            crisis_open=crisis_open,
        )


@dataclass(frozen=True)
class Turn:
    """One message and its answer, as stored (the answer's text may live in its chunks)."""

    message_id: str
    session_id: str
    user_id: str
    client_message_id: str
    message: str
    created_at: int
    updated_at: int
    status: TurnStatus
    last_seq: int = 0
    meta: Meta | None = None
    #: The `done` frame the answer ended with (None while it is being written, or when the writer died).
    done: Done | None = None
    answer: str | None = None
    #: {"helpful": bool, "comment": str | None, "at": epoch ms}
    feedback: dict[str, Any] | None = None
    stop_requested: bool = False
    #: Asked for with `anotherVerse`: the earlier answer to the same message.
    sibling_of: str | None = None

    @property
    def final(self) -> bool:
        return self.status is not TurnStatus.STREAMING

    def to_view(self, answer: str) -> TurnView:
        """The turn as a `history` page shows it, with its whole answer text."""
        meta, done = self.meta, self.done
        return TurnView(
            messageId=self.message_id,
            createdAt=self.created_at,
            message=self.message,
            answer=answer,
            status=self.status,
            emotion=meta.emotion if meta else None,
            confidence=meta.confidence if meta else None,
            verse=meta.verse if meta else None,
            safety=meta.safety if meta else None,
            resources=meta.resources if meta else None,
            stopReason=done.stop_reason if done else None,
            fallback=done.fallback if done else None,
            feedback=FeedbackView.model_validate(self.feedback) if self.feedback else None,
            siblingOf=self.sibling_of,
        )


@dataclass
class Chunk:
    """Consecutive deltas of one answer, stored as one item."""

    first_seq: int
    deltas: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Deleted:
    """What a deletion removed."""

    sessions: int = 0
    turns: int = 0

    def __add__(self, other: Deleted) -> Deleted:
        return Deleted(self.sessions + other.sessions, self.turns + other.turns)


def exchanges(pairs: Sequence[tuple[str, str]]) -> tuple[Exchange, ...]:
    return tuple(Exchange(str(message), str(answer)) for message, answer in pairs)
