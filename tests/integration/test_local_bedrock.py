"""The local Bedrock endpoint, driven by the real boto3 bedrock-runtime client the handlers use."""

from __future__ import annotations

import json
import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EventStreamError
from urllib3.exceptions import ProtocolError

from devtools.bedrock.models import EchoModel, load_model
from devtools.bedrock.server import LocalBedrock

pytestmark = pytest.mark.integration

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
PROMPT = "I feel tired and alone tonight"


def user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": [{"text": text}]}]


def expected_echo(text: str) -> str:
    return EchoModel.HEADER + text


@pytest.fixture(scope="module")
def server() -> Iterator[LocalBedrock]:
    with LocalBedrock("echo", port=0, token_delay_ms=0) as bedrock:
        yield bedrock


@pytest.fixture(autouse=True)
def clean(server: LocalBedrock) -> None:
    # A test may walk away from a stream; its answer must not count in the next test's stats.
    assert server.wait_idle(), "an answer from the previous test is still being generated"
    server.reset()


def make_client(server: LocalBedrock, max_attempts: int = 4) -> Any:
    return boto3.client(
        "bedrock-runtime",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"mode": "standard", "max_attempts": max_attempts}, read_timeout=10),
    )


@pytest.fixture(scope="module")
def client(server: LocalBedrock) -> Any:
    return make_client(server)


