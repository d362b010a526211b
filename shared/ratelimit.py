"""A per-user token bucket in DynamoDB, kept consistent under concurrency with conditional writes."""

from __future__ import annotations

import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from shared.storage import StorageError, call, conditional

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

#: Enough attempts for dozens of simultaneous sends by one user to each get a definite answer.
MAX_ATTEMPTS = 200


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_ms: int = 0


@dataclass(frozen=True)
class _Bucket:
    version: int
    tokens: float
    updated_at: float


class RateLimiter:
    """Burst `capacity`, refilled at `per_minute` tokens a minute; one token per message.

    The bucket this container last wrote is remembered, so the usual take is one conditional write;
    when another container wrote in between, the write's condition fails and the bucket is read again.
    """

    def __init__(
        self,
        table: Table,
        capacity: int,
        per_minute: float,
        clock: Callable[[], float] = time.time,
        remembered: int = 10_000,
    ) -> None:
        self._table = table
        self._capacity = float(capacity)
        self._rate = per_minute / 60.0
        self._clock = clock
        self._known: OrderedDict[str, _Bucket] = OrderedDict()
        self._remembered = remembered
        self._lock = threading.Lock()

    def take(self, user_id: str) -> Decision:
        key = {"pk": f"USER#{user_id}"}
        bucket = self._recall(user_id)
        for _ in range(MAX_ATTEMPTS):
            now = self._clock()
            remembered, bucket = bucket is not None, bucket or self._read(key)
            tokens = self._capacity
            if bucket.version:
                tokens = min(tokens, bucket.tokens + max(0.0, now - bucket.updated_at) * self._rate)
            if tokens < 1.0 and remembered:
                bucket = None  # refuse only on what storage says now, never on a memory
                continue
            if tokens < 1.0:
                return Decision(False, retry_after_ms=int((1.0 - tokens) / self._rate * 1000) + 1)
            written = _Bucket(bucket.version + 1, round(tokens - 1.0, 6), round(now, 6))
            if self._write(key, written, bucket.version, expires_at=int(now + self._capacity / self._rate + 3600)):
                self._remember(user_id, written)
                return Decision(True)
            # The bucket changed since it was read or remembered: someone else took a token first.
            self._forget(user_id)
            if not remembered:
                time.sleep(random.uniform(0.001, 0.02))
            bucket = None
        raise StorageError("rate limit contention")

    def give_back(self, user_id: str) -> None:
        """Return a token taken for a message that turned out not to need an answer (a resend)."""
        self._forget(user_id)
        conditional(  # no bucket (expired or deleted): nothing to give back to
            self._table.update_item,
            "rate limit refund",
            Key={"pk": f"USER#{user_id}"},
            UpdateExpression="SET tokens = tokens + :one, version = version + :one",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":one": 1},
        )

    def _write(self, key: dict[str, str], bucket: _Bucket, seen_version: int, *, expires_at: int) -> bool:
        """Write the bucket if nobody else wrote it since `seen_version`; False when someone did."""
        return conditional(
            self._table.put_item,
            "rate limit write",
            Item={
                **key,
                "tokens": Decimal(str(bucket.tokens)),
                "updatedAt": Decimal(str(bucket.updated_at)),
                "version": bucket.version,
                "expiresAt": expires_at,
            },
            ConditionExpression="attribute_not_exists(pk) OR version = :v",
            ExpressionAttributeValues={":v": seen_version},
        )

    def _read(self, key: dict[str, str]) -> _Bucket:
        item = call(self._table.get_item, "rate limit read", Key=key, ConsistentRead=True).get("Item")
        if not item:
            return _Bucket(0, self._capacity, 0.0)
        return _Bucket(
            int(item["version"]),
            float(item["tokens"]),
            float(item["updatedAt"]),
        )

    def _recall(self, user_id: str) -> _Bucket | None:
        with self._lock:
            return self._known.get(user_id)

    def _remember(self, user_id: str, bucket: _Bucket) -> None:
        with self._lock:
            self._known[user_id] = bucket
            self._known.move_to_end(user_id)
            while len(self._known) > self._remembered:
                self._known.popitem(last=False)

    def _forget(self, user_id: str) -> None:
        with self._lock:
            self._known.pop(user_id, None)
