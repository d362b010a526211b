"""The bench pairs each answer with its own model call, also when many chats stream at once."""

from __future__ import annotations

from devtools.bench.client import Answer
from devtools.bench.pace import match
from devtools.bench.trace import LABEL_CHARS

MESSAGE = "I have been carrying a lot lately and I keep waking up at four in the morning."


def _call(call_id: int, start: float, message: str) -> dict[str, object]:
    return {"id": call_id, "op": "ConverseStream", "start": start, "end": start + 5, "label": message[:LABEL_CHARS]}


def test_an_answer_is_paired_with_the_call_for_its_own_message() -> None:
    # Given two chats sent at once, and chat 0's model call starting after chat 1's
    mine = Answer(f"Chat 1. {MESSAGE}", sent=100.0, frames=[(106.0, {"type": "done"})])
    calls = [_call(1, 100.2, f"Chat 0. {MESSAGE}"), _call(2, 100.5, f"Chat 1. {MESSAGE}")]
    tokens = [{"call": 1, "at": 100.3, "text": "x"}, {"call": 2, "at": 100.6, "text": "y"}]
    # When the bench pairs chat 1's answer with a model call
    streamed = match(mine, {"calls": calls, "tokens": tokens})
    # Then it is chat 1's call (the later one), with that call's tokens only
    assert streamed is not None
    assert streamed.call["id"] == 2
    assert [t["text"] for t in streamed.tokens] == ["y"]


def test_an_answer_without_its_own_call_is_not_paired_with_another() -> None:
    # Given a model call for another chat's message only
    mine = Answer(f"Chat 1. {MESSAGE}", sent=100.0, frames=[(106.0, {"type": "done"})])
    calls = [_call(1, 100.2, f"Chat 0. {MESSAGE}")]
    # Then the answer has no call (it is left out of the per-call figures instead of measured against another's)
    assert match(mine, {"calls": calls, "tokens": []}) is None
