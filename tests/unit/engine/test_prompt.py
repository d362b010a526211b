"""The Bedrock prompt: header round trip, tolerant parsing, role-locked system prompt."""

from __future__ import annotations

import json

from shared.engine.emotions import EMOTIONS
from shared.engine.prompt import ModelHeader, build_system_prompt, format_header, parse_header


def test_header_round_trips() -> None:
    line = format_header("anxious", "Philippians 4:6-7")
    assert line.endswith("\n") and line.count("\n") == 1
    assert json.loads(line) == {"emotion": "anxious", "reference": "Philippians 4:6-7"}
    assert parse_header(line) == ModelHeader("anxious", "Philippians 4:6-7")


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
    prompt = build_system_prompt(EMOTIONS, ("Psalm 34:18", "Psalm 42:11"))
    for emotion in EMOTIONS:
        assert emotion in prompt
    assert "Psalm 34:18" in prompt and "Psalm 42:11" in prompt
    for attack in ("ignore", "prompt", "pirate", "role"):
        assert attack in prompt.lower()
    assert "first line" in prompt.lower()
