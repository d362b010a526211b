"""The local API Gateway WebSocket emulator: handshake with authorizer, routes, @connections, limits, event log."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import importlib
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from devtools.gateway import events as ev
from shared import limits
from shared.event_record import redact_event
from shared.route_table import AUTHORIZER, ROUTES

log = logging.getLogger("devtools.gateway")
_CONNECTION_ID = re.compile(r"^[A-Za-z0-9_\-]{15}=$")
Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class Limits:
    """API Gateway's quotas; tests shorten the timeouts."""

    frame_bytes: int = limits.WS_FRAME_MAX_BYTES
    message_bytes: int = limits.WS_MESSAGE_MAX_BYTES
    idle_timeout_s: float = limits.WS_IDLE_TIMEOUT_S
    max_duration_s: float = limits.WS_MAX_DURATION_S
    integration_timeout_s: float = limits.WS_INTEGRATION_TIMEOUT_S


@dataclass
class LambdaContext:
    """The context object a Python Lambda receives (reference A.5)."""

    function_name: str
    timeout_s: float = 120.0
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "local"
    invoked_function_arn: str = ""
    identity: Any = None
    client_context: Any = None
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_s
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.invoked_function_arn = f"arn:aws:lambda:local:000000000000:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class EventLog:
    """Appends one JSON object per line: every inbound event and every PostToConnection, with timings."""

    def __init__(self, path: Path | None) -> None:
        self._lock = threading.Lock()
        self._file = None
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8", buffering=1)

    def write(self, kind: str, **fields: Any) -> None:
        if not self._file:
            return
        # Fractions of a millisecond: replay orders a post and the client's reply to it by these stamps.
        record = {"ts": round(time.time() * 1000, 3), "kind": kind, **fields}
        line = json.dumps(record, separators=(",", ":"), default=str)
        with self._lock:
            self._file.write(line + "\n")

    def close(self) -> None:
        if self._file:
            self._file.close()


@dataclass
class _Live:
    info: ev.ConnectionInfo
    ws: ServerConnection
    last_active: float = field(default_factory=time.monotonic)


