"""The local API Gateway WebSocket stage: handshake with the authorizer, sessions, routes, limits, @connections.

What it invokes and how is a `Wiring` (devtools.gateway.wiring); how a function runs is an invoker
(devtools.gateway.invoke); the management HTTP API is devtools.gateway.connections_api.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from devtools.gateway import authorizer as auth
from devtools.gateway import events as ev
from devtools.gateway.connections_api import ConnectionsServer
from devtools.gateway.event_log import EventLog
from devtools.gateway.http_api import HttpApiServer
from devtools.gateway.invoke import Invoker, error_name, invoker_for
from devtools.gateway.lambda_context import LambdaContext
from devtools.gateway.wiring import Function, Wiring, default_wiring
from devtools.parity.iam import Principals, PrincipalsFile
from shared import limits
from shared.event_record import redact_event
from shared.protocol import GATEWAY_TIMEOUT_MESSAGE
from shared.route_table import AUTHORIZER

log = logging.getLogger("devtools.gateway")
_AUTHORIZER_ROUTE = "$authorizer"


@dataclass
class Limits:
    """API Gateway's quotas; tests shorten the timeouts."""

    frame_bytes: int = limits.WS_FRAME_MAX_BYTES
    message_bytes: int = limits.WS_MESSAGE_MAX_BYTES
    idle_timeout_s: float = limits.WS_IDLE_TIMEOUT_S
    max_duration_s: float = limits.WS_MAX_DURATION_S
    integration_timeout_s: float = limits.WS_INTEGRATION_TIMEOUT_S


@dataclass
class _Live:
    info: ev.ConnectionInfo
    ws: ServerConnection
    last_active: float = field(default_factory=time.monotonic)


