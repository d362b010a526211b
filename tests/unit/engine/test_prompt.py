"""The Bedrock prompt: header round trip, tolerant parsing, role-locked system prompt."""

from __future__ import annotations

import json
from dataclasses import dataclass

from shared.engine.emotions import EMOTIONS
from shared.engine.prompt import RISK_LEVELS, ModelHeader, build_system_prompt, format_header, parse_header
from shared.protocol import Safety


@dataclass(frozen=True)
class _Entry:
    reference: str
    theme: str


def test_header_round_trips() -> None:
    line = format_header("anxious", "Philippians 4:6-7")
    assert line.endswith("\n") and line.count("\n") == 1
    assert json.loads(line) == {"emotion": "anxious", "reference": "Philippians 4:6-7", "risk": "none"}
    assert parse_header(line) == ModelHeader("anxious", "Philippians 4:6-7", Safety.OK)


def test_the_models_risk_level_is_read_and_an_unknown_one_counts_as_none() -> None:
    # Given header lines with each risk level, an unknown one and none at all
    def risk(value: object) -> Safety | None:
        header = parse_header(json.dumps({"emotion": "sad", "reference": "Psalm 34:18", "risk": value}))
        return header.risk if header else None

    # Then each level maps to the wire's safety level, and anything else reads as ok
    assert [risk(level) for level in RISK_LEVELS] == [Safety.OK, Safety.CONCERN, Safety.CRISIS]
    assert risk(" Crisis ") is Safety.CRISIS
    assert risk("high") is Safety.OK and risk(3) is Safety.OK
    assert parse_header('{"emotion": "sad", "reference": "Psalm 34:18"}') == ModelHeader("sad", "Psalm 34:18")


def test_header_parsing_tolerates_whitespace_and_fences() -> None:
    for line in [
        '  {"emotion": "sad", "reference": "Psalm 34:18"}  ',
        '```json {"emotion": "sad", "reference": "Psalm 34:18"} ```',
        '{"reference":"Psalm 34:18","emotion":"Sad"}',
    ]:
        assert parse_header(line) == ModelHeader("sad", "Psalm 34:18")


def test_invalid_headers_are_none() -> None:
    for line in ["Hello there", "{not json}", "[1, 2]", '{"emotion": 3}', '{"reference": "John 3:16"}', ""]:
        assert parse_header(line) is None


def test_system_prompt_is_role_locked_and_lists_the_choices() -> None:
    entries = (_Entry("Psalm 34:18", "stays near the brokenhearted"), _Entry("Psalm 42:11", "talks back to despair"))
    prompt = build_system_prompt(EMOTIONS, entries)
    for emotion in EMOTIONS:
        assert emotion in prompt
    assert "Psalm 34:18: stays near the brokenhearted" in prompt and "Psalm 42:11: talks back to despair" in prompt
    for attack in ("ignore", "prompt", "pirate", "role"):
        assert attack in prompt.lower()
    assert "first line" in prompt.lower()


def test_system_prompt_asks_for_risk_tone_theme_and_no_praying() -> None:
    # Given the prompt for one turn
    prompt = build_system_prompt(EMOTIONS, (_Entry("Psalm 34:18", "stays near the brokenhearted"),)).lower()
    # Then it asks for a risk level among the three, and says when to choose crisis
    assert all(level in prompt for level in RISK_LEVELS) and "higher level" in prompt
    # And it keeps the words about the verse to its line, asks for the question to be answered, length by message
    assert "only what its line in the list says" in prompt and "asks a question" in prompt and "long one" in prompt
    # And it never lets the model scold or claim to pray or feel
    assert "never scold" in prompt and "never write 'i'm praying'" in prompt and "you are an ai" in prompt
