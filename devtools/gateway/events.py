"""Builds Lambda proxy events with the keys and value formats of real API Gateway WebSocket captures."""

from __future__ import annotations

import base64
import json
import os
import secrets
import string
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from shared import limits
from shared.jsontext import nesting_depth

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def new_connection_id() -> str:
    """16 characters of URL-safe base64 of 11 bytes, ending in '=', like `R1kmxc2VNjMCFIA=`."""
    return base64.urlsafe_b64encode(os.urandom(11)).decode()


new_request_id = new_connection_id


def new_api_id() -> str:
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(10))


def clf_time(epoch_ms: int) -> str:
    """`20/Jan/2024:11:54:57 +0000`, the requestTime format."""
    t = time.gmtime(epoch_ms / 1000)
    return f"{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year}:{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000"


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class ConnectionInfo:
    """What API Gateway remembers about one connection and repeats in each of its events."""

    connection_id: str
    connected_at: int
    source_ip: str
    user_agent: str | None
    host: str
    headers: dict[str, str]
    query: list[tuple[str, str]]
    authorizer: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Api:
    api_id: str
    stage: str
    region: str
    account_id: str = "000000000000"

    def execute_api_arn(self) -> str:
        """`arn:aws:execute-api:{region}:{account}:{api}/{stage}`: the stage's routes and @connections are under it."""
        return f"arn:aws:execute-api:{self.region}:{self.account_id}:{self.api_id}/{self.stage}"

    def method_arn(self, route: str = "$connect") -> str:
        return f"{self.execute_api_arn()}/{route}"


def parse_query(raw_path: str) -> list[tuple[str, str]]:
    _, _, query = raw_path.partition("?")
    return parse_qsl(query, keep_blank_values=True)


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _context(api: Api, conn: ConnectionInfo, route: str, event_type: str, at: int) -> dict[str, Any]:
    request_id = new_request_id()
    identity: dict[str, Any] = {"sourceIp": conn.source_ip}
    if conn.user_agent and event_type != "CONNECT":
        identity["userAgent"] = conn.user_agent
    ctx: dict[str, Any] = {
        "routeKey": route,
        "eventType": event_type,
        "extendedRequestId": request_id,
        "requestTime": clf_time(at),
        "messageDirection": "IN",
        "stage": api.stage,
        "connectedAt": conn.connected_at,
        "requestTimeEpoch": at,
        "identity": identity,
        "requestId": request_id,
        "domainName": conn.host,
        "connectionId": conn.connection_id,
        "apiId": api.api_id,
    }
    return ctx


def authorizer_event(api: Api, conn: ConnectionInfo) -> dict[str, Any]:
    at = now_ms()
    headers = {"Connection": "upgrade", "content-length": "0", **conn.headers, "Upgrade": "websocket"}
    return {
        "type": "REQUEST",
        "methodArn": api.method_arn(),
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": dict(conn.query),
        "multiValueQueryStringParameters": _multi(conn.query),
        "stageVariables": {},
        "requestContext": _context(api, conn, "$connect", "CONNECT", at),
    }


def connect_event(api: Api, conn: ConnectionInfo) -> dict[str, Any]:
    at = now_ms()
    event: dict[str, Any] = {
        "headers": dict(conn.headers),
        "multiValueHeaders": {k: [v] for k, v in conn.headers.items()},
    }
    if conn.query:
        event["queryStringParameters"] = dict(conn.query)
        event["multiValueQueryStringParameters"] = _multi(conn.query)
    ctx = _context(api, conn, "$connect", "CONNECT", at)
    if conn.authorizer is not None:
        ctx["authorizer"] = conn.authorizer
    event["requestContext"] = ctx
    event["isBase64Encoded"] = False
    return event


def message_event(api: Api, conn: ConnectionInfo, route: str, body: str) -> dict[str, Any]:
    at = now_ms()
    ctx = _context(api, conn, route, "MESSAGE", at)
    ctx = {
        "routeKey": route,
        "messageId": new_request_id(),
        **{k: v for k, v in ctx.items() if k != "routeKey"},
    }
    if conn.authorizer is not None:
        ctx["authorizer"] = conn.authorizer
    return {"requestContext": ctx, "body": body, "isBase64Encoded": False}


def disconnect_event(api: Api, conn: ConnectionInfo, status_code: int, reason: str) -> dict[str, Any]:
    at = now_ms()
    headers = {"Host": conn.host, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""}
    ctx = _context(api, conn, "$disconnect", "DISCONNECT", at)
    ctx["disconnectStatusCode"] = status_code
    ctx["disconnectReason"] = reason
    if conn.authorizer is not None:
        ctx["authorizer"] = conn.authorizer
    return {
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "requestContext": ctx,
        "isBase64Encoded": False,
    }


def select_route(body: str, routes: set[str] | Mapping[str, Any], key: str = "action") -> str:
    """`$request.body.{key}`: the route whose key equals the value, else `$default` (non-JSON too).

    API Gateway's JSON parser has a nesting limit it does not document; we assume a body past it is treated as
    text that is not JSON (so `$default`), and apply the product's own bound, checked before parsing."""
    if nesting_depth(body) > limits.JSON_MAX_DEPTH:
        return "$default"
    try:
        parsed = json.loads(body)
    except ValueError:
        return "$default"
    if not isinstance(parsed, dict) or key not in parsed:
        return "$default"
    value = parsed[key]
    route = value if isinstance(value, str) else json.dumps(value)
    if route.startswith("$") or route not in routes:
        return "$default"
    return route
