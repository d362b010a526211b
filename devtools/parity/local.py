"""The template-driven local stack: moto provisioned from the synthesized templates, and the gateway's wiring.

`provision` creates what the templates declare (tables, user pool and client, one role per function with its
policy and a role session, a demo user and the developer's administrator key), then turns on moto's IAM
enforcement. `wiring` gives each route the function its integration names, with the function's Handler,
Environment (endpoint URLs pointed at loopback), Timeout, MemorySize and role session.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import boto3
from moto.core import DEFAULT_ACCOUNT_ID

from devtools import bootstrap
from devtools.gateway.events import new_api_id
from devtools.gateway.wiring import Authorizer, Function, HttpApi, JwtAuthorizer, Wiring
from devtools.parity import data, roles
from devtools.parity.api import TemplateApi, TemplateFunction, websocket_api
from devtools.parity.environment import ENDPOINT_VARIABLES, LOCAL_ONLY, SETTINGS_ENV, runtime_credentials
from devtools.parity.iam import Principal, Principals
from devtools.parity.templates import Resolver, Templates

#: Lambda's defaults when a template leaves them out.
LAMBDA_TIMEOUT_S = 3
LAMBDA_MEMORY_MB = 128


@dataclass
class Provisioned:
    """What `provision` made, by the names the local stack gave it."""

    templates: Templates
    resolver: Resolver
    api: TemplateApi
    api_id: str
    region: str
    pool: data.UserPool
    tables: dict[str, str]
    sessions: dict[str, Principal]
    admin: dict[str, str]
    demo_password: str
    moto_url: str
    operator_password: str = ""

    @property
    def account_id(self) -> str:
        return self.resolver.account_id

    def principals(self) -> Principals:
        principals = Principals(self.account_id)
        for principal in self.sessions.values():
            principals.add(principal)
        return principals

    def admin_client(self, service: str) -> Any:
        """A client signed with the developer's administrator key (moto refuses the unsigned and the unknown)."""
        return boto3.client(  # type: ignore[call-overload]
            service, endpoint_url=self.moto_url, region_name=self.region, **self.admin
        )

    def replace_statements(self, function_name: str, statements: list[dict[str, Any]], principals_file: Path) -> None:
        """Give a function's role other policy statements, as editing the role in AWS does: moto, the gateway's
        @connections API and the local Bedrock endpoint judge its next call by them."""
        session = self.sessions[function_name]
        roles.put_statements(self.admin_client("iam"), self.api.functions()[function_name], statements)
        self.sessions[function_name] = replace(session, statements=tuple(statements))
        self.principals().save(principals_file)

    def template_environment(self, function: TemplateFunction) -> dict[str, str]:
        """The function's Environment.Variables, resolved, before anything local is applied."""
        variables = (function.function.properties.get("Environment") or {}).get("Variables") or {}
        return {name: str(value) for name, value in self.resolver.resolve(variables, function.function.stack).items()}

    def table_settings(self) -> dict[str, str]:
        """Settings field (e.g. `conversations_table`) -> table name, as the handlers' environment gives them."""
        environment = self.template_environment(next(iter(self.api.routes.values())))
        return {field: environment[name] for field, name in SETTINGS_ENV.items() if field.endswith("_table")}


def _bind_local_names(templates: Templates, resolver: Resolver, api: TemplateApi, api_id: str) -> None:
    """Names of what the local stack runs but does not create in moto: the API, the functions, their logs."""
    resolver.bind(api.api, api_id, ApiEndpoint=f"wss://{api_id}.execute-api")
    if api.http:
        resolver.bind(api.http.api, f"{api_id}h", ApiEndpoint=f"https://{api_id}h.execute-api")
    for function in api.functions().values():
        region, name = resolver.region(function.function.stack), function.local_name
        arn = f"arn:aws:lambda:{region}:{resolver.account_id}:function:{name}"
        resolver.bind(function.function, name, Arn=arn)
    for group in templates.resources("AWS::Logs::LogGroup"):
        name = str(group.properties.get("LogGroupName") or f"/aws/{group.stack}/{group.logical_id}")
        arn = f"arn:aws:logs:{resolver.region(group.stack)}:{resolver.account_id}:log-group:{name}:*"
        resolver.bind(group, name, Arn=arn)


