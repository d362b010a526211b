"""The person's account over the REST API: download everything as one file, or delete the account.

Pure of Reflex: called by state/account.py off the event loop. Nothing here logs a token or what was exported.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from shared.rest import paths
from shared.rest.models import DELETE_CONFIRMATION

TIMEOUT_S = 30.0
_FILENAME = re.compile(r'filename="([A-Za-z0-9._-]+)"')
UNAVAILABLE = "We couldn't reach your account just now. Please try again in a moment."


class AccountError(Exception):
    """The request did not succeed; the message is a sentence for the person."""


@dataclass(frozen=True)
class Download:
    filename: str
    data: bytes


def export(base_url: str, access_token: str) -> Download:
    """Every conversation, feedback and saved verse as one zip (JSON and Markdown)."""
    request = _request(base_url + paths.ACCOUNT_EXPORT, headers=_auth(access_token))
    with _opened(request) as response:
        match = _FILENAME.search(response.headers.get("Content-Disposition", ""))
        return Download(match.group(1) if match else "motivator-export.zip", response.read())


def delete(base_url: str, access_token: str) -> None:
    """Delete the account: every item of the person and their sign-in."""
    body = json.dumps({"confirm": DELETE_CONFIRMATION}).encode()
    headers = {**_auth(access_token), "Content-Type": "application/json"}
    request = _request(base_url + paths.ACCOUNT, data=body, headers=headers, method="DELETE")
    with _opened(request):
        pass


def _request(url: str, **kwargs: Any) -> urllib.request.Request:
    if not url.startswith(("https://", "http://")):
        raise AccountError(UNAVAILABLE)
    return urllib.request.Request(url, **kwargs)  # noqa: S310 - http(s) only, checked above


def _auth(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


def _opened(request: urllib.request.Request) -> Any:
    try:
        return urllib.request.urlopen(request, timeout=TIMEOUT_S)  # noqa: S310 - the configured REST API
    except urllib.error.HTTPError as exc:
        raise AccountError(_sentence(exc)) from None
    except OSError:
        raise AccountError(UNAVAILABLE) from None


def _sentence(error: urllib.error.HTTPError) -> str:
    if error.code == 401:
        return "Your sign-in has expired. Please sign in again."
    try:
        message = json.loads(error.read()).get("message")
    except ValueError:
        message = None
    return str(message) if message else UNAVAILABLE
