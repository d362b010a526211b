"""The WebSocket API of the templates: each route -> its integration -> its function, the $connect authorizer
with its identity sources, the stage, and each function's role with its policy statements; and the REST API (an HTTP
API) beside it: its routes, their function and its JWT authorizer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from devtools.parity.templates import Resource, Templates, Unresolvable

LAMBDA_FUNCTION = "AWS::Lambda::Function"
LAMBDA_ALIAS = "AWS::Lambda::Alias"
CONNECT = "$connect"


@dataclass(frozen=True)
class TemplateFunction:
    """A Lambda function of the templates and its execution role's policy statements (unresolved)."""

    function: Resource
    role: Resource
    statements: tuple[dict[str, Any], ...]

    @property
    def local_name(self) -> str:
        """As CloudFormation names an unnamed function, without the random suffix."""
        return str(self.function.properties.get("FunctionName") or f"{self.function.stack}-{self.function.logical_id}")

    @property
    def role_name(self) -> str:
        return str(self.role.properties.get("RoleName") or f"{self.role.stack}-{self.role.logical_id}")[:64]


@dataclass(frozen=True)
class TemplateHttpApi:
    """An HTTP API: route key -> function, the route keys behind its JWT authorizer, and that authorizer's
    issuer and audiences (template expressions, resolved by the caller)."""

    api: Resource
    routes: dict[str, TemplateFunction]
    authorized: tuple[str, ...]
    issuer: Any = None
    audience: tuple[Any, ...] = ()


@dataclass(frozen=True)
class TemplateApi:
    api: Resource
    stage: Resource
    routes: dict[str, TemplateFunction]
    authorizer: TemplateFunction | None
    identity_sources: tuple[str, ...]
    http: TemplateHttpApi | None = None

    @property
    def stage_name(self) -> str:
        return str(self.stage.properties["StageName"])

    @property
    def route_selection_expression(self) -> str:
        return str(self.api.properties["RouteSelectionExpression"])

    def functions(self) -> dict[str, TemplateFunction]:
        found = {f.local_name: f for f in self.routes.values()}
        if self.authorizer:
            found[self.authorizer.local_name] = self.authorizer
        if self.http:
            found.update({f.local_name: f for f in self.http.routes.values()})
        return found


def _references(expression: Any) -> Iterator[str]:
    """Logical IDs an expression refers to (Ref and Fn::GetAtt), in order."""
    if isinstance(expression, dict):
        if "Ref" in expression:
            yield expression["Ref"]
        elif "Fn::GetAtt" in expression:
            target = expression["Fn::GetAtt"]
            yield target[0] if isinstance(target, list) else str(target).split(".", 1)[0]
        else:
            for value in expression.values():
                yield from _references(value)
    elif isinstance(expression, list):
        for value in expression:
            yield from _references(value)


def _referenced(templates: Templates, stack: str, expression: Any, resource_type: str) -> Resource:
    for logical_id in _references(expression):
        candidate = templates.resource(stack, logical_id) if not logical_id.startswith("AWS::") else None
        if candidate and candidate.type == resource_type:
            return candidate
        if candidate and candidate.type == LAMBDA_ALIAS and resource_type == LAMBDA_FUNCTION:
            return _referenced(templates, stack, candidate.properties["FunctionName"], resource_type)  # SnapStart
    raise Unresolvable(f"{expression!r} in {stack} refers to no {resource_type}")


def _of_api(templates: Templates, resource_type: str, api: Resource) -> list[Resource]:
    return [
        r
        for r in templates.resources(resource_type)
        if r.stack == api.stack and r.properties.get("ApiId") == {"Ref": api.logical_id}
    ]


def function_of(templates: Templates, function: Resource) -> TemplateFunction:
    role = _referenced(templates, function.stack, function.properties["Role"], "AWS::IAM::Role")
    if role.properties.get("ManagedPolicyArns"):
        raise Unresolvable(f"{role.logical_id} attaches managed policies; the local stack models inline ones only")
    statements = [s for policy in role.properties.get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]
    for policy in templates.resources("AWS::IAM::Policy"):
        if {"Ref": role.logical_id} in policy.properties.get("Roles", []) and policy.stack == role.stack:
            statements += policy.properties["PolicyDocument"]["Statement"]
    return TemplateFunction(function, role, tuple(statements))


