"""One browser, many tabs: the sign-in cookie, the one-time codes that set it, and what tabs tell each other.

Reflex event handlers run over the /_event socket and cannot set cookies, so a signed-in tab asks the backend for
`/_auth/session?code=…` (a one-pixel image: same origin, no script) with a one-time code; that route puts the
refresh token into an HttpOnly, Secure, SameSite=Strict cookie. Another tab's socket handshake carries the cookie,
and the tab signs in by refreshing it. Signing out revokes every refresh token (GlobalSignOut), records the time for
the person, and `/_auth/signout` clears the cookie; the person's other tabs see the time and sign out too. A tab
that starts a conversation names it, and the other tabs reload their history list.

Everything shared lives in the web tier's Redis when REFLEX_REDIS_URL is set (every task sees it), else in this
process's memory. Keys are hashes of the pool username; no token is ever a key or a log field.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from http.cookies import CookieError, SimpleCookie
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from motivator_web.config import REDIS_URL_VARIABLE

log = logging.getLogger("motivator_web.session")

COOKIE = "motivator_session"
SESSION_PATH = "/_auth/session"
SIGN_OUT_PATH = "/_auth/signout"
#: As long as the app client's refresh tokens (cdk.constants.USER_POOL_POLICY.refresh_token_validity_days).
COOKIE_MAX_AGE_S = 30 * 24 * 3600
#: A one-time code is good for this long (the tab asks for the cookie as soon as it has the code).
CODE_TTL_S = 60
KEY_PREFIX = "motivator:session"


@dataclass(frozen=True)
class Remembered:
    """What the cookie holds: enough to refresh (the token and the pool username) and the email to show."""

    refresh_token: str
    username: str
    email: str

    def encode(self) -> str:
        raw = json.dumps({"r": self.refresh_token, "u": self.username, "e": self.email}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Remembered | None:
        try:
            data = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
            return cls(str(data["r"]), str(data["u"]), str(data["e"]))
        except (ValueError, KeyError, TypeError, binascii.Error):
            return None

    def __repr__(self) -> str:  # never print a token by accident
        return "Remembered(…)"


def from_cookie_header(header: str) -> Remembered | None:
    """The remembered sign-in in a Cookie header (the /_event socket's handshake), if any."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header or "")
    except CookieError:
        return None
    morsel = jar.get(COOKIE)
    return Remembered.decode(morsel.value) if morsel and morsel.value else None


# -- the shared store ------------------------------------------------------------------------------
class Store(Protocol):
    async def put(self, key: str, value: str, ttl_s: int) -> None: ...
    async def get(self, key: str) -> str | None: ...
    async def take(self, key: str) -> str | None:
        """Get and delete in one step (a one-time code is redeemed once)."""
        ...


class MemoryStore:
    def __init__(self) -> None:
        self._items: dict[str, tuple[str, float]] = {}

    async def put(self, key: str, value: str, ttl_s: int) -> None:
        self._items[key] = (value, time.monotonic() + ttl_s)

    async def get(self, key: str) -> str | None:
        value, expires = self._items.get(key, ("", 0.0))
        return value if expires > time.monotonic() else None

    async def take(self, key: str) -> str | None:
        value = await self.get(key)
        self._items.pop(key, None)
        return value


class RedisStore:
    def __init__(self, client: Any) -> None:
        self._redis = client

    async def put(self, key: str, value: str, ttl_s: int) -> None:
        await self._redis.set(key, value, ex=ttl_s)

    async def get(self, key: str) -> str | None:
        value = await self._redis.get(key)
        return value.decode() if isinstance(value, bytes) else value

    async def take(self, key: str) -> str | None:
        value = await self._redis.getdel(key)
        return value.decode() if isinstance(value, bytes) else value


@lru_cache(maxsize=1)
def default_store() -> Store:
    """Redis when REFLEX_REDIS_URL is set (every task shares it), else this process's memory."""
    url = os.environ.get(REDIS_URL_VARIABLE, "")
    if not url:
        return MemoryStore()
    import redis.asyncio

    return RedisStore(redis.asyncio.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2))


def _person(kind: str, username: str) -> str:
    return f"{KEY_PREFIX}:{kind}:{hashlib.sha256(username.encode()).hexdigest()[:32]}"


# -- one-time codes ----------------------------------------------------------------------------------
async def issue_code(remembered: Remembered, store: Store | None = None) -> str:
    """A code the tab exchanges for the cookie within CODE_TTL_S seconds, once."""
    code = secrets.token_urlsafe(32)
    await (store or default_store()).put(f"{KEY_PREFIX}:code:{code}", remembered.encode(), CODE_TTL_S)
    return code


async def redeem(code: str, store: Store | None = None) -> Remembered | None:
    if not code or len(code) > 128:
        return None
    value = await (store or default_store()).take(f"{KEY_PREFIX}:code:{code}")
    return Remembered.decode(value) if value else None


# -- what tabs tell each other -------------------------------------------------------------------
async def signed_out(username: str, store: Store | None = None) -> None:
    """The person signed out (in some tab): their other tabs signed in before now sign out too."""
    await (store or default_store()).put(_person("out", username), f"{time.time():.3f}", COOKIE_MAX_AGE_S)


async def signed_out_since(username: str, since: float, store: Store | None = None) -> bool:
    value = await (store or default_store()).get(_person("out", username))
    return value is not None and float(value) > since


async def started_conversation(username: str, session_id: str, store: Store | None = None) -> None:
    """A tab started a conversation: the others reload their history list when they do not know it."""
    await (store or default_store()).put(_person("newest", username), session_id, 24 * 3600)


async def newest_conversation(username: str, store: Store | None = None) -> str:
    return await (store or default_store()).get(_person("newest", username)) or ""


# -- the backend routes that set and clear the cookie ---------------------------------------------
def _cookie(response: Response, value: str, max_age: int) -> None:
    response.set_cookie(COOKIE, value, max_age=max_age, path="/", secure=True, httponly=True, samesite="strict")


async def _session(request: Request) -> Response:
    remembered = await redeem(request.query_params.get("code", ""))
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    if remembered is None:
        log.info("session code refused")
        response.status_code = 400
        return response
    _cookie(response, remembered.encode(), COOKIE_MAX_AGE_S)
    return response


async def _sign_out(request: Request) -> Response:
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    _cookie(response, "", 0)
    return response


def api() -> Starlette:
    """The two routes, for rx.App(api_transformer=[…]): Reflex mounts its own app beneath them."""
    return Starlette(routes=[Route(SESSION_PATH, _session), Route(SIGN_OUT_PATH, _sign_out)])