class Gateway:
    """One WebSocket API stage on loopback, invoking the handler modules in this process."""

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
        limits_: Limits | None = None,
        max_workers: int = 64,
    ) -> None:
        self.host = host
        self._port = port
        self._management_port = management_port
        self.api = ev.Api(api_id=ev.new_api_id(), stage=stage, region=region)
        self.limits = limits_ or Limits()
        self.log = EventLog(event_log)
        self._route_modules = dict(routes or ROUTES)
        self._authorizer_module = authorizer
        self._handlers: dict[str, Handler] = {}
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers, thread_name_prefix="lambda")
        self._live: dict[str, _Live] = {}
        self._pending: dict[int, ev.ConnectionInfo] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._http: ThreadingHTTPServer | None = None
        self._background: set[asyncio.Future[Any]] = set()

    # -- lifecycle ---------------------------------------------------------------------------
    def load_handlers(self) -> None:
        """Import every handler module once, as Lambda does at cold start."""
        modules = dict(self._route_modules)
        if self._authorizer_module:
            modules["$authorizer"] = self._authorizer_module
        for route, module in modules.items():
            self._handlers[route] = importlib.import_module(module).handler

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if not self._handlers:
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
        self._http = ThreadingHTTPServer((self.host, self._management_port), _management_handler(self))
        self._http.daemon_threads = True
        threading.Thread(target=self._http.serve_forever, name="connections-api", daemon=True).start()
        log.info("gateway listening ws=%s connections=%s", self.ws_url, self.connections_url)

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            await self._server.wait_closed()
        if self._http:
            self._http.shutdown()
            self._http.server_close()
        self._executor.shutdown(wait=False, cancel_futures=True)
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

    # -- invoking handlers -------------------------------------------------------------------
    def _invoke_sync(self, route: str, event: dict[str, Any]) -> Any:
        module = self._authorizer_module if route == "$authorizer" else self._route_modules[route]
        context = LambdaContext(function_name="motivator-" + str(module).rsplit(".", 1)[-1].replace("_", "-"))
        return self._handlers[route](event, context)

    async def _invoke(self, route: str, event: dict[str, Any]) -> tuple[Any, BaseException | None, float]:
        assert self._loop is not None
        started = time.monotonic()
        self.log.write(
            "event",
            route=route,
            connectionId=event["requestContext"]["connectionId"],
            event=redact_event(event, keep_body=True),
        )
        future = self._loop.run_in_executor(self._executor, self._invoke_sync, route, event)
        try:
            result, error = await future, None
        except Exception as exc:
            result, error = None, exc
        duration = (time.monotonic() - started) * 1000
        self.log.write(
            "result",
            route=route,
            connectionId=event["requestContext"]["connectionId"],
            requestId=event["requestContext"]["requestId"],
            durationMs=round(duration, 2),
            result=_result_summary(result),
            error=type(error).__name__ if error else None,
        )
        return result, error, duration

    # -- handshake ---------------------------------------------------------------------------
    async def _handshake(self, connection: ServerConnection, request: Request) -> Response | None:
        if urlsplit(request.path).path.rstrip("/") != f"/{self.api.stage}":
            return connection.respond(HTTPStatus.FORBIDDEN, "Forbidden\n")
        headers = {name: value for name, value in request.headers.raw_items()}
        remote = connection.remote_address
        info = ev.ConnectionInfo(
            connection_id=ev.new_connection_id(),
            connected_at=ev.now_ms(),
            source_ip=str(remote[0]) if remote else "127.0.0.1",
            user_agent=request.headers.get("User-Agent"),
            host=request.headers.get("Host", f"{self.host}:{self.port}"),
            headers=headers,
            query=ev.parse_query(request.path),
        )
        if self._authorizer_module:
            status = await self._authorize(info)
            if status is not None:
                return connection.respond(status, f"{status.phrase}\n")
        if "$connect" in self._handlers:
            result, error, _ = await self._invoke("$connect", ev.connect_event(self.api, info))
            status_code = 500 if error else int((result or {}).get("statusCode", 200))
            if not 200 <= status_code < 300:
                return connection.respond(HTTPStatus(status_code), f"{HTTPStatus(status_code).phrase}\n")
        self._pending[id(connection)] = info
        return None

    async def _authorize(self, info: ev.ConnectionInfo) -> HTTPStatus | None:
        started = time.monotonic()
        result, error, _ = await self._invoke("$authorizer", ev.authorizer_event(self.api, info))
        if error is not None:
            return HTTPStatus.UNAUTHORIZED if str(error) == "Unauthorized" else HTTPStatus.INTERNAL_SERVER_ERROR
        if not isinstance(result, dict) or not result.get("principalId"):
            return HTTPStatus.FORBIDDEN
        if not _allows(result.get("policyDocument") or {}, self.api.method_arn()):
            return HTTPStatus.FORBIDDEN
        context = result.get("context") or {}
        if any(not isinstance(v, str | int | float | bool) for v in context.values()):
            return HTTPStatus.INTERNAL_SERVER_ERROR
        if len(json.dumps(result)) > limits.AUTHORIZER_CONTEXT_MAX_BYTES:
            return HTTPStatus.INTERNAL_SERVER_ERROR
        info.authorizer = {
            "principalId": result["principalId"],
            "integrationLatency": int((time.monotonic() - started) * 1000),
            **{k: str(v) for k, v in context.items()},
        }
        return None

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
                task = asyncio.create_task(self._on_message(live, message))
                self._background.add(task)
                task.add_done_callback(self._background.discard)
        except ConnectionClosed as closed:
            frame = closed.rcvd or closed.sent
            if frame is not None:
                close_code, close_reason = frame.code, frame.reason
        finally:
            self._live.pop(info.connection_id, None)
            if "$disconnect" in self._handlers:
                # Runs after the socket is closed, as in AWS; its result has no effect.
                closing = asyncio.ensure_future(
                    self._invoke("$disconnect", ev.disconnect_event(self.api, info, close_code, close_reason))
                )
                self._background.add(closing)
                closing.add_done_callback(self._background.discard)

    async def _on_message(self, live: _Live, body: str) -> None:
        """One inbound frame, on its own task: a failure here is logged once and the client hears of it, never
        left for asyncio to report as "Task exception was never retrieved"."""
        try:
            await self._route_message(live, body)
        except Exception:
            log.exception("message on %s could not be delivered", live.info.connection_id)
            await self._send_error(live, "Internal server error", ev.new_request_id())

    async def _route_message(self, live: _Live, body: str) -> None:
        route = ev.select_route(body, self._handlers)
        if route not in self._handlers or (route.startswith("$") and route != "$default"):
            route = "$default"
        event = ev.message_event(self.api, live.info, route, body)
        request_id = event["requestContext"]["requestId"]
        invocation = asyncio.ensure_future(self._invoke(route, event))
        try:
            _, error, _ = await asyncio.wait_for(asyncio.shield(invocation), self.limits.integration_timeout_s)
        except TimeoutError:
            # The client hears that the endpoint timed out; the Lambda goes on, as in AWS.
            await self._send_error(live, "Endpoint request timed out", request_id)
            return
        if error is not None:
            log.warning("handler %s failed: %s", route, type(error).__name__)
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


