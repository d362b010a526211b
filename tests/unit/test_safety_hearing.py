"""One turn hears each text once: the same safety levels as hearing them afresh, with each message scanned once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared import turn_safety
from shared.engine import safety_score

CONVERSATIONS = [
    json.loads(line) for line in (Path(__file__).parent.parent / "data" / "crisis_conversations.jsonl").open()
]


@pytest.mark.parametrize("case", CONVERSATIONS, ids=lambda case: case["text"][:30])
@pytest.mark.parametrize("crisis_open", [False, True])
def test_a_turn_heard_once_per_text_is_heard_as_before(case: dict[str, object], crisis_open: bool) -> None:
    # Given a conversation's earlier messages and its new message
    earlier, message = list(case["earlier"]), str(case["text"])  # type: ignore[call-overload]
    # When the turn is heard afresh, and again within one hearing as admission hears it (alone, then with the rest)
    afresh = turn_safety.of_turn(message, earlier, crisis_open=crisis_open)
    with safety_score.hearing():
        alone = turn_safety.of_message(message)
        together = turn_safety.of_turn(message, earlier, crisis_open=crisis_open)
    # Then both give the same answer: level, language, categories and whether the crisis stays open
    assert together == afresh
    assert alone == turn_safety.of_message(message)


def test_each_text_of_a_turn_is_scanned_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a conversation of three earlier messages, and a count of the scans made
    earlier = ["I'm so tired of everything", "I feel like such a burden", "work was long"]
    message = "tonight I'm going to the bridge"
    scanned: list[str] = []
    scan = safety_score._evidence

    def counted(text: str, trace: list[safety_score.Finding] | None) -> safety_score.Evidence:
        scanned.append(text)
        return scan(text, trace)

    monkeypatch.setattr(safety_score, "_evidence", counted)
    # When admission hears the message alone and then with the conversation, within one hearing
    with safety_score.hearing():
        turn_safety.of_message(message)
        turn_safety.of_turn(message, earlier, crisis_open=True)
    # Then no text was scanned twice
    assert sorted(scanned) == sorted(set(scanned))
    assert message in scanned
    # And outside a hearing nothing is kept: the same checks scan again
    scanned.clear()
    turn_safety.of_message(message)
    turn_safety.of_message(message)
    assert scanned == [message, message]
