"""The web client's gateway link against a real WebSocket server on loopback: reconnects, tokens, a tab gone."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from motivator_web.cognito import Tokens
from motivator_web.gateway import AuthRejected, GatewayLink, LinkStatus
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Response

from shared.protocol import Pong

HOUR = 3600.0


def tokens(access: str, expires_in_s: float = HOUR) -> Tokens:
    return Tokens(access_token=access, refresh_token="refresh-1", expires_at=time.time() + expires_in_s)


def refresher(asked: list[str], access: str = "fresh") -> Callable[[str], Awaitable[Tokens | None]]:
    async def refresh(refresh_token: str) -> Tokens | None:
        asked.append(refresh_token)
        return tokens(access)

    return refresh


async def follow(link: GatewayLink, on: Callable[[Any], None], timeout: float = 10) -> None:
    """Run the link to its end, handing each happening to `on`."""

    async def consume() -> None:
        async for happening in link.run():
            on(happening)

    await asyncio.wait_for(consume(), timeout=timeout)


async def test_link_reconnects_after_a_drop_and_keeps_working() -> None:
    connections: list[str] = []

    async def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
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
        link = GatewayLink(f"ws://127.0.0.1:{port}", tokens("access"), refresher([]), initial_s=0.05, max_s=0.1)

        def on(happening: Any) -> None:
            if isinstance(happening, LinkStatus):
                statuses.append(happening.state)
                if happening.state == "connected":
                    link.send({"action": "ping"})
            else:
                frames.append(happening)
                link.close()

        # When the link runs
        await follow(link, on)

    # Then it reported the drop, reconnected with the token in the header, and the second connection answered
    assert statuses[:3] == ["connected", "reconnecting", "connected"]
    assert statuses[-1] == "closed"
    assert connections == ["Bearer access", "Bearer access"]
    assert isinstance(frames[0], Pong)


async def test_link_refreshes_a_refused_token_once_then_gives_up() -> None:
    presented: list[str] = []

    def refuse(connection: ServerConnection, request: Any) -> Response:
        presented.append(request.headers["Authorization"])
        return Response(401, "Unauthorized", Headers(), b"")

    async with serve(lambda ws: ws.wait_closed(), "127.0.0.1", 0, process_request=refuse) as server:
        port = server.sockets[0].getsockname()[1]
        asked: list[str] = []
        link = GatewayLink(f"ws://127.0.0.1:{port}", tokens("expired"), refresher(asked), initial_s=0.01, max_s=0.02)
        # Given a gateway that refuses every token, When the link runs, Then it refreshes once and gives up
        with pytest.raises(AuthRejected):
            await follow(link, lambda _: None)
    assert presented == ["Bearer expired", "Bearer fresh"]
    assert asked == ["refresh-1"]


async def test_link_refreshes_a_token_about_to_expire_before_connecting_and_reports_it() -> None:
    presented: list[str] = []

    async def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
        presented.append(ws.request.headers["Authorization"])
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        asked: list[str] = []
        # Given an access token with less time left than the refresh margin
        link = GatewayLink(f"ws://127.0.0.1:{port}", tokens("old", expires_in_s=60), refresher(asked))
        reported: list[Tokens] = []

        def on(happening: Any) -> None:
            if isinstance(happening, Tokens):
                reported.append(happening)
            elif isinstance(happening, LinkStatus) and happening.state == "connected":
                link.close()

        # When the link runs
        await follow(link, on)

    # Then it connects with a fresh token, and hands the new tokens over for the state to keep
    assert asked == ["refresh-1"]
    assert presented == ["Bearer fresh"]
    assert [t.access_token for t in reported] == ["fresh"]


async def test_link_closes_itself_when_the_browser_tab_is_gone() -> None:
    async with serve(lambda ws: ws.wait_closed(), "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        # Given a link whose tab is gone (no browser attached), checked often and with a short grace
        link = GatewayLink(
            f"ws://127.0.0.1:{port}",
            tokens("access"),
            refresher([]),
            present=lambda: False,
            presence_check_s=0.05,
            gone_grace_s=0.2,
        )
        statuses: list[str] = []
        started = time.monotonic()

        # When it runs
        await follow(link, lambda h: statuses.append(h.state) if isinstance(h, LinkStatus) else None)

    # Then after the grace it closes its gateway connection on its own
    assert statuses == ["connected", "closed"]
    assert time.monotonic() - started >= 0.2
