"""DynamoDB item sizes by AWS's published rules, from the wire format (attribute names plus typed values)."""

from __future__ import annotations

import base64
import math
from typing import Any

#: Bytes one write request unit covers; one strongly consistent read request unit covers READ_UNIT_BYTES.
WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096


def item_size(item: dict[str, Any]) -> int:
    """Size of an item in DynamoDB's low-level JSON (`{"name": {"S": "..."}}`), as DynamoDB bills it."""
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def value_size(value: dict[str, Any]) -> int:
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return len(str(inner).encode())
    if kind == "N":
        return _number_size(str(inner))
    if kind == "B":
        return len(base64.b64decode(inner))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in inner)
    if kind == "NS":
        return sum(_number_size(n) for n in inner)
    if kind == "BS":
        return sum(len(base64.b64decode(b)) for b in inner)
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in inner.items())
    raise ValueError(f"unknown DynamoDB type {kind!r}")


def _number_size(text: str) -> int:
    digits = text.lstrip("-").replace(".", "").strip("0") or "0"
    return math.ceil(len(digits) / 2) + 1


def write_units(item_bytes: int) -> int:
    return max(1, math.ceil(item_bytes / WRITE_UNIT_BYTES))


def read_units(item_bytes: int, *, consistent: bool) -> float:
    """A read of `item_bytes` (one item, or a whole Query page): eventually consistent reads cost half."""
    units = max(1, math.ceil(item_bytes / READ_UNIT_BYTES))
    return float(units) if consistent else units / 2
