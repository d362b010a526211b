"""`motivator chat --rest`: the terminal conversation over the REST API, crisis resources first, as on the WebSocket."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.stack import LocalStack
from tests.integration.test_cli import motivator

pytestmark = pytest.mark.integration


def test_rest_chat_prints_the_verse_then_the_whole_answer_and_continues_the_conversation(
    stack: LocalStack, endpoints: dict[str, Any]
) -> None:
    """Given the terminal client over the REST API, signed in as the demo user
    When two feelings are typed, then an empty line
    Then each answer shows the emotion and the verse before its words, in one conversation."""
    done = motivator(
        "chat",
        "--rest",
        "--state-dir",
        str(stack.state_dir),
        stdin="I feel anxious about my exam tomorrow.\nThank you, I'm grateful for my friends.\n\n",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("REST API.")
    answers = done.stdout.split("you> ")[1:3]
    for emotion, answer in zip(("anxious", "grateful"), answers, strict=True):
        header, _, words = answer.partition("\u201d")
        assert f"[{emotion} " in header and "(WEB)" in header
        assert len(words.split()) > 5


def test_rest_chat_in_crisis_shows_the_help_lines_first(stack: LocalStack) -> None:
    """Given the terminal client over the REST API, in Great Britain
    When the person writes that they want to end their life
    Then the help lines, with the local emergency number, come before the verse."""
    done = motivator(
        "chat", "--rest", "--country", "GB", "--state-dir", str(stack.state_dir), stdin="I want to end my life.\n\n"
    )
    assert done.returncode == 0, done.stderr
    answer = done.stdout.split("you> ")[1]
    assert answer.index("help is available right now") < answer.index("\u201c")
    assert "999" in answer
