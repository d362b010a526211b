"""Cognito access-token verification for the $connect authorizer: RS256 against a cached JWKS."""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from shared import limits
from shared.metric_names import LOG_FILTERS, MetricName
from shared.observability import logger

JwksFetcher = Callable[[str], dict[str, Any]]
#: A compact-JWS segment: unpadded base64url (RFC 7515 section 2), nothing else.
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
#: NumericDate claims (RFC 7519 section 2); Cognito writes whole seconds, so anything but an int is forged.
_DATE_CLAIMS = ("exp", "iat", "auth_time", "nbf")
#: The log message of a failed JWKS fetch: a CloudWatch Logs metric filter counts it (the refusals that follow are
#: 401 answers, not Lambda errors, so this is how an unreachable JWKS shows in the alarms).
JWKS_FETCH_FAILED = LOG_FILTERS[MetricName.JWKS_FETCH_FAILURES][1]


class InvalidToken(Exception):
    """The token cannot be accepted; `reason` is a short machine word safe to log (never the token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    user_id: str
    username: str


def fetch_jwks(url: str) -> dict[str, Any]:
    """GET the JWKS document; any failure raises (callers fail closed)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError("JWKS URL must be http(s)")
    with urllib.request.urlopen(url, timeout=limits.JWKS_FETCH_TIMEOUT_S) as response:  # noqa: S310
        document: dict[str, Any] = json.loads(response.read())
    return document


class JwksCache:
    """Signing keys by kid. Refetches when a kid is unknown, at most once per interval, however many ask."""

    def __init__(
        self,
        url: str,
        fetch: JwksFetcher = fetch_jwks,
        clock: Callable[[], float] = time.monotonic,
        min_refetch_interval_s: float = limits.JWKS_REFETCH_MIN_INTERVAL_S,
        ttl_s: float = limits.JWKS_CACHE_TTL_S,
    ) -> None:
        self._url = url
        self._fetch = fetch
        self._clock = clock
        self._interval = min_refetch_interval_s
        self._ttl = ttl_s
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._lock = threading.Lock()

    def key(self, kid: str) -> jwt.PyJWK | None:
        now = self._clock()
        stale = self._fetched_at is None or now - self._fetched_at > self._ttl
        if kid in self._keys and not stale:
            return self._keys[kid]
        with self._lock:
            now = self._clock()
            may_fetch = self._attempted_at is None or now - self._attempted_at >= self._interval
            if may_fetch:
                self._attempted_at = now
                self._refresh(now)
        return self._keys.get(kid)

    def _refresh(self, now: float) -> None:
        try:
            document = self._fetch(self._url)
            keys = {}
            for entry in document.get("keys", []):
                if entry.get("kty") == "RSA" and entry.get("kid") and entry.get("alg", "RS256") == "RS256":
                    keys[entry["kid"]] = jwt.PyJWK(entry, algorithm="RS256")
        except Exception as exc:  # the keys already cached keep working; unknown kids fail closed
            logger.warning(JWKS_FETCH_FAILED, error_type=type(exc).__name__, cached_keys=len(self._keys))
            return
        self._keys = keys
        self._fetched_at = now
        logger.info("jwks fetched", keys=len(keys))


class TokenVerifier:
    """Checks structure (canonical base64url), RS256 signature, iss, exp, nbf, claim types, token_use == access
    and client_id."""

    def __init__(self, issuer: str, client_id: str, jwks: JwksCache) -> None:
        self._issuer = issuer
        self._client_id = client_id
        self._jwks = jwks

    def verify(self, token: str | None) -> Identity:
        if not token:
            raise InvalidToken("missing")
        if len(token) > limits.TOKEN_MAX_BYTES:
            raise InvalidToken("too_large")
        parts = token.split(".")
        if len(parts) != 3 or not all(_canonical(part) for part in parts):
            raise InvalidToken("malformed")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed") from exc
        # Only the alg and kid of the header are used: jku, x5u and jwk are ignored, never fetched.
        if header.get("alg") != "RS256":
            raise InvalidToken("bad_alg")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("no_kid")
        key = self._jwks.key(kid)
        if key is None:
            raise InvalidToken("unknown_kid")
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                issuer=self._issuer,
                options={"require": ["exp", "iss", "sub", "token_use"], "verify_aud": False},
                leeway=0,
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise InvalidToken("not_yet_valid") from exc
        except jwt.InvalidIssuerError as exc:
            raise InvalidToken("bad_issuer") from exc
        except jwt.InvalidSignatureError as exc:
            raise InvalidToken("bad_signature") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise InvalidToken("missing_claim") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken("invalid") from exc
        if not _claim_types_valid(claims):
            raise InvalidToken("bad_claim")
        if claims.get("token_use") != "access":
            raise InvalidToken("not_access_token")
        if claims.get("client_id") != self._client_id:
            raise InvalidToken("bad_client")
        return Identity(user_id=str(claims["sub"]), username=str(claims.get("username") or claims["sub"]))


def _canonical(segment: str) -> bool:
    """Unpadded base64url whose decoding encodes back to the very same text: one spelling per token.

    PyJWT also accepts `=` padding (some issuers send it); Cognito never does, so a padded segment is a
    rewritten token."""
    if not _SEGMENT.fullmatch(segment) or len(segment) % 4 == 1:
        return False
    try:
        decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return False
    return base64.urlsafe_b64encode(decoded).rstrip(b"=").decode() == segment


def _claim_types_valid(claims: dict[str, Any]) -> bool:
    """Dates are JSON integers (PyJWT takes "1700000000" and true), sub and username are text."""
    dates_ok = all(type(claims[name]) is int for name in _DATE_CLAIMS if name in claims)
    texts_ok = isinstance(claims.get("sub"), str) and isinstance(claims.get("username", ""), str)
    return dates_ok and texts_ok


def bearer_token(authorization: str | None, query_token: str | None) -> str | None:
    """The token from `Authorization: Bearer …` (preferred) or the `token` query parameter."""
    if authorization:
        scheme, _, value = authorization.strip().partition(" ")
        return value.strip() if scheme.lower() == "bearer" and value.strip() else None
    return query_token or None


def allow_policy(method_arn: str, identity: Identity) -> dict[str, Any]:
    """The REQUEST authorizer's Allow answer; context values are strings, as API Gateway passes them."""
    return {
        "principalId": identity.user_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": method_arn}],
        },
        "context": {"userId": identity.user_id, "username": identity.username},
    }