def http(server: LocalBedrock, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_converse_stream_sends_the_bedrock_event_sequence(server: LocalBedrock, client: Any) -> None:
    # Given the echo model behind the local endpoint
    # When the handler's call is made
    response = client.converse_stream(modelId=HAIKU, messages=user(PROMPT), system=[{"text": "be kind"}])
    events = list(response["stream"])

    # Then the stream has Bedrock's shape: messageStart, text deltas, contentBlockStop, messageStop, metadata
    kinds = [next(iter(e)) for e in events]
    deltas = [e["contentBlockDelta"] for e in events if "contentBlockDelta" in e]
    assert kinds[0] == "messageStart" and events[0]["messageStart"] == {"role": "assistant"}
    assert kinds[-3:] == ["contentBlockStop", "messageStop", "metadata"]
    assert len(deltas) >= 3 and all(d["contentBlockIndex"] == 0 for d in deltas)
    assert response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/vnd.amazon.eventstream"
    # And the text is exactly what the echo model produced, one delta per token
    assert "".join(d["delta"]["text"] for d in deltas) == expected_echo(PROMPT)
    assert events[-2]["messageStop"] == {"stopReason": "end_turn"}
    usage = events[-1]["metadata"]["usage"]
    assert usage["outputTokens"] == len(deltas)
    assert usage["inputTokens"] == len(PROMPT.split()) + 2
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    assert events[-1]["metadata"]["metrics"]["latencyMs"] >= 0
    assert server.stats()["completed"] == 1


def test_max_tokens_stops_the_stream_early(client: Any) -> None:
    # Given a request capped at 3 output tokens
    # When it streams
    events = list(
        client.converse_stream(modelId=HAIKU, messages=user(PROMPT), inferenceConfig={"maxTokens": 3})["stream"]
    )

    # Then exactly 3 deltas arrive and the stop reason says why
    assert sum("contentBlockDelta" in e for e in events) == 3
    assert events[-2]["messageStop"]["stopReason"] == "max_tokens"
    assert events[-1]["metadata"]["usage"]["outputTokens"] == 3


def test_url_encoded_model_id_is_decoded(server: LocalBedrock, client: Any) -> None:
    # Given a model id with a colon, which botocore sends as %3A
    # When it is used
    events = list(client.converse_stream(modelId=HAIKU, messages=user("hi"))["stream"])

    # Then the call succeeds and the server saw the decoded id
    assert "metadata" in events[-1]
    assert server.stats()["last_model_id"] == HAIKU


def test_throttled_calls_are_retried_by_botocore(server: LocalBedrock, client: Any) -> None:
    # Given the next two calls will be throttled
    server.inject(throttle=2)

    # When the client (standard retries, 4 attempts) calls once
    events = list(client.converse_stream(modelId=HAIKU, messages=user(PROMPT))["stream"])

    # Then botocore retried through the 429s and the third attempt streamed
    assert "metadata" in events[-1]
    stats = server.stats()
    assert (stats["calls"], stats["throttled"], stats["completed"]) == (3, 2, 1)


def test_persistent_throttling_surfaces_as_throttling_exception(server: LocalBedrock) -> None:
    # Given throttling that outlasts the client's retries
    server.inject(throttle=10)
    client = make_client(server, max_attempts=2)

    # When the client calls, Then the modeled ThrottlingException is raised after its retries
    with pytest.raises(client.exceptions.ThrottlingException) as caught:
        client.converse_stream(modelId=HAIKU, messages=user(PROMPT))
    # Config's retries.max_attempts counts retries, not attempts: 2 means 1 call + 2 retries.
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    assert (server.stats()["calls"], server.stats()["throttled"]) == (3, 3)


def test_service_unavailable_is_retried(server: LocalBedrock, client: Any) -> None:
    # Given one 503 ahead
    server.inject(unavailable=1)

    # When the client calls, Then the retry succeeds
    events = list(client.converse_stream(modelId=HAIKU, messages=user(PROMPT))["stream"])
    assert "metadata" in events[-1]
    assert (server.stats()["calls"], server.stats()["unavailable"]) == (2, 1)


def test_cut_connection_raises_from_the_iterator(server: LocalBedrock, client: Any) -> None:
    # Given the next stream is cut after 3 tokens
    server.inject(cut_after=3)

    # When the stream is iterated
    response = client.converse_stream(modelId=HAIKU, messages=user(PROMPT))
    received: list[dict[str, Any]] = []
    # Then botocore does not retry (the 200 already came back) and does not wrap the failure:
    # urllib3's ProtocolError("Response ended prematurely") escapes the event iterator, after the
    # events that did arrive. Callers must treat a missing messageStop as a failed turn.
    with pytest.raises(ProtocolError, match="ended prematurely"):
        for event in response["stream"]:
            received.append(event)
    assert [next(iter(e)) for e in received] == ["messageStart"] + ["contentBlockDelta"] * 3
    assert server.stats()["completed"] == 0
    # And the pooled client keeps working afterwards
    assert "metadata" in list(client.converse_stream(modelId=HAIKU, messages=user("hi"))["stream"])[-1]


def test_in_stream_error_raises_event_stream_error(server: LocalBedrock, client: Any) -> None:
    # Given the next stream fails in-stream after 2 tokens
    server.inject(stream_error_after=2)

    # When the stream is iterated
    response = client.converse_stream(modelId=HAIKU, messages=user(PROMPT))
    received: list[dict[str, Any]] = []
    with pytest.raises(EventStreamError) as caught:
        for event in response["stream"]:
            received.append(event)

    # Then botocore raises EventStreamError carrying the member name as the code
    assert caught.value.response["Error"]["Code"] == "modelStreamErrorException"
    assert sum("contentBlockDelta" in e for e in received) == 2


def test_tokens_reach_the_client_as_they_are_generated(server: LocalBedrock, client: Any) -> None:
    # Given a 30 ms pace and a prompt the echo model turns into 10 tokens (header line + 9 words)
    server.inject(token_delay_ms=30)
    prompt = "one two three four five six seven eight nine"

    # When the deltas are timestamped as they come out of the iterator
    started = time.monotonic()
    response = client.converse_stream(modelId=HAIKU, messages=user(prompt))
    arrivals = [time.monotonic() - started for e in response["stream"] if "contentBlockDelta" in e]

    # Then the first token arrives long before the last: nothing is buffered until the end
    assert len(arrivals) == 10
    assert arrivals[0] < 0.6 * arrivals[-1]
    assert arrivals[-1] >= 0.25


def test_slow_first_token_delays_only_the_next_call(server: LocalBedrock, client: Any) -> None:
    # Given an 800 ms first-token delay
    server.inject(slow_first_token_ms=800)

    def first_delta_after() -> float:
        started, first = time.monotonic(), None
        for event in client.converse_stream(modelId=HAIKU, messages=user("hello"))["stream"]:
            if "contentBlockDelta" in event and first is None:
                first = time.monotonic() - started
        assert first is not None, "no delta"
        return first

    # When two calls are made, Then only the first waits
    assert first_delta_after() >= 0.8
    assert first_delta_after() < 0.4


def test_concurrent_streams_do_not_wait_for_each_other(server: LocalBedrock, client: Any) -> None:
    # Given a 50 ms pace and four callers at once (10 tokens each, ~0.5 s per stream)
    server.inject(token_delay_ms=50)
    prompts = [f"caller {i} says one two three four five six seven" for i in range(4)]

    def text_of(prompt: str) -> str:
        stream = client.converse_stream(modelId=HAIKU, messages=user(prompt))["stream"]
        return "".join(e["contentBlockDelta"]["delta"]["text"] for e in stream if "contentBlockDelta" in e)

    # When they stream in parallel
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(text_of, prompts))

    # Then each gets its own answer, and all four were being generated at the same moment
    assert texts == [expected_echo(p) for p in prompts]
    stats = server.stats()
    assert stats["completed"] == 4
    assert stats["peak_in_flight"] == 4


