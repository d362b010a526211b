"""`motivator chat --rest`: the terminal chat over the REST API (whole answers, as a client without a WebSocket)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from shared.rest import paths


class RestError(Exception):
    """The REST API refused or could not be reached; the message says why."""


def ask(base_url: str, token: str, message: str, session_id: str | None, country: str | None) -> dict[str, Any]:
    """POST /api/v1/chat: the ChatResponse, or RestError with the API's own sentence."""
    body: dict[str, Any] = {"message": message}
    if session_id:
        body["session_id"] = session_id
    if country:
        body["country"] = country
    request = urllib.request.Request(  # noqa: S310 - the local stack's loopback URL from endpoints.json
        base_url + paths.CHAT,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            answer: dict[str, Any] = json.loads(response.read())
            return answer
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
