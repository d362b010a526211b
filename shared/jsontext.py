"""Cheap checks of client text before it is parsed or stored: how deeply JSON nests, whether text is Unicode.

Python's json module recurses once per level, so text nested a thousand deep raises RecursionError (or, on a
thread already deep in its stack, far less). Counting brackets outside strings with regular expressions costs a
few milliseconds for the largest message API Gateway lets in, and never recurses. And JSON may spell lone
surrogates ("\\udfff"), which parse into Python text that no UTF-8 encoder, DynamoDB or WebSocket accepts.
"""

from __future__ import annotations

import itertools
import re

#: A JSON string, escapes included; one left open runs to the end of the text, as the parser would read it.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nesting_depth(text: str) -> int:
    """The deepest level of arrays and objects in `text` (0 for a scalar); brackets inside strings do not count.

    For valid JSON this is the depth the parser builds; for other text it is at least the depth the parser
    reaches before it gives up, so a bound checked here keeps the parser from recursing past it."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    levels = itertools.accumulate(map(_STEP.__getitem__, brackets))
    return max(itertools.chain((0,), levels))


def utf8_encodable(text: str) -> bool:
    """False for text holding lone surrogates, which JSON escapes can spell but UTF-8 cannot carry."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