def test_validation_error_is_a_modeled_exception(server: LocalBedrock, client: Any) -> None:
    # Given a conversation that ends with the assistant
    messages = [*user("hi"), {"role": "assistant", "content": [{"text": "hello"}]}]

    # When it is sent, Then ValidationException is raised and nothing is retried
    with pytest.raises(client.exceptions.ValidationException, match="end with a user message"):
        client.converse_stream(modelId=HAIKU, messages=messages)
    assert server.stats()["calls"] == 1


def test_non_streaming_converse(client: Any) -> None:
    # Given the same request
    # When it goes through Converse instead of ConverseStream
    response = client.converse(modelId=HAIKU, messages=user(PROMPT))

    # Then the whole text comes back at once
    assert response["output"]["message"]["content"][0]["text"] == expected_echo(PROMPT)
    assert response["stopReason"] == "end_turn"


def test_faults_and_stats_over_http(server: LocalBedrock, client: Any) -> None:
    # Given faults injected over HTTP, as an out-of-process test would
    assert http(server, "GET", "/health")["status"] == "ok"
    http(server, "POST", "/_faults", {"throttle": 1})

    # When a call is made
    list(client.converse_stream(modelId=HAIKU, messages=user("hi"))["stream"])

    # Then the stats endpoint shows the throttle and the last request body; reset clears them
    stats = http(server, "GET", "/_stats")
    assert (stats["calls"], stats["throttled"], stats["completed"]) == (2, 1, 1)
    assert stats["last_request"]["messages"] == user("hi")
    http(server, "POST", "/_stats/reset", {})
    assert http(server, "GET", "/_stats")["calls"] == 0
    # And an unknown fault is refused
    with pytest.raises(urllib.error.HTTPError) as caught:
        http(server, "POST", "/_faults", {"explode": 1})
    assert caught.value.code == 400


def test_client_disconnect_mid_stream_is_quiet(
    server: LocalBedrock, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a slow stream and a raw client that hangs up after the first bytes
    caplog.set_level(logging.DEBUG, logger="devtools.bedrock")
    server.inject(token_delay_ms=20)
    body = json.dumps({"messages": user(PROMPT)}).encode()
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        raw.sendall(
            b"POST /model/x/converse-stream HTTP/1.1\r\nHost: local\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        assert raw.recv(64).startswith(b"HTTP/1.1 200")

    # When the server notices the hang-up
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not any("went away" in r.message for r in caplog.records):
        time.sleep(0.02)

    # Then it logs one debug line, no error or traceback, and keeps serving
    assert any("went away" in r.message for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "metadata" in list(client.converse_stream(modelId=HAIKU, messages=user("hi"))["stream"])[-1]


def test_unknown_model_name_lists_the_valid_ones() -> None:
    # Given a name not in the registry, When it is loaded, Then the error names the choices
    with pytest.raises(ValueError, match="composer, smollm2, echo"):
        load_model("gpt-9", seed=0)
