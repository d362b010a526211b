"""The JWKS cache: unknown kids refetch at most once per interval; fetch failures fail closed."""

from __future__ import annotations

from typing import Any

import pytest

from shared.auth import InvalidToken, JwksCache, TokenVerifier
from tests.stackclient import forge, moto_signing_key

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test"
CLIENT = "testclient"


def _public_jwks() -> dict[str, Any]:
    private = moto_signing_key()
    public = {k: v for k, v in private.items() if k in {"kty", "kid", "n", "e", "alg", "use"}}
    public.setdefault("alg", "RS256")
    return {"keys": [public]}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingFetch:
    def __init__(self) -> None:
        self.calls = 0
        self.fail = False

    def __call__(self, url: str) -> dict[str, Any]:
        self.calls += 1
        if self.fail:
            raise OSError("unreachable")
        return _public_jwks()


def _claims(**kw: Any) -> dict[str, Any]:
    import time

    now = int(time.time())
    base = {
        "iss": ISSUER,
        "sub": "u1",
        "client_id": CLIENT,
        "token_use": "access",
        "iat": now,
        "exp": now + 60,
    }
    base.update(kw)
    return base


def test_unknown_kids_refetch_at_most_once_per_ten_seconds() -> None:
    # Given a verifier with a warm cache
    clock, fetch = FakeClock(), CountingFetch()
    verifier = TokenVerifier(ISSUER, CLIENT, JwksCache("http://jwks", fetch=fetch, clock=clock))
    verifier.verify(forge(_claims()))
    assert fetch.calls == 1
    # When, ten seconds later, a hundred tokens with unknown kids arrive within the same second
    clock.now += 10
    for i in range(100):
        with pytest.raises(InvalidToken):
            verifier.verify(forge(_claims(), headers={"kid": f"rotated-{i}"}))
    # Then the JWKS was fetched once more at most
    assert fetch.calls == 2
    # And after ten seconds one more fetch is allowed
    clock.now += 10
    with pytest.raises(InvalidToken):
        verifier.verify(forge(_claims(), headers={"kid": "rotated-x"}))
    assert fetch.calls == 3


def test_unreachable_jwks_fails_closed_but_cached_keys_keep_working() -> None:
    # Given a cache that fetched the keys once, then loses the JWKS endpoint
    clock, fetch = FakeClock(), CountingFetch()
    verifier = TokenVerifier(ISSUER, CLIENT, JwksCache("http://jwks", fetch=fetch, clock=clock, ttl_s=60))
    verifier.verify(forge(_claims()))
    fetch.fail = True
    clock.now += 3600  # past the cache's lifetime
    # When a token signed with the cached key arrives, Then it is still accepted
    assert verifier.verify(forge(_claims())).user_id == "u1"
    # And a token with an unknown kid is refused
    clock.now += 20
    with pytest.raises(InvalidToken) as refused:
        verifier.verify(forge(_claims(), headers={"kid": "new"}))
    assert refused.value.reason == "unknown_kid"


def test_cold_cache_with_unreachable_jwks_refuses_everything() -> None:
    # Given a fresh container whose JWKS cannot be fetched
    fetch = CountingFetch()
    fetch.fail = True
    verifier = TokenVerifier(ISSUER, CLIENT, JwksCache("http://jwks", fetch=fetch, clock=FakeClock()))
    # When a well-signed token arrives, Then it is refused (fail closed)
    with pytest.raises(InvalidToken):
        verifier.verify(forge(_claims()))