def _integration_function(templates: Templates, route: Resource) -> TemplateFunction:
    integration = _referenced(templates, route.stack, route.properties["Target"], "AWS::ApiGatewayV2::Integration")
    kind = integration.properties.get("IntegrationType")
    if kind != "AWS_PROXY":
        raise Unresolvable(f"route {route.properties['RouteKey']} integrates as {kind}; the emulator runs AWS_PROXY")
    uri = integration.properties["IntegrationUri"]
    return function_of(templates, _referenced(templates, route.stack, uri, LAMBDA_FUNCTION))


def websocket_api(templates: Templates) -> TemplateApi:
    """The one WebSocket API of the templates, read route by route."""
    apis = [r for r in templates.resources("AWS::ApiGatewayV2::Api") if r.properties.get("ProtocolType") == "WEBSOCKET"]
    if len(apis) != 1:
        raise Unresolvable(f"the templates hold {len(apis)} WebSocket APIs; the local stack runs one")
    api = apis[0]
    stages = _of_api(templates, "AWS::ApiGatewayV2::Stage", api)
    if len(stages) != 1:
        raise Unresolvable(f"{api.logical_id} has {len(stages)} stages; the local stack runs one")
    routes: dict[str, TemplateFunction] = {}
    authorizer, identity_sources = None, ()
    for route in _of_api(templates, "AWS::ApiGatewayV2::Route", api):
        key = str(route.properties["RouteKey"])
        routes[key] = _integration_function(templates, route)
        kind = route.properties.get("AuthorizationType", "NONE")
        if kind not in ("NONE", "CUSTOM") or (kind == "CUSTOM" and key != CONNECT):
            raise Unresolvable(f"route {key} authorizes as {kind}; API Gateway authorizes WebSocket APIs on $connect")
        if kind == "CUSTOM":
            found = _referenced(
                templates, route.stack, route.properties["AuthorizerId"], "AWS::ApiGatewayV2::Authorizer"
            )
            if found.properties.get("AuthorizerType") != "REQUEST":
                raise Unresolvable(f"{found.logical_id} is not a REQUEST authorizer")
            function = _referenced(templates, found.stack, found.properties["AuthorizerUri"], LAMBDA_FUNCTION)
            authorizer = function_of(templates, function)
            identity_sources = tuple(found.properties.get("IdentitySource") or ())
    return TemplateApi(api, stages[0], routes, authorizer, identity_sources, http_api(templates))


def http_api(templates: Templates) -> TemplateHttpApi | None:
    """The templates' one HTTP API (the REST API), if any, read route by route."""
    apis = [r for r in templates.resources("AWS::ApiGatewayV2::Api") if r.properties.get("ProtocolType") == "HTTP"]
    if not apis:
        return None
    if len(apis) > 1:
        raise Unresolvable(f"the templates hold {len(apis)} HTTP APIs; the local stack runs one")
    api = apis[0]
    routes: dict[str, TemplateFunction] = {}
    authorized: list[str] = []
    issuer, audience = None, ()
    for route in _of_api(templates, "AWS::ApiGatewayV2::Route", api):
        key = str(route.properties["RouteKey"])
        routes[key] = _integration_function(templates, route)
        kind = route.properties.get("AuthorizationType", "NONE")
        if kind == "NONE":
            continue
        if kind != "JWT":
            raise Unresolvable(f"HTTP route {key} authorizes as {kind}; the emulator runs JWT authorizers")
        found = _referenced(templates, route.stack, route.properties["AuthorizerId"], "AWS::ApiGatewayV2::Authorizer")
        config = found.properties.get("JwtConfiguration") or {}
        if found.properties.get("IdentitySource") != ["$request.header.Authorization"]:
            raise Unresolvable(f"{found.logical_id} reads the token elsewhere than the Authorization header")
        issuer, audience = config.get("Issuer"), tuple(config.get("Audience") or ())
        authorized.append(key)
    return TemplateHttpApi(api, routes, tuple(authorized), issuer, audience)
