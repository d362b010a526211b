"""Test helpers that call the local REST API (the HTTP API) as a client would: JSON in, status and JSON out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Reply:
    status: int
    body: Any
    headers: httpx.Headers


def rest(
    endpoints: dict[str, Any],
    method: str,
    path: str,
    token: str | None = None,
    body: Any = None,
    raw: str | None = None,
) -> Reply:
    """One request to the REST API of `endpoints` (`http_api_url`), with the access token as a Bearer token."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if raw is not None:
        headers["Content-Type"] = "application/json"
    response = httpx.request(
        method, endpoints["http_api_url"] + path, headers=headers, json=body, content=raw, timeout=60
    )
    try:
        parsed = response.json()
    except ValueError:
        parsed = response.text
    return Reply(response.status_code, parsed, response.headers)
