"""The person's whole account: everything of theirs gathered for export, and everything of theirs deleted."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, Field

from shared import limits
from shared.allowance import allowance_key
from shared.conversation_items import SESSION_PREFIX, title_text, user_key
from shared.observability import logger
from shared.protocol import TurnView
from shared.records import Deleted, Turn
from shared.shares import is_owner_item, public_key
from shared.storage import call, plain, query_all

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb.service_resource import Table

    from shared.conversations import ConversationRepository


class ConversationExport(BaseModel):
    session_id: str
    title: str = ""
    created_at: int | None = None
    last_activity_at: int | None = None
    turns: list[TurnView] = Field(default_factory=list)


class FeedbackExport(BaseModel):
    session_id: str
    message_id: str
    helpful: bool
    comment: str | None = None
    at: int | None = None


class AccountExport(BaseModel):
    """Everything stored about one person: conversations (with each answer's verse), feedback, saved verses."""

    user_id: str
    exported_at: datetime
    conversations: list[ConversationExport] = Field(default_factory=list)
    feedback: list[FeedbackExport] = Field(default_factory=list)
    #: Every other item of the person's partition (saved verses and whatever else is kept per person), as stored.
    saved_verses: list[dict[str, Any]] = Field(default_factory=list)
    #: The person's share links, revoked ones included (reference, translation, line, dates; never verse text).
    shares: list[dict[str, Any]] = Field(default_factory=list)


@dataclass(frozen=True)
class AccountTables:
    conversations: Table
    connections: Table
    rate_limits: Table
    idempotency: Table


class CognitoUserNotDeleted(Exception):
    """The data is gone but Cognito could not delete the sign-in; asking again finishes it."""


class Accounts:
    """Export and deletion across every table and the user pool."""

    def __init__(
        self,
        conversations: ConversationRepository,
        tables: AccountTables,
        users: CognitoIdentityProviderClient,
        user_pool_id: str,
    ) -> None:
        self._conversations = conversations
        self._tables = tables
        self._users = users
        self._pool = user_pool_id

    # -- export ------------------------------------------------------------------------------
    def export(self, user_id: str) -> AccountExport:
        items = list(self._partition(user_id))
        sessions = [plain(i) for i in items if str(i["sk"]).startswith(SESSION_PREFIX)]
        conversations, feedback = [], []
        for session in sorted(sessions, key=lambda s: s.get("createdAt") or 0):
            turns = [self._conversations.view(t) for t in self._turns(user_id, str(session["sessionId"]))]
            conversations.append(
                ConversationExport(
                    session_id=str(session["sessionId"]),
                    title=title_text(session.get("title")),
                    created_at=session.get("createdAt"),
                    last_activity_at=session.get("lastActivityAt"),
                    turns=turns,
                )
            )
            feedback += [
                FeedbackExport(session_id=str(session["sessionId"]), message_id=t.message_id, **t.feedback.model_dump())
                for t in turns
                if t.feedback is not None
            ]
        rest = [i for i in items if not str(i["sk"]).startswith(SESSION_PREFIX)]
        saved = [_without_keys(plain(i)) for i in rest if not is_owner_item(i)]
        shares = [_without_keys(plain(i)) for i in rest if is_owner_item(i)]
        return AccountExport(
            user_id=user_id,
            exported_at=datetime.now(tz=UTC),
            conversations=conversations,
            feedback=feedback,
            saved_verses=saved,
            shares=sorted(shares, key=lambda s: s.get("createdAt") or 0),
        )

    # -- delete ------------------------------------------------------------------------------
    def delete(self, user_id: str, username: str) -> Deleted:
        """Every item of the person in every table, then the Cognito user (last: until it is gone they can retry)."""
        client_ids = [t.client_message_id for s in self._session_ids(user_id) for t in self._turns(user_id, s)]
        deleted = self._conversations.delete_all(user_id)
        tables = self._tables
        partition = list(self._partition(user_id))
        # A share's public item lives outside the partition: found through the owner's item, deleted first.
        _delete(tables.conversations, [public_key(str(i["shareId"])) for i in partition if is_owner_item(i)])
        _delete(tables.conversations, [{"pk": i["pk"], "sk": i["sk"]} for i in partition])
        _delete(tables.idempotency, [{"id": f"{user_id}#{cmid}"} for cmid in set(client_ids)])
        _delete(tables.rate_limits, [{"pk": user_key(user_id)}, allowance_key(user_id)])
        # A scan, not an index: the table holds only live sockets (a 2 h TTL), and an index every connect writes
        # would cost more than this rare read (the Connections index went for that reason, docs/data-model.md).
        connections = query_all(
            tables.connections.scan,
            "listing connections",
            FilterExpression=Attr("userId").eq(user_id),
            ProjectionExpression="connectionId",
        )
        _delete(tables.connections, [{"connectionId": c["connectionId"]} for c in connections])
        self._delete_sign_in(username)
        logger.info("account deleted", user_id=user_id, sessions=deleted.sessions, turns=deleted.turns)
        return deleted

    def _delete_sign_in(self, username: str) -> None:
        try:
            self._users.admin_delete_user(UserPoolId=self._pool, Username=username)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "UserNotFoundException":
                return  # deleted by an earlier attempt
            raise CognitoUserNotDeleted(exc.response.get("Error", {}).get("Code", "")) from exc
        except BotoCoreError as exc:
            raise CognitoUserNotDeleted(type(exc).__name__) from exc

    # -- reading -----------------------------------------------------------------------------
    def _partition(self, user_id: str) -> Iterator[dict[str, Any]]:
        condition = Key("pk").eq(user_key(user_id))
        return query_all(self._tables.conversations.query, "reading the account", KeyConditionExpression=condition)

    def _session_ids(self, user_id: str) -> list[str]:
        return [str(i["sessionId"]) for i in self._partition(user_id) if str(i["sk"]).startswith(SESSION_PREFIX)]

    def _turns(self, user_id: str, session_id: str) -> Iterator[Turn]:
        cursor: str | None = None
        while True:
            page = self._conversations.list_turns(session_id, limits.HISTORY_PAGE_MAX, cursor)
            yield from (t for t in page.items if t.user_id == user_id)
            if page.cursor is None:
                return
            cursor = page.cursor


def _delete(table: Table, keys: Iterable[dict[str, Any]]) -> None:
    keys = list(keys)
    if not keys:
        return

    def delete() -> None:
        with table.batch_writer() as batch:
            for key in keys:
                batch.delete_item(Key=key)

    call(delete, "deleting the account")


def _without_keys(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in {"pk", "sk", "expiresAt"}}


__all__ = ["AccountExport", "AccountTables", "Accounts", "CognitoUserNotDeleted"]