class Gateway:
    """One WebSocket API stage on loopback, invoking the functions of its wiring."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        management_port: int = 0,
        stage: str = "local",
        region: str = "us-east-1",
        event_log: Path | None = None,
        routes: dict[str, str] | None = None,
        authorizer: str | None = AUTHORIZER,
        wiring: Wiring | None = None,
        principals: Principals | PrincipalsFile | None = None,
        api_id: str | None = None,
        limits_: Limits | None = None,
        http_api_port: int | None = None,
    ) -> None:
        self.host = host
        self._port = port
        self._management_port = management_port
        account = principals.account_id if principals else ev.Api.account_id
        self.api = ev.Api(api_id=api_id or ev.new_api_id(), stage=stage, region=region, account_id=account)
        self.limits = limits_ or Limits()
        self.log = EventLog(event_log)
        self.wiring = wiring or default_wiring(routes, authorizer)
        self._principals = principals
        self.invoker: Invoker = invoker_for(self.wiring.isolated, region)
        self._loaded = False
        self._live: dict[str, _Live] = {}
        self._pending: dict[int, ev.ConnectionInfo] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._http: ConnectionsServer | None = None
        #: The REST API (an HTTP API) beside the WebSocket API, served when the wiring has one and a port is given.
        self._http_api_port = http_api_port
        self.http_api: HttpApiServer | None = None
        self._background: set[asyncio.Future[Any]] = set()

    # -- lifecycle ---------------------------------------------------------------------------
    def load_handlers(self) -> None:
        """Cold-start every function once, as Lambda does before its first invocation."""
        self.invoker.load(self.wiring.functions())
        self._loaded = True

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if not self._loaded:
            await asyncio.to_thread(self.load_handlers)
        self._server = await serve(
            self._session,
            self.host,
            self._port,
            process_request=self._handshake,
            max_size=(self.limits.message_bytes, self.limits.frame_bytes),
            open_timeout=60,
            ping_interval=None,
            compression=None,
        )
        if self.wiring.http_api and self._http_api_port is not None:
            # Before @connections: its /_health answering is what tells the supervisor everything listens.
            address = (self.host, self._http_api_port)
            self.http_api = HttpApiServer(address, self.wiring.http_api, self._invoke_http, self.api)
            self.http_api.serve_in_background()
        self._http = ConnectionsServer((self.host, self._management_port), self, self._principals)
        self._http.serve_in_background()
        log.info("gateway listening ws=%s connections=%s http=%s", self.ws_url, self.connections_url, self.http_api_url)

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            await self._server.wait_closed()
        for server in (self._http, self.http_api):
            if server:
                server.shutdown()
                server.server_close()
        self.invoker.close()
        self.log.close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(next(iter(self._server.sockets)).getsockname()[1])

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}/{self.api.stage}"

    @property
    def connections_url(self) -> str:
        assert self._http is not None
        return f"http://{self.host}:{self._http.server_address[1]}/{self.api.stage}"

    @property
    def http_api_url(self) -> str | None:
        """The REST API's base URL (its routes start with /api/v1), when it is served."""
        return self.http_api.url if self.http_api else None

    # -- invoking functions ------------------------------------------------------------------
    def _function(self, route: str) -> Function:
        if route == _AUTHORIZER_ROUTE:
            assert self.wiring.authorizer is not None
            return self.wiring.authorizer.function
        return self.wiring.routes[route]

    async def _invoke(self, route: str, event: dict[str, Any]) -> tuple[Any, BaseException | None, float]:
        started = time.monotonic()
        context = event["requestContext"]
        logged = redact_event(event, keep_body=True)
        self.log.write("event", route=route, connectionId=context["connectionId"], event=logged)
        try:
            result, error = await self.invoker.invoke(self._function(route), event), None
        except Exception as exc:
            result, error = None, exc
        duration = (time.monotonic() - started) * 1000
        self.log.write(
            "result",
            route=route,
            connectionId=context["connectionId"],
            requestId=context["requestId"],
            durationMs=round(duration, 2),
            result=_result_summary(result),
            error=error_name(error) if error else None,
        )
        return result, error, duration

    def _invoke_http(self, function: Function, event: dict[str, Any], timeout_s: float) -> Any:
        """Called from the HTTP API's threads: the function's result within the integration timeout."""
        assert self._loop is not None
        started = time.monotonic()
        future = asyncio.run_coroutine_threadsafe(self.invoker.invoke(function, event), self._loop)
        try:
            result = future.result(timeout=timeout_s)
        except concurrent.futures.TimeoutError:
            raise TimeoutError from None
        finally:
            # Not in the event log: that log is the WebSocket conversations `motivator replay` re-drives.
            context = event["requestContext"]
            elapsed_ms = (time.monotonic() - started) * 1000
            log.info("http api %s %s in %.0f ms", context["routeKey"], context["requestId"], elapsed_ms)
        return result

    # -- handshake ---------------------------------------------------------------------------
    async def _handshake(self, connection: ServerConnection, request: Request) -> Response | None:
        if urlsplit(request.path).path.rstrip("/") != f"/{self.api.stage}":
            return connection.respond(HTTPStatus.FORBIDDEN, "Forbidden\n")
        remote = connection.remote_address
        info = ev.ConnectionInfo(
            connection_id=ev.new_connection_id(),
            connected_at=ev.now_ms(),
            source_ip=str(remote[0]) if remote else "127.0.0.1",
            user_agent=request.headers.get("User-Agent"),
            host=request.headers.get("Host", f"{self.host}:{self.port}"),
            headers={name: value for name, value in request.headers.raw_items()},
            query=ev.parse_query(request.path),
        )
        if self.wiring.authorizer:
            status = await self._authorize(info)
            if status is not None:
                return connection.respond(status, f"{status.phrase}\n")
        if "$connect" in self.wiring.routes:
            result, error, _ = await self._invoke("$connect", ev.connect_event(self.api, info))
            status_code = 500 if error else int((result or {}).get("statusCode", 200))
            if not 200 <= status_code < 300:
                return connection.respond(HTTPStatus(status_code), f"{HTTPStatus(status_code).phrase}\n")
        self._pending[id(connection)] = info
        return None

    async def _authorize(self, info: ev.ConnectionInfo) -> HTTPStatus | None:
        assert self.wiring.authorizer is not None
        if auth.lacks_identity(self.wiring.authorizer.identity_sources, info.headers, info.query):
            return HTTPStatus.UNAUTHORIZED  # as API Gateway: the authorizer is not invoked
        started = time.monotonic()
        result, error, _ = await self._invoke(_AUTHORIZER_ROUTE, ev.authorizer_event(self.api, info))
        status = auth.refusal(result, error, self.api.method_arn())
        if status is None:
            info.authorizer = auth.authorizer_block(result, int((time.monotonic() - started) * 1000))
        return status

    # -- an open connection ------------------------------------------------------------------
    async def _session(self, ws: ServerConnection) -> None:
        info = self._pending.pop(id(ws))
        live = _Live(info=info, ws=ws)
        self._live[info.connection_id] = live
        opened = time.monotonic()
        close_code, close_reason = 1005, "Client-side close frame status not set"
        try:
            while True:
                now = time.monotonic()
                wait = min(
                    live.last_active + self.limits.idle_timeout_s - now,
                    opened + self.limits.max_duration_s - now,
                )
                if wait <= 0:
                    await ws.close(limits.WS_CLOSE_GOING_AWAY, "Going away")
                    close_code, close_reason = limits.WS_CLOSE_GOING_AWAY, "Going away"
                    break
                try:
                    message = await asyncio.wait_for(ws.recv(), timeout=wait)
                except TimeoutError:
                    continue
                live.last_active = time.monotonic()
                if isinstance(message, bytes):
                    # API Gateway does not accept binary frames from clients.
                    await ws.close(1003, "Binary frames are not supported")
                    close_code, close_reason = 1003, "Binary frames are not supported"
                    break
                self._in_background(self._on_message(live, message))
        except ConnectionClosed as closed:
            frame = closed.rcvd or closed.sent
            if frame is not None:
                close_code, close_reason = frame.code, frame.reason
        finally:
            self._live.pop(info.connection_id, None)
            if "$disconnect" in self.wiring.routes:
                # Runs after the socket is closed, as in AWS; its result has no effect.
                self._in_background(
                    self._invoke("$disconnect", ev.disconnect_event(self.api, info, close_code, close_reason))
                )

    def _in_background(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _on_message(self, live: _Live, body: str) -> None:
        """One inbound frame, on its own task: a failure here is logged once and the client hears of it, never
        left for asyncio to report as "Task exception was never retrieved"."""
        try:
            await self._route_message(live, body)
        except Exception:
            log.exception("message on %s could not be delivered", live.info.connection_id)
            await self._send_error(live, "Internal server error", ev.new_request_id())

    async def _route_message(self, live: _Live, body: str) -> None:
        route = ev.select_route(body, self.wiring.routes, self.wiring.selection_key)
        if route not in self.wiring.routes or (route.startswith("$") and route != "$default"):
            route = "$default"
        event = ev.message_event(self.api, live.info, route, body)
        request_id = event["requestContext"]["requestId"]
        invocation = asyncio.ensure_future(self._invoke(route, event))
        try:
            _, error, _ = await asyncio.wait_for(asyncio.shield(invocation), self.limits.integration_timeout_s)
        except TimeoutError:
            # The client hears that the endpoint timed out; the Lambda goes on, as in AWS.
            await self._send_error(live, GATEWAY_TIMEOUT_MESSAGE, request_id)
            return
        if error is not None:
            log.warning("handler %s failed: %s", route, error_name(error))
            await self._send_error(live, "Internal server error", request_id)

    async def _send_error(self, live: _Live, message: str, request_id: str) -> None:
        frame = {"message": message, "connectionId": live.info.connection_id, "requestId": request_id}
        with contextlib.suppress(ConnectionClosed):
            await live.ws.send(json.dumps(frame))

    # -- @connections (called from the management API's threads) -----------------------------
    def post(self, connection_id: str, data: bytes) -> int:
        started, started_ts = time.monotonic(), round(time.time() * 1000, 3)
        status = self._post(connection_id, data)
        self.log.write(
            "post",
            startedTs=started_ts,
            connectionId=connection_id,
            status=status,
            bytes=len(data),
            data=data.decode("utf-8", errors="replace"),
            durationMs=round((time.monotonic() - started) * 1000, 2),
        )
        return status

    def _post(self, connection_id: str, data: bytes) -> int:
        live = self._live.get(connection_id)
        if live is None:
            return 410
        if len(data) > self.limits.message_bytes:
            return 413
        try:
            payload: str | bytes = data.decode("utf-8")
        except UnicodeDecodeError:
            payload = data
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(live.ws.send(payload), self._loop)
        try:
            future.result(timeout=10)
        except (ConnectionClosed, concurrent.futures.TimeoutError):
            return 410
        live.last_active = time.monotonic()
        return 200

    def describe(self, connection_id: str) -> dict[str, Any] | None:
        live = self._live.get(connection_id)
        if live is None:
            return None
        last = ev.now_ms() - int((time.monotonic() - live.last_active) * 1000)
        return {
            "connectedAt": _iso(live.info.connected_at),
            "identity": {"sourceIp": live.info.source_ip, "userAgent": live.info.user_agent or ""},
            "lastActiveAt": _iso(last),
        }

    def disconnect(self, connection_id: str) -> bool:
        live = self._live.get(connection_id)
        if live is None:
            return False
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(live.ws.close(1000, ""), self._loop)
        return True

    def connection_count(self) -> int:
        return len(self._live)


def _iso(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).isoformat().replace("+00:00", "Z")


def _result_summary(result: Any) -> Any:
    if isinstance(result, dict) and "policyDocument" in result:
        effect = (result["policyDocument"].get("Statement") or [{}])[0].get("Effect")
        return {"principalId": result.get("principalId"), "effect": effect}
    return result


# LambdaContext moved to devtools.gateway.lambda_context; re-exported for tests/conftest.py, which imports it here.
__all__ = ["Gateway", "Headers", "LambdaContext", "Limits"]
