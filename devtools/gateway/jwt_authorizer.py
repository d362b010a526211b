"""An HTTP API's built-in JWT authorizer, as API Gateway applies it: the claims of a valid token, or 401."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import jwt

from devtools.gateway.wiring import JwtAuthorizer

#: What API Gateway answers, with a `www-authenticate` header, for a missing or refused token.
UNAUTHORIZED_BODY = {"message": "Unauthorized"}


class JwtCheck:
    """Validates `Authorization: Bearer <jwt>` as HTTP API does: RS256 signature by a key of the issuer's JWKS,
    `iss` equal to the issuer, `exp`/`nbf`/`iat` in force, and `aud` (or, without one, `client_id`) among the
    audiences. API Gateway checks no `token_use`: an id token of the same client passes too."""

    def __init__(self, config: JwtAuthorizer) -> None:
        self.config = config
        self._keys = jwt.PyJWKClient(config.jwks_url, cache_keys=True, lifespan=300)

    def claims(self, authorization: str | None) -> dict[str, str] | None:
        """The token's claims as the Lambda event carries them (every value a string), or None to refuse."""
        if not authorization:
            return None
        token = authorization.removeprefix("Bearer ").strip()
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                issuer=self.config.issuer,
                options={"require": ["exp", "iss"], "verify_aud": False},
            )
        except (jwt.PyJWTError, jwt.PyJWKClientError):
            return None
        audiences = claims.get("aud", claims.get("client_id"))
        audiences = audiences if isinstance(audiences, list) else [audiences]
        if not set(self.config.audience) & {a for a in audiences if isinstance(a, str)}:
            return None
        return _as_strings(claims)


def _as_strings(claims: Mapping[str, Any]) -> dict[str, str]:
    """HTTP API hands the Lambda every claim as a string; lists read `[a b]`."""
    out = {}
    for name, value in claims.items():
        if isinstance(value, list):
            out[name] = "[" + " ".join(str(v) for v in value) + "]"
        elif isinstance(value, str):
            out[name] = value
        else:
            out[name] = json.dumps(value)
    return out
