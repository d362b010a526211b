"""Bad input gets a clear error frame (or the documented close) and the connection stays usable."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest
from websockets.exceptions import ConnectionClosed

from devtools.stack import LocalStack
from shared import limits
from tests.stackclient import ask, collect, open_ws


async def _error_then_still_works(endpoints: dict[str, Any], token: str, frame: str) -> dict[str, Any]:
    ws = await open_ws(endpoints, token)
    try:
        await ws.send(frame)
        # The first frame back is the answer: an error frame, not the gateway's bare "Internal server error"
        error = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
        assert error.get("type") == "error", error
        # The same connection still answers afterwards.
        await ws.send(json.dumps({"action": "ping"}))
        assert (await collect(ws, until={"pong"})).frames[-1] == {"type": "pong"}
        return error
    finally:
        await ws.close()


@pytest.mark.parametrize(
    ("frame", "code", "words"),
    [
        ("this is not json", "bad_request", "JSON"),
        (json.dumps({"action": "dance"}), "unknown_action", "sendMessage"),
        (json.dumps({"hello": "there"}), "unknown_action", "sendMessage"),
        (
            json.dumps({"action": "sendMessage", "message": "   ", "clientMessageId": "c1"}),
            "bad_request",
            "empty",
        ),
        (json.dumps({"action": "sendMessage", "message": "hi"}), "bad_request", "clientMessageId"),
        (
            json.dumps({"action": "sendMessage", "message": "x" * 2001, "clientMessageId": "c2"}),
            "bad_request",
            "too long",
        ),
    ],
    ids=["invalid-json", "unknown-action", "no-action", "empty-message", "no-client-id", "too-long"],
)
async def test_bad_frames_get_an_error_and_the_connection_survives(
    frame: str, code: str, words: str, endpoints: dict[str, Any], demo_token: str
) -> None:
    # Given a connected client, When it sends a bad frame
    error = await _error_then_still_works(endpoints, demo_token, frame)
    # Then an error frame names the problem in a human sentence
    assert error["type"] == "error" and error["code"] == code
    assert words.lower() in error["message"].lower()
    assert error["message"].endswith(".")


async def test_oversize_frame_closes_1009_while_others_keep_streaming(
    endpoints: dict[str, Any], demo_token: str
) -> None:
    # Given one client in the middle of receiving an answer
    streaming = await open_ws(endpoints, demo_token)
    offender = await open_ws(endpoints, demo_token)
    try:
        answer_task = asyncio.create_task(ask(streaming, "I feel sad and tired of everything at work."))
        await asyncio.sleep(0.05)
        # When another client sends a frame over 32 KB
        await offender.send("x" * (limits.WS_FRAME_MAX_BYTES + 1))
        # Then that client is closed with 1009
        with pytest.raises(ConnectionClosed) as closed:
            await offender.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        # And the first client's answer completes undisturbed
        answer = await answer_task
        assert answer.types[-1] == "done" and len(answer.of("delta")) >= 3
    finally:
        await streaming.close()
        await offender.close()


async def test_invalid_utf8_closes_1007(endpoints: dict[str, Any], demo_token: str) -> None:
    # Given a connected client
    ws = await open_ws(endpoints, demo_token)
    # When it sends a text frame that is not valid UTF-8
    from websockets.frames import Frame, Opcode

    ws.protocol.send_frame(Frame(Opcode.TEXT, b"\xff\xfe bad"))
    ws.send_data()
    # Then the gateway closes with 1007
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == limits.WS_CLOSE_INVALID_UTF8


# -- issue 11: input that used to get no answer, or "Internal server error" ---------------------
def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _log_since(stack: LocalStack, offset: int) -> str:
    return stack.log_path("gateway").read_bytes()[offset:].decode("utf-8", errors="replace")


def _log_size(stack: LocalStack) -> int:
    return stack.log_path("gateway").stat().st_size


@pytest.mark.parametrize(
    "frame",
    [_deep(990), '{"action":"ping","x":' + _deep(990) + "}", '{"action":"ping","x":' + _deep(15_000) + "}"],
    ids=["array-990", "ping-990", "ping-15000"],
)
async def test_deeply_nested_json_gets_a_bad_request_and_no_traceback(
    frame: str, stack: LocalStack, endpoints: dict[str, Any], demo_token: str
) -> None:
    offset = _log_size(stack)
    # Given a connected client, When it sends JSON nested hundreds or thousands of levels deep
    error = await _error_then_still_works(endpoints, demo_token, frame)
    # Then it hears that the frame nests too deeply, and the gateway logged no traceback for it
    assert error["code"] == "bad_request" and "nested" in error["message"]
    log = _log_since(stack, offset)
    assert "Traceback" not in log and "RecursionError" not in log and "never retrieved" not in log


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"action": "nope", "clientMessageId": "\udfff"}, "unknown_action"),
        ({"action": "sendMessage", "message": "hello", "clientMessageId": "\udfff"}, "bad_request"),
        ({"action": "sendMessage", "message": "", "clientMessageId": "\udfff"}, "bad_request"),
        ({"action": "sendMessage", "message": "I feel \ud800", "clientMessageId": "c-ok"}, "bad_request"),
        (
            {"action": "feedback", "sessionId": "s", "messageId": "m", "helpful": True, "comment": "\udfff"},
            "bad_request",
        ),
        ({"action": "feedback", "sessionId": "s", "messageId": "m", "clientMessageId": "\udfff"}, "bad_request"),
    ],
    ids=["unknown-action", "send-message", "empty-message", "message-text", "comment", "feedback"],
)
async def test_lone_surrogates_get_a_coded_error(
    frame: dict[str, Any], code: str, endpoints: dict[str, Any], demo_token: str
) -> None:
    # Given a frame holding a lone surrogate (a JSON escape that is not valid Unicode)
    # When it is sent
    error = await _error_then_still_works(endpoints, demo_token, json.dumps(frame))
    # Then a coded error frame comes back (never the gateway's "Internal server error"), without the bad id
    assert error["type"] == "error" and error["code"] == code
    assert error.get("clientMessageId") in (None, "c-ok")


@pytest.mark.parametrize("size", [30 * 1024, limits.WS_MESSAGE_MAX_BYTES - 100], ids=["30KB", "128KB"])
async def test_a_huge_unknown_action_is_quoted_only_in_part(
    size: int, endpoints: dict[str, Any], demo_token: str
) -> None:
    # Given an unknown action of `size` characters, sent in fragments under the 32 KB frame quota
    body = json.dumps({"action": "a" * size})
    fragments = [body[i : i + 16 * 1024] for i in range(0, len(body), 16 * 1024)]
    ws = await open_ws(endpoints, demo_token)
    try:
        await ws.send(fragments)
        # When the error comes back, Then it names the problem and quotes only the start of the action
        error = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
        assert error["code"] == "unknown_action"
        assert "a" * limits.ECHO_MAX_CHARS + "'…" in error["message"] and len(error["message"]) < 300
        await ws.send(json.dumps({"action": "ping"}))
        assert (await collect(ws, until={"pong"})).frames[-1] == {"type": "pong"}
    finally:
        await ws.close()


async def test_a_forged_cursor_with_an_out_of_range_number_is_a_bad_request(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    # Given a cursor naming this user's own partition, every key attribute present, and a number DynamoDB
    # cannot store exactly
    token = new_user()
    user = "USER#" + jwt.decode(token, options={"verify_signature": False})["sub"]
    key = {"pk": user, "sk": "SESSION#x", "activityKey": user, "lastActivityAt": 10**40}
    cursor = base64.urlsafe_b64encode(json.dumps(key).encode()).decode()
    # When it asks for that page of its history
    error = await _error_then_still_works(endpoints, token, json.dumps({"action": "history", "cursor": cursor}))
    # Then the cursor is refused as a bad request (not "Internal server error")
    assert error["code"] == "bad_request" and "cursor" in error["message"]


@pytest.mark.parametrize(
    "frame",
    [
        *({"action": "feedback", "sessionId": "s", "messageId": "m", "helpful": v} for v in ("true", "yes", 1, 1.0)),
        {"action": "history", "limit": "5"},
        {"action": "history", "limit": True},
        {"action": "resume", "messageId": "m", "afterSeq": "0"},
    ],
    ids=["helpful-true", "helpful-yes", "helpful-1", "helpful-1.0", "limit-5", "limit-true", "after-seq-string"],
)
async def test_wrong_json_types_are_bad_requests(
    frame: dict[str, Any], endpoints: dict[str, Any], demo_token: str
) -> None:
    # Given a frame whose boolean or number is spelt as another type, When it is sent
    error = await _error_then_still_works(endpoints, demo_token, json.dumps(frame))
    # Then it is a bad request naming the field (nothing is converted)
    assert error["code"] == "bad_request" and "field" in error["message"]


async def test_free_text_outside_message_and_comment_stays_out_of_the_logs(
    stack: LocalStack, endpoints: dict[str, Any], demo_token: str
) -> None:
    offset = _log_size(stack)
    marker = "private-words-" + uuid.uuid4().hex
    # Given frames carrying someone's words in an extra field, a field name and a long unknown action
    frames = [
        json.dumps({"action": "ping", "text": marker}),
        json.dumps({"action": "ping", marker: 1}),
        json.dumps({"action": marker * 20, "clientMessageId": marker}),
    ]
    ws = await open_ws(endpoints, demo_token)
    try:
        for frame in frames:
            # When each is sent and answered
            await ws.send(frame)
            await collect(ws, until={"pong", "error"})
    finally:
        await ws.close()
    # Then the gateway's log (the handlers' log lines included) has none of the words
    log = _log_since(stack, offset)
    assert "inbound event" in log and marker not in log
    # While the replay event log, by design, keeps each body as it came (docs/replay.md)
    events = Path(endpoints["event_log"]).read_text(encoding="utf-8")
    assert marker in events
