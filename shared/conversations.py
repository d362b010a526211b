"""Sessions, turns, answer chunks and feedback in the Conversations table (key design: docs/data-model.md)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from shared import limits
from shared.conversation_items import (
    CHUNK_PREFIX,
    CRISIS_OPEN,
    INLINE_ANSWER_MAX_CHARS,
    SESSION_PREFIX,
    message_key,
    person_title,
    session_item_key,
    session_key,
    session_of,
    stored,
    summary_of,
    title,
    turn_key,
    turn_of,
    user_key,
)
from shared.protocol import Done, Meta, SessionSummary, TurnStatus, TurnView
from shared.records import Chunk, Deleted, Session, Turn, now_ms
from shared.storage import (
    InvalidCursor,
    NotFound,
    Page,
    call,
    conditional,
    decode_cursor,
    dynamo,
    encode_cursor,
    query_all,
)
from shared.tables import CONVERSATIONS, CONVERSATIONS_TTL_ATTRIBUTE

#: Every write of a turn keeps the expiry the turn was created with (and gives one to an item that lacks it).
_KEEP_EXPIRY = f", {CONVERSATIONS_TTL_ATTRIBUTE} = if_not_exists({CONVERSATIONS_TTL_ATTRIBUTE}, :expires)"

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


class ConversationRepository:
    """Every read and write of conversations; DynamoDB failures surface as StorageError.

    Every item written carries the TTL attribute: `retention_days` after it was written (a session: after its
    last message), whatever the answer was, a crisis answer included.
    """

    def __init__(self, table: Table, retention_days: int = limits.CONVERSATION_RETENTION_DAYS) -> None:
        self._table = table
        self._retention_s = retention_days * limits.DAY_S

    def expires_at(self) -> int:
        """The TTL of an item written now (epoch seconds, as DynamoDB's TTL reads it)."""
        return int(time.time()) + self._retention_s

    # -- writing a turn ----------------------------------------------------------------------
    def start_turn(
        self,
        *,
        user_id: str,
        session_id: str,
        message_id: str,
        client_message_id: str,
        message: str,
        sibling_of: str | None = None,
        crisis: bool = False,
        touch_session: bool = True,
    ) -> None:
        """Store the user's message as soon as it is received, and touch (or create) its session (titled by its first
        message, or neutrally when that message was heard as a crisis); `sibling_of` names the earlier answer to the
        same message when this one was asked for with `anotherVerse`.

        `touch_session=False` for a session already stored: `remember` touches it with the answer's context instead,
        one write of the session item (which carries the recent turns) an answer rather than two.
        """
        at = now_ms()
        turn = {
            **turn_key(message_id),
            "messageId": message_id,
            "sessionId": session_id,
            "userId": user_id,
            "clientMessageId": client_message_id,
            "message": message,
            "sessionKey": session_key(session_id),
            "turnAt": at,
            "updatedAt": at,
            "status": TurnStatus.STREAMING.value,
            "lastSeq": 0,
            CONVERSATIONS_TTL_ATTRIBUTE: self.expires_at(),
        }
        if sibling_of:
            turn["siblingOf"] = sibling_of
        call(self._table.put_item, "storing the message", Item=turn)
        if not touch_session:
            return
        call(
            self._table.update_item,
            "touching the session",
            Key=session_item_key(user_id, session_id),
            UpdateExpression=(
                "SET sessionId = :sid, userId = :uid, activityKey = :ak, lastActivityAt = :at, "
                "title = if_not_exists(title, :title), createdAt = if_not_exists(createdAt, :at), "
                f"{CONVERSATIONS_TTL_ATTRIBUTE} = :expires ADD turnCount :one"
            ),
            ExpressionAttributeValues={
                ":sid": session_id,
                ":uid": user_id,
                ":ak": user_key(user_id),
                ":at": at,
                ":title": title(message, crisis=crisis),
                ":one": 1,
                ":expires": turn[CONVERSATIONS_TTL_ATTRIBUTE],
            },
        )

    def set_meta(self, message_id: str, meta: Meta | Mapping[str, Any]) -> None:
        self._update_turn(message_id, "SET meta = :meta, updatedAt = :at", {":meta": stored(meta), ":at": now_ms()})

    def append_chunk(self, message_id: str, chunk: Chunk, *, touch: bool = True) -> None:
        """Store deltas (seq, text) after the turn's lastSeq; a chunk item keeps any answer size storable.

        `touch` also moves the turn's lastSeq and updatedAt (its heartbeat): a write of the whole turn item, which
        the recorder makes only every few chunks (shared.recorder.HEARTBEAT_INTERVAL_S).
        """
        item = {
            "pk": message_key(message_id),
            "sk": f"{CHUNK_PREFIX}{chunk.first_seq:08d}",
            "deltas": [[seq, text] for seq, text in chunk.deltas],
            CONVERSATIONS_TTL_ATTRIBUTE: self.expires_at(),
        }
        call(self._table.put_item, "storing answer text", Item=item)
        if not touch:
            return
        last = chunk.deltas[-1][0]
        self._update_turn(message_id, "SET lastSeq = :seq, updatedAt = :at", {":seq": last, ":at": now_ms()})

    def finish_turn(
        self,
        *,
        message_id: str,
        session_id: str,
        user_id: str,
        status: TurnStatus,
        done: Done | Mapping[str, Any],
        answer: str,
    ) -> None:
        frame = stored(done)
        values: dict[str, Any] = {":status": status.value, ":done": frame, ":seq": int(frame.get("seq", 0))}
        expression = "SET #s = :status, done = :done, lastSeq = :seq, updatedAt = :at"
        if len(answer) <= INLINE_ANSWER_MAX_CHARS:
            expression += ", answer = :answer"
            values[":answer"] = answer
        self._update_turn(message_id, expression, {**values, ":at": now_ms()}, names={"#s": "status"})

    def remember(self, session: Session, keep: int) -> None:
        """After an answer: the session's verses shown so far, its last `keep` turns as the model's context, and
        whether a crisis is still open in it (later answers keep the resources visible until the person is safe).

        Both live on the session item, so the next message reads them with the same consistent GetItem that
        checks ownership, instead of an (eventually consistent) index query. Both are bounded, so a session of
        any length fits in one item. Two answers finishing at once in one session: the later write wins.

        A session that was already stored (`Session.stored`) was not touched when the message arrived
        (`start_turn(touch_session=False)`): this write moves its activity, turn count and expiry too, and only
        while the session still exists (deleted mid-answer, it stays deleted).
        """
        kept = session.recent_turns[-keep:] if keep else ()
        recent = [{"message": m, "answer": a[: limits.CONTEXT_ANSWER_MAX_CHARS]} for m, a in kept]
        values: dict[str, Any] = {
            ":used": list(session.used_references[-limits.USED_REFERENCES_MAX :]),
            ":recent": recent,
            ":open": session.crisis_open,
            ":expires": self.expires_at(),
        }
        remembered = f"SET usedReferences = :used, recentTurns = :recent, {CRISIS_OPEN} = :open"
        key = session_item_key(session.user_id, session.session_id)
        if not session.stored:
            what = "remembering the session's context"
            call(self._table.update_item, what, Key=key, UpdateExpression=remembered + _KEEP_EXPIRY,
                 ExpressionAttributeValues=values)  # fmt: skip
            return
        touched = f", lastActivityAt = :at, {CONVERSATIONS_TTL_ATTRIBUTE} = :expires ADD turnCount :one"
        conditional(
            self._table.update_item,
            "remembering the session's context",
            Key=key,
            UpdateExpression=remembered + touched,
            ConditionExpression=Attr("sessionId").exists(),
            ExpressionAttributeValues={**values, ":at": now_ms(), ":one": 1},
        )

    # -- reading -----------------------------------------------------------------------------
    def get_turn(self, message_id: str) -> Turn | None:
        item = call(self._table.get_item, "reading a turn", Key=turn_key(message_id), ConsistentRead=True)
        found = item.get("Item")
        return turn_of(found) if found else None

    def owned_turn(self, user_id: str, message_id: str) -> Turn | None:
        """The turn if it exists and belongs to this user; another user's id reads as not found."""
        turn = self.get_turn(message_id)
        return turn if turn and turn.user_id == user_id else None

    def stop_requested(self, message_id: str) -> bool:
        item = call(
            self._table.get_item,
            "reading a stop request",
            Key=turn_key(message_id),
            ProjectionExpression="stopRequested",
            ConsistentRead=True,
        ).get("Item")
        return bool(item and item.get("stopRequested"))

    def chunks_after(self, message_id: str, after_seq: int) -> Iterator[tuple[int, str]]:
        """Stored deltas with seq > after_seq, in order."""
        condition = Key("pk").eq(message_key(message_id)) & Key("sk").begins_with(CHUNK_PREFIX)
        for item in query_all(
            self._table.query, "reading answer text", KeyConditionExpression=condition, ConsistentRead=True
        ):
            for seq, text in item["deltas"]:
                if int(seq) > after_seq:
                    yield int(seq), str(text)

    def full_answer(self, turn: Turn) -> str:
        if turn.answer is not None and turn.final:
            return turn.answer
        return "".join(text for _, text in self.chunks_after(turn.message_id, 0))

    def view(self, turn: Turn) -> TurnView:
        """The turn as a history page shows it, its answer read whole from wherever it is stored."""
        return turn.to_view(self.full_answer(turn))

    def session(self, user_id: str, session_id: str) -> Session | None:
        """The user's session, read consistently (it carries the context of the next answer); None if not theirs."""
        key = session_item_key(user_id, session_id)
        item = call(self._table.get_item, "reading a session", Key=key, ConsistentRead=True).get("Item")
        return session_of(item) if item else None

    def list_sessions(self, user_id: str, limit: int, cursor: str | None) -> Page[SessionSummary]:
        """The user's sessions, most recently active first."""
        page = self._index_page("byActivity", user_key(user_id), False, limit, cursor)
        return page.map(summary_of)

    def list_turns(self, session_id: str, limit: int, cursor: str | None) -> Page[Turn]:
        """A session's turns, oldest first."""
        return self._index_page("bySession", session_key(session_id), True, limit, cursor).map(turn_of)

    def _index_page(
        self, index_name: str, partition: str, forward: bool, limit: int, cursor: str | None
    ) -> Page[dict[str, Any]]:
        """One page of a GSI query, resumed from an opaque cursor (InvalidCursor when the cursor is bad)."""
        index = next(i for i in CONVERSATIONS.indexes if i.name == index_name)
        # A key of this very query: the table's and the index's key attributes, with their types.
        keys = [CONVERSATIONS.partition_key, CONVERSATIONS.sort_key, index.partition_key, index.sort_key]
        types = {name: kind for name, kind in (k for k in keys if k)}
        kwargs: dict[str, Any] = {
            "IndexName": index_name,
            "KeyConditionExpression": Key(index.partition_key[0]).eq(partition),
            "ScanIndexForward": forward,
            "Limit": limit,
        }
        start = decode_cursor(cursor)
        if start:
            well_formed = set(start) == set(types) and all(
                isinstance(start[name], str if kind == "S" else int) for name, kind in types.items()
            )
            if not well_formed or start[index.partition_key[0]] != partition:
                raise InvalidCursor("cursor")
            kwargs["ExclusiveStartKey"] = start
        result = call(self._table.query, "reading history", **kwargs)
        items = result.get("Items", [])
        after = [encode_cursor({name: item[name] for name in types}) or "" for item in items]
        return Page(items, encode_cursor(result.get("LastEvaluatedKey")), after)

    # -- actions on a session ----------------------------------------------------------------
    def rename_session(self, user_id: str, session_id: str, title_as_typed: str) -> bool:
        """Give the user's session their own title (kept as typed); False when they have no such session.

        One conditional UpdateItem on the session's key (which holds the user): someone else's session is not there.
        The title never moves the session in the list (lastActivityAt stays) nor its expiry."""
        return conditional(
            self._table.update_item,
            "renaming a session",
            Key=session_item_key(user_id, session_id),
            UpdateExpression="SET title = :title",
            ConditionExpression=Attr("pk").exists(),
            ExpressionAttributeValues={":title": person_title(title_as_typed)},
        )

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
            {":feedback": dynamo(feedback)},
        )

    def _update_turn(
        self, message_id: str, expression: str, values: dict[str, Any], names: dict[str, str] | None = None
    ) -> None:
        extra = {"ExpressionAttributeNames": names} if names else {}
        call(
            self._table.update_item,
            "updating a turn",
            Key=turn_key(message_id),
            UpdateExpression=expression + _KEEP_EXPIRY,
            ExpressionAttributeValues={**values, ":expires": self.expires_at()},
            **extra,
        )

    def _update_if(self, message_id: str, expression: str, condition: ConditionBase, values: dict[str, Any]) -> bool:
        """A conditional update of a turn; False when the condition (ownership, state) does not hold."""
        return conditional(
            self._table.update_item,
            "updating a turn",
            Key=turn_key(message_id),
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeValues=values,
        )

    # -- deleting ----------------------------------------------------------------------------
    def delete_session(self, user_id: str, session_id: str) -> Deleted:
        """Delete one session of this user with its turns, chunks and feedback; NotFound when it is not theirs."""
        if self.session(user_id, session_id) is None:
            raise NotFound(session_id)
        turns = 0
        keys: list[dict[str, str]] = []
        condition = Key("sessionKey").eq(session_key(session_id))
        for item in query_all(
            self._table.query, "listing turns", IndexName="bySession", KeyConditionExpression=condition
        ):
            if item.get("userId") != user_id:
                continue
            turns += 1
            keys.append(turn_key(str(item["messageId"])))
            keys.extend(self._chunk_keys(str(item["messageId"])))
        keys.append(session_item_key(user_id, session_id))
        self._delete_keys(keys)
        return Deleted(sessions=1, turns=turns)

    def delete_all(self, user_id: str) -> Deleted:
        """Delete every session of this user (with their turns, chunks and feedback)."""
        condition = Key("pk").eq(user_key(user_id)) & Key("sk").begins_with(SESSION_PREFIX)
        found = query_all(
            self._table.query, "listing sessions", KeyConditionExpression=condition, ProjectionExpression="sessionId"
        )
        deleted = Deleted()
        for session_id in [str(item["sessionId"]) for item in found]:
            try:
                deleted += self.delete_session(user_id, session_id)
            except NotFound:
                continue  # deleted meanwhile (another device)
        return deleted

    def _chunk_keys(self, message_id: str) -> list[dict[str, str]]:
        condition = Key("pk").eq(message_key(message_id)) & Key("sk").begins_with(CHUNK_PREFIX)
        items = query_all(
            self._table.query, "listing chunks", KeyConditionExpression=condition, ProjectionExpression="pk, sk"
        )
        return [{"pk": str(i["pk"]), "sk": str(i["sk"])} for i in items]

    def _delete_keys(self, keys: list[dict[str, str]]) -> None:
        def delete() -> None:
            with self._table.batch_writer() as batch:
                for key in keys:
                    batch.delete_item(Key=key)

        call(delete, "deleting a conversation")
