"""The model-attempts setting counted against the local Bedrock endpoint: N attempts are exactly N calls."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from devtools.bedrock.server import LocalBedrock
from shared import aws
from shared.model_client import BedrockModel, ModelUnavailable
from shared.settings import Settings

pytestmark = pytest.mark.integration

MESSAGES = [{"role": "user", "content": [{"text": "I feel tired tonight."}]}]


@pytest.fixture(scope="module")
def server() -> Iterator[LocalBedrock]:
    with LocalBedrock("echo", port=0, token_delay_ms=0) as local:
        yield local


def control(server: LocalBedrock, path: str, body: dict[str, Any] | None = None) -> Any:
    """The endpoint's test controls over HTTP, as an out-of-process test would use them."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, method="POST" if data else "GET")
    with urllib.request.urlopen(request, timeout=5) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def model_with(server: LocalBedrock, monkeypatch: pytest.MonkeyPatch, attempts: int) -> BedrockModel:
    """The handlers' own Bedrock client (shared.aws), configured from the environment as in Lambda."""
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
        "MODEL_TOTAL_ATTEMPTS": str(attempts),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings()  # type: ignore[call-arg]  # read from the environment
    assert settings.model_total_attempts == attempts
    return BedrockModel(aws.bedrock_runtime(settings), settings)


@pytest.mark.parametrize("attempts", [1, 3])
def test_persistent_throttling_makes_exactly_the_configured_number_of_calls(
    server: LocalBedrock, monkeypatch: pytest.MonkeyPatch, attempts: int
) -> None:
    # Given a Bedrock endpoint that throttles every call, and the setting at N attempts
    model = model_with(server, monkeypatch, attempts)
    control(server, "/_faults", {"reset": True, "throttle": 20})
    control(server, "/_stats/reset", {})

    # When a turn starts the model
    with pytest.raises(ModelUnavailable) as caught:
        model.start("be kind", MESSAGES)

    # Then it gives up as throttled after exactly N calls, the first one included
    assert caught.value.code == "ThrottlingException"
    stats = control(server, "/_stats")
    assert (stats["calls"], stats["throttled"]) == (attempts, attempts)


def test_the_last_attempt_still_answers(server: LocalBedrock, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given 3 attempts and a Bedrock endpoint that throttles the first 2 calls
    model = model_with(server, monkeypatch, 3)
    control(server, "/_faults", {"reset": True, "throttle": 2})
    control(server, "/_stats/reset", {})

    # When a turn starts the model
    stream = model.start("be kind", MESSAGES)
    text = "".join(stream.tokens)

    # Then the third call streams the answer, and botocore says it retried twice
    assert text
    stats = control(server, "/_stats")
    assert (stats["calls"], stats["throttled"], stream.turn.retry_attempts) == (3, 2, 2)
