"""The sign-in cookie's routes and what tabs tell each other, over the web tier's real shared Redis."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio
from motivator_web import session
from motivator_web.config import REDIS_URL_VARIABLE

from tests.redisserver import redis_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(Path(tmp_path_factory.mktemp("redis"))) as url:
        yield url


@pytest.fixture
def shared(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[session.Store]:
    """The routes' store is the shared cache (REFLEX_REDIS_URL), as in AWS."""
    monkeypatch.setenv(REDIS_URL_VARIABLE, redis_url)
    session.default_store.cache_clear()
    yield session.RedisStore(redis.asyncio.Redis.from_url(redis_url))
    session.default_store.cache_clear()


def _client() -> httpx.AsyncClient:
    """The backend's routes over ASGI, as Reflex serves them."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=session.api()), base_url="https://chat.example.org")


async def test_a_code_from_one_task_sets_the_cookie_once_on_another(shared: session.Store) -> None:
    # Given a tab signed in on one task, which got a one-time code for its sign-in
    remembered = session.Remembered("refresh-token-value", "pool-user-1", "ann@example.org")
    code = await session.issue_code(remembered, shared)
    async with _client() as client:
        # When the page asks another task's backend for the cookie with it
        first = await client.get(session.SESSION_PATH, params={"code": code})
        again = await client.get(session.SESSION_PATH, params={"code": code})
    # Then it gets the cookie: HttpOnly, Secure, SameSite=Strict, for the whole site of this host only, as long as
    # the refresh token
    assert first.status_code == 204
    cookie = first.headers["set-cookie"]
    for attribute in ("HttpOnly", "Secure", "SameSite=strict", "Path=/", f"Max-Age={session.COOKIE_MAX_AGE_S}"):
        assert attribute.lower() in cookie.lower()
    assert "domain=" not in cookie.lower()  # no Domain: the app's own host alone, never its subdomains or parent
    assert first.headers["cache-control"] == "no-store"
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    assert session.from_cookie_header(f"{session.COOKIE}={value}") == remembered
    # and the same code a second time sets nothing
    assert again.status_code == 400 and "set-cookie" not in again.headers


async def test_an_unknown_or_expired_code_sets_nothing(shared: session.Store) -> None:
    # Given the routes on the shared cache
    async with _client() as client:
        # When a code nobody issued, or none at all, is offered
        responses = [
            await client.get(session.SESSION_PATH, params={"code": "made-up"}),
            await client.get(session.SESSION_PATH),
        ]
    # Then no cookie is set
    assert [r.status_code for r in responses] == [400, 400]
    assert not any("set-cookie" in r.headers for r in responses)


async def test_sign_out_route_clears_the_cookie() -> None:
    # When the page asks for the sign-out route
    async with _client() as client:
        response = await client.get(session.SIGN_OUT_PATH)
    # Then the cookie is cleared
    assert response.status_code == 204
    assert f"{session.COOKIE}=" in response.headers["set-cookie"] and "Max-Age=0" in response.headers["set-cookie"]


async def test_a_sign_out_and_a_new_conversation_are_seen_by_the_other_tasks(
    redis_url: str, shared: session.Store
) -> None:
    # Given two tasks' stores and a person signed in on both before now
    other = session.RedisStore(redis.asyncio.Redis.from_url(redis_url))
    signed_in_at = time.time() - 1
    assert not await session.signed_out_since("pool-user-2", signed_in_at, other)
    # When they sign out on one task and start a conversation (as another person) on it
    await session.signed_out("pool-user-2", shared)
    await session.started_conversation("pool-user-3", "session-abc", shared)
    # Then the other task sees both; a tab signed in after the sign-out is not affected
    assert await session.signed_out_since("pool-user-2", signed_in_at, other)
    assert not await session.signed_out_since("pool-user-2", time.time() + 1, other)
    assert await session.newest_conversation("pool-user-3", other) == "session-abc"
    # and no key names the person
    keys = [k.decode() async for k in redis.asyncio.Redis.from_url(redis_url).scan_iter(f"{session.KEY_PREFIX}:*")]
    assert keys and not any("pool-user" in k for k in keys)


def test_a_garbled_cookie_is_no_sign_in() -> None:
    # Given Cookie headers a browser (or someone) might send, Then none of them signs anyone in
    assert session.from_cookie_header(f"{session.COOKIE}=not-base64-json") is None
    assert session.from_cookie_header("other=1; broken") is None
    assert session.from_cookie_header("") is None
