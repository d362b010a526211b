"""The spine: a signed-in client sends a message and watches the answer stream in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devtools.bedrock.composer_model import ComposerModel
from devtools.stack import LocalStack
from shared.engine.prompt import parse_header
from tests.stackclient import ask, bedrock, open_ws


async def test_answer_streams_ack_meta_deltas_done(endpoints: dict[str, Any], demo_token: str) -> None:
    # Given a signed-in client on the gateway
    ws = await open_ws(endpoints, demo_token)
    try:
        # When it sends how it feels
        answer = await ask(ws, "I'm so anxious about my exam tomorrow, I can't sleep.")
    finally:
        await ws.close()

    # Then it hears ack, meta, at least three deltas in seq order, and done
    assert answer.types[0] == "ack"
    assert answer.types[1] == "meta"
    assert answer.types[-1] == "done"
    deltas = answer.of("delta")
    assert len(deltas) >= 3
    assert [d["seq"] for d in deltas] == list(range(1, len(deltas) + 1))
    done = answer.of("done")[0]
    assert done["seq"] == len(deltas) and done["fallback"] is False
    assert done["stopReason"] == "end_turn"
    meta = answer.of("meta")[0]
    assert meta["verse"]["text"] and meta["verse"]["translation"] == "WEB"
    assert meta["safety"] == "ok" and 0 <= meta["confidence"] <= 1

    # And the concatenated deltas are exactly the message the model produced for that request
    request = bedrock(endpoints, "/_stats")["last_request"]
    produced = "".join(ComposerModel(seed=endpoints["seed"]).stream(request))
    header_line, _, message = produced.partition("\n")
    assert answer.text == message
    header = parse_header(header_line)
    assert header is not None and meta["verse"]["reference"] == header.reference


async def test_a_token_only_in_the_query_is_refused_as_api_gateway_would(
    endpoints: dict[str, Any], demo_token: str
) -> None:
    # Given a client that passes the token only as a query parameter (the authorizer's identity source is the
    # Authorization header, so API Gateway refuses such a connect with 401 before the authorizer runs)
    from websockets.exceptions import InvalidStatus

    # When it connects
    with pytest.raises(InvalidStatus) as refused:
        await open_ws(endpoints, demo_token, via="query")
    # Then it is refused as unauthorized
    assert refused.value.response.status_code == 401


async def test_deltas_are_coalesced_not_one_frame_per_token(endpoints: dict[str, Any], demo_token: str) -> None:
    # Given a model producing tokens every 2 ms (much faster than the 40 ms coalescing window)
    bedrock(endpoints, "/_faults", {"token_delay_ms": 2})
    ws = await open_ws(endpoints, demo_token)
    try:
        # When an answer streams
        answer = await ask(ws, "I feel lonely since I moved to a new city.")
    finally:
        await ws.close()
    # Then there are far fewer delta frames than model tokens
    tokens = answer.of("done")[0]["usage"]["outputTokens"]
    assert tokens > 10
    assert len(answer.of("delta")) < tokens / 2


async def test_throttling_is_retried_and_the_answer_arrives(endpoints: dict[str, Any], demo_token: str) -> None:
    # Given Bedrock throttles the next two calls
    bedrock(endpoints, "/_stats/reset", {})
    bedrock(endpoints, "/_faults", {"throttle": 2})
    ws = await open_ws(endpoints, demo_token)
    try:
        # When the client sends a message
        answer = await ask(ws, "I'm grateful for my family today.")
    finally:
        await ws.close()
    # Then botocore retried, and the model's (not the fallback's) answer arrived
    stats = bedrock(endpoints, "/_stats")
    assert stats["throttled"] == 2 and stats["calls"] == 3
    assert answer.of("done")[0]["fallback"] is False
    assert len(answer.of("delta")) >= 1


async def test_model_unavailable_falls_back_to_the_composer(endpoints: dict[str, Any], demo_token: str) -> None:
    # Given Bedrock stays unavailable through every retry
    bedrock(endpoints, "/_faults", {"unavailable": 20})
    ws = await open_ws(endpoints, demo_token)
    try:
        # When the client sends a message
        answer = await ask(ws, "Work has me so stressed this week.")
    finally:
        await ws.close()
    # Then the offline composer answers, in the same frame order, and done says so
    assert answer.types[:2] == ["ack", "meta"] and answer.types[-1] == "done"
    assert answer.of("done")[0]["fallback"] is True
    assert len(answer.text.split()) > 5


async def test_event_log_records_events_and_posts(
    stack: LocalStack, endpoints: dict[str, Any], demo_token: str
) -> None:
    # Given a short conversation
    ws = await open_ws(endpoints, demo_token)
    try:
        await ask(ws, "I feel hopeful about tomorrow.")
    finally:
        await ws.close()
    # Then the event log has the inbound events and every PostToConnection with timings
    lines = [json.loads(line) for line in Path(endpoints["event_log"]).read_text().splitlines()]
    kinds = {line["kind"] for line in lines}
    assert {"event", "result", "post"} <= kinds
    posts = [line for line in lines if line["kind"] == "post"]
    assert all("durationMs" in p and "status" in p for p in posts)
    assert any(line["kind"] == "event" and line["route"] == "sendMessage" for line in lines)
