"""A per-user token bucket in DynamoDB as one conditional update that needs no read first (GCRA).

The bucket is stored as its theoretical arrival time `tat`: the moment it would be full again. A message is
admitted when `max(tat, now) + interval <= now + capacity * interval`, which is a token bucket of `capacity`
refilled at one token per `interval`. Either branch of the `max` is one conditional update DynamoDB evaluates
atomically (`tat <= now`: set it to now + interval; otherwise add an interval while `tat <= now + (capacity - 1) *
interval`), so a take is one write whatever other containers did, as long as the branch is guessed right: the guess
comes from the `tat` this container last wrote, and a wrong guess comes back with the stored bucket
(`ReturnValuesOnConditionCheckFailure`), from which the next attempt is exact.
"""

from __future__ import annotations

import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import BotoCoreError, ClientError

from shared.storage import StorageError, conditional

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

#: Enough attempts for dozens of simultaneous sends by one user to each get a definite answer.
MAX_ATTEMPTS = 200
_CONDITION_FAILED = "ConditionalCheckFailedException"
_DESERIALIZER = TypeDeserializer()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_ms: int = 0


@dataclass(frozen=True)
class BucketWrite:
    """What came of one conditional update of a bucket: written, or not, with the bucket as stored then."""

    written: bool
    #: The stored item when the condition failed (None: there is no bucket).
    stored: dict[str, Any] | None = None
    #: The write was cancelled for a reason other than the bucket (nothing to retry).
    abandoned: bool = False
    #: Another transaction held the item at that moment: send the same write again.
    conflict: bool = False


#: Sends one conditional update (keyword arguments of `Table.update_item`) and says what came of it.
BucketWriter = Callable[[dict[str, Any]], BucketWrite]


class RateLimiter:
    """Burst `capacity`, refilled at `per_minute` tokens a minute; one token per message."""

    def __init__(
        self,
        table: Table,
        capacity: int,
        per_minute: float,
        clock: Callable[[], float] = time.time,
        remembered: int = 10_000,
    ) -> None:
        self._table = table
        self._capacity = capacity
        self._interval = 60.0 / per_minute
        self._clock = clock
        self._known: OrderedDict[str, float] = OrderedDict()
        self._remembered = remembered
        self._lock = threading.Lock()

    @property
    def table_name(self) -> str:
        return self._table.name

    def take(self, user_id: str) -> Decision:
        """Take a token with a plain conditional update."""
        decision = self.take_with(user_id, self._update)
        if decision is None:  # a plain update is never abandoned
            raise StorageError("rate limit write abandoned")
        return decision

    def take_with(self, user_id: str, write: BucketWriter) -> Decision | None:
        """Take a token through `write` (alone, or inside a transaction); None when `write` abandoned it."""
        seen = self._recall(user_id)
        for _ in range(MAX_ATTEMPTS):
            now = self._clock()
            cap = now + (self._capacity - 1) * self._interval
            full = seen is None or seen <= now
            outcome = write(self._update_request(user_id, now, cap, full))
            if outcome.abandoned:
                return None
            if outcome.conflict:
                time.sleep(random.uniform(0.001, 0.02))
                continue
            if outcome.written:
                self._remember(user_id, (now if full or seen is None else seen) + self._interval)
                return Decision(True)
            seen = float(outcome.stored["tat"]) if outcome.stored and "tat" in outcome.stored else None
            if seen is not None and seen > cap:
                # Storage's own word (the failed condition's item), never a memory: the bucket is empty.
                self._remember(user_id, seen)
                return Decision(False, retry_after_ms=int((seen - cap) * 1000) + 1)
            if full == (seen is None or seen <= self._clock()):
                time.sleep(random.uniform(0.001, 0.02))  # the same branch again: let the clock move on
            # Otherwise the other branch at once: the bucket filled up, was reset, or another container took a token.
        raise StorageError("rate limit contention")

    def give_back(self, user_id: str) -> None:
        """Return a token taken for a message that turned out not to need an answer."""
        self._forget(user_id)
        conditional(  # no bucket (expired or deleted): nothing to give back to
            self._table.update_item,
            "rate limit refund",
            Key={"pk": _key(user_id)},
            UpdateExpression="SET tat = tat - :interval",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":interval": _decimal(self._interval)},
        )

    def _update_request(self, user_id: str, now: float, cap: float, full: bool) -> dict[str, Any]:
        """The conditional update taking one token, for a bucket full by now (`full`) or one still refilling."""
        expires_at = int(now + (self._capacity + 1) * self._interval + 3600)
        if full:
            expression, condition = "SET tat = :next, expiresAt = :exp", "attribute_not_exists(pk) OR tat <= :now"
            values = {":next": _decimal(now + self._interval), ":now": _decimal(now), ":exp": expires_at}
        else:
            expression, condition = "SET tat = tat + :interval, expiresAt = :exp", "tat > :now AND tat <= :cap"
            values = {":interval": _decimal(self._interval), ":now": _decimal(now), ":cap": _decimal(cap)}
            values[":exp"] = expires_at
        return {
            "Key": {"pk": _key(user_id)},
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": values,
        }

    def _update(self, request: dict[str, Any]) -> BucketWrite:
        try:
            self._table.update_item(**request, ReturnValuesOnConditionCheckFailure="ALL_OLD")
        except ClientError as exc:  # a failed condition comes back with the bucket as stored
            code = exc.response.get("Error", {}).get("Code")
            if code != _CONDITION_FAILED:
                raise StorageError(f"rate limit write failed: {code}") from exc
            stored: Any = exc.response.get("Item")  # modeled on the error: the bucket as stored
            return BucketWrite(False, stored=plain_item(stored))
        except BotoCoreError as exc:
            raise StorageError(f"rate limit write failed: {type(exc).__name__}") from exc
        return BucketWrite(True)

    def _recall(self, user_id: str) -> float | None:
        with self._lock:
            return self._known.get(user_id)

    def _remember(self, user_id: str, tat: float) -> None:
        with self._lock:
            self._known[user_id] = tat
            self._known.move_to_end(user_id)
            while len(self._known) > self._remembered:
                self._known.popitem(last=False)

    def _forget(self, user_id: str) -> None:
        with self._lock:
            self._known.pop(user_id, None)


def plain_item(item: dict[str, Any] | None) -> dict[str, Any] | None:
    """An item as the low-level API returns it (`{"tat": {"N": "1.5"}}`) as plain values; None for no item."""
    if not item:
        return None
    return {name: _DESERIALIZER.deserialize(value) for name, value in item.items()}


def _key(user_id: str) -> str:
    return f"USER#{user_id}"


def _decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))
