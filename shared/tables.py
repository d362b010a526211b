"""DynamoDB table definitions, the one source for the local bootstrap, the tests and the CDK stacks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

AttrType = Literal["S", "N", "B"]


@dataclass(frozen=True)
class Index:
    """A global secondary index; `include` lists the attributes it carries besides the keys (None: all)."""

    name: str
    partition_key: tuple[str, AttrType]
    sort_key: tuple[str, AttrType] | None = None
    include: tuple[str, ...] | None = None

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.partition_key[0], *((self.sort_key[0],) if self.sort_key else ()))

    @property
    def projection(self) -> dict[str, object]:
        if self.include is None:
            return {"ProjectionType": "ALL"}
        return {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(self.include)}


@dataclass(frozen=True)
class TableDefinition:
    """A table's keys, indexes and TTL attribute; `setting` names the Settings field holding its name."""

    logical_name: str
    setting: str
    partition_key: tuple[str, AttrType]
    sort_key: tuple[str, AttrType] | None = None
    ttl_attribute: str | None = None
    indexes: tuple[Index, ...] = field(default_factory=tuple)

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.partition_key[0], *((self.sort_key[0],) if self.sort_key else ()))

    def create_table_kwargs(self, table_name: str) -> dict[str, object]:
        """Arguments for DynamoDB CreateTable (on-demand), as the local bootstrap uses them."""
        attrs: dict[str, AttrType] = {self.partition_key[0]: self.partition_key[1]}
        schema = [{"AttributeName": self.partition_key[0], "KeyType": "HASH"}]
        if self.sort_key:
            attrs[self.sort_key[0]] = self.sort_key[1]
            schema.append({"AttributeName": self.sort_key[0], "KeyType": "RANGE"})
        gsis = []
        for index in self.indexes:
            attrs[index.partition_key[0]] = index.partition_key[1]
            key_schema = [{"AttributeName": index.partition_key[0], "KeyType": "HASH"}]
            if index.sort_key:
                attrs[index.sort_key[0]] = index.sort_key[1]
                key_schema.append({"AttributeName": index.sort_key[0], "KeyType": "RANGE"})
            gsis.append({"IndexName": index.name, "KeySchema": key_schema, "Projection": index.projection})
        kwargs: dict[str, object] = {
            "TableName": table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": schema,
            "AttributeDefinitions": [{"AttributeName": k, "AttributeType": v} for k, v in attrs.items()],
        }
        if gsis:
            kwargs["GlobalSecondaryIndexes"] = gsis
        return kwargs


#: Open WebSocket connections: who is on which connection. Expires after API Gateway's 2 h maximum.
CONNECTIONS = TableDefinition(
    logical_name="Connections",
    setting="connections_table",
    partition_key=("connectionId", "S"),
    ttl_attribute="expiresAt",
    # No index: a connection is only ever read by its id (a user's connections are never looked up).
)

#: The Conversations table's TTL attribute: every item of a conversation carries it (shared.conversations).
CONVERSATIONS_TTL_ATTRIBUTE = "expiresAt"

#: What a session's turn list reads of each turn (shared.conversation_items.turn_of, and the owner check of a
#: deletion): the bySession index carries only these, never the stop flag or the expiry.
TURN_LIST_ATTRIBUTES = (
    "messageId",
    "sessionId",
    "userId",
    "clientMessageId",
    "message",
    "updatedAt",
    "status",
    "lastSeq",
    "meta",
    "done",
    "answer",
    "feedback",
    "siblingOf",
)

#: Sessions, turns, answer chunks and feedback of each user (single-table; see docs/data-model.md).
CONVERSATIONS = TableDefinition(
    logical_name="Conversations",
    setting="conversations_table",
    partition_key=("pk", "S"),
    sort_key=("sk", "S"),
    ttl_attribute=CONVERSATIONS_TTL_ATTRIBUTE,
    indexes=(
        Index("bySession", ("sessionKey", "S"), ("turnAt", "N"), include=TURN_LIST_ATTRIBUTES),
        # The session list needs only these; the session's context for the model stays out of the index.
        Index(
            "byActivity",
            ("activityKey", "S"),
            ("lastActivityAt", "N"),
            include=("sessionId", "title", "createdAt", "turnCount"),
        ),
    ),
)

#: Token buckets per user for the message rate limit.
RATE_LIMITS = TableDefinition(
    logical_name="RateLimits",
    setting="rate_limit_table",
    partition_key=("pk", "S"),
    ttl_attribute="expiresAt",
)

#: Idempotency records of sendMessage (clientMessageId per user), one hour.
IDEMPOTENCY = TableDefinition(
    logical_name="Idempotency",
    setting="idempotency_table",
    partition_key=("id", "S"),
    ttl_attribute="expiration",
)

ALL_TABLES: tuple[TableDefinition, ...] = (CONNECTIONS, CONVERSATIONS, RATE_LIMITS, IDEMPOTENCY)
