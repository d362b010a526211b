"""The composer behind the local Bedrock endpoint: header then word tokens, stable per conversation."""

from __future__ import annotations

from typing import Any

from devtools.bedrock.composer_model import ComposerModel
from shared.engine.prompt import parse_header
from shared.engine.scripture import get_catalogue


def _request(*turns: tuple[str, str]) -> dict[str, Any]:
    return {
        "messages": [{"role": role, "content": [{"text": text}]} for role, text in turns],
        "system": [{"text": "system"}],
        "inferenceConfig": {"maxTokens": 300},
    }


def test_tokens_are_a_header_then_words_that_join_to_the_message() -> None:
    # Given a one-message conversation
    tokens = list(ComposerModel(seed=1).stream(_request(("user", "I'm so anxious about my exam tomorrow."))))
    # Then the first token is a valid header with a curated anxious verse
    header = parse_header(tokens[0])
    assert tokens[0].endswith("\n") and header is not None
    assert header.emotion == "anxious" and header.reference in get_catalogue().references("anxious")
    # And every other token is one word with its trailing space, joining to the message
    words = tokens[1:]
    assert len(words) > 10
    assert all(len(t.split()) == 1 for t in words)
    assert all(t.endswith(" ") for t in words[:-1]) and not words[-1].endswith(" ")


def test_same_conversation_same_answer_and_repeat_gets_new_words_and_verse() -> None:
    model = ComposerModel(seed=7)
    message = "Work has me so stressed this week."
    first = "".join(model.stream(_request(("user", message))))
    assert first == "".join(ComposerModel(seed=7).stream(_request(("user", message))))
    # When the same message comes again with the first answer in context
    second = "".join(model.stream(_request(("user", message), ("assistant", first), ("user", message))))
    # Then the words differ and the verse of the first answer is not repeated
    assert second.partition("\n")[2] != first.partition("\n")[2]
    first_header, second_header = parse_header(first.partition("\n")[0]), parse_header(second.partition("\n")[0])
    assert first_header and second_header and first_header.reference != second_header.reference
