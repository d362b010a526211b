"""A share link's public page, read server-side from the REST API, and its card served through the web tier.

Pure of Reflex: state/share_page.py calls `fetch` off the event loop. The card is proxied at
/_share/<id>/card.png so the page's image stays within its own CSP (img-src: the app and its backend), never
pointing the browser at another origin. Nothing here logs a share id or a person's line.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from motivator_web.config import settings
from shared.rest import paths

TIMEOUT_S = 10.0
CARD_PATH = "/_share/{share_id}/card.png"
#: What a share id looks like (shared/shares.py SHARE_ID_PATTERN): nothing else is passed on to the API.
_SHARE_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class ShareUnavailable(Exception):
    """The API could not be reached or failed: the page says to try again, not that the link is gone."""


@dataclass(frozen=True)
class PublicShare:
    reference: str
    text: str
    translation: str
    translation_name: str
    line: str


def card_path(share_id: str) -> str:
    return CARD_PATH.replace("{share_id}", share_id)


def fetch(base_url: str, share_id: str) -> PublicShare | None:
    """The shared verse and line (None: unknown or no longer shared)."""
    body = _get(base_url, paths.share_path(share_id), share_id)
    if body is None:
        return None
    data = json.loads(body)
    return PublicShare(
        reference=str(data["reference"]),
        text=str(data["text"]),
        translation=str(data["translation"]),
        translation_name=str(data.get("translation_name") or data["translation"]),
        line=str(data.get("line") or ""),
    )


def card(base_url: str, share_id: str) -> bytes | None:
    """The card PNG (None: unknown or no longer shared)."""
    return _get(base_url, paths.share_card_path(share_id), share_id)


def _get(base_url: str, path: str, share_id: str) -> bytes | None:
    if not _SHARE_ID.match(share_id):
        return None
    if not base_url.startswith(("https://", "http://")):
        raise ShareUnavailable
    request = urllib.request.Request(base_url.rstrip("/") + path)  # noqa: S310 - http(s) only, checked above
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - the configured API
            data: bytes = response.read()
            return data
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise ShareUnavailable from None
    except OSError:
        raise ShareUnavailable from None


async def _card(request: Request) -> Response:
    share_id = str(request.path_params.get("share_id", ""))
    base = settings().http_api_url
    try:
        png = await asyncio.to_thread(card, str(base or ""), share_id)
    except ShareUnavailable:
        return Response(status_code=503, headers={"Cache-Control": "no-store"})
    if png is None:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    # As short-lived as the API's own answer: a revoked card stops showing within a minute.
    headers: dict[str, Any] = {"Cache-Control": "public, max-age=30", "X-Content-Type-Options": "nosniff"}
    return Response(png, media_type="image/png", headers=headers)


def api() -> Starlette:
    """The card route, for rx.App(api_transformer=[…])."""
    return Starlette(routes=[Route(CARD_PATH, _card)])
