"""Sessions, turns, answer chunks and feedback in the Conversations table (key design: docs/data-model.md)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import BotoCoreError, ClientError

from shared import limits
from shared.connections import StorageError
from shared.jsontext import utf8_encodable
from shared.protocol import SessionSummary, TurnStatus
from shared.tables import CONVERSATIONS

#: The session item's flag: a crisis answer was given and the person has not yet said they are safe.
CRISIS_OPEN = "crisisOpen"

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

#: An answer longer than this is kept only in its chunks, never inlined into the turn item (400 KB item limit).
INLINE_ANSWER_MAX_CHARS = 100_000
#: A turn still "streaming" after this long without a write was cut off by a crash: it is incomplete.
STALE_AFTER_MS = 60_000
TITLE_MAX_CHARS = 60


def now_ms() -> int:
    return int(time.time() * 1000)


def _user(user_id: str) -> str:
    return f"USER#{user_id}"


def _session(session_id: str) -> str:
    return f"SESSION#{session_id}"


def _message(message_id: str) -> str:
    return f"MSG#{message_id}"


def _plain(value: Any) -> Any:
    """DynamoDB's Decimals back to ints and floats."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _dynamo(value: Any) -> Any:
    """Floats to Decimals, as boto3's resource layer requires."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_dynamo(v) for v in value]
    return value


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    return base64.urlsafe_b64encode(json.dumps(_plain(key)).encode()).decode() if key else None


class InvalidCursor(ValueError):
    """A history cursor this service did not hand out."""


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """The key a cursor holds; InvalidCursor unless it could be one of ours (short, key values S or N only)."""
    if not cursor:
        return None
    if len(cursor) > limits.HISTORY_CURSOR_MAX_CHARS:
        raise InvalidCursor("cursor")
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError as exc:  # UnicodeError and binascii.Error are ValueErrors
        raise InvalidCursor("cursor") from exc
    if not isinstance(value, dict) or not all(_key_value(v) for v in value.values()):
        raise InvalidCursor("cursor")
    return value


def _key_value(value: object) -> bool:
    """A value a key of ours can hold: text DynamoDB accepts (UTF-8), or a whole number it stores exactly
    (boto3 raises "Rounded" for 10**40 instead of refusing it, so it must never get that far)."""
    if isinstance(value, str):
        return utf8_encodable(value)
    return type(value) is int and 0 <= value <= limits.SAFE_INTEGER_MAX


@dataclass
class Turn:
    message_id: str
    session_id: str
    user_id: str
    client_message_id: str
    message: str
    created_at: int
    updated_at: int
    status: TurnStatus
    last_seq: int = 0
    meta: dict[str, Any] | None = None
    done: dict[str, Any] | None = None
    answer: str | None = None
    feedback: dict[str, Any] | None = None
    stop_requested: bool = False

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Turn:
        item = _plain(item)
        status = TurnStatus(item["status"])
        if status is TurnStatus.STREAMING and now_ms() - int(item["updatedAt"]) > STALE_AFTER_MS:
            status = TurnStatus.INCOMPLETE
        return cls(
            message_id=item["messageId"],
            session_id=item["sessionId"],
            user_id=item["userId"],
            client_message_id=item.get("clientMessageId", ""),
            message=item.get("message", ""),
            created_at=int(item["turnAt"]),
            updated_at=int(item["updatedAt"]),
            status=status,
            last_seq=int(item.get("lastSeq", 0)),
            meta=item.get("meta"),
            done=item.get("done"),
            answer=item.get("answer"),
            feedback=item.get("feedback"),
            stop_requested=bool(item.get("stopRequested", False)),
        )

    @property
    def final(self) -> bool:
        return self.status is not TurnStatus.STREAMING


@dataclass
class Chunk:
    first_seq: int
    deltas: list[tuple[int, str]] = field(default_factory=list)


class ConversationRepository:
    """Every read and write of conversations; DynamoDB failures surface as StorageError."""

    def __init__(self, table: Table) -> None:
        self._table = table

    # -- writing a turn ----------------------------------------------------------------------
    def start_turn(
        self, *, user_id: str, session_id: str, message_id: str, client_message_id: str, message: str
    ) -> None:
        """Store the user's message as soon as it is received, and touch (or create) its session."""
        at = now_ms()
        turn = {
            "pk": _message(message_id),
            "sk": "TURN",
            "messageId": message_id,
            "sessionId": session_id,
            "userId": user_id,
            "clientMessageId": client_message_id,
            "message": message,
            "sessionKey": _session(session_id),
            "turnAt": at,
            "updatedAt": at,
            "status": TurnStatus.STREAMING.value,
            "lastSeq": 0,
        }
        self._call(self._table.put_item, Item=turn)
        self._call(
            self._table.update_item,
            Key={"pk": _user(user_id), "sk": _session(session_id)},
            UpdateExpression=(
                "SET sessionId = :sid, userId = :uid, activityKey = :ak, lastActivityAt = :at, "
                "title = if_not_exists(title, :title), createdAt = if_not_exists(createdAt, :at) "
                "ADD turnCount :one"
            ),
            ExpressionAttributeValues={
                ":sid": session_id,
                ":uid": user_id,
                ":ak": _user(user_id),
                ":at": at,
                ":title": _title(message),
                ":one": 1,
            },
        )

    def set_meta(self, message_id: str, meta: dict[str, Any]) -> None:
        self._call(
            self._table.update_item,
            Key={"pk": _message(message_id), "sk": "TURN"},
            UpdateExpression="SET meta = :meta, updatedAt = :at",
            ExpressionAttributeValues={":meta": _dynamo(meta), ":at": now_ms()},
        )

    def append_chunk(self, message_id: str, chunk: Chunk) -> None:
        """Store deltas (seq, text) after the turn's lastSeq; a chunk item keeps any answer size storable."""
        last = chunk.deltas[-1][0]
        self._call(
            self._table.put_item,
            Item={
                "pk": _message(message_id),
                "sk": f"CHUNK#{chunk.first_seq:08d}",
                "deltas": [[seq, text] for seq, text in chunk.deltas],
            },
        )
        self._call(
            self._table.update_item,
            Key={"pk": _message(message_id), "sk": "TURN"},
            UpdateExpression="SET lastSeq = :seq, updatedAt = :at",
            ExpressionAttributeValues={":seq": last, ":at": now_ms()},
        )

    def finish_turn(
        self, *, message_id: str, session_id: str, user_id: str, status: TurnStatus, done: dict[str, Any], answer: str
    ) -> None:
        values: dict[str, Any] = {
            ":status": status.value,
            ":done": _dynamo(done),
            ":seq": int(done.get("seq", 0)),
            ":at": now_ms(),
        }
        expression = "SET #s = :status, done = :done, lastSeq = :seq, updatedAt = :at"
        if len(answer) <= INLINE_ANSWER_MAX_CHARS:
            expression += ", answer = :answer"
            values[":answer"] = answer
        self._call(
            self._table.update_item,
            Key={"pk": _message(message_id), "sk": "TURN"},
            UpdateExpression=expression,
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=values,
        )

    @staticmethod
    def session_context(session: dict[str, Any]) -> list[tuple[str, str]]:
        """The (message, answer) pairs `remember_turn` kept on a session item, oldest first."""
        return [(str(t["message"]), str(t["answer"])) for t in session.get("recentTurns", [])]

    @staticmethod
    def crisis_open(session: dict[str, Any]) -> bool:
        """Whether a crisis answer was given in the session and the person has not yet said they are safe."""
        return bool(session.get(CRISIS_OPEN))

    def remember_turn(
        self,
        user_id: str,
        session_id: str,
        used_references: list[str],
        context: list[tuple[str, str]],
        keep: int,
        *,
        crisis_open: bool = False,
    ) -> None:
        """After an answer: the session's verses shown so far, its last `keep` turns as the model's context, and
        whether a crisis is still open in it (later answers keep the resources visible until the person is safe).

        Both live on the session item, so the next message reads them with the same consistent GetItem that
        checks ownership, instead of an (eventually consistent) index query. Both are bounded, so a session of
        any length fits in one item. Two answers finishing at once in one session: the later write wins.
        """
        recent = (
            [{"message": m, "answer": a[: limits.CONTEXT_ANSWER_MAX_CHARS]} for m, a in context[-keep:]] if keep else []
        )
        self._call(
            self._table.update_item,
            Key={"pk": _user(user_id), "sk": _session(session_id)},
            UpdateExpression=f"SET usedReferences = :used, recentTurns = :recent, {CRISIS_OPEN} = :open",
            ExpressionAttributeValues={
                ":used": used_references[-limits.USED_REFERENCES_MAX :],
                ":recent": recent,
                ":open": crisis_open,
            },
        )

    # -- reading -----------------------------------------------------------------------------
    def get_turn(self, message_id: str) -> Turn | None:
        item = self._call(self._table.get_item, Key={"pk": _message(message_id), "sk": "TURN"}, ConsistentRead=True)
        found = item.get("Item")
        return Turn.from_item(found) if found else None

    def owned_turn(self, user_id: str, message_id: str) -> Turn | None:
        """The turn if it exists and belongs to this user; another user's id reads as not found."""
        turn = self.get_turn(message_id)
        return turn if turn and turn.user_id == user_id else None

    def stop_requested(self, message_id: str) -> bool:
        item = self._call(
            self._table.get_item,
            Key={"pk": _message(message_id), "sk": "TURN"},
            ProjectionExpression="stopRequested",
            ConsistentRead=True,
        ).get("Item")
        return bool(item and item.get("stopRequested"))

    def chunks_after(self, message_id: str, after_seq: int) -> Iterator[tuple[int, str]]:
        """Stored deltas with seq > after_seq, in order."""
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(_message(message_id)) & Key("sk").begins_with("CHUNK#"),
            "ConsistentRead": True,
        }
        while True:
            page = self._call(self._table.query, **kwargs)
            for item in page.get("Items", []):
                for seq, text in item["deltas"]:
                    if int(seq) > after_seq:
                        yield int(seq), str(text)
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def session(self, user_id: str, session_id: str) -> dict[str, Any] | None:
        key = {"pk": _user(user_id), "sk": _session(session_id)}
        item = self._call(self._table.get_item, Key=key, ConsistentRead=True).get("Item")
        return _plain(item) if item else None

    def list_sessions(self, user_id: str, limit: int, cursor: str | None) -> tuple[list[SessionSummary], str | None]:
        page = self._index_page("byActivity", _user(user_id), False, limit, cursor)
        sessions = [SessionSummary.model_validate(item) for item in _plain(page.get("Items", []))]
        return sessions, encode_cursor(page.get("LastEvaluatedKey"))

    def list_turns(self, session_id: str, limit: int, cursor: str | None) -> tuple[list[Turn], str | None]:
        page = self._index_page("bySession", _session(session_id), True, limit, cursor)
        return [Turn.from_item(i) for i in page.get("Items", [])], encode_cursor(page.get("LastEvaluatedKey"))

    def _index_page(self, index_name: str, partition: str, forward: bool, limit: int, cursor: str | None) -> Any:
        """One page of a GSI query, resumed from an opaque cursor (InvalidCursor when the cursor is bad)."""
        index = next(i for i in CONVERSATIONS.indexes if i.name == index_name)
        kwargs: dict[str, Any] = {
            "IndexName": index_name,
            "KeyConditionExpression": Key(index.partition_key[0]).eq(partition),
            "ScanIndexForward": forward,
            "Limit": limit,
        }
        start = decode_cursor(cursor)
        if start:
            # Only a key of this very query resumes it: the table's and the index's key attributes, this partition.
            keys = [CONVERSATIONS.partition_key, CONVERSATIONS.sort_key, index.partition_key, index.sort_key]
            types = {name: kind for name, kind in (k for k in keys if k)}
            well_formed = set(start) == set(types) and all(
                isinstance(start[name], str if kind == "S" else int) for name, kind in types.items()
            )
            if not well_formed or start[index.partition_key[0]] != partition:
                raise InvalidCursor("cursor")
            kwargs["ExclusiveStartKey"] = start
        return self._call(self._table.query, **kwargs)

    def full_answer(self, turn: Turn) -> str:
        if turn.answer is not None and turn.final:
            return turn.answer
        return "".join(text for _, text in self.chunks_after(turn.message_id, 0))

    # -- actions on a turn -------------------------------------------------------------------
    def request_stop(self, user_id: str, message_id: str) -> bool:
        """Flag a streaming answer of this user to stop; False if there is no such streaming answer."""
        return self._update_if(
            message_id,
            "SET stopRequested = :yes",
            Attr("userId").eq(user_id) & Attr("status").eq(TurnStatus.STREAMING.value),
            {":yes": True},
        )

    def record_feedback(
        self, user_id: str, session_id: str, message_id: str, helpful: bool, comment: str | None
    ) -> bool:
        """Store (or replace) the user's feedback on their own answer; False when it is not theirs."""
        feedback = {"helpful": helpful, "comment": comment, "at": now_ms()}
        return self._update_if(
            message_id,
            "SET feedback = :feedback",
            Attr("userId").eq(user_id) & Attr("sessionId").eq(session_id),
            {":feedback": _dynamo(feedback)},
        )

    def _update_if(self, message_id: str, expression: str, condition: Any, values: dict[str, Any]) -> bool:
        """A conditional update of a turn; False when the condition (ownership, state) does not hold."""
        try:
            self._table.update_item(
                Key={"pk": _message(message_id), "sk": "TURN"},
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise StorageError("conversation update failed") from exc
        except BotoCoreError as exc:
            raise StorageError("conversation update failed") from exc
        return True

    # -- deleting ----------------------------------------------------------------------------
    def delete_session(self, user_id: str, session_id: str) -> int:
        """Delete one session of this user with its turns, chunks and feedback; returns turns deleted."""
        if self.session(user_id, session_id) is None:
            return -1
        deleted = 0
        keys: list[dict[str, str]] = []
        cursor: str | None = None
        while True:
            turns, cursor = self.list_turns(session_id, 100, cursor)
            for turn in turns:
                if turn.user_id != user_id:
                    continue
                deleted += 1
                keys.append({"pk": _message(turn.message_id), "sk": "TURN"})
                keys.extend(self._chunk_keys(turn.message_id))
            if cursor is None:
                break
        keys.append({"pk": _user(user_id), "sk": _session(session_id)})
        self._delete_keys(keys)
        return deleted

    def delete_all(self, user_id: str) -> int:
        sessions: list[str] = []
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(_user(user_id)) & Key("sk").begins_with("SESSION#"),
            "ProjectionExpression": "sessionId",
        }
        while True:
            page = self._call(self._table.query, **kwargs)
            sessions.extend(str(item["sessionId"]) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return sum(max(0, self.delete_session(user_id, sid)) for sid in sessions)

    def _chunk_keys(self, message_id: str) -> list[dict[str, str]]:
        page = self._call(
            self._table.query,
            KeyConditionExpression=Key("pk").eq(_message(message_id)) & Key("sk").begins_with("CHUNK#"),
            ProjectionExpression="pk, sk",
        )
        return [{"pk": str(i["pk"]), "sk": str(i["sk"])} for i in page.get("Items", [])]

    def _delete_keys(self, keys: list[dict[str, str]]) -> None:
        try:
            with self._table.batch_writer() as batch:
                for key in keys:
                    batch.delete_item(Key=key)
        except (ClientError, BotoCoreError) as exc:
            raise StorageError("could not delete") from exc

    @staticmethod
    def _call(operation: Any, **kwargs: Any) -> Any:
        try:
            return operation(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise StorageError(f"conversation storage failed: {type(exc).__name__}") from exc


def _title(message: str) -> str:
    first_line = message.strip().splitlines()[0] if message.strip() else ""
    return first_line if len(first_line) <= TITLE_MAX_CHARS else first_line[: TITLE_MAX_CHARS - 1].rstrip() + "\u2026"
