"""A per-user daily message allowance beside the burst rate limit; a crisis never counts and is never refused.

One item per user in the rate-limit table, `DAY#{userId}`, holding a counter per UTC day (`d2026-12-01`). Spending
one is a single conditional UpdateItem that also drops yesterday's counter, taken side by side with the burst
token, so the turn still makes one sequential storage round trip before the model.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import Error, ErrorCode
from shared.ratelimit import Decision
from shared.storage import StorageError, conditional

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

    from shared.idempotency import Claim
    from shared.turn.admit import Bucket, Gate

_CONDITION_FAILED = "ConditionalCheckFailedException"
_DAY = timedelta(days=1)


def allowance_key(user_id: str) -> dict[str, str]:
    return {"pk": f"DAY#{user_id}"}


@dataclass(frozen=True)
class Counted(Decision):
    """Allowed, and this many messages are left today (until `resets_at_ms`)."""

    remaining: int = 0
    resets_at_ms: int = 0


@dataclass(frozen=True)
class Exhausted(Decision):
    """Today's allowance is used up; it resets at `resets_at_ms` (the next midnight, UTC)."""

    allowance: int = 0
    resets_at_ms: int = 0

    def error(self, client_message_id: str | None) -> Error:
        resets = datetime.fromtimestamp(self.resets_at_ms / 1000, tz=UTC)
        return Error(
            code=ErrorCode.DAILY_LIMIT,
            message=(
                f"You've used today's {self.allowance} messages. Your allowance resets at "
                f"{resets:%H:%M} UTC; if you are in crisis, write anyway: that is always answered."
            ),
            clientMessageId=client_message_id,
            retryAfterMs=self.retry_after_ms,
            resetsAt=self.resets_at_ms,
        )


def refusal(decision: Decision, client_message_id: str | None) -> Error | None:
    """The error frame of a refused daily allowance, or None when the refusal was the burst limit's."""
    if not isinstance(decision, Exhausted):
        return None
    metrics.add_metric(name=MetricName.RATE_LIMITED, unit="Count", value=1)
    logger.info("daily allowance used up", resets_at_ms=decision.resets_at_ms)
    return decision.error(client_message_id)


def remaining(decision: Decision) -> int | None:
    """Messages left today after this one, when the decision counted one."""
    return decision.remaining if isinstance(decision, Counted) else None


class DailyAllowance:
    """`per_day` messages a user a UTC day; 0 turns the allowance off."""

    def __init__(self, table: Table, per_day: int, clock: Callable[[], float] = time.time) -> None:
        self._table = table
        self.per_day = per_day
        self._clock = clock

    def spend(self, user_id: str) -> Counted | Exhausted:
        today, resets = self._today()
        try:
            result = self._table.update_item(
                Key=allowance_key(user_id),
                UpdateExpression="SET #today = if_not_exists(#today, :zero) + :one, expiresAt = :expires REMOVE #yday",
                ConditionExpression="attribute_not_exists(#today) OR #today < :max",
                ExpressionAttributeNames={"#today": _name(today), "#yday": _name(today - _DAY)},
                ExpressionAttributeValues={
                    ":zero": 0,
                    ":one": 1,
                    ":max": self.per_day,
                    ":expires": int(resets.timestamp()) + 86_400,
                },
                ReturnValues="UPDATED_NEW",
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == _CONDITION_FAILED:
                return self._exhausted(resets)
            raise StorageError(f"daily allowance failed: {exc.response.get('Error', {}).get('Code')}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"daily allowance failed: {type(exc).__name__}") from exc
        used = int(str(result.get("Attributes", {}).get(_name(today), 1)))
        return Counted(True, remaining=max(0, self.per_day - used), resets_at_ms=int(resets.timestamp() * 1000))

    def give_back(self, user_id: str) -> None:
        """Return today's message of a send that was not answered after all (or was a crisis)."""
        today, _ = self._today()
        conditional(
            self._table.update_item,
            "daily allowance refund",
            Key=allowance_key(user_id),
            UpdateExpression="SET #today = #today - :one",
            ConditionExpression="#today > :zero",
            ExpressionAttributeNames={"#today": _name(today)},
            ExpressionAttributeValues={":one": 1, ":zero": 0},
        )

    def _today(self) -> tuple[datetime, datetime]:
        now = datetime.fromtimestamp(self._clock(), tz=UTC)
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return today, today + _DAY

    def _exhausted(self, resets: datetime) -> Exhausted:
        wait_ms = max(1, int((resets.timestamp() - self._clock()) * 1000))
        return Exhausted(
            False, retry_after_ms=wait_ms, allowance=self.per_day, resets_at_ms=int(resets.timestamp() * 1000)
        )


def _name(day: datetime) -> str:
    return f"d{day:%Y-%m-%d}"


class DayCounter(Protocol):
    """Today's messages of each user (DailyAllowance in DynamoDB)."""

    per_day: int

    def spend(self, user_id: str) -> Counted | Exhausted: ...

    def give_back(self, user_id: str) -> None: ...


class AllowanceGate:
    """The turn's Gate and Bucket with today's allowance: while the key is claimed and the burst token taken (one
    transaction, shared.admission_gate), today's message is spent beside it, so the turn still makes one sequential
    round trip before the model. Each is given back when the other refuses, or when the message is a resend, so a
    refused or repeated message costs nothing. A counter that cannot be reached never refuses anyone."""

    def __init__(self, gate: Gate, burst: Bucket, allowance: DayCounter, io: Executor) -> None:
        self._gate = gate
        self._burst = burst
        self._allowance = allowance
        self._io = io

    def claim_and_take(
        self,
        user_id: str,
        client_message_id: str,
        message: str,
        session_hint: str | None,
        message_id: str,
        session_id: str,
    ) -> tuple[Claim, Decision | None]:
        ids = (user_id, client_message_id, message, session_hint, message_id, session_id)
        if self._allowance.per_day <= 0:
            return self._gate.claim_and_take(*ids)
        daily = self._io.submit(self._allowance.spend, user_id)
        try:
            claim, burst = self._gate.claim_and_take(*ids)
        except StorageError:
            self._refund(_counted(daily), user_id)
            raise
        counted = _counted(daily)
        if burst is None or not burst.allowed:  # a resend pays nothing; a burst refusal gives today's message back
            self._refund(counted, user_id)
            return claim, burst
        if isinstance(counted, Exhausted):
            self._burst.give_back(user_id)
            return claim, counted
        return claim, counted or burst

    def give_back(self, user_id: str) -> None:
        """An allowed message that will not be answered after all (or is a crisis): both are returned."""
        self._burst.give_back(user_id)
        if self._allowance.per_day > 0:
            self._allowance.give_back(user_id)

    def _refund(self, counted: Counted | Exhausted | None, user_id: str) -> None:
        if isinstance(counted, Counted):
            try:
                self._allowance.give_back(user_id)
            except StorageError:
                logger.warning("could not give back today's message", user_id=user_id)


def _counted(spending: Future[Counted | Exhausted]) -> Counted | Exhausted | None:
    """Today's count, or None when the counter failed (the message is then not refused for it)."""
    try:
        return spending.result()
    except StorageError:
        metrics.add_metric(name=MetricName.STORAGE_ERRORS, unit="Count", value=1)
        logger.warning("daily allowance unavailable; not counted")
        return None


__all__ = ["AllowanceGate", "Counted", "DailyAllowance", "Exhausted", "refusal", "remaining"]
