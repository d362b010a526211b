"""Test helpers that talk to the local stack as a client would: sign in, connect, send, collect frames."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jwt
from websockets.asyncio.client import ClientConnection, connect

from devtools.bootstrap import sign_in

TERMINAL = {"done"}


@dataclass
class Answer:
    frames: list[dict[str, Any]] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.frames if f.get("type") == kind]

    @property
    def text(self) -> str:
        return "".join(f["text"] for f in self.of("delta"))

    @property
    def types(self) -> list[str]:
        return [f.get("type", "gateway") for f in self.frames]


def token_for(endpoints: dict[str, Any], username: str | None = None, password: str | None = None) -> str:
    result = sign_in(
        endpoints["cognito_url"],
        endpoints["region"],
        endpoints["client_id"],
        username or endpoints["demo_username"],
        password or endpoints["demo_password"],
        endpoints.get("client_secret", ""),
    )
    return str(result["AccessToken"])


async def open_ws(endpoints: dict[str, Any], token: str | None, *, via: str = "header") -> ClientConnection:
    url = endpoints["ws_url"]
    headers = {}
    if token is not None and via == "header":
        headers["Authorization"] = f"Bearer {token}"
    if token is not None and via == "query":
        url = f"{url}?token={token}"
    return await connect(url, additional_headers=headers, max_size=None, open_timeout=30)


def send_message_frame(text: str, **extra: Any) -> str:
    return json.dumps({"action": "sendMessage", "message": text, "clientMessageId": str(uuid.uuid4()), **extra})


async def collect(ws: ClientConnection, until: set[str] | None = None, timeout: float = 30) -> Answer:
    """Frames until one of the `until` types (default: done) arrives."""
    until = until or TERMINAL
    answer = Answer()
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            answer.frames.append(frame)
            answer.arrivals.append(time.monotonic())
            if frame.get("type") in until:
                return answer


async def ask(ws: ClientConnection, text: str, timeout: float = 30, **extra: Any) -> Answer:
    await ws.send(send_message_frame(text, **extra))
    return await collect(ws, timeout=timeout)


def bedrock(endpoints: dict[str, Any], path: str, body: dict[str, Any] | None = None) -> Any:
    """Talk to the local Bedrock endpoint's test controls (/_faults, /_stats)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(endpoints["bedrock_url"] + path, data=data, method="POST" if data else "GET")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=5) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def moto_signing_key() -> dict[str, Any]:
    """moto's published private JWK (kid "dummy"): it signs tokens our verifier must judge on claims."""
    blob = resources.files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz").read_bytes()
    keys: dict[str, Any] = json.loads(gzip.decompress(blob))
    return keys["keys"][0] if "keys" in keys else keys


def forge(claims: dict[str, Any], key: Any = None, headers: dict[str, Any] | None = None, alg: str = "RS256") -> str:
    signing_key = key if key is not None else jwt.PyJWK(moto_signing_key(), algorithm="RS256").key
    return jwt.encode(claims, signing_key, algorithm=alg, headers={"kid": "dummy", **(headers or {})})


def access_claims(endpoints: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": f"https://cognito-idp.{endpoints['region']}.amazonaws.com/{endpoints['user_pool_id']}",
        "sub": "forged-user-0001",
        "client_id": endpoints["client_id"],
        "token_use": "access",
        "iat": now,
        "auth_time": now,
        "exp": now + 600,
        "username": "forged-user-0001",
        "scope": "aws.cognito.signin.user.admin",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def dynamodb_table(endpoints: dict[str, Any], setting: str) -> Any:
    """A table of the local stack, by its Settings field name (e.g. "conversations_table")."""
    import boto3

    return boto3.resource(
        "dynamodb",
        endpoint_url=endpoints["dynamodb_url"],
        region_name=endpoints["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    ).Table(endpoints["tables"][setting])
