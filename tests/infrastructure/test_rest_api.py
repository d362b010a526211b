"""REST API (HTTP API): the routes of shared/rest/paths.py, the Cognito JWT authorizer, one least-privilege function."""

from __future__ import annotations

import pytest

from cdk.constants import CHAT_API_STACK, REST_API
from shared.rest import paths

from .conftest import ENVIRONMENTS, Synth, function_policies, render, resources_of


def _http(template: dict) -> tuple[str, dict]:
    (found,) = [
        (k, v)
        for k, v in resources_of(template, "AWS::ApiGatewayV2::Api").items()
        if v["Properties"]["ProtocolType"] == "HTTP"
    ]
    return found


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_rest_route_reaches_the_one_rest_function_and_only_chat_and_feedback_need_a_jwt(
    synth: Synth, env: str
) -> None:
    """Given the chat API stack of an environment
    Then its HTTP API has exactly the resolver's routes, all on the REST function, chat and feedback behind the JWT."""
    # Given the chat API stack of an environment
    template = synth.stack(env, CHAT_API_STACK)
    api_id, _ = _http(template)
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in resources_of(template, "AWS::ApiGatewayV2::Route").values()
        if r["Properties"]["ApiId"] == {"Ref": api_id}
    }
    # Then the HTTP API has exactly the routes the resolver serves
    assert set(routes) == set(paths.ROUTES)
    # And the authorized ones go through the JWT authorizer, the others are public
    for key, authorized in paths.ROUTES.items():
        assert routes[key].get("AuthorizationType", "NONE") == ("JWT" if authorized else "NONE"), key
    # And every route integrates the REST function (with SnapStart, its live alias)
    (function_id,) = [
        k
        for k, f in resources_of(template, "AWS::Lambda::Function").items()
        if f["Properties"].get("Handler") == REST_API.handler
    ]
    aliases = [
        k
        for k, a in resources_of(template, "AWS::Lambda::Alias").items()
        if a["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    targets = {f"<{function_id}.Arn>", *(f"<{alias}>" for alias in aliases)}
    for integration in resources_of(template, "AWS::ApiGatewayV2::Integration").values():
        if integration["Properties"]["ApiId"] == {"Ref": api_id}:
            uri = render(integration["Properties"]["IntegrationUri"])
            assert any(target in uri for target in targets), uri


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_jwt_authorizer_checks_the_pools_issuer_and_the_web_clients_id(synth: Synth, env: str) -> None:
    """Given the HTTP API's authorizer
    Then it is the built-in JWT authorizer with the pool as issuer and the web app client as audience."""
    # Given the HTTP API's authorizer
    template = synth.stack(env, CHAT_API_STACK)
    api_id, _ = _http(template)
    (authorizer,) = [
        a["Properties"]
        for a in resources_of(template, "AWS::ApiGatewayV2::Authorizer").values()
        if a["Properties"]["ApiId"] == {"Ref": api_id}
    ]
    # Then it is API Gateway's built-in JWT authorizer on the Authorization header
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["IdentitySource"] == ["$request.header.Authorization"]
    # With the Cognito pool as issuer and the app client as audience (matched on the access token's client_id)
    issuer = render(authorizer["JwtConfiguration"]["Issuer"])
    assert issuer.startswith("https://cognito-idp.") and "UserPool" in issuer
    (audience,) = authorizer["JwtConfiguration"]["Audience"]
    assert "WebClient" in render(audience)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_rest_function_may_touch_only_its_tables_and_the_model(synth: Synth, env: str) -> None:
    """Given the REST function's role
    Then it may stream from the model but not post to connections, and on the connections table it may only find
    (a scan: the table has no index) and remove the person's records (deleting the account), never write one."""
    template = synth.stack(env, CHAT_API_STACK)
    statements = function_policies(template)[REST_API.handler]
    actions = {a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert "execute-api:ManageConnections" not in actions
    assert "bedrock:InvokeModelWithResponseStream" in actions
    (connections,) = [s for s in statements if "Connections" in render(s["Resource"])]
    assert sorted(connections["Action"]) == ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:Scan"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_daily_allowance_setting_reaches_every_function_that_answers(synth: Synth, env: str) -> None:
    """Given the environment's configured daily allowance (the handlers' setting by default)
    Then the WebSocket and REST functions that answer messages both read that same number."""
    from cdk.constants import ALL_FUNCTIONS

    template = synth.stack(env, CHAT_API_STACK)
    expected = str(synth.config(env).daily_message_allowance)
    answering = {spec.handler for spec in ALL_FUNCTIONS if spec.invokes_bedrock}
    found = {
        f["Properties"]["Handler"]: f["Properties"]["Environment"]["Variables"].get("DAILY_MESSAGE_ALLOWANCE")
        for f in resources_of(template, "AWS::Lambda::Function").values()
        if f["Properties"].get("Handler") in answering
    }
    assert found == dict.fromkeys(answering, expected)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_only_the_rest_function_may_delete_a_user_and_only_in_this_pool(synth: Synth, env: str) -> None:
    """Given every function's role
    Then only the REST function ("delete my account") may call AdminDeleteUser, on the user pool's ARN alone."""
    from cdk.constants import ALL_FUNCTIONS

    policies = function_policies(synth.stack(env, CHAT_API_STACK))
    for spec in ALL_FUNCTIONS:
        grants = [s for s in policies[spec.handler] if "cognito-idp" in json_actions(s)]
        if spec is not REST_API:
            assert grants == [], spec.name
            continue
        (grant,) = grants
        assert grant["Action"] == "cognito-idp:AdminDeleteUser"
        assert "UserPool" in render(grant["Resource"]) and "*" not in render(grant["Resource"])


def json_actions(statement: dict) -> str:
    return " ".join([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
