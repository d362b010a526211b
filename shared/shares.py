"""Share links: a public, read-only page of one answer's verse and the person's line, two items in Conversations.

The public item (`pk` = SHARE#{shareId}, `sk` = SHARE) is what an anonymous reader finds by the id alone; the
owner's item (`pk` = USER#{userId}, `sk` = SHARE#{shareId}) lists the person's links and goes with their account.
Both hold the reference and translation, never the verse text (read from the bundled Bible when shown) and never
anything of the conversation. Revoking deletes the public item and marks the owner's (docs/data-model.md).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import BotoCoreError, ClientError

from shared import limits
from shared.conversation_items import user_key
from shared.records import Turn, now_ms
from shared.storage import InvalidCursor, NotFound, StorageError, call, decode_cursor, encode_cursor, plain, query_all

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

#: Sort key prefix of the owner's item, and partition key prefix of the public one.
SHARE_PREFIX = "SHARE#"
_PUBLIC_SK = "SHARE"
#: The public page of a share, as the web client routes it (`/s/<shareId>`).
PAGE_PREFIX = "/s/"
#: What a share id looks like (secrets.token_urlsafe); anything else is not looked up at all.
SHARE_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_ID_BYTES = 16
_NEW = "attribute_not_exists(pk)"


class TooManyShares(Exception):
    """The person holds limits.SHARES_MAX live links already."""


@dataclass(frozen=True)
class Share:
    """One share link: the verse's reference and translation, the person's optional line, its owner and dates."""

    share_id: str
    reference: str
    translation: str
    line: str | None
    user_id: str
    created_at: int
    revoked_at: int | None = None

    @property
    def path(self) -> str:
        return f"{PAGE_PREFIX}{self.share_id}"


def public_key(share_id: str) -> dict[str, str]:
    return {"pk": f"{SHARE_PREFIX}{share_id}", "sk": _PUBLIC_SK}


def _owner_key(user_id: str, share_id: str) -> dict[str, str]:
    return {"pk": user_key(user_id), "sk": f"{SHARE_PREFIX}{share_id}"}


def is_owner_item(item: dict[str, Any]) -> bool:
    """Whether an item of a person's partition is one of their share links."""
    return str(item.get("sk", "")).startswith(SHARE_PREFIX)


def _of(item: dict[str, Any]) -> Share:
    item = plain(item)
    return Share(
        share_id=str(item["shareId"]),
        reference=str(item["reference"]),
        translation=str(item["translation"]),
        line=str(item["line"]) if item.get("line") else None,
        user_id=str(item["userId"]),
        created_at=int(item["createdAt"]),
        revoked_at=int(item["revokedAt"]) if item.get("revokedAt") else None,
    )


class ShareRepository:
    """Creates, finds, lists and revokes share links; DynamoDB failures surface as StorageError."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def create(self, user_id: str, turn: Turn, translation: str, line: str | None) -> Share:
        """A new link to the verse of this person's answer; NotFound when it has none, TooManyShares past the cap."""
        if turn.meta is None:
            raise NotFound(turn.message_id)
        if len(self.live(user_id)) >= limits.SHARES_MAX:
            raise TooManyShares
        share = Share(
            share_id=secrets.token_urlsafe(_ID_BYTES),
            reference=turn.meta.verse.reference,
            translation=translation,
            line=line or None,
            user_id=user_id,
            created_at=now_ms(),
        )
        fields: dict[str, Any] = {
            "shareId": share.share_id,
            "reference": share.reference,
            "translation": share.translation,
            "userId": user_id,
            "createdAt": share.created_at,
        }
        if share.line:
            fields["line"] = share.line
        # Both or neither: a listed link always opens, and a link that opens is always listed (and revocable).
        self._transact(
            "sharing a verse",
            [
                {"Put": {"Item": {**public_key(share.share_id), **fields}, "ConditionExpression": _NEW}},
                {"Put": {"Item": {**_owner_key(user_id, share.share_id), **fields}}},
            ],
        )
        return share

    def find(self, share_id: str) -> Share | None:
        """The live share with this id, for anyone (None: unknown, revoked, or not shaped like a share id)."""
        if not SHARE_ID_PATTERN.match(share_id):
            return None
        found = call(self._table.get_item, "reading a share", Key=public_key(share_id)).get("Item")
        return _of(found) if found else None

    def revoke(self, user_id: str, share_id: str) -> Share:
        """Stop sharing one of this person's links (again: the same answer); NotFound for another's or unknown."""
        owned = call(self._table.get_item, "reading a share", Key=_owner_key(user_id, share_id)).get("Item")
        if not owned:
            raise NotFound(share_id)
        share = _of(owned)
        if share.revoked_at is not None:
            return share
        revoked_at = now_ms()
        # The owner's item stays a while, marked, so revoking twice (a retried request) is not an error.
        expires = revoked_at // 1000 + limits.REVOKED_SHARE_KEPT_DAYS * limits.DAY_S
        self._transact(
            "revoking a share",
            [
                {"Delete": {"Key": public_key(share_id)}},
                {
                    "Update": {
                        "Key": _owner_key(user_id, share_id),
                        "UpdateExpression": "SET revokedAt = :at, expiresAt = :exp",
                        "ExpressionAttributeValues": {":at": revoked_at, ":exp": expires},
                    }
                },
            ],
        )
        return Share(**{**share.__dict__, "revoked_at": revoked_at})

    def every(self, user_id: str) -> list[Share]:
        """Every link of this person, revoked ones included, newest first (account export and deletion)."""
        condition = Key("pk").eq(user_key(user_id)) & Key("sk").begins_with(SHARE_PREFIX)
        items = query_all(self._table.query, "listing shares", KeyConditionExpression=condition)
        return sorted((_of(i) for i in items), key=lambda s: (s.created_at, s.share_id), reverse=True)

    def live(self, user_id: str) -> list[Share]:
        """The person's links that still open, newest first."""
        return [s for s in self.every(user_id) if s.revoked_at is None]

    def page(self, user_id: str, limit: int, cursor: str | None) -> tuple[list[Share], str | None]:
        """One page of live links, newest first, and the cursor to the next; InvalidCursor for a bad cursor."""
        after = decode_cursor(cursor)
        shares = self.live(user_id)
        if after is not None:
            mark = (after.get("createdAt"), after.get("shareId"))
            if not isinstance(mark[0], int) or not isinstance(mark[1], str):
                raise InvalidCursor("cursor")
            shares = [s for s in shares if (s.created_at, s.share_id) < mark]
        shown = shares[:limit]
        last = shown[-1] if shown else None
        more = len(shares) > limit
        next_cursor = encode_cursor({"createdAt": last.created_at, "shareId": last.share_id}) if more and last else None
        return shown, next_cursor

    def export(self, user_id: str) -> list[dict[str, Any]]:
        """Every link of this person as plain data (account export): references, lines and dates, no verse text."""
        return [
            {
                "shareId": s.share_id,
                "path": s.path,
                "reference": s.reference,
                "translation": s.translation,
                "line": s.line,
                "createdAt": s.created_at,
                "revokedAt": s.revoked_at,
            }
            for s in self.every(user_id)
        ]

    def _transact(self, what: str, items: list[dict[str, Any]]) -> None:
        table = self._table.name
        request = [{kind: {"TableName": table, **body}} for entry in items for kind, body in entry.items()]
        try:
            # The resource's client serializes plain values (as shared.admission_gate relies on too).
            self._table.meta.client.transact_write_items(TransactItems=request)  # type: ignore[arg-type]
        except (ClientError, BotoCoreError) as exc:
            raise StorageError(f"{what} failed: {type(exc).__name__}") from exc
