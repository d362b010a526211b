"""The $connect handshake: the authorizer refuses every bad token and accepts valid ones."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from websockets.exceptions import InvalidStatus

from tests.stackclient import access_claims, forge, moto_signing_key, open_ws

OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}."


def _hs256_with_public_key(claims: dict[str, Any]) -> str:
    public_pem = (
        jwt.PyJWK(moto_signing_key(), algorithm="RS256")
        .key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = _b64(json.dumps({"alg": "HS256", "kid": "dummy", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims).encode())
    import hashlib
    import hmac

    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def _flip_payload_byte(token: str) -> str:
    header, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[len(raw) // 2] ^= 0x01
    return f"{header}.{_b64(bytes(raw))}.{signature}"


def _bad_tokens(endpoints: dict[str, Any], demo_token: str) -> dict[str, str | None]:
    c = lambda **kw: access_claims(endpoints, **kw)  # noqa: E731
    issuer = c()["iss"]
    other_pool = issuer.rsplit("/", 1)[0] + "/us-east-1_someOtherPool"
    return {
        "no token": None,
        "garbage": "not-a-jwt",
        "two parts": "abc.def",
        "four parts": demo_token + ".extra",
        "bad signature": forge(c(), key=OTHER_KEY),
        "flipped payload byte": _flip_payload_byte(demo_token),
        "expired": forge(c(exp=int(time.time()) - 5, iat=int(time.time()) - 3600)),
        "nbf in the future": forge(c(nbf=int(time.time()) + 3600)),
        "other pool issuer": forge(c(iss=other_pool)),
        "issuer with trailing slash": forge(c(iss=issuer + "/")),
        "wrong client_id": forge(c(client_id="someotherclient0000000000")),
        "missing client_id": forge(c(client_id=None)),
        "id token": forge(c(token_use="id", client_id=None, aud=endpoints["client_id"])),
        "missing token_use": forge(c(token_use=None)),
        "alg none": _unsigned({"alg": "none", "kid": "dummy"}, c()),
        "HS256 signed with the RSA public key": _hs256_with_public_key(c()),
        "unknown kid": forge(c(), key=OTHER_KEY, headers={"kid": "not-in-jwks"}),
        "over the size cap": forge(c(padding="x" * 4500)),
        "numeric-string exp": forge(c(exp=str(int(time.time()) + 600))),
        "padded signature": demo_token + "==",
    }


CASES = [
    "no token",
    "garbage",
    "two parts",
    "four parts",
    "bad signature",
    "flipped payload byte",
    "expired",
    "nbf in the future",
    "other pool issuer",
    "issuer with trailing slash",
    "wrong client_id",
    "missing client_id",
    "id token",
    "missing token_use",
    "alg none",
    "HS256 signed with the RSA public key",
    "unknown kid",
    "over the size cap",
    "numeric-string exp",
    "padded signature",
]


@pytest.mark.parametrize("case", CASES)
async def test_handshake_is_refused(case: str, endpoints: dict[str, Any], demo_token: str) -> None:
    # Given a token with one defect
    token = _bad_tokens(endpoints, demo_token)[case]
    # When a client connects with it
    with pytest.raises(InvalidStatus) as refused:
        ws = await open_ws(endpoints, token)
        await ws.close()
    # Then the handshake is refused with 401 or 403, and no connection is made
    assert refused.value.response.status_code in (401, 403)


@pytest.mark.parametrize("header", ["jku", "x5u", "jwk"])
async def test_key_location_headers_are_ignored(header: str, endpoints: dict[str, Any]) -> None:
    # Given a token signed by an attacker's key that points at that key through a header
    attacker_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(OTHER_KEY.public_key()))
    value: Any = attacker_jwk if header == "jwk" else "http://127.0.0.1:9/keys.json"
    token = forge(access_claims(endpoints), key=OTHER_KEY, headers={header: value})
    # When it connects, Then the header is not followed and the signature fails
    with pytest.raises(InvalidStatus) as refused:
        ws = await open_ws(endpoints, token)
        await ws.close()
    assert refused.value.response.status_code in (401, 403)


async def test_valid_tokens_are_accepted(endpoints: dict[str, Any], demo_token: str) -> None:
    # Given the demo user's real token and a token with a valid signature and claims
    forged_valid = forge(access_claims(endpoints))
    for token in (demo_token, forged_valid):
        # When each connects, Then the connection opens and answers a ping
        ws = await open_ws(endpoints, token)
        await ws.send(json.dumps({"action": "ping"}))
        assert json.loads(await ws.recv())["type"] == "pong"
        await ws.close()
