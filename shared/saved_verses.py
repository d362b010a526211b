"""Saved verses: a person's bookmarks of answers' verses, one item per answer in the Conversations table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key

from shared import limits
from shared.conversation_items import user_key
from shared.records import Turn, now_ms
from shared.storage import (
    InvalidCursor,
    NotFound,
    StorageError,
    call,
    conditional,
    decode_cursor,
    encode_cursor,
    plain,
    query_all,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

#: Sort key prefix of a saved verse (`pk` = USER#{userId}, `sk` = SAVED#{messageId}; docs/data-model.md).
SAVED_PREFIX = "SAVED#"


class TooMany(Exception):
    """The person has saved limits.SAVED_VERSES_MAX verses already."""


@dataclass(frozen=True)
class SavedVerse:
    """One saved verse: the answer it came from, its reference (the text is read in the current translation), the
    feeling it answered, and when it was saved and answered."""

    message_id: str
    reference: str
    emotion: str
    saved_at: int
    answered_at: int
    session_id: str


def _key(user_id: str, message_id: str) -> dict[str, str]:
    return {"pk": user_key(user_id), "sk": f"{SAVED_PREFIX}{message_id}"}


def _of(item: dict[str, Any]) -> SavedVerse:
    item = plain(item)
    return SavedVerse(
        message_id=str(item["messageId"]),
        reference=str(item["reference"]),
        emotion=str(item.get("emotion", "")),
        saved_at=int(item["savedAt"]),
        answered_at=int(item.get("answeredAt", 0)),
        session_id=str(item.get("sessionId", "")),
    )


class SavedVerseRepository:
    """Saves, lists and removes a person's verses; DynamoDB failures surface as StorageError."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def save(self, user_id: str, turn: Turn) -> SavedVerse:
        """Save the verse of this person's answer (saving it again keeps the first save); TooMany past the limit."""
        if turn.meta is None:
            raise NotFound(turn.message_id)
        if len(self.all(user_id)) >= limits.SAVED_VERSES_MAX:
            raise TooMany
        saved = SavedVerse(
            turn.message_id, turn.meta.verse.reference, turn.meta.emotion, now_ms(), turn.created_at, turn.session_id
        )
        item = {
            **_key(user_id, turn.message_id),
            "userId": user_id,
            "messageId": saved.message_id,
            "reference": saved.reference,
            "emotion": saved.emotion,
            "savedAt": saved.saved_at,
            "answeredAt": saved.answered_at,
            "sessionId": saved.session_id,
        }
        if conditional(self._table.put_item, "saving a verse", Item=item, ConditionExpression=Attr("pk").not_exists()):
            return saved
        return self.get(user_id, turn.message_id) or saved

    def get(self, user_id: str, message_id: str) -> SavedVerse | None:
        found = call(self._table.get_item, "reading a saved verse", Key=_key(user_id, message_id)).get("Item")
        return _of(found) if found else None

    def remove(self, user_id: str, message_id: str) -> bool:
        """Remove one saved verse; False when it was not saved."""
        return conditional(
            self._table.delete_item,
            "removing a saved verse",
            Key=_key(user_id, message_id),
            ConditionExpression=Attr("pk").exists(),
        )

    def all(self, user_id: str) -> list[SavedVerse]:
        """Every saved verse of this person, newest first (at most limits.SAVED_VERSES_MAX: small items)."""
        condition = Key("pk").eq(user_key(user_id)) & Key("sk").begins_with(SAVED_PREFIX)
        items = query_all(self._table.query, "listing saved verses", KeyConditionExpression=condition)
        return sorted((_of(i) for i in items), key=lambda s: (s.saved_at, s.message_id), reverse=True)

    def page(self, user_id: str, limit: int, cursor: str | None) -> tuple[list[SavedVerse], str | None]:
        """One page, newest first, and the cursor to the next (None: no more); InvalidCursor for a bad cursor."""
        after = decode_cursor(cursor)
        every = self.all(user_id)
        if after is not None:
            mark = (after.get("savedAt"), after.get("messageId"))
            if not isinstance(mark[0], int) or not isinstance(mark[1], str):
                raise InvalidCursor("cursor")
            every = [s for s in every if (s.saved_at, s.message_id) < mark]
        shown = every[:limit]
        more = len(every) > limit
        last = shown[-1] if shown else None
        next_cursor = encode_cursor({"savedAt": last.saved_at, "messageId": last.message_id}) if more and last else None
        return shown, next_cursor

    def message_ids(self, user_id: str) -> set[str]:
        """Which answers' verses this person saved (history marks them)."""
        try:
            return {s.message_id for s in self.all(user_id)}
        except StorageError:
            return set()  # history still shows; only the marks are missing

    def export(self, user_id: str) -> list[dict[str, Any]]:
        """Every saved verse of this person as plain data, newest first (account export; references only, no text)."""
        return [
            {
                "messageId": s.message_id,
                "sessionId": s.session_id,
                "reference": s.reference,
                "emotion": s.emotion,
                "savedAt": s.saved_at,
                "answeredAt": s.answered_at,
            }
            for s in self.all(user_id)
        ]

    def delete_all(self, user_id: str) -> int:
        """Remove every saved verse of this person (account deletion); returns how many."""
        every = self.all(user_id)

        def delete() -> None:
            with self._table.batch_writer() as batch:
                for saved in every:
                    batch.delete_item(Key=_key(user_id, saved.message_id))

        call(delete, "deleting saved verses")
        return len(every)
