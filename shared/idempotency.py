"""sendMessage idempotency: one answer per (user, clientMessageId) for an hour, claimed with a conditional write."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from shared.storage import StorageError, call, conditional

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

WINDOW_S = 3600
#: A claim retried when the key is given back between the failed conditional write and the read.
CLAIM_ATTEMPTS = 3


@dataclass(frozen=True)
class Claim:
    """Who answers: `fresh` means this call must; otherwise replay `message_id`, unless `conflict`."""

    fresh: bool
    message_id: str
    session_id: str
    conflict: bool = False


def held_claim(item: dict[str, Any], digest: str) -> Claim:
    """The claim another copy holds (`item` as stored): replay its answer, unless it was for other words."""
    return Claim(
        False,
        str(item.get("messageId", "")),
        str(item.get("sessionId", "")),
        conflict=item.get("fingerprint") != digest,
    )


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
        digest = fingerprint(message, session_hint)
        for _ in range(CLAIM_ATTEMPTS):
            if self._put(key, digest, message_id, session_id):
                return Claim(True, message_id, session_id)
            item = self._read(key)
            if item:
                return held_claim(item, digest)
            # The holder gave the key back between our write and our read (it was refused): claim it again.
        raise StorageError("idempotency claim kept changing hands")

    def _put(self, key: str, digest: str, message_id: str, session_id: str) -> bool:
        return conditional(
            self._table.put_item, "idempotency claim", **self.claim_request(key, digest, message_id, session_id)
        )

    @property
    def table_name(self) -> str:
        return self._table.name

    def claim_request(self, key: str, digest: str, message_id: str, session_id: str) -> dict[str, Any]:
        """The conditional put that claims `key` (keyword arguments of `Table.put_item`)."""
        now = int(time.time())
        return {
            "Item": {
                "id": key,
                "messageId": message_id,
                "sessionId": session_id,
                "fingerprint": digest,
                "expiration": now + self._window,
            },
            "ConditionExpression": "attribute_not_exists(id) OR expiration < :now",
            "ExpressionAttributeValues": {":now": now},
        }

    def release_own(self, user_id: str, client_message_id: str, message_id: str) -> None:
        """Give the key back only if it was claimed for `message_id` (never another copy's claim)."""
        conditional(
            self._table.delete_item,
            "idempotency release",
            Key={"id": f"{user_id}#{client_message_id}"},
            ConditionExpression="messageId = :m",
            ExpressionAttributeValues={":m": message_id},
        )

    def _read(self, key: str) -> dict[str, Any]:
        item = call(self._table.get_item, "idempotency read", Key={"id": key}, ConsistentRead=True).get("Item") or {}
        expiration = item.get("expiration", 0)
        return dict(item) if isinstance(expiration, int | Decimal) and expiration >= int(time.time()) else {}

    def held(self, user_id: str, client_message_id: str) -> bool:
        """Whether the key is still claimed (a refused message gives its key back)."""
        return bool(self._read(f"{user_id}#{client_message_id}"))

    def release(self, user_id: str, client_message_id: str) -> None:
        """Give the key back (the message was refused before any answer, e.g. rate limited)."""
        call(self._table.delete_item, "idempotency release", Key={"id": f"{user_id}#{client_message_id}"})