def enforce_iam(moto_url: str) -> None:
    """From now on every moto request must be signed by a known key whose policy allows it."""
    request = urllib.request.Request(  # noqa: S310 - loopback only
        f"{moto_url}/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(request, timeout=5):  # noqa: S310 - loopback only
        pass


def provision(templates_dir: Path, moto_url: str) -> Provisioned:
    templates = Templates(templates_dir)
    api = websocket_api(templates)
    region = templates.stacks[api.api.stack].region
    resolver = Resolver(templates, DEFAULT_ACCOUNT_ID)
    api_id = new_api_id()
    _bind_local_names(templates, resolver, api, api_id)
    tables = data.create_tables(bootstrap.client("dynamodb", moto_url, region), templates, resolver)
    pool = data.create_user_pool(bootstrap.client("cognito-idp", moto_url, region), templates, resolver)
    iam, sts = bootstrap.client("iam", moto_url, region), bootstrap.client("sts", moto_url, region)
    sessions = roles.create_role_sessions(iam, sts, api, resolver)
    admin = roles.create_admin(iam)
    demo_password = bootstrap.generate_password()
    bootstrap.create_user(moto_url, region, pool.pool_id, bootstrap.DEMO_USERNAME, demo_password)
    operator_password = bootstrap.create_operator(moto_url, region, pool.pool_id)  # in the templates' group
    enforce_iam(moto_url)
    return Provisioned(
        templates, resolver, api, api_id, region, pool, tables, sessions, admin, demo_password, moto_url,
        operator_password,
    )  # fmt: skip


def local_function(
    provisioned: Provisioned, function: TemplateFunction, endpoints: Mapping[str, str], extra: Mapping[str, str]
) -> Function:
    """One function as its sandboxes run it."""
    props: dict[str, Any] = function.function.properties
    session = provisioned.sessions[function.local_name]
    environment = {
        **provisioned.template_environment(function),
        **{name: endpoints[name] for name in ENDPOINT_VARIABLES},
        **runtime_credentials(
            provisioned.region, session.access_key_id, session.secret_access_key, session.session_token
        ),
        **LOCAL_ONLY,
        **extra,
    }
    return Function(
        name=function.local_name,
        handler=str(props["Handler"]),
        timeout_s=float(props.get("Timeout", LAMBDA_TIMEOUT_S)),
        memory_mb=int(props.get("MemorySize", LAMBDA_MEMORY_MB)),
        environment=environment,
    )


def wiring(provisioned: Provisioned, endpoints: Mapping[str, str], extra: Mapping[str, str] | None = None) -> Wiring:
    """The gateway's wiring from the templates; `endpoints` holds the value of each of ENDPOINT_VARIABLES."""
    api, extra = provisioned.api, extra or {}
    authorizer = None
    if api.authorizer:
        authorizer = Authorizer(local_function(provisioned, api.authorizer, endpoints, extra), api.identity_sources)
    return Wiring(
        routes={route: local_function(provisioned, f, endpoints, extra) for route, f in api.routes.items()},
        authorizer=authorizer,
        route_selection_expression=api.route_selection_expression,
        isolated=True,
        http_api=_http_api(provisioned, endpoints, extra),
    )


def _http_api(provisioned: Provisioned, endpoints: Mapping[str, str], extra: Mapping[str, str]) -> HttpApi | None:
    """The templates' REST API: its routes' functions, and its JWT authorizer with the issuer and audiences resolved
    to the local pool (its keys at the pool's local JWKS)."""
    http = provisioned.api.http
    if http is None:
        return None
    stack = http.api.stack
    jwt = None
    if http.authorized:
        issuer = str(provisioned.resolver.resolve(http.issuer, stack))
        audience = tuple(str(provisioned.resolver.resolve(a, stack)) for a in http.audience)
        jwt = JwtAuthorizer(issuer, audience, endpoints[SETTINGS_ENV["jwks_url"]])
    routes = {key: local_function(provisioned, f, endpoints, extra) for key, f in http.routes.items()}
    return HttpApi(routes=routes, authorized=http.authorized, jwt=jwt)
