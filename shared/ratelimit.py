"""A per-user token bucket in DynamoDB, kept consistent under concurrency with conditional writes."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from shared.connections import StorageError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

#: Enough attempts for dozens of simultaneous sends by one user to each get a definite answer.
MAX_ATTEMPTS = 200


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_ms: int = 0


class RateLimiter:
    """Burst `capacity`, refilled at `per_minute` tokens a minute; one token per message."""

    def __init__(
        self,
        table: Table,
        capacity: int,
        per_minute: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._table = table
        self._capacity = float(capacity)
        self._rate = per_minute / 60.0
        self._clock = clock

    def take(self, user_id: str) -> Decision:
        key = {"pk": f"USER#{user_id}"}
        for _ in range(MAX_ATTEMPTS):
            now = self._clock()
            try:
                item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
            except (ClientError, BotoCoreError) as exc:
                raise StorageError("rate limit read failed") from exc
            if item:
                version = int(item["version"])  # type: ignore[arg-type]
                elapsed = max(0.0, now - float(item["updatedAt"]))  # type: ignore[arg-type]
                tokens = min(self._capacity, float(item["tokens"]) + elapsed * self._rate)  # type: ignore[arg-type]
            else:
                version, tokens = 0, self._capacity
            if tokens < 1.0:
                return Decision(False, retry_after_ms=int((1.0 - tokens) / self._rate * 1000) + 1)
            try:
                self._table.put_item(
                    Item={
                        **key,
                        "tokens": Decimal(str(round(tokens - 1.0, 6))),
                        "updatedAt": Decimal(str(round(now, 6))),
                        "version": version + 1,
                        "expiresAt": int(now + self._capacity / self._rate + 3600),
                    },
                    ConditionExpression="attribute_not_exists(pk) OR version = :v",
                    ExpressionAttributeValues={":v": version},
                )
                return Decision(True)
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise StorageError("rate limit write failed") from exc
            except BotoCoreError as exc:
                raise StorageError("rate limit write failed") from exc
            time.sleep(random.uniform(0.001, 0.02))  # someone else took a token first: read again
        raise StorageError("rate limit contention")
