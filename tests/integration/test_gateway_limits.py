"""API Gateway's time limits, on a second gateway with short limits sharing the session's moto and Bedrock."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from devtools.stack import LocalStack
from tests.integration.conftest import extra_gateway
from tests.stackclient import bedrock, collect, open_ws, send_message_frame


@pytest.fixture(scope="module")
def short_gateway(stack: LocalStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    args = ["--idle-timeout", "1.5", "--max-duration", "4", "--integration-timeout", "0.5"]
    with extra_gateway(stack, tmp_path_factory.mktemp("short"), args) as endpoints:
        yield endpoints


async def test_idle_connection_is_closed_after_the_idle_timeout(short_gateway: dict[str, Any], demo_token: str) -> None:
    # Given a connection that sends nothing
    ws = await open_ws(short_gateway, demo_token)
    # When the idle timeout passes, Then the gateway closes it with 1001 Going away
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(5):
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001


async def test_busy_connection_is_closed_at_the_maximum_duration(
    short_gateway: dict[str, Any], demo_token: str
) -> None:
    # Given a connection that keeps pinging (never idle)
    ws = await open_ws(short_gateway, demo_token)
    started = time.monotonic()
    # When it outlives the maximum duration, Then it is closed with 1001 regardless
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(10):
            while True:
                await ws.send(json.dumps({"action": "ping"}))
                await collect(ws, until={"pong"})
                await asyncio.sleep(0.5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
    assert time.monotonic() - started >= 3.5


async def test_integration_timeout_sends_the_aws_error_frame_while_the_handler_goes_on(
    short_gateway: dict[str, Any], demo_token: str
) -> None:
    # Given an answer slower than the integration timeout
    bedrock(short_gateway, "/_faults", {"token_delay_ms": 30})
    ws = await open_ws(short_gateway, demo_token)
    await ws.send(send_message_frame("I'm sad that my friend moved away."))
    # When the timeout passes, Then the client gets API Gateway's timeout frame
    frames = await collect(ws, until={"done"}, timeout=20)
    await ws.close()
    gateway_frames = [f for f in frames.frames if "type" not in f]
    assert gateway_frames and gateway_frames[0]["message"] == "Endpoint request timed out"
    assert set(gateway_frames[0]) == {"message", "connectionId", "requestId"}
    # And the handler went on: the answer still completed
    assert frames.types[-1] == "done" and len(frames.of("delta")) >= 3
