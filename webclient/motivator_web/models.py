"""What the chat screen shows: turns, crisis resources and sessions, built from protocol frames and history pages."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from motivator_web.safety import Resource, safety_view
from shared.protocol import ErrorCode, Meta, Safety, SessionSummary, TurnStatus, TurnView

#: The quiet note under an answer the server could not store.
UNSAVED_NOTE = "This answer could not be saved, so it won't be in your history."
#: Said when something failed on the server's side (a handler, storage) and the question can simply be sent again.
ON_OUR_SIDE = "Something went wrong on our side. Your words are safe to send again."

#: A turn's lifecycle on screen.
SENDING, STREAMING, DONE, STOPPED, INTERRUPTED, FAILED = (
    "sending",
    "streaming",
    "done",
    "stopped",
    "interrupted",
    "failed",
)


@dataclasses.dataclass
class Turn:
    """One question and its answer; `key` is the clientMessageId (idempotency key) of the question."""

    key: str = ""
    question: str = ""
    message_id: str = ""
    session_id: str = ""
    status: str = SENDING
    emotion: str = ""
    confidence: float = 0.0
    reference: str = ""
    verse: str = ""
    translation: str = ""
    #: The safety part of the card (see safety.SafetyView).
    crisis: bool = False
    concern: bool = False
    resources: list[Resource] = dataclasses.field(default_factory=list)
    more_resources: list[Resource] = dataclasses.field(default_factory=list)
    feedback_offered: bool = True
    #: The country the question was sent with, so a resend after a reconnect carries it too.
    country: str = ""
    text: str = ""
    seq: int = 0
    notice: str = ""
    fallback: bool = False
    #: False when the server could not store the answer (`done.stored: false`): it will not be in history.
    saved: bool = True
    #: "" (none yet), "up" or "down".
    feedback: str = ""
    feedback_saved: bool = False
    comment_open: bool = False
    #: An answer asked for with "another verse": the message id of the earlier answer to the same words.
    sibling_of: str = ""
    #: A comment went with the feedback (its confirmation says so).
    commented: bool = False
    #: The person saved this answer's verse.
    bookmarked: bool = False


@dataclasses.dataclass
class SessionItem:
    session_id: str = ""
    title: str = ""
    #: A fallback text ("Just now" for a conversation started here, else the time in UTC).
    when: str = ""
    #: Last activity, epoch ms (0: unknown); the browser shows it in the person's own time zone.
    at_ms: int = 0
    #: The person gave it this title (renameConversation): shown as typed, never cut short nor numbered apart.
    renamed: bool = False


def with_safety(turn: Turn, safety: Safety | str | None, resources: Iterable[Any] | None) -> Turn:
    """The turn with its safety level applied: the same on a live `meta` frame as on a history page."""
    view = safety_view(safety, resources)
    return dataclasses.replace(
        turn,
        crisis=view.crisis,
        concern=view.concern,
        resources=view.resources,
        more_resources=view.more_resources,
        feedback_offered=view.feedback_offered,
    )


def with_meta(turn: Turn, meta: Meta) -> Turn:
    """The live turn once its `meta` frame arrives: emotion, verse, safety."""
    turn = dataclasses.replace(
        turn,
        status=STREAMING,
        emotion=meta.emotion,
        confidence=meta.confidence,
        reference=meta.verse.reference,
        verse=meta.verse.text,
        translation=meta.verse.translation,
    )
    return with_safety(turn, meta.safety, meta.resources)


def error_sentence(code: ErrorCode | str, server_message: str, retry_after_ms: int | None = None) -> str:
    """A calm sentence for the person; the server's own sentence where it is about what they wrote."""
    if code == ErrorCode.RATE_LIMITED:
        seconds = max(1, round((retry_after_ms or 10_000) / 1000))
        return (
            "You're writing faster than I can answer well. Take a slow breath; "
            f"you can send again in about {seconds} second{'s' if seconds != 1 else ''}."
        )
    if code == ErrorCode.DAILY_LIMIT:
        return server_message  # says when the allowance resets, and that a crisis is always answered
    if code in (ErrorCode.BAD_REQUEST, ErrorCode.TOO_LARGE):
        return server_message or "That message couldn't be sent. Please shorten it and try again."
    if code == ErrorCode.MODEL_UNAVAILABLE:
        return "The encouragement service is resting for a moment. Please try again shortly."
    if code == ErrorCode.NOT_FOUND:
        return "That conversation couldn't be found. It may have been deleted."
    return ON_OUR_SIDE


# -- history pages ------------------------------------------------------------------------------
def _when(epoch_ms: int | None) -> str:
    if epoch_ms is None:
        return ""
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).strftime("%d %b, %H:%M")


def session_items(items: Sequence[SessionSummary | TurnView]) -> list[SessionItem]:
    return distinct(
        [
            SessionItem(
                session_id=item.session_id,
                title=item.title if item.renamed else _short(item.title or "Conversation"),
                when=_when(item.last_activity_at),
                at_ms=item.last_activity_at or 0,
                renamed=bool(item.renamed),
            )
            for item in items
            if isinstance(item, SessionSummary)
        ]
    )


def distinct(sessions: list[SessionItem]) -> list[SessionItem]:
    """Titles told apart: a title met again (oldest first; the list is newest first) gets " (2)", " (3)" … A title
    the person typed is theirs: kept as typed and left out of the count, so renaming one row changes only that row."""
    used: set[str] = set()
    titled: list[SessionItem] = []
    for item in reversed(sessions):
        if item.renamed:
            titled.append(item)
            continue
        title, n = item.title, 2
        while title in used:
            title, n = f"{item.title} ({n})", n + 1
        used.add(title)
        titled.append(item if title == item.title else dataclasses.replace(item, title=title))
    return titled[::-1]


#: Stored turn status -> (status on screen, note).
_HISTORY_STATUS = {
    TurnStatus.COMPLETE: (DONE, ""),
    TurnStatus.STREAMING: (DONE, "This answer was still being written when the conversation was opened."),
    TurnStatus.STOPPED: (STOPPED, "This answer was stopped."),
    TurnStatus.FAILED: (FAILED, "This answer couldn't be completed."),
    TurnStatus.INCOMPLETE: (INTERRUPTED, "This answer was left unfinished."),
}


def turns_of(session_id: str, items: Sequence[SessionSummary | TurnView]) -> list[Turn]:
    turns = []
    for item in items:
        if not isinstance(item, TurnView):
            continue
        status, notice = _HISTORY_STATUS[item.status]
        helpful = item.feedback.helpful if item.feedback else None
        turn = Turn(
            key=item.message_id,
            question=item.message,
            message_id=item.message_id,
            session_id=session_id,
            status=status,
            notice=notice,
            emotion=item.emotion or "",
            confidence=item.confidence or 0.0,
            reference=item.verse.reference if item.verse else "",
            verse=item.verse.text if item.verse else "",
            translation=item.verse.translation if item.verse else "",
            text=item.answer,
            fallback=bool(item.fallback),
            feedback="" if helpful is None else ("up" if helpful else "down"),
            feedback_saved=helpful is not None,
            sibling_of=item.sibling_of or "",
            bookmarked=bool(item.verse_saved),
        )
        turns.append(with_safety(turn, item.safety, item.resources))
    return turns


def _short(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def title_for(question: str) -> str:
    return _short(question)