def _allows(policy: dict[str, Any], method_arn: str) -> bool:
    import fnmatch

    allowed = False
    for statement in policy.get("Statement") or []:
        resources = statement.get("Resource")
        resources = resources if isinstance(resources, list) else [resources]
        matches = any(isinstance(r, str) and fnmatch.fnmatchcase(method_arn, r) for r in resources)
        if matches and statement.get("Effect") == "Deny":
            return False
        if matches and statement.get("Effect") == "Allow":
            allowed = True
    return allowed


def _iso(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).isoformat().replace("+00:00", "Z")


def _result_summary(result: Any) -> Any:
    if isinstance(result, dict) and "policyDocument" in result:
        effect = (result["policyDocument"].get("Statement") or [{}])[0].get("Effect")
        return {"principalId": result.get("principalId"), "effect": effect}
    return result


_ERRORS = {
    400: "BadRequestException",
    403: "ForbiddenException",
    404: "NotFoundException",
    410: "GoneException",
    413: "PayloadTooLargeException",
}


def _management_handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class ConnectionsApi(BaseHTTPRequestHandler):
        """POST/GET/DELETE /{stage}/@connections/{id}, answering errors the way boto3 parses them."""

        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("connections api: " + format, *args)

        def _connection_id(self) -> str | None:
            path = urlsplit(self.path).path
            prefix = f"/{gateway.api.stage}"
            if path.startswith(prefix + "/"):
                path = path[len(prefix) :]
            head, _, raw_id = path.partition("/@connections/")
            if head or not raw_id:
                return None
            return unquote(raw_id)

        def _answer(self, status: int, body: dict[str, Any] | None = None) -> None:
            payload = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            if status in _ERRORS:
                self.send_header("x-amzn-ErrorType", _ERRORS[status])
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _checked(self) -> str | None:
            if "Authorization" not in self.headers:
                self._answer(403, {"message": "Missing Authentication Token"})
                return None
            connection_id = self._connection_id()
            if connection_id is None:
                self._answer(404, {"message": "Not Found"})
                return None
            if not _CONNECTION_ID.match(connection_id):
                self._answer(400, {"message": "Invalid connectionId: " + connection_id})
                return None
            return connection_id

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length) if length else b""
            connection_id = self._checked()
            if connection_id is None:
                return
            status = gateway.post(connection_id, data)
            messages = {410: "Gone", 413: "Message too long"}
            self._answer(status, {"message": messages[status]} if status in messages else None)

        def do_GET(self) -> None:
            if urlsplit(self.path).path == "/_health":
                self._answer(200, {"status": "ok", "connections": len(gateway._live)})
                return
            connection_id = self._checked()
            if connection_id is None:
                return
            described = gateway.describe(connection_id)
            self._answer(200, described) if described else self._answer(410, {"message": "Gone"})

        def do_DELETE(self) -> None:
            connection_id = self._checked()
            if connection_id is None:
                return
            if gateway.disconnect(connection_id):
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._answer(410, {"message": "Gone"})

    return ConnectionsApi


__all__ = ["Gateway", "Headers", "LambdaContext", "Limits"]
