"""How repositories talk to DynamoDB: domain errors, the call wrapper, conditional writes, paged queries, cursors."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from shared import limits
from shared.jsontext import utf8_encodable

_CONDITION_FAILED = "ConditionalCheckFailedException"
T = TypeVar("T")
U = TypeVar("U")


class StorageError(Exception):
    """DynamoDB could not be reached or refused the request."""


class NotFound(LookupError):
    """The item does not exist, or belongs to another user (which reads the same)."""


class InvalidCursor(ValueError):
    """A history cursor this service did not hand out."""


def call(operation: Callable[..., Any], what: str, **kwargs: Any) -> Any:
    """One DynamoDB call; any failure surfaces as StorageError naming `what` was being done."""
    try:
        return operation(**kwargs)
    except (ClientError, BotoCoreError) as exc:
        raise StorageError(f"{what} failed: {type(exc).__name__}") from exc


def conditional(operation: Callable[..., Any], what: str, **kwargs: Any) -> bool:
    """A conditional write: True when written, False when its condition did not hold; StorageError otherwise."""
    try:
        operation(**kwargs)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == _CONDITION_FAILED:
            return False
        raise StorageError(f"{what} failed: {exc.response.get('Error', {}).get('Code')}") from exc
    except BotoCoreError as exc:
        raise StorageError(f"{what} failed: {type(exc).__name__}") from exc
    return True


def query_all(query: Callable[..., Any], what: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item a query matches, following LastEvaluatedKey page after page."""
    while True:
        page = call(query, what, **kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs = {**kwargs, "ExclusiveStartKey": page["LastEvaluatedKey"]}


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a query: its items, the cursor to the next page, and a cursor resuming after each item
    (so a caller that can send only the first few items still hands out a cursor to the rest)."""

    items: list[T]
    cursor: str | None
    after: list[str]

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        return Page([convert(item) for item in self.items], self.cursor, self.after)

    def cursor_after(self, count: int) -> str | None:
        """The cursor of a page cut to its first `count` items (at least one)."""
        if count < 1:
            raise ValueError("a page holds at least one item")
        return self.cursor if count >= len(self.items) else self.after[count - 1]


def plain(value: Any) -> Any:
    """DynamoDB's Decimals back to ints and floats."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def dynamo(value: Any) -> Any:
    """Floats to Decimals and None values left out, as boto3's resource layer requires."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [dynamo(v) for v in value]
    return value


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    """An opaque cursor for a query's ExclusiveStartKey (None: nothing after this page)."""
    return base64.urlsafe_b64encode(json.dumps(plain(key)).encode()).decode() if key else None


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """The key a cursor holds; InvalidCursor unless it could be one of ours (short, key values S or N only)."""
    if not cursor:
        return None
    if len(cursor) > limits.HISTORY_CURSOR_MAX_CHARS:
        raise InvalidCursor("cursor")
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError as exc:  # UnicodeError and binascii.Error are ValueErrors
        raise InvalidCursor("cursor") from exc
    if not isinstance(value, dict) or not all(_key_value(v) for v in value.values()):
        raise InvalidCursor("cursor")
    return value


def _key_value(value: object) -> bool:
    """A value a key of ours can hold: text DynamoDB accepts (UTF-8), or a whole number it stores exactly
    (boto3 raises "Rounded" for 10**40 instead of refusing it, so it must never get that far)."""
    if isinstance(value, str):
        return utf8_encodable(value)
    return type(value) is int and 0 <= value <= limits.SAFE_INTEGER_MAX
