"""moto's Cognito made to check a refresh's SECRET_HASH as AWS does: over the pool's username, not the sign-in name.

With email as the username attribute, AWS names each user by a generated ID (the access token's `username` claim)
and computes the SECRET_HASH of REFRESH_TOKEN_AUTH over that ID; moto 5 checks it over the email the person signed
in with. The web client sends what AWS expects, so locally moto is corrected here rather than the client bent to it.
`python -m devtools.moto_cognito -H 127.0.0.1 -p PORT` runs moto's server with the correction (devtools.stack).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

from moto.cognitoidp.models import CognitoIdpBackend
from moto.cognitoidp.utils import check_secret_hash
from moto.server import main as moto_main

_REFRESH_FLOWS = frozenset({"REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"})


def _as_moto_expects(backend: CognitoIdpBackend, client_id: str, parameters: dict[str, str]) -> dict[str, str]:
    """A refresh's parameters with the SECRET_HASH moto checks (over the sign-in name) when AWS would accept the
    given one (over the pool's username); otherwise one that moto refuses, as AWS would."""
    for pool in backend.user_pools.values():
        client = pool.clients.get(client_id)
        stored = pool.refresh_tokens.get(parameters.get("REFRESH_TOKEN", ""))
        if client is None or not client.generate_secret or stored is None:
            continue
        _, signed_in_as, _ = stored
        user = pool._get_user(signed_in_as)
        if user is not None and check_secret_hash(
            client.secret, client.id, user.username, parameters.get("SECRET_HASH")
        ):
            return {**parameters, "SECRET_HASH": _hash(client.secret, client.id, signed_in_as)}
        return {**parameters, "SECRET_HASH": "not-the-pool-username-hash"}
    return parameters


def _hash(secret: str, client_id: str, username: str) -> str:
    from devtools.bootstrap import secret_hash

    return secret_hash(secret, client_id, username)


def install() -> None:
    """Patch moto's Cognito backend once (idempotent)."""
    original: Callable[..., Any] = CognitoIdpBackend.initiate_auth
    if getattr(original, "_motivator_refresh_hash", False):
        return

    @functools.wraps(original)
    def initiate_auth(self: CognitoIdpBackend, client_id: str, auth_flow: str, auth_parameters: dict[str, str]) -> Any:
        if auth_flow in _REFRESH_FLOWS:
            auth_parameters = _as_moto_expects(self, client_id, auth_parameters)
        return original(self, client_id, auth_flow, auth_parameters)

    initiate_auth._motivator_refresh_hash = True  # type: ignore[attr-defined]
    CognitoIdpBackend.initiate_auth = initiate_auth  # type: ignore[method-assign]


if __name__ == "__main__":
    install()
    moto_main(sys.argv[1:])
