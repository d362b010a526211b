"""The terminal's REST client: `motivator chat --rest`, `motivator export` and `motivator delete-account`."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from shared.rest import paths
from shared.rest.models import DELETE_CONFIRMATION


class RestError(Exception):
    """The REST API refused or could not be reached; the message says why."""


def ask(base_url: str, token: str, message: str, session_id: str | None, country: str | None) -> dict[str, Any]:
    """POST /api/v1/chat: the ChatResponse, or RestError with the API's own sentence."""
    body: dict[str, Any] = {"message": message}
    if session_id:
        body["session_id"] = session_id
    if country:
        body["country"] = country
    _, data = _call(base_url, "POST", paths.CHAT, token, body)
    answer: dict[str, Any] = json.loads(data)
    return answer


def export(base_url: str, token: str) -> tuple[str, bytes]:
    """GET /api/v1/account/export: the zip's file name and bytes."""
    disposition, data = _call(base_url, "GET", paths.ACCOUNT_EXPORT, token)
    name = disposition.partition('filename="')[2].rstrip('"') or "motivator-export.zip"
    return Path(name).name, data


def delete(base_url: str, token: str) -> None:
    """DELETE /api/v1/account, confirmed."""
    _call(base_url, "DELETE", paths.ACCOUNT, token, {"confirm": DELETE_CONFIRMATION})


def _call(base_url: str, method: str, path: str, token: str, body: Any = None) -> tuple[str, bytes]:
    """(Content-Disposition, body) of a 2xx answer; RestError with the API's sentence otherwise."""
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - the local stack's loopback URL from endpoints.json
        base_url + path, data=data, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.headers.get("Content-Disposition", ""), response.read()
    except urllib.error.HTTPError as exc:
        try:
            said = json.loads(exc.read()).get("message")
        except ValueError:
            said = None
        raise RestError(f"{said or exc.reason} (HTTP {exc.code})") from None
    except OSError as exc:
        raise RestError(f"The REST API at {base_url} could not be reached ({exc}).") from None


def as_meta(answer: dict[str, Any]) -> dict[str, Any]:
    """The ChatResponse in the shape of the WebSocket's meta frame, so the terminal shows both alike."""
    resources = [{**r, "urlLabel": r.get("urlLabel") or r.get("url_label")} for r in answer.get("resources") or []]
    verse = answer["bible_verse"]
    return {
        "emotion": answer["emotion"],
        "confidence": answer["confidence_score"],
        "verse": {"reference": verse["reference"], "text": verse["text"], "translation": "WEB"},
        "safety": answer.get("safety", "ok"),
        "resources": resources,
    }
