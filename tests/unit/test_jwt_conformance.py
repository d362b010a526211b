"""The access-token verifier against every way a JWT can be wrong, each refused with its own reason."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shared import limits
from shared.auth import InvalidToken, JwksCache, TokenVerifier
from tests.stackclient import forge, moto_signing_key

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test"
CLIENT = "testclient"
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _public_jwks(url: str) -> dict[str, Any]:
    private = moto_signing_key()
    public = {k: v for k, v in private.items() if k in {"kty", "kid", "n", "e", "use"}}
    return {"keys": [{**public, "alg": "RS256"}]}


VERIFIER = TokenVerifier(ISSUER, CLIENT, JwksCache("http://jwks", fetch=_public_jwks))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "user-1",
        "client_id": CLIENT,
        "token_use": "access",
        "iat": now,
        "auth_time": now,
        "exp": now + 600,
        "username": "user-1",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _segments(token: str) -> list[str]:
    return token.split(".")


def _with_segment(token: str, index: int, change: Callable[[str], str]) -> str:
    parts = _segments(token)
    parts[index] = change(parts[index])
    return ".".join(parts)


def _hs256_with_public_key(claims: dict[str, Any]) -> str:
    public_pem = (
        jwt.PyJWK(moto_signing_key(), algorithm="RS256")
        .key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = _b64(json.dumps({"alg": "HS256", "kid": "dummy", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims).encode())
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def _signed_raw(header: dict[str, Any] | str, payload: str) -> str:
    """A correctly RS256-signed token over exactly these segments (for payloads pyjwt would not write)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    head = _b64((header if isinstance(header, str) else json.dumps(header)).encode())
    body = _b64(payload.encode())
    key = jwt.PyJWK(moto_signing_key(), algorithm="RS256").key
    signature = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{_b64(signature)}"


