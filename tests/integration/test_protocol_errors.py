"""Bad input gets a clear error frame (or the documented close) and the connection stays usable."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from shared import limits
from tests.stackclient import ask, collect, open_ws


async def _error_then_still_works(endpoints: dict[str, Any], token: str, frame: str) -> dict[str, Any]:
    ws = await open_ws(endpoints, token)
    try:
        await ws.send(frame)
        error = (await collect(ws, until={"error"})).frames[-1]
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
