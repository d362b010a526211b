"""One browser session's WebSocket to the gateway: connect with the access token, reconnect with backoff, send, receive.

The link knows nothing about Reflex: it reports status changes and parsed frames through two callbacks, which the
chat state applies under its lock. Frames are the pydantic models of shared.protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from shared.protocol import SERVER_FRAME, ServerFrame

log = logging.getLogger("motivator_web.gateway")

LinkState = Literal["connecting", "connected", "reconnecting", "closed"]
#: An application-level ping keeps API Gateway's 10-minute idle timeout away while a page is open.
KEEPALIVE_S = 300.0


@dataclass(frozen=True)
class LinkStatus:
    state: LinkState
    attempt: int = 0
    retry_in_s: float = 0.0


@dataclass(frozen=True)
class GatewayFault:
    """API Gateway's own error frame ({"message": "Internal server error", "connectionId", "requestId"})."""

    message: str


@dataclass(frozen=True)
class UnknownFrame:
    """A frame this client does not know (a newer server); carries only its type."""

    type: str
    raw: dict[str, Any]


Inbound = ServerFrame | GatewayFault | UnknownFrame


def parse_frame(text: str | bytes) -> Inbound | None:
    try:
        raw = json.loads(text)
    except ValueError:
        log.warning("non-JSON frame from the gateway")
        return None
    if not isinstance(raw, dict):
        return None
    if "type" not in raw and "message" in raw:
        return GatewayFault(str(raw["message"]))
    try:
        return SERVER_FRAME.validate_python(raw)
    except ValidationError:
        return UnknownFrame(str(raw.get("type", "")), raw)


class AuthRejected(Exception):
    """The gateway refused the token even after a refresh: the person must sign in again."""


TokenSource = Callable[[bool], Awaitable[str]]
"""Returns a valid access token; with True it must refresh first (the gateway refused the last one)."""


class GatewayLink:
    def __init__(self, url: str, token_source: TokenSource, *, initial_s: float = 0.5, max_s: float = 15.0) -> None:
        self.url = url
        self._token_source = token_source
        self._initial_s = initial_s
        self._max_s = max_s
        self._outbox: asyncio.Queue[str] = asyncio.Queue()
        self._closed = asyncio.Event()
        self._ws: ClientConnection | None = None
        self.running = False

    @property
    def connected(self) -> bool:
        return self._ws is not None

    def send(self, frame: BaseModel | dict[str, Any]) -> bool:
        """Queue a frame for the open connection; False when there is none (the caller decides what to keep)."""
        if self._ws is None or self._closed.is_set():
            return False
        if isinstance(frame, BaseModel):
            text = frame.model_dump_json(by_alias=True, exclude_none=True)
        else:
            text = json.dumps(frame)
        self._outbox.put_nowait(text)
        return True

    def close(self) -> None:
        self._closed.set()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    async def run(
        self,
        on_status: Callable[[LinkStatus], Awaitable[None]],
        on_frame: Callable[[Inbound], Awaitable[None]],
    ) -> None:
        """Stay connected until close(); raises AuthRejected when the token is refused twice in a row."""
        self.running = True
        attempt = 0
        refresh_first = False
        try:
            while not self._closed.is_set():
                token = await self._token_source(refresh_first)
                try:
                    async with connect(
                        self.url,
                        additional_headers={"Authorization": f"Bearer {token}"},
                        open_timeout=15,
                        ping_interval=30,
                        ping_timeout=30,
                        max_size=None,
                    ) as ws:
                        attempt, refresh_first = 0, False
                        self._outbox = asyncio.Queue()  # frames queued for a dead connection are the state's to resend
                        self._ws = ws
                        await on_status(LinkStatus("connected"))
                        await self._pump(ws, on_frame)
                except InvalidStatus as exc:
                    if exc.response.status_code in (401, 403):
                        if refresh_first:
                            raise AuthRejected from None
                        refresh_first = True
                    log.info("gateway refused the connection", extra={"status": exc.response.status_code})
                except (OSError, TimeoutError, ConnectionClosed, InvalidHandshake) as exc:
                    log.info("gateway connection lost", extra={"reason": type(exc).__name__})
                finally:
                    self._ws = None
                if self._closed.is_set():
                    break
                attempt += 1
                delay = min(self._max_s, self._initial_s * 2 ** (attempt - 1)) * random.uniform(0.6, 1.0)
                await on_status(LinkStatus("reconnecting", attempt, delay))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closed.wait(), timeout=delay)
        finally:
            self.running = False
            self._ws = None
            await on_status(LinkStatus("closed"))

    async def _pump(self, ws: ClientConnection, on_frame: Callable[[Inbound], Awaitable[None]]) -> None:
        async def read() -> None:
            async for text in ws:
                frame = parse_frame(text)
                if frame is not None:
                    await on_frame(frame)

        async def write() -> None:
            while True:
                try:
                    text = await asyncio.wait_for(self._outbox.get(), timeout=KEEPALIVE_S)
                except TimeoutError:
                    text = json.dumps({"action": "ping"})
                await ws.send(text)

        tasks = [
            asyncio.create_task(read()),
            asyncio.create_task(write()),
            asyncio.create_task(self._closed.wait()),
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
            if not self._closed.is_set():
                raise ConnectionClosed(None, None)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


class LinkRegistry:
    """The open links of this backend process, one per browser tab (Reflex client token)."""

    def __init__(self) -> None:
        self._links: dict[str, GatewayLink] = {}

    def get(self, client_token: str) -> GatewayLink | None:
        link = self._links.get(client_token)
        return link if link is not None and not link.closed else None

    def add(self, client_token: str, link: GatewayLink) -> None:
        old = self._links.get(client_token)
        if old is not None and old is not link:
            old.close()
        self._links[client_token] = link

    def discard(self, client_token: str, link: GatewayLink) -> None:
        if self._links.get(client_token) is link:
            del self._links[client_token]

    def close(self, client_token: str) -> None:
        link = self._links.pop(client_token, None)
        if link is not None:
            link.close()


LINKS = LinkRegistry()
