"""One browser tab's WebSocket to the gateway: connect with the access token, reconnect with backoff, send, receive.

The link knows nothing about Reflex: `run()` yields status changes, parsed frames (the pydantic models of
shared.protocol) and refreshed tokens, which the chat state applies under its lock. It keeps its own token fresh and
closes itself when the tab is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from motivator_web.cognito import Tokens
from shared.protocol import SERVER_FRAME, ServerFrame

log = logging.getLogger("motivator_web.gateway")

LinkState = Literal["connecting", "connected", "reconnecting", "closed"]
#: An application-level ping keeps API Gateway's 10-minute idle timeout away while a page is open.
KEEPALIVE_S = 300.0
#: How often the link checks that a browser tab is still attached, and how long one may be gone (closed, navigated
#: away) before the link closes its gateway connection.
PRESENCE_CHECK_S = 15.0
GONE_GRACE_S = 120.0


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
    """The gateway refused the token even after a refresh (or the pool refused the refresh): sign in again."""


Refresh = Callable[[str], Awaitable[Tokens | None]]
"""New tokens for a refresh token; None when the pool cannot be reached (keep the old ones, try again later).
Raises AuthRejected when the pool refuses the refresh token."""

#: What a link reports while it runs: its state, each frame, and the tokens each time it refreshed them.
Happening = LinkStatus | Inbound | Tokens
_END = object()


class GatewayLink:
    """The tab's connection, kept open while the tab is there: it refreshes the access token before it expires (and
    when the gateway refuses it), and closes itself when no browser tab has been attached for `gone_grace_s`."""

    def __init__(
        self,
        url: str,
        tokens: Tokens,
        refresh: Refresh,
        *,
        present: Callable[[], bool] = lambda: True,
        refresh_margin_s: float = 300.0,
        initial_s: float = 0.5,
        max_s: float = 15.0,
        presence_check_s: float = PRESENCE_CHECK_S,
        gone_grace_s: float = GONE_GRACE_S,
    ) -> None:
        self.url = url
        self._tokens = tokens
        self._refresh = refresh
        self._present = present
        self._refresh_margin_s = refresh_margin_s
        self._initial_s = initial_s
        self._max_s = max_s
        self._presence_check_s = presence_check_s
        self._gone_grace_s = gone_grace_s
        self._refreshing = asyncio.Lock()
        self._outbox: asyncio.Queue[str] = asyncio.Queue()
        self._closed = asyncio.Event()
        self._ws: ClientConnection | None = None

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

    async def run(self) -> AsyncGenerator[Happening, None]:
        """Stay connected until close(), reporting what happens; raises AuthRejected when the person must sign in."""
        happenings: asyncio.Queue[Any] = asyncio.Queue()
        connection = asyncio.create_task(self._stay_connected(happenings.put_nowait))
        helpers = [
            asyncio.create_task(self._keep_fresh(happenings.put_nowait)),
            asyncio.create_task(self._watch_presence()),
        ]
        for helper in helpers:
            helper.add_done_callback(_log_failure)
        try:
            while (happening := await happenings.get()) is not _END:
                yield happening
            await connection  # raises AuthRejected
        finally:
            self.close()
            for task in [connection, *helpers]:
                task.cancel()
            await asyncio.gather(connection, *helpers, return_exceptions=True)

    # -- the connection ------------------------------------------------------------------------
    async def _stay_connected(self, report: Callable[[Any], None]) -> None:
        attempt = 0
        refresh_first = False
        try:
            while not self._closed.is_set():
                token = await self._access_token(refresh_first, report)
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
                        report(LinkStatus("connected"))
                        await self._pump(ws, report)
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
                report(LinkStatus("reconnecting", attempt, delay))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closed.wait(), timeout=delay)
        finally:
            self._ws = None
            report(LinkStatus("closed"))
            report(_END)

    async def _pump(self, ws: ClientConnection, report: Callable[[Any], None]) -> None:
        async def read() -> None:
            async for text in ws:
                frame = parse_frame(text)
                if frame is not None:
                    report(frame)

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

    # -- the token and the tab -----------------------------------------------------------------
    async def _access_token(self, force_refresh: bool, report: Callable[[Any], None]) -> str:
        """A valid access token: refreshed first when it is about to expire, or when the gateway refused it."""
        async with self._refreshing:
            tokens = self._tokens
            if not tokens.refresh_token:
                raise AuthRejected
            if not force_refresh and tokens.expires_at - time.time() > self._refresh_margin_s:
                return tokens.access_token
            fresh = await self._refresh(tokens.refresh_token)
            if fresh is None:
                return tokens.access_token  # the pool is unreachable: try this one, refresh on the next reconnect
            self._tokens = fresh
            report(fresh)
            return fresh.access_token

    async def _keep_fresh(self, report: Callable[[Any], None]) -> None:
        """Refresh the access token before it expires, so a reconnect never waits on it."""
        while True:
            await asyncio.sleep(max(5.0, self._tokens.expires_at - time.time() - self._refresh_margin_s))
            with contextlib.suppress(AuthRejected):
                await self._access_token(False, report)

    async def _watch_presence(self) -> None:
        gone_since: float | None = None
        while True:
            await asyncio.sleep(self._presence_check_s)
            if self._present():
                gone_since = None
            elif gone_since is None:
                gone_since = time.monotonic()
            elif time.monotonic() - gone_since > self._gone_grace_s:
                log.info("browser tab gone; closing its gateway connection")
                self.close()
                return


def _log_failure(task: asyncio.Task[None]) -> None:
    """A helper of a link (token refresh, tab presence) that stopped on an error says so at once."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("gateway link helper failed", exc_info=error)


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
