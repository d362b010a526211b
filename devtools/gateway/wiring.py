"""What the emulator invokes: each route's function (handler, timeout, memory, environment) and the authorizer."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cdk.constants import ALL_FUNCTIONS, AUTHORIZER_IDENTITY_SOURCE, LAMBDA_DEFAULT_MEMORY_MB, LAMBDA_DEFAULT_TIMEOUT_S
from shared.rest import paths as rest_paths
from shared.route_table import AUTHORIZER, ROUTE_SELECTION_EXPRESSION, ROUTES

_BODY_PREFIX = "$request.body."


@dataclass(frozen=True)
class Function:
    """One Lambda function as the emulator runs it."""

    name: str
    #: `module.attribute`, as Lambda's `Handler` setting (e.g. `handlers.ping.handler`).
    handler: str
    timeout_s: float = LAMBDA_DEFAULT_TIMEOUT_S
    memory_mb: int = LAMBDA_DEFAULT_MEMORY_MB
    #: The function's own environment; only functions run in runtimes of their own (`Wiring.isolated`) get it.
    environment: Mapping[str, str] = field(default_factory=dict)

    @property
    def module(self) -> str:
        return self.handler.rpartition(".")[0]

    @property
    def attribute(self) -> str:
        return self.handler.rpartition(".")[2]


@dataclass(frozen=True)
class Authorizer:
    """The $connect REQUEST authorizer and its identity sources (`route.request.header.X`,
    `route.request.querystring.Y`): a connect lacking one is refused with 401 before the authorizer runs."""

    function: Function
    identity_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class JwtAuthorizer:
    """An HTTP API's built-in JWT authorizer: tokens of this issuer, for one of these audiences (`aud`, or an access
    token's `client_id`), signed by a key of `jwks_url` (in AWS, `{issuer}/.well-known/jwks.json`)."""

    issuer: str
    audience: tuple[str, ...]
    jwks_url: str


@dataclass(frozen=True)
class HttpApi:
    """The REST API (an HTTP API, payload format 2.0): route key ("POST /api/v1/chat") -> its function, and the
    route keys its JWT authorizer guards."""

    routes: Mapping[str, Function]
    authorized: tuple[str, ...] = ()
    jwt: JwtAuthorizer | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HttpApi:
        jwt = data.get("jwt")
        return cls(
            routes={route: Function(**function) for route, function in data["routes"].items()},
            authorized=tuple(data["authorized"]),
            jwt=JwtAuthorizer(jwt["issuer"], tuple(jwt["audience"]), jwt["jwks_url"]) if jwt else None,
        )


@dataclass(frozen=True)
class Wiring:
    """The routes of one WebSocket API stage and how their functions run.

    `isolated` False (the fast default): every handler is imported into the gateway process and shares its
    environment. True (built from the CDK templates): every function runs in runtime processes of its own, with its
    own environment and its own role's credentials, one invocation at a time, as Lambda runs it.
    """

    routes: Mapping[str, Function]
    authorizer: Authorizer | None = None
    route_selection_expression: str = ROUTE_SELECTION_EXPRESSION
    isolated: bool = False
    #: The REST API beside the WebSocket API, when it is served (devtools.gateway.http_api).
    http_api: HttpApi | None = None

    def __post_init__(self) -> None:
        if not self.route_selection_expression.startswith(_BODY_PREFIX) or "." in self.selection_key:
            raise ValueError(
                f"route selection expression {self.route_selection_expression!r} is not supported by the emulator; "
                f"it understands {_BODY_PREFIX}<key>"
            )

    @property
    def selection_key(self) -> str:
        """The body field routes are selected on (`action` in `$request.body.action`)."""
        return self.route_selection_expression.removeprefix(_BODY_PREFIX)

    def functions(self) -> dict[str, Function]:
        """Every function by name, the authorizer's included."""
        found = {f.name: f for f in self.routes.values()}
        if self.authorizer:
            found[self.authorizer.function.name] = self.authorizer.function
        if self.http_api:
            found.update({f.name: f for f in self.http_api.routes.values()})
        return found

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Wiring:
        authorizer = data.get("authorizer")
        return cls(
            routes={route: Function(**function) for route, function in data["routes"].items()},
            authorizer=(
                Authorizer(Function(**authorizer["function"]), tuple(authorizer["identity_sources"]))
                if authorizer
                else None
            ),
            route_selection_expression=data["route_selection_expression"],
            isolated=data["isolated"],
            http_api=HttpApi.from_json(data["http_api"]) if data.get("http_api") else None,
        )

    def save(self, path: Path) -> None:
        """Written mode 600: an isolated wiring carries each function's credentials."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.chmod(0o600)
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> Wiring:
        return cls.from_json(json.loads(path.read_text()))


def _limits_by_handler() -> dict[str, tuple[float, int]]:
    return {spec.handler: (spec.timeout_s, spec.memory_mb) for spec in ALL_FUNCTIONS}


def default_function(module: str) -> Function:
    """A handler module of the route table as a function, with the timeout and memory the CDK gives it."""
    handler = f"{module}.handler"
    timeout_s, memory_mb = _limits_by_handler().get(handler, (LAMBDA_DEFAULT_TIMEOUT_S, LAMBDA_DEFAULT_MEMORY_MB))
    return Function(
        name="motivator-" + module.rsplit(".", 1)[-1].replace("_", "-"),
        handler=handler,
        timeout_s=timeout_s,
        memory_mb=memory_mb,
    )


def default_wiring(
    routes: Mapping[str, str] | None = None, authorizer: str | None = AUTHORIZER, jwt: JwtAuthorizer | None = None
) -> Wiring:
    """The fast path of `make dev`: shared/route_table.py's handler modules, run in the gateway process; with `jwt`,
    the REST API of shared/rest/paths.py too."""
    return Wiring(
        routes={route: default_function(module) for route, module in (routes or ROUTES).items()},
        authorizer=Authorizer(default_function(authorizer), (AUTHORIZER_IDENTITY_SOURCE,)) if authorizer else None,
        http_api=default_http_api(jwt) if jwt else None,
    )


def default_http_api(jwt: JwtAuthorizer) -> HttpApi:
    """Every route of shared/rest/paths.py to its one function, the authorized ones behind `jwt`."""
    function = default_function(rest_paths.HANDLER)
    return HttpApi(
        routes=dict.fromkeys(rest_paths.ROUTES, function),
        authorized=tuple(route for route, authorized in rest_paths.ROUTES.items() if authorized),
        jwt=jwt,
    )
