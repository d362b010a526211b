"""Hypothesis strategies for what a client may send: any JSON, any text (lone surrogates too), deep, huge."""

from __future__ import annotations

import json

from hypothesis import strategies as st

from shared.event_record import LOGGED_FIELDS
from shared.protocol import ACTIONS

#: Lone surrogates: valid as JSON escapes ("\udfff"), never valid Unicode text.
SURROGATES = ("\udfff", "\ud800", "\udbff\udbff", "a\udc00b")


def deep_brackets(depth: int) -> str:
    return "[" * depth + "]" * depth


_SURROGATE_TEXT = st.lists(st.sampled_from([*SURROGATES, "a", " ", "é", "😀", "\x00", '"', "\\", "[", "{"])).map(
    "".join
)
TEXT = st.one_of(
    st.text(max_size=80),
    st.text(st.characters(exclude_categories=()), max_size=80),  # surrogates included
    _SURROGATE_TEXT,
    st.integers(0, 70_000).map(lambda n: "x" * n),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)
#: Every field a client frame may carry, each with any JSON value; the action is mostly a real one.
FRAMES = st.fixed_dictionaries(
    {"action": st.one_of(st.sampled_from(ACTIONS), JSON_VALUES)},
    optional={"clientMessageId": st.one_of(TEXT, JSON_VALUES)},
).flatmap(
    lambda base: st.dictionaries(st.sampled_from(sorted(LOGGED_FIELDS)), JSON_VALUES, max_size=5).map(
        lambda extra: {**extra, **base}
    )
)
_OPEN_DEEP = st.tuples(st.integers(0, 20_000), st.sampled_from(["[", "{", '{"a":', '["x",'])).map(
    lambda pair: '{"action":"ping","x":' + pair[1] * pair[0]
)
#: Bodies of text frames: JSON frames (escaped and raw), other JSON, plain text, deep nesting open and closed.
BODIES = st.one_of(
    TEXT,
    FRAMES.map(json.dumps),
    FRAMES.map(lambda frame: json.dumps(frame, ensure_ascii=False)),
    JSON_VALUES.map(json.dumps),
    st.integers(0, 20_000).map(deep_brackets),
    _OPEN_DEEP,
    _OPEN_DEEP.map(lambda text: text + "]" * text.count("[") + "}" * (text.count("{") + 1)),
)
