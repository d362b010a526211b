"""The web client's gateway link against a real WebSocket server on loopback: reconnects, and token refusals."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from motivator_web.gateway import AuthRejected, GatewayLink, LinkStatus
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Response

from shared.protocol import Pong


async def test_link_reconnects_after_a_drop_and_keeps_working() -> None:
    connections: list[str] = []

    async def handler(ws: ServerConnection) -> None:
        connections.append(ws.request.headers["Authorization"])
        async for text in ws:
            if json.loads(text)["action"] == "ping":
                if len(connections) == 1:
                    await ws.close(1001)  # Given the first connection drops mid-conversation
                    return
                await ws.send(Pong().to_wire().decode())

    statuses: list[str] = []
    frames: list[Any] = []
    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]

        async def token(refresh: bool) -> str:
            return "fresh" if refresh else "access"

        link = GatewayLink(f"ws://127.0.0.1:{port}", token, initial_s=0.05, max_s=0.1)

        async def on_status(status: LinkStatus) -> None:
            statuses.append(status.state)
            if status.state == "connected":
                link.send({"action": "ping"})

        async def on_frame(frame: Any) -> None:
            frames.append(frame)
            link.close()

        # When the link runs
        await asyncio.wait_for(link.run(on_status, on_frame), timeout=10)

    # Then it reported the drop, reconnected with the token in the header, and the second connection answered
    assert statuses[:3] == ["connected", "reconnecting", "connected"]
    assert statuses[-1] == "closed"
    assert connections == ["Bearer access", "Bearer access"]
    assert isinstance(frames[0], Pong)


async def test_link_refreshes_a_refused_token_once_then_gives_up() -> None:
    asked: list[bool] = []

    def refuse(connection: ServerConnection, request: Any) -> Response:
        return Response(401, "Unauthorized", Headers(), b"")

    async with serve(lambda ws: ws.wait_closed(), "127.0.0.1", 0, process_request=refuse) as server:
        port = server.sockets[0].getsockname()[1]

        async def token(refresh: bool) -> str:
            asked.append(refresh)
            return "expired"

        async def ignore(_: Any) -> None:
            return None

        link = GatewayLink(f"ws://127.0.0.1:{port}", token, initial_s=0.01, max_s=0.02)
        # Given a gateway that refuses every token, When the link runs, Then it refreshes once and gives up
        with pytest.raises(AuthRejected):
            await asyncio.wait_for(link.run(ignore, ignore), timeout=10)
    assert asked == [False, True]
