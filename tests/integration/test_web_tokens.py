"""The web client's Cognito calls against the local pool: a refreshed token is a working token."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from motivator_web import cognito, config

from devtools.bootstrap import create_user, generate_password
from devtools.stack import free_port
from tests.stackclient import collect, open_ws

pytestmark = pytest.mark.integration


@pytest.fixture
def web_settings(endpoints: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The web client's settings pointed at the session's stack, as `motivator dev` sets them."""
    for name, value in {
        "MOTIVATOR_WS_URL": endpoints["ws_url"],
        "MOTIVATOR_CLIENT_ID": endpoints["client_id"],
        "MOTIVATOR_REGION": endpoints["region"],
        "MOTIVATOR_COGNITO_URL": endpoints["cognito_url"],
        "MOTIVATOR_USER_POOL_ID": endpoints["user_pool_id"],
    }.items():
        monkeypatch.setenv(name, value)
    config.settings.cache_clear()
    cognito._public_client.cache_clear()
    yield
    config.settings.cache_clear()
    cognito._public_client.cache_clear()


async def test_a_refreshed_access_token_opens_the_gateway(endpoints: dict[str, Any], web_settings: None) -> None:
    # Given a person signed in through the web client's Cognito calls
    email = f"refresh-{generate_password()[:6].lower()}@example.org"
    password = generate_password()
    create_user(endpoints["cognito_url"], endpoints["region"], endpoints["user_pool_id"], email, password)
    first = cognito.sign_in(email, password)
    assert first.refresh_token

    # When the access token is refreshed, as the web client does before it expires
    refreshed = cognito.refresh(first.refresh_token)

    # Then the new token keeps the refresh token, expires later, and the gateway accepts it
    assert refreshed.refresh_token == first.refresh_token
    assert refreshed.expires_at >= first.expires_at
    ws = await open_ws(endpoints, refreshed.access_token)
    await ws.send(json.dumps({"action": "ping"}))
    assert (await collect(ws, until={"pong"})).types == ["pong"]
    await ws.close()


def test_a_refused_refresh_is_told_apart_from_an_unreachable_pool(
    web_settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a refresh token the pool never issued
    # When the web client tries to refresh with it
    with pytest.raises(cognito.AuthError) as refused:
        cognito.refresh("not-a-refresh-token")
    # Then the pool's refusal is reported as such (the client signs the person out, kindly)
    assert refused.value.code == "NotAuthorizedException"

    # Given a pool that cannot be reached (a closed port)
    monkeypatch.setenv("MOTIVATOR_COGNITO_URL", f"http://127.0.0.1:{free_port()}")
    config.settings.cache_clear()
    cognito._public_client.cache_clear()
    # When the web client tries to refresh
    with pytest.raises(cognito.AuthError) as unreachable:
        cognito.refresh("any-token")
    # Then it is "unreachable" (the client keeps the session and tries again later), with a sentence to show
    assert unreachable.value.code == "Unreachable"
    assert "couldn't reach" in str(unreachable.value)
