"""The fixed part of the system prompt is cached by models that cache, through the local Bedrock endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from devtools.bedrock.server import LocalBedrock
from shared import aws
from shared.engine.emotions import EMOTIONS
from shared.engine.prompt import build_system_prompt
from shared.engine.scripture import get_catalogue
from shared.model_client import BedrockModel, ModelTurn, to_messages
from shared.settings import Settings

pytestmark = pytest.mark.integration

NOVA_LITE = "us.amazon.nova-lite-v1:0"
CLAUDE_3_HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalBedrock]:
    with LocalBedrock("echo", port=0, token_delay_ms=0) as local:
        yield local


def _model(server: LocalBedrock, monkeypatch: pytest.MonkeyPatch, model_id: str) -> BedrockModel:
    env = {
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "CONNECTIONS_TABLE": "c",
        "CONVERSATIONS_TABLE": "v",
        "RATE_LIMIT_TABLE": "r",
        "IDEMPOTENCY_TABLE": "i",
        "COGNITO_USER_POOL_ID": "us-east-1_local",
        "COGNITO_CLIENT_ID": "local",
        "CONNECTIONS_ENDPOINT_URL": "http://127.0.0.1:9/local",
        "BEDROCK_ENDPOINT_URL": server.url,
        "BEDROCK_MODEL_ID": model_id,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings()  # type: ignore[call-arg]  # read from the environment
    return BedrockModel(aws.bedrock_runtime(settings), settings)


def _turn(model: BedrockModel, emotion: str, message: str) -> tuple[ModelTurn, str]:
    system = build_system_prompt(EMOTIONS, get_catalogue().entries(emotion, gentle=False))
    stream = model.start(system, to_messages([], message))
    "".join(stream.tokens)
    return stream.turn, system.fixed


def test_a_caching_model_writes_the_fixed_instructions_once_and_reads_them_on_the_next_turn(
    server: LocalBedrock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given the model id of a model that caches prompts (Nova Lite through a cross-region profile)
    When two people's turns are answered, each with its own verses
    Then the first writes the instructions every turn shares to the cache, the second reads them from it, and
    neither counts them as ordinary input tokens."""
    server.reset()
    model = _model(server, monkeypatch, NOVA_LITE)
    first, fixed = _turn(model, "anxious", "I feel anxious about tomorrow.")
    second, _ = _turn(model, "grateful", "I'm so grateful for my friends.")
    fixed_words = len(fixed.split())
    assert (first.cache_write_tokens, first.cache_read_tokens) == (fixed_words, 0)
    assert (second.cache_write_tokens, second.cache_read_tokens) == (0, fixed_words)
    request = server.stats()["last_request"]
    assert request["system"][1] == {"cachePoint": {"type": "default"}}
    assert request["system"][0]["text"] == fixed and "Example of the first line" in request["system"][2]["text"]
    assert 0 < second.input_tokens < fixed_words


def test_a_model_without_prompt_caching_gets_the_prompt_as_one_block(
    server: LocalBedrock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given Claude 3 Haiku, which has no prompt caching on Bedrock
    When a turn is answered
    Then the system prompt goes as one text block and nothing is cached."""
    server.reset()
    model = _model(server, monkeypatch, CLAUDE_3_HAIKU)
    turn, fixed = _turn(model, "sad", "I feel low today.")
    request = server.stats()["last_request"]
    assert len(request["system"]) == 1 and request["system"][0]["text"].startswith(fixed)
    assert (turn.cache_read_tokens, turn.cache_write_tokens) == (0, 0)


def test_the_local_endpoint_refuses_a_malformed_cache_point_as_bedrock_does(
    server: LocalBedrock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given the handlers' Bedrock client
    When a request puts a cache point of an unknown type after the system text
    Then it is refused with a ValidationException naming the cache point."""
    model = _model(server, monkeypatch, NOVA_LITE)
    client: Any = model._client
    with pytest.raises(ClientError) as caught:
        client.converse_stream(
            modelId=NOVA_LITE,
            messages=to_messages([], "hello"),
            system=[{"text": "be kind"}, {"cachePoint": {"type": "forever"}}],
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert "cachePoint" in caught.value.response["Error"]["Message"]
