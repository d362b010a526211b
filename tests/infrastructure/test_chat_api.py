"""Chat API stack: routes, the $connect authorizer, the stage, the functions and their environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdk.constants import ALL_FUNCTIONS, AUTHORIZER, CHAT_API_STACK, ROUTE_FUNCTIONS
from shared import route_table
from shared.metric_names import NAMESPACE, SERVICE
from shared.settings import Settings, env_names

from .conftest import ENVIRONMENTS, Synth, of_websocket, render, resources_of, websocket_api_id

ROOT = Path(__file__).resolve().parents[2]
REQUIRED_ACTIONS = {"sendMessage", "ping", "feedback", "history", "resume", "stop", "deleteHistory"}
#: Issue 17's verse capabilities.
REQUIRED_ACTIONS |= {"settings", "verseOfTheDay", "anotherVerse", "saveVerse", "savedVerses"}
REQUIRED_ACTIONS |= {"shareVerse", "sharedVerses", "revokeShare"}
#: Issue 16: a person names their own conversations.
REQUIRED_ACTIONS |= {"renameConversation"}


def _api(synth: Synth, env: str) -> dict:
    return synth.stack(env, CHAT_API_STACK)


def _handler_functions(template: dict) -> dict[str, dict]:
    return {
        f["Properties"]["Handler"]: f["Properties"]
        for f in resources_of(template, "AWS::Lambda::Function").values()
        if str(f["Properties"].get("Handler", "")).startswith("handlers.")
    }


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_routes_cover_connect_disconnect_default_and_every_action(synth: Synth, env: str) -> None:
    # Given the WebSocket API of an environment
    template = _api(synth, env)
    api = template["Resources"][websocket_api_id(template)]
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in of_websocket(template, "AWS::ApiGatewayV2::Route").values()
    }
    # Then it routes on the body's action, with one route per action plus the three special routes
    assert api["Properties"]["ProtocolType"] == "WEBSOCKET"
    assert api["Properties"]["RouteSelectionExpression"] == route_table.ROUTE_SELECTION_EXPRESSION
    assert set(routes) == {"$connect", "$disconnect", "$default"} | REQUIRED_ACTIONS
    # and only $connect is authorized, by the CUSTOM (Lambda REQUEST) authorizer
    assert routes["$connect"]["AuthorizationType"] == "CUSTOM"
    assert "AuthorizerId" in routes["$connect"]
    assert all(r.get("AuthorizationType", "NONE") == "NONE" for k, r in routes.items() if k != "$connect")


def test_routes_use_the_modules_of_the_shared_route_table(synth: Synth) -> None:
    # Given the route table the emulator and replay also read
    deployed = {spec.route: spec.handler for spec in ROUTE_FUNCTIONS}
    # Then every route there is deployed with the same module, and the authorizer too
    for route, module in route_table.ROUTES.items():
        assert deployed[route] == f"{module}.handler"
    assert AUTHORIZER.handler == f"{route_table.AUTHORIZER}.handler"


def test_every_deployed_handler_module_exists() -> None:
    # Given the functions the stack deploys
    missing = [spec.handler for spec in ALL_FUNCTIONS if not (ROOT / "handlers" / f"{spec.module}.py").exists()]
    # Then each handler module is in the repository (some are still being written)
    if missing:
        pytest.xfail(f"handler modules not written yet: {missing}")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_authorizer_is_request_type_on_the_authorization_header(synth: Synth, env: str) -> None:
    # Given the authorizer of $connect
    (authorizer,) = of_websocket(_api(synth, env), "AWS::ApiGatewayV2::Authorizer").values()
    props = authorizer["Properties"]
    # Then it is a REQUEST authorizer (the Lambda) whose identity source is the Authorization header: a connect
    # request without it is answered 401 by API Gateway itself, without invoking (or paying for) the Lambda
    assert props["AuthorizerType"] == "REQUEST"
    assert props["IdentitySource"] == ["route.request.header.Authorization"]
    (authorizer_function,) = (
        logical_id
        for logical_id, f in resources_of(_api(synth, env), "AWS::Lambda::Function").items()
        if f["Properties"].get("Handler") == AUTHORIZER.handler
    )
    aliases = [
        logical_id
        for logical_id, a in resources_of(_api(synth, env), "AWS::Lambda::Alias").items()
        if a["Properties"]["FunctionName"] == {"Ref": authorizer_function}
    ]
    # (with SnapStart, its `live` alias: tests/infrastructure/test_snapstart.py)
    invoked = f"<{aliases[0]}>" if synth.config(env).snap_start else f"<{authorizer_function}.Arn>"
    assert invoked in render(props["AuthorizerUri"])


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_stage_is_throttled_and_logs_without_query_strings(synth: Synth, env: str) -> None:
    # Given the stage
    (stage,) = of_websocket(_api(synth, env), "AWS::ApiGatewayV2::Stage").values()
    props = stage["Properties"]
    config = synth.config(env)
    # Then it is named after the environment, throttled as configured, and its access log format has no
    # query string, header or token in it
    assert props["StageName"] == env
    assert props["DefaultRouteSettings"]["ThrottlingRateLimit"] == config.throttle_rate_limit
    assert props["DefaultRouteSettings"]["ThrottlingBurstLimit"] == config.throttle_burst_limit
    assert props["DefaultRouteSettings"]["LoggingLevel"] == "OFF"
    assert props["DefaultRouteSettings"]["DataTraceEnabled"] is False
    log_format = props["AccessLogSettings"]["Format"]
    assert "$context.connectionId" in log_format
    for leak in ("querystring", "token", "header", "$request"):
        assert leak not in log_format.lower()


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_functions_are_python312_arm64_traced_with_own_log_groups(synth: Synth, env: str) -> None:
    # Given the handler functions
    template = _api(synth, env)
    functions = _handler_functions(template)
    # Then there is one per spec, each Python 3.12 on arm64 with X-Ray active and its own log group
    assert set(functions) == {spec.handler for spec in ALL_FUNCTIONS}
    roles = set()
    for spec in ALL_FUNCTIONS:
        props = functions[spec.handler]
        assert props["Runtime"] == "python3.12"
        assert props["Architectures"] == ["arm64"]
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert props["Timeout"] == spec.timeout_s
        assert props["MemorySize"] == spec.memory_mb
        assert "LogGroup" in props["LoggingConfig"]
        roles.add(props["Role"]["Fn::GetAtt"][0])
    # one role each
    assert len(roles) == len(ALL_FUNCTIONS)
    send = functions["handlers.send_message.handler"]
    assert (send["Timeout"], send["MemorySize"]) == (120, 512)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_log_groups_keep_logs_for_the_environment_retention(synth: Synth, env: str) -> None:
    # Given every log group of the chat API stack (functions and the two APIs' access logs)
    groups = resources_of(_api(synth, env), "AWS::Logs::LogGroup").values()
    # Then each keeps logs for the configured number of days
    assert len(groups) == len(ALL_FUNCTIONS) + 2
    assert {g["Properties"]["RetentionInDays"] for g in groups} == {synth.config(env).log_retention_days}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_function_environment_matches_the_settings_model(synth: Synth, env: str) -> None:
    # Given the settings model's required fields (AWS_REGION is set by the Lambda runtime itself)
    known = set(env_names())
    required = {
        name for name, env_name in zip(Settings.model_fields, env_names(), strict=True)
        if Settings.model_fields[name].is_required()
    }  # fmt: skip
    required_env = {env_names()[list(Settings.model_fields).index(n)] for n in required} - {"AWS_REGION"}
    template = _api(synth, env)
    api_id = websocket_api_id(template)
    for handler, props in _handler_functions(template).items():
        variables = props["Environment"]["Variables"]
        # Then every function gets every required variable, and nothing the settings model does not read
        assert required_env <= set(variables), handler
        assert {v for v in variables if not v.startswith("POWERTOOLS_")} <= known, handler
        assert "AWS_REGION" not in variables
        assert variables["POWERTOOLS_SERVICE_NAME"] == SERVICE
        assert variables["POWERTOOLS_METRICS_NAMESPACE"] == NAMESPACE
        assert variables["BEDROCK_MODEL_ID"] == synth.config(env).bedrock_model_id
        # and the @connections endpoint is this API's stage
        assert render(variables["CONNECTIONS_ENDPOINT_URL"]) == (
            f"https://<{api_id}>.execute-api.{synth.config(env).region}.<AWS::URLSuffix>/{env}"
        )
        for name, table_env in (("Connections", "CONNECTIONS_TABLE"), ("Conversations", "CONVERSATIONS_TABLE")):
            assert variables[table_env] == f"Motivator-{env}-Data-{name}"
        assert "COGNITO_USER_POOL_ID" in variables and "COGNITO_CLIENT_ID" in variables


def test_prod_websocket_api_has_its_custom_domain(synth: Synth) -> None:
    # Given prod synthesized with a custom domain
    template = _api(synth, "prod")
    # Then the API has a regional domain api.<name>, mapped to the stage, with a DNS-validated certificate
    (domain,) = resources_of(template, "AWS::ApiGatewayV2::DomainName").values()
    assert domain["Properties"]["DomainName"] == "api.chatbot.example.com"
    assert resources_of(template, "AWS::ApiGatewayV2::ApiMapping")
    (cert,) = resources_of(template, "AWS::CertificateManager::Certificate").values()
    assert cert["Properties"]["ValidationMethod"] == "DNS"
    (record,) = resources_of(template, "AWS::Route53::RecordSet").values()
    assert record["Properties"]["Name"] == "api.chatbot.example.com."
    assert not resources_of(_api(synth, "dev"), "AWS::ApiGatewayV2::DomainName")
