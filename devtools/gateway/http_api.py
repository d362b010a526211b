"""The local HTTP API (payload format 2.0) in front of the REST function: routes, the JWT authorizer, limits.

Requests are matched on their route key (`POST /api/v1/chat`), authorized as the built-in JWT authorizer does,
turned into the event API Gateway sends and answered from the function's result, as HTTP API maps it.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from devtools.gateway import events as ev
from devtools.gateway.jwt_authorizer import UNAUTHORIZED_BODY, JwtCheck
from devtools.gateway.wiring import Function, HttpApi
from devtools.http import LoopbackServer

log = logging.getLogger("devtools.gateway")
#: HTTP API quotas: a 10 MB request payload, a 30 s integration timeout.
MAX_BODY_BYTES = 10 * 1024 * 1024
INTEGRATION_TIMEOUT_S = 30.0
#: Runs `function` with `event` and returns its result (raises what it raised, or a timeout).
Invoke = Callable[[Function, dict[str, Any], float], Any]
_TEXT_TYPES = ("application/json", "text/", "application/xml", "application/x-www-form-urlencoded")


class HttpApiServer(LoopbackServer):
    def __init__(self, address: tuple[str, int], api: HttpApi, invoke: Invoke, gateway_api: ev.Api) -> None:
        super().__init__(address, HttpApiRequest)
        self.api = api
        self.invoke = invoke
        self.gateway_api = gateway_api
        self.jwt = JwtCheck(api.jwt) if api.jwt else None

    @property
    def url(self) -> str:
        host, port = self.server_address[0], self.server_address[1]
        return f"http://{host!s}:{port}"

    def serve_in_background(self) -> None:
        threading.Thread(target=self.serve_forever, name="http-api", daemon=True).start()


class HttpApiRequest(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: HttpApiServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http api: " + format, *args)

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _handle(self) -> None:
        path = urlsplit(self.path).path
        route_key, parameters = match_route(self.server.api.routes, self.command, path)
        function = self.server.api.routes.get(route_key)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._answer(413, {"message": "Request Entity Too Large"})
            return
        body = self.rfile.read(length) if length else b""
        if function is None:
            self._answer(404, {"message": "Not Found"})
            return
        claims = None
        if route_key in self.server.api.authorized:
            claims = self.server.jwt.claims(self.headers.get("Authorization")) if self.server.jwt else None
            if claims is None:
                self._answer(401, UNAUTHORIZED_BODY, {"www-authenticate": 'Bearer error="invalid_token"'})
                return
        event = self._event(route_key, body, claims)
        if parameters:
            event["pathParameters"] = parameters
        try:
            result = self.server.invoke(function, event, INTEGRATION_TIMEOUT_S)
        except TimeoutError:
            self._answer(503, {"message": "Service Unavailable"})
            return
        except Exception as exc:
            log.warning("REST function failed on %s: %s", route_key, type(exc).__name__)
            self._answer(500, {"message": "Internal Server Error"})
            return
        self._reply(result)

    def _event(self, route_key: str, body: bytes, claims: dict[str, str] | None) -> dict[str, Any]:
        """The event HTTP API sends (payload format 2.0)."""
        split = urlsplit(self.path)
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        cookies = [c.strip() for c in headers.pop("cookie", "").split(";") if c.strip()]
        text = _is_text(headers.get("content-type", ""))
        now = ev.now_ms()
        api = self.server.gateway_api
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": route_key,
            "rawPath": split.path,
            "rawQueryString": split.query,
            "headers": headers,
            "requestContext": {
                "accountId": api.account_id,
                "apiId": api.api_id,
                "domainName": headers.get("host", ""),
                "domainPrefix": headers.get("host", "").split(".")[0],
                "http": {
                    "method": self.command,
                    "path": split.path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": self.client_address[0],
                    "userAgent": headers.get("user-agent", ""),
                },
                "requestId": ev.new_request_id(),
                "routeKey": route_key,
                "stage": "$default",
                "time": ev.clf_time(now),
                "timeEpoch": now,
            },
            "isBase64Encoded": not text,
        }
        if cookies:
            event["cookies"] = cookies
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        if query:
            event["queryStringParameters"] = query
        if claims is not None:
            event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
        if body:
            event["body"] = body.decode("utf-8", errors="replace") if text else base64.b64encode(body).decode()
        return event

    def _reply(self, result: Any) -> None:
        """HTTP API's mapping of a 2.0 result: a dict with statusCode is the response, anything else a JSON body."""
        if not isinstance(result, dict) or "statusCode" not in result:
            self._send(200, json.dumps(result).encode(), {"content-type": "application/json"})
            return
        raw = result.get("body") or ""
        payload = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
        headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
        self._send(int(result["statusCode"]), payload, headers, list(result.get("cookies") or []))

    def _answer(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(body).encode(), {"content-type": "application/json", **(headers or {})})

    def _send(self, status: int, payload: bytes, headers: dict[str, str], cookies: list[str] | None = None) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in {"content-length", "connection"}:
                self.send_header(name, value)
        for cookie in cookies or []:
            self.send_header("set-cookie", cookie)
        self.send_header("apigw-requestid", ev.new_request_id())
        self.send_header("date", datetime.now(tz=UTC).strftime("%a, %d %b %Y %H:%M:%S GMT"))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)


def match_route(routes: Mapping[str, Any], method: str, path: str) -> tuple[str, dict[str, str]]:
    """The route key a request matches, as HTTP API picks it (an exact path first, then `{name}` segments), and
    its path parameters; the request's own key when nothing matches."""
    exact = f"{method} {path}"
    if exact in routes:
        return exact, {}
    segments = path.split("/")
    for route_key in routes:
        route_method, _, template = route_key.partition(" ")
        parts = template.split("/")
        if route_method != method or len(parts) != len(segments):
            continue
        found: dict[str, str] = {}
        for part, segment in zip(parts, segments, strict=True):
            if part.startswith("{") and part.endswith("}") and segment:
                found[part[1:-1]] = unquote(segment)
            elif part != segment:
                break
        else:
            return route_key, found
    return exact, {}


def _is_text(content_type: str) -> bool:
    return not content_type or content_type.lower().startswith(_TEXT_TYPES) or "json" in content_type.lower()