def _flip_payload_byte(token: str) -> str:
    def flip(segment: str) -> str:
        raw = bytearray(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
        raw[len(raw) // 2] ^= 0x01
        return _b64(bytes(raw))

    return _with_segment(token, 1, flip)


def _flip_signature_byte(token: str) -> str:
    def flip(segment: str) -> str:
        raw = bytearray(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
        raw[10] ^= 0x01
        return _b64(bytes(raw))

    return _with_segment(token, 2, flip)


def _extra_bits(segment: str) -> str:
    """The same bytes, spelled with the unused low bits of the last character set (a second spelling)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    unused = {2: 0b1111, 3: 0b11}[len(segment) % 4]
    last = alphabet.index(segment[-1])
    return segment[:-1] + alphabet[last | unused]


def _good() -> str:
    return forge(_claims())


def _not_canonical_signature() -> str:
    token = _good()
    signature = _segments(token)[2]
    assert len(signature) % 4 in (2, 3), "RS256 signatures are 256 bytes: 342 characters"
    return _with_segment(token, 2, _extra_bits)


CASES: dict[str, tuple[Callable[[], str | None], str]] = {
    "no token": (lambda: None, "missing"),
    "empty token": (lambda: "", "missing"),
    "one segment": (lambda: "abc", "malformed"),
    "two segments": (lambda: ".".join(_segments(_good())[:2]), "malformed"),
    "four segments": (lambda: _good() + ".extra", "malformed"),
    "empty signature": (lambda: _with_segment(_good(), 2, lambda s: ""), "malformed"),
    "oversized token": (lambda: forge(_claims(padding="x" * limits.TOKEN_MAX_BYTES)), "too_large"),
    "alg none": (
        lambda: f"{_b64(json.dumps({'alg': 'none', 'kid': 'dummy'}).encode())}.{_b64(json.dumps(_claims()).encode())}.",
        "malformed",
    ),
    "alg none with a signature": (
        lambda: _with_segment(_good(), 0, lambda s: _b64(json.dumps({"alg": "none", "kid": "dummy"}).encode())),
        "bad_alg",
    ),
    "HS256 signed with the public key": (lambda: _hs256_with_public_key(_claims()), "bad_alg"),
    "RS512": (lambda: forge(_claims(), alg="RS512"), "bad_alg"),
    "missing kid": (lambda: _signed_raw({"alg": "RS256"}, json.dumps(_claims())), "no_kid"),
    "kid not text": (lambda: _signed_raw({"alg": "RS256", "kid": 7}, json.dumps(_claims())), "malformed"),
    "unknown kid": (lambda: forge(_claims(), key=OTHER_KEY, headers={"kid": "not-in-jwks"}), "unknown_kid"),
    "signed by another key": (lambda: forge(_claims(), key=OTHER_KEY), "bad_signature"),
    "tampered payload": (lambda: _flip_payload_byte(_good()), "bad_signature"),
    "tampered signature": (lambda: _flip_signature_byte(_good()), "bad_signature"),
    "expired": (lambda: forge(_claims(exp=int(time.time()) - 5, iat=int(time.time()) - 3600)), "expired"),
    "not yet valid (nbf)": (lambda: forge(_claims(nbf=int(time.time()) + 3600)), "not_yet_valid"),
    "wrong issuer": (lambda: forge(_claims(iss=ISSUER.rsplit("/", 1)[0] + "/us-east-1_other")), "bad_issuer"),
    "issuer with trailing slash": (lambda: forge(_claims(iss=ISSUER + "/")), "bad_issuer"),
    "id token": (lambda: forge(_claims(token_use="id", client_id=None, aud=CLIENT)), "not_access_token"),
    "missing token_use": (lambda: forge(_claims(token_use=None)), "missing_claim"),
    "wrong client_id": (lambda: forge(_claims(client_id="someotherclient")), "bad_client"),
    "missing client_id": (lambda: forge(_claims(client_id=None)), "bad_client"),
    "missing exp": (lambda: forge(_claims(exp=None)), "missing_claim"),
    "missing sub": (lambda: forge(_claims(sub=None)), "missing_claim"),
    "sub not text": (lambda: forge(_claims(sub=12345)), "invalid"),
    "username not text": (lambda: forge(_claims(username=["a"])), "bad_claim"),
    "numeric-string exp": (lambda: forge(_claims(exp=str(int(time.time()) + 600))), "bad_claim"),
    "boolean exp": (lambda: forge(_claims(exp=True)), "expired"),
    "boolean iat": (lambda: forge(_claims(iat=True)), "bad_claim"),
    "boolean nbf": (lambda: forge(_claims(nbf=False)), "bad_claim"),
    "float exp": (lambda: forge(_claims(exp=time.time() + 600.5)), "bad_claim"),
    "numeric-string iat": (lambda: forge(_claims(iat=str(int(time.time())))), "bad_claim"),
    "numeric-string auth_time": (lambda: forge(_claims(auth_time=str(int(time.time())))), "bad_claim"),
    "numeric-string nbf": (lambda: forge(_claims(nbf=str(int(time.time()) - 5))), "bad_claim"),
    "padded signature": (lambda: _with_segment(_good(), 2, lambda s: s + "=="), "malformed"),
    "padded payload": (lambda: _with_segment(_good(), 1, lambda s: s + "=" * (-len(s) % 4 or 4)), "malformed"),
    "standard base64 characters": (
        lambda: _with_segment(_good(), 2, lambda s: s.replace("-", "+").replace("_", "/")),
        "malformed",
    ),
    "whitespace inside a segment": (lambda: _with_segment(_good(), 2, lambda s: s[:10] + " " + s[10:]), "malformed"),
    "non-ASCII inside a segment": (lambda: _with_segment(_good(), 1, lambda s: s[:5] + "é" + s[5:]), "malformed"),
    "second spelling of the signature": (_not_canonical_signature, "malformed"),
    "impossible segment length": (lambda: _with_segment(_good(), 2, lambda s: s + "A" * (5 - len(s) % 4)), "malformed"),
    "header not JSON": (lambda: _with_segment(_good(), 0, lambda s: _b64(b"not json")), "malformed"),
    "payload not JSON": (lambda: _signed_raw({"alg": "RS256", "kid": "dummy"}, "not json"), "invalid"),
    "payload not an object": (lambda: _signed_raw({"alg": "RS256", "kid": "dummy"}, "[1, 2]"), "invalid"),
    "deeply nested header": (lambda: _with_segment(_good(), 0, lambda s: _b64(b"[" * 1100 + b"]" * 1100)), "malformed"),
    "deeply nested payload": (
        lambda: _signed_raw({"alg": "RS256", "kid": "dummy"}, '{"x":' + "[" * 1100 + "]" * 1100 + "}"),
        "invalid",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_defect_is_refused_with_its_reason(case: str) -> None:
    # Given a token with exactly one defect
    make, reason = CASES[case]
    token = make()
    # When it is verified, Then it is refused with a short reason safe to log, and nothing else escapes
    with pytest.raises(InvalidToken) as refused:
        VERIFIER.verify(token)
    assert refused.value.reason == reason


def test_a_correct_token_is_accepted() -> None:
    # Given a well-formed, well-signed access token for this pool and client
    # When verified, Then the identity comes out
    identity = VERIFIER.verify(_good())
    assert identity.user_id == "user-1" and identity.username == "user-1"


def test_a_correct_token_signed_over_raw_segments_is_accepted() -> None:
    # Given the raw signing helper the defect cases use, over good claims (so the cases test only their defect)
    token = _signed_raw({"alg": "RS256", "kid": "dummy", "typ": "JWT"}, json.dumps(_claims()))
    # When verified, Then it is accepted
    assert VERIFIER.verify(token).user_id == "user-1"


def test_claims_without_the_optional_dates_are_accepted() -> None:
    # Given a token with only the required claims (no iat, auth_time or nbf)
    token = forge(_claims(iat=None, auth_time=None))
    # When verified, Then it is accepted
    assert VERIFIER.verify(token).user_id == "user-1"
