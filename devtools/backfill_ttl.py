"""Give every Conversations item written before retention existed its TTL: `python -m devtools.backfill_ttl`.

Items written by this release carry `expiresAt`; older ones would be kept forever. This scans the table once and
sets, on each item without one, the expiry it would have had: a turn and its answer chunks `retention` days after
the turn (`turnAt`), a session `retention` days after its last message (`lastActivityAt`); an item with neither
time gets `retention` days from now. Items that already have an expiry are never changed (conditional writes), so
it is safe to run while the service writes, and again. Prints how many items it updated and skipped.

    python -m devtools.backfill_ttl --table Motivator-prod-Data-Conversations --days 90 [--region us-west-2]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from shared import limits
from shared.tables import CONVERSATIONS, CONVERSATIONS_TTL_ATTRIBUTE

_KEYS = [CONVERSATIONS.partition_key[0], *([CONVERSATIONS.sort_key[0]] if CONVERSATIONS.sort_key else [])]


def _scan(table: Any) -> Iterator[dict[str, Any]]:
    kwargs: dict[str, Any] = {}
    while True:
        page = table.scan(**kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _written_s(item: dict[str, Any], turn_at_ms: dict[str, int]) -> float | None:
    """When the item's retention starts (epoch seconds), from the item or, for a chunk, its turn."""
    for attribute in ("turnAt", "lastActivityAt"):
        if attribute in item:
            return int(item[attribute]) / 1000
    at = turn_at_ms.get(str(item[_KEYS[0]]))
    return at / 1000 if at is not None else None


def backfill(table: Any, retention_days: int) -> tuple[int, int]:
    """(updated, skipped): every item without the TTL attribute gets one; the rest are left alone."""
    retention_s = retention_days * limits.DAY_S
    # Chunks share their turn's partition: learn every turn's time first (a small projection of the table).
    turn_at_ms = {str(i[_KEYS[0]]): int(i["turnAt"]) for i in _scan(table) if "turnAt" in i}
    updated = skipped = 0
    now = time.time()
    for item in _scan(table):
        if CONVERSATIONS_TTL_ATTRIBUTE in item:
            skipped += 1
            continue
        start = _written_s(item, turn_at_ms)
        expires = int((start if start is not None else now) + retention_s)
        try:
            table.update_item(
                Key={k: item[k] for k in _KEYS},
                UpdateExpression="SET #ttl = :expires",
                ConditionExpression="attribute_exists(#pk) AND attribute_not_exists(#ttl)",
                ExpressionAttributeNames={"#ttl": CONVERSATIONS_TTL_ATTRIBUTE, "#pk": _KEYS[0]},
                ExpressionAttributeValues={":expires": expires},
            )
            updated += 1
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            skipped += 1  # deleted meanwhile, or given an expiry by the service
    return updated, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.backfill_ttl", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--table", required=True, help="the Conversations table, e.g. Motivator-prod-Data-Conversations"
    )
    parser.add_argument(
        "--days", type=int, default=limits.CONVERSATION_RETENTION_DAYS, help="conversationRetentionDays"
    )
    parser.add_argument("--region", default=None)
    parser.add_argument("--endpoint-url", default=None, help="only for a local DynamoDB (moto)")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be 1 or more")
    table = boto3.resource("dynamodb", region_name=args.region, endpoint_url=args.endpoint_url).Table(args.table)
    try:
        updated, skipped = backfill(table, args.days)
    except (ClientError, BotoCoreError) as exc:
        sys.stderr.write(f"backfill_ttl: {exc}\n")
        return 1
    sys.stdout.write(f"{updated} items given an expiry, {skipped} already had one ({args.table})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
