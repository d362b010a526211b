"""DynamoDB item sizes by AWS's published rules, from the wire format (attribute names plus typed values)."""

from __future__ import annotations

import base64
import math
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.tables import TableDefinition

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


_CLAUSES = re.compile(r"\b(SET|REMOVE|ADD|DELETE)\b", re.IGNORECASE)
_SET_TARGET = re.compile(r"(?:^|,)\s*([#\w.\[\]]+)\s*=")


def updated_attributes(expression: str, names: dict[str, str] | None = None) -> set[str]:
    """The top-level attributes an UpdateExpression writes (SET, REMOVE, ADD, DELETE), names substituted."""
    names = names or {}
    parts = _CLAUSES.split(expression)
    touched: set[str] = set()
    for clause, body in zip(parts[1::2], parts[2::2], strict=True):
        if clause.upper() == "SET":
            targets = _SET_TARGET.findall(body)
        elif clause.upper() == "REMOVE":
            targets = [t.strip() for t in body.split(",")]
        else:  # ADD / DELETE: "path :value, path :value"
            targets = [t.split()[0] for t in body.split(",") if t.strip()]
        touched.update(names.get(root, root) for root in (re.split(r"[.\[]", t)[0] for t in targets if t))
    return touched


def index_entries(item: dict[str, Any], table: TableDefinition, written: set[str] | None = None) -> list[int]:
    """Sizes of the index entries DynamoDB writes (and bills) for a write that leaves `item` stored.

    An index the item belongs to (it has the index's keys) takes one write when the write put the item
    (`written` None) or changed an attribute the index carries; changing one of the index's own key attributes
    moves the entry, a delete and a put (two writes; the deleted entry is counted at the new one's size)."""
    out: list[int] = []
    for index in table.indexes:
        keys = index.key_names
        if not all(k in item for k in keys):
            continue
        carried = set(item) if index.include is None else {*table.key_names, *keys, *index.include}
        if written is not None and not written & carried:
            continue
        size = item_size({name: value for name, value in item.items() if name in carried})
        out += [size, size] if written is not None and written & set(keys) else [size]
    return out
