"""What the chat screen shows: turns, crisis resources and sessions, built from protocol frames and history pages."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from shared.protocol import ErrorCode

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
class Resource:
    name: str = ""
    description: str = ""
    phone: str = ""
    sms: str = ""
    url: str = ""


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
    crisis: bool = False
    resources: list[Resource] = dataclasses.field(default_factory=list)
    text: str = ""
    seq: int = 0
    notice: str = ""
    fallback: bool = False
    #: "" (none yet), "up" or "down".
    feedback: str = ""
    feedback_saved: bool = False
    comment_open: bool = False


@dataclasses.dataclass
class SessionItem:
    session_id: str = ""
    title: str = ""
    when: str = ""


def resources_of(items: list[Any] | None) -> list[Resource]:
    out = []
    for item in items or []:
        data = item.model_dump() if hasattr(item, "model_dump") else dict(item)
        out.append(
            Resource(
                name=str(data.get("name") or ""),
                description=str(data.get("description") or ""),
                phone=str(data.get("phone") or ""),
                sms=str(data.get("sms") or ""),
                url=str(data.get("url") or ""),
            )
        )
    return out


def error_sentence(code: ErrorCode | str, server_message: str, retry_after_ms: int | None = None) -> str:
    """A calm sentence for the person; the server's own sentence where it is about what they wrote."""
    if code == ErrorCode.RATE_LIMITED:
        seconds = max(1, round((retry_after_ms or 10_000) / 1000))
        return (
            "You're writing faster than I can answer well. Take a slow breath; "
            f"you can send again in about {seconds} second{'s' if seconds != 1 else ''}."
        )
    if code in (ErrorCode.BAD_REQUEST, ErrorCode.TOO_LARGE):
        return server_message or "That message couldn't be sent. Please shorten it and try again."
    if code == ErrorCode.MODEL_UNAVAILABLE:
        return "The encouragement service is resting for a moment. Please try again shortly."
    if code == ErrorCode.NOT_FOUND:
        return "That conversation couldn't be found. It may have been deleted."
    return "Something went wrong on our side. Your words are safe to send again."


def gateway_sentence(message: str) -> str:
    if "timed out" in message.lower():
        return "The answer took too long to arrive. Please try again."
    return "Something went wrong on our side. Your words are safe to send again."


# -- history pages ------------------------------------------------------------------------------
# The history route is still being built server-side; these adapters accept the likely spellings of each field
# so the sidebar keeps working while that contract settles.
def _first(data: dict[str, Any], *names: str) -> Any:
    for name in names:
        value = data.get(name)
        if value not in (None, ""):
            return value
    return None


def _when(value: Any) -> str:
    if value is None:
        return ""
    try:
        if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
            number = float(value)
            moment = datetime.fromtimestamp(number / 1000 if number > 1e11 else number, tz=UTC)
        else:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return ""
    return moment.strftime("%d %b, %H:%M")


def session_items(items: list[dict[str, Any]]) -> list[SessionItem]:
    sessions = []
    for item in items:
        session_id = _first(item, "sessionId", "session_id", "id")
        if not session_id:
            continue
        title = _first(item, "title", "preview", "firstMessage", "summary", "lastMessage", "message") or "Conversation"
        when = _when(_first(item, "updatedAt", "lastMessageAt", "lastActivityAt", "createdAt", "startedAt"))
        sessions.append(SessionItem(session_id=str(session_id), title=_short(str(title)), when=when))
    return sessions


#: Stored turn status -> (status on screen, note).
_HISTORY_STATUS = {
    "complete": (DONE, ""),
    "streaming": (DONE, "This answer was still being written when the conversation was opened."),
    "stopped": (STOPPED, "This answer was stopped."),
    "failed": (FAILED, "This answer couldn't be completed."),
    "incomplete": (INTERRUPTED, "This answer was left unfinished."),
}


def turns_of(session_id: str, items: list[dict[str, Any]]) -> list[Turn]:
    turns = []
    for item in items:
        status, notice = _HISTORY_STATUS.get(str(item.get("status") or "complete"), (DONE, ""))
        verse = item.get("verse") if isinstance(item.get("verse"), dict) else {}
        feedback = item.get("feedback") if isinstance(item.get("feedback"), dict) else {}
        helpful = _first(item, "helpful")
        if helpful is None:
            helpful = feedback.get("helpful")
        turns.append(
            Turn(
                key=str(_first(item, "clientMessageId", "messageId") or len(turns)),
                question=str(_first(item, "message", "userMessage", "question", "prompt") or ""),
                message_id=str(_first(item, "messageId") or ""),
                session_id=session_id,
                status=status,
                notice=notice,
                emotion=str(_first(item, "emotion") or ""),
                confidence=float(_first(item, "confidence") or 0.0),
                reference=str(_first(verse, "reference") or _first(item, "reference") or ""),
                verse=str(_first(verse, "text") or _first(item, "verseText") or ""),
                translation=str(_first(verse, "translation") or ""),
                crisis=_first(item, "safety") == "crisis",
                resources=resources_of(item.get("resources")),
                text=str(_first(item, "answer", "reply", "text", "response") or ""),
                fallback=bool(item.get("fallback")),
                feedback="" if helpful is None else ("up" if helpful else "down"),
                feedback_saved=helpful is not None,
            )
        )
    return turns


def _short(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def title_for(question: str) -> str:
    return _short(question)
