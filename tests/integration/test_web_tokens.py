"""The web client's Cognito calls against the local pool: a confidential client (SECRET_HASH on every call), a
refreshed token is a working token, and signing out ends every refresh token."""

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
        "MOTIVATOR_CLIENT_SECRET": endpoints["client_secret"],
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

    # When the access token is refreshed, as the web client does before it expires (hashed over the pool username)
    assert first.username and first.username != email
    refreshed = cognito.refresh(first.refresh_token, first.username, ip="203.0.113.5")

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


def test_a_refresh_hashed_over_the_sign_in_email_is_refused_as_aws_refuses_it(
    endpoints: dict[str, Any], web_settings: None
) -> None:
    # Given a person signed in by email on the confidential client
    email = f"hash-{generate_password()[:6].lower()}@example.org"
    password = generate_password()
    create_user(endpoints["cognito_url"], endpoints["region"], endpoints["user_pool_id"], email, password)
    tokens = cognito.sign_in(email, password, ip="203.0.113.6")
    # When a refresh's SECRET_HASH is computed over the email instead of the pool's username
    with pytest.raises(cognito.AuthError) as refused:
        cognito.refresh(tokens.refresh_token, email)
    # Then the pool refuses it (AWS hashes over the username; the local pool is held to that, devtools.moto_cognito)
    assert refused.value.code == "NotAuthorizedException"
    # and the pool username works
    assert cognito.refresh(tokens.refresh_token, tokens.username).access_token


def test_signing_out_ends_the_refresh_token_of_every_tab(endpoints: dict[str, Any], web_settings: None) -> None:
    # Given a person signed in (a second tab would refresh with the same refresh token)
    email = f"out-{generate_password()[:6].lower()}@example.org"
    password = generate_password()
    create_user(endpoints["cognito_url"], endpoints["region"], endpoints["user_pool_id"], email, password)
    tokens = cognito.sign_in(email, password)
    # When they sign out
    cognito.sign_out(tokens.access_token)
    # Then the refresh token no longer gives tokens to anyone
    with pytest.raises(cognito.AuthError) as refused:
        cognito.refresh(tokens.refresh_token, tokens.username)
    assert refused.value.code == "NotAuthorizedException"
