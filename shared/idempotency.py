"""sendMessage idempotency: one answer per (user, clientMessageId) for an hour, claimed with a conditional write."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from shared.connections import StorageError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

WINDOW_S = 3600


@dataclass(frozen=True)
class Claim:
    """Who answers: `fresh` means this call must; otherwise replay `message_id`, unless `conflict`."""

    fresh: bool
    message_id: str
    session_id: str
    conflict: bool = False


def fingerprint(message: str, session_id: str | None) -> str:
    return hashlib.sha256(f"{session_id or ''}\x1f{message}".encode()).hexdigest()


class IdempotencyStore:
    def __init__(self, table: Table, window_s: int = WINDOW_S) -> None:
        self._table = table
        self._window = window_s

    def claim(
        self,
        user_id: str,
        client_message_id: str,
        message: str,
        session_hint: str | None,
        message_id: str,
        session_id: str,
    ) -> Claim:
        key = f"{user_id}#{client_message_id}"
        now = int(time.time())
        digest = fingerprint(message, session_hint)
        try:
            self._table.put_item(
                Item={
                    "id": key,
                    "messageId": message_id,
                    "sessionId": session_id,
                    "fingerprint": digest,
                    "expiration": now + self._window,
                },
                ConditionExpression="attribute_not_exists(id) OR expiration < :now",
                ExpressionAttributeValues={":now": now},
            )
            return Claim(True, message_id, session_id)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise StorageError("idempotency claim failed") from exc
        except BotoCoreError as exc:
            raise StorageError("idempotency claim failed") from exc
        try:
            item = self._table.get_item(Key={"id": key}, ConsistentRead=True).get("Item") or {}
        except (ClientError, BotoCoreError) as exc:
            raise StorageError("idempotency read failed") from exc
        return Claim(
            False,
            str(item.get("messageId", "")),
            str(item.get("sessionId", "")),
            conflict=item.get("fingerprint") != digest,
        )

    def release(self, user_id: str, client_message_id: str) -> None:
        """Give the key back (the message was refused before any answer, e.g. rate limited)."""
        try:
            self._table.delete_item(Key={"id": f"{user_id}#{client_message_id}"})
        except (ClientError, BotoCoreError) as exc:
            raise StorageError("idempotency release failed") from exc
