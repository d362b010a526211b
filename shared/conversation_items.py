"""The Conversations table's items: their keys, and items read back as records (key design: docs/data-model.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from shared.limits import TITLE_MAX_CHARS
from shared.protocol import Done, Meta, SessionSummary, TurnStatus
from shared.records import Exchange, Session, Turn, now_ms
from shared.storage import StorageError, dynamo, plain

#: An answer longer than this is kept only in its chunks, never inlined into the turn item (400 KB item limit).
INLINE_ANSWER_MAX_CHARS = 100_000
#: A turn still "streaming" after this long without a write was cut off by a crash: it is incomplete.
STALE_AFTER_MS = 60_000
#: The title of a conversation that began in crisis: its words never sit in plain view in the history list.
CRISIS_TITLE = "A hard moment"
_TURN = "TURN"
CHUNK_PREFIX = "CHUNK#"
SESSION_PREFIX = "SESSION#"
#: A title the person chose is stored as {"text": …, "byPerson": true} in the `title` attribute itself, which the
#: session list's index (byActivity) projects: a new projected attribute would mean replacing that index.
BY_PERSON = "byPerson"
#: The session item's flag: a crisis answer was given and the person has not yet said they are safe.
CRISIS_OPEN = "crisisOpen"


def user_key(user_id: str) -> str:
    return f"USER#{user_id}"


def session_key(session_id: str) -> str:
    return f"{SESSION_PREFIX}{session_id}"


def message_key(message_id: str) -> str:
    return f"MSG#{message_id}"


def turn_key(message_id: str) -> dict[str, str]:
    return {"pk": message_key(message_id), "sk": _TURN}


def session_item_key(user_id: str, session_id: str) -> dict[str, str]:
    return {"pk": user_key(user_id), "sk": session_key(session_id)}


def stored(frame: BaseModel | Mapping[str, Any]) -> Any:
    """A frame as it is stored (its wire form); seeding tools and tests may pass that form directly."""
    data = frame.model_dump(by_alias=True, exclude_none=True) if isinstance(frame, BaseModel) else dict(frame)
    return dynamo(data)


def session_of(item: dict[str, Any]) -> Session:
    item = plain(item)
    return Session(
        session_id=str(item["sessionId"]),
        user_id=str(item["userId"]),
        title=title_text(item.get("title")),
        created_at=item.get("createdAt"),
        last_activity_at=item.get("lastActivityAt"),
        turn_count=int(item.get("turnCount", 0)),
        recent_turns=tuple(Exchange(str(t["message"]), str(t["answer"])) for t in item.get("recentTurns", [])),
        used_references=tuple(str(r) for r in item.get("usedReferences", [])),
        crisis_open=bool(item.get(CRISIS_OPEN)),
    )


def turn_of(item: dict[str, Any]) -> Turn:
    item = plain(item)
    status = TurnStatus(item["status"])
    if status is TurnStatus.STREAMING and now_ms() - int(item["updatedAt"]) > STALE_AFTER_MS:
        status = TurnStatus.INCOMPLETE
    try:
        meta = Meta.model_validate(item["meta"]) if item.get("meta") else None
    except ValidationError as exc:
        raise StorageError("a stored turn's meta is not valid") from exc
    return Turn(
        message_id=item["messageId"],
        session_id=item["sessionId"],
        user_id=item["userId"],
        client_message_id=item.get("clientMessageId", ""),
        message=item.get("message", ""),
        created_at=int(item["turnAt"]),
        updated_at=int(item["updatedAt"]),
        status=status,
        last_seq=int(item.get("lastSeq", 0)),
        meta=meta,
        done=_done_of(item),
        answer=item.get("answer"),
        feedback=item.get("feedback"),
        stop_requested=bool(item.get("stopRequested", False)),
        sibling_of=item.get("siblingOf"),
    )


def _done_of(item: dict[str, Any]) -> Done | None:
    """The stored done frame. Items seeded by tools and tests may hold only part of it: the turn's own id, last
    seq and duration fill in what is missing; without a stop reason there is no done to show."""
    stored = item.get("done")
    if not stored:
        return None
    known = {
        "messageId": item["messageId"],
        "seq": int(item.get("lastSeq", 0)),
        "metrics": {"totalMs": float(int(item["updatedAt"]) - int(item["turnAt"]))},
    }
    try:
        return Done.model_validate({**known, **stored})
    except ValidationError:
        return None


def title(message: str, *, crisis: bool = False) -> str:
    """A session's title: the first line of its first message, cut short; never a crisis message's words."""
    if crisis:
        return CRISIS_TITLE
    first_line = message.strip().splitlines()[0] if message.strip() else ""
    return first_line if len(first_line) <= TITLE_MAX_CHARS else first_line[: TITLE_MAX_CHARS - 1].rstrip() + "\u2026"


def person_title(text: str) -> dict[str, Any]:
    """The `title` attribute of a title the person typed (renameConversation): kept as typed."""
    return {"text": text, BY_PERSON: True}


def title_text(stored_title: Any) -> str:
    """A stored title's words, whether derived from the first message (text) or chosen by the person (a map)."""
    if isinstance(stored_title, Mapping):
        return str(stored_title.get("text", ""))
    return str(stored_title or "")


def summary_of(item: dict[str, Any]) -> SessionSummary:
    """A session as the session list shows it (read from the byActivity index)."""
    item = plain(item)
    stored_title = item.get("title")
    renamed = isinstance(stored_title, Mapping) and bool(stored_title.get(BY_PERSON))
    return SessionSummary.model_validate({**item, "title": title_text(stored_title), "renamed": renamed or None})
