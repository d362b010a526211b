"""The Lambda asset as deployed: every function's handler imported from the asset folder alone (`python -I -S`, no
repository, no site-packages) and invoked on a captured API Gateway event, with the environment its template gives
it; only the values naming AWS resources and the endpoint URLs point at the local stack instead.

The deployed asset holds aarch64 / CPython 3.12 wheels, which this machine cannot import, so the same recipe
(cdk/lambda_asset.py) is built for this machine's CPython (`host_target`); a test holds the two to the same packages.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from cdk.constants import ALL_FUNCTIONS, AUTHORIZER, CHAT_API_STACK, FunctionSpec
from cdk.lambda_asset import LambdaAsset, build_lambda_asset, host_target
from devtools.parity.environment import ENDPOINT_VARIABLES, LOCAL_ONLY, RUNTIME_VARIABLES, SETTINGS_ENV
from devtools.stack import LocalStack, Ports, StackOptions
from shared import route_table
from shared.tables import ALL_TABLES
from tests.conftest import load_event
from tests.stackclient import token_for

from .conftest import Synth, resources_of

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ENV = "dev"
#: Template variables whose value is a reference to another resource (a token), and where the local one comes from.
REFERENCES = {SETTINGS_ENV[f] for f in ("cognito_user_pool_id", "cognito_client_id", "connections_endpoint_url")}
#: A valid body for each route (the routes' own models are in shared/protocol.py).
BODIES: dict[str, dict[str, Any]] = {
    route_table.DEFAULT: {"action": "noSuchAction"},
    "sendMessage": {"action": "sendMessage", "message": "I feel anxious about tomorrow", "clientMessageId": "asset-1"},
    "ping": {"action": "ping"},
    "feedback": {"action": "feedback", "sessionId": "s-asset", "messageId": "m-asset", "helpful": True},
    "history": {"action": "history"},
    "resume": {"action": "resume", "messageId": "m-asset", "afterSeq": 0},
    "stop": {"action": "stop", "messageId": "m-asset"},
    "deleteHistory": {"action": "deleteHistory", "sessionId": "s-asset"},
    "renameConversation": {"action": "renameConversation", "sessionId": "s-asset", "title": "Asset"},
    # Verse capabilities (issue 17); verseOfTheDay reads a translation's text from the asset.
    "settings": {"action": "settings", "translation": "KJV"},
    "verseOfTheDay": {"action": "verseOfTheDay", "translation": "YLT"},
    "anotherVerse": {"action": "anotherVerse", "messageId": "m-asset", "clientMessageId": "asset-2"},
    "saveVerse": {"action": "saveVerse", "messageId": "m-asset"},
    "savedVerses": {"action": "savedVerses"},
    # Share links (issue 17 item 3): an unknown answer and link are answered not_found, as frames.
    "shareVerse": {"action": "shareVerse", "messageId": "m-asset", "line": "For you"},
    "sharedVerses": {"action": "sharedVerses"},
    "revokeShare": {"action": "revokeShare", "shareId": "s-asset-0000000000000"},
}
#: Runs one handler as Lambda's runtime would: the asset is the only thing on sys.path besides the standard library.
RUNNER = """
import importlib, json, sys
asset, module, event_path, out_path = sys.argv[1:5]
sys.path.insert(0, asset)

class Context:
    function_name = "motivator-asset"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:motivator-asset"
    memory_limit_in_mb = 256
    aws_request_id = "asset-run"
    log_group_name = log_stream_name = "asset"
    def get_remaining_time_in_millis(self):
        return 60000

try:
    result = {"returned": importlib.import_module(module).handler(json.load(open(event_path)), Context())}
except Exception as exc:
    result = {"raised": str(exc), "type": type(exc).__name__}
result["outside"] = sorted(
    m.__file__ for m in list(sys.modules.values())
    if getattr(m, "__file__", None) and not m.__file__.startswith((asset, sys.base_prefix))
)
json.dump(result, open(out_path, "w"))
"""


def _extension_neutral(name: str) -> str:
    return re.sub(r"\.cpython-\d+-[\w-]+\.so$", ".so", re.sub(r"-[\d.]+\.dist-info$", ".dist-info", name))


@pytest.fixture(scope="module")
def host_asset() -> LambdaAsset:
    started = time.perf_counter()
    asset = build_lambda_asset(ROOT, ROOT / "build" / "host", host_target())
    print(f"\nhost Lambda asset ready in {time.perf_counter() - started:.1f} s: {asset.path}")
    return asset


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory, synth: Synth) -> Iterator[LocalStack]:
    """The local stack, plus the tables under the names the template gives the functions (shared definitions)."""
    options = StackOptions(state_dir=tmp_path_factory.mktemp("asset-stack"), ports=Ports.free(), model="composer",
                           seed=7, token_delay_ms=0)  # fmt: skip
    stack = LocalStack(options, progress=lambda line: None)
    stack.start()
    try:
        dynamodb: Any = boto3.client(
            "dynamodb",
            endpoint_url=stack.endpoints["dynamodb_url"],
            aws_access_key_id=stack.handler_env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=stack.handler_env["AWS_SECRET_ACCESS_KEY"],
            region_name=stack.endpoints["region"],
        )
        variables = _template_environment(synth, AUTHORIZER)
        for definition in ALL_TABLES:
            dynamodb.create_table(**definition.create_table_kwargs(variables[SETTINGS_ENV[definition.setting]]))
        yield stack
    finally:
        stack.stop()


def _template_environment(synth: Synth, spec: FunctionSpec) -> dict[str, Any]:
    template = synth.stack(ENV, CHAT_API_STACK)
    (function,) = (
        f["Properties"]
        for f in resources_of(template, "AWS::Lambda::Function").values()
        if f["Properties"].get("Handler") == spec.handler
    )
    variables: dict[str, Any] = function["Environment"]["Variables"]
    return variables


def _environment(synth: Synth, spec: FunctionSpec, stack: LocalStack) -> dict[str, str]:
    """The function's template environment; references and endpoints from the local stack; what Lambda defines."""
    template = _template_environment(synth, spec)
    tokens = {name for name, value in template.items() if not isinstance(value, str)}
    assert tokens == REFERENCES, f"{spec.name}: template values this test cannot stand in for: {tokens - REFERENCES}"
    local = stack.handler_env
    return {
        **{name: value if isinstance(value, str) else local[name] for name, value in template.items()},
        **{name: local[name] for name in (*ENDPOINT_VARIABLES, *RUNTIME_VARIABLES) if name in local},
        **LOCAL_ONLY,
    }


def _invoke(asset: LambdaAsset, spec: FunctionSpec, event: dict[str, Any], env: dict[str, str], work: Path) -> Any:
    event_path, out_path = work / f"{spec.name}-event.json", work / f"{spec.name}-result.json"
    event_path.write_text(json.dumps(event))
    done = subprocess.run(
        [getattr(sys, "_base_executable", sys.executable), "-I", "-S", "-c", RUNNER, str(asset.path),
         spec.module_path, str(event_path), str(out_path)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out_path.read_text())
    assert result["outside"] == [], f"{spec.name} imported from outside the asset: {result['outside']}"
    return result


def _with_authorizer(event: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """As API Gateway passes the authorizer's principal and context to every route of the connection."""
    event["requestContext"]["authorizer"] = {"principalId": context["userId"], **context}
    return event


@pytest.fixture(scope="module")
def allowed(host_asset: LambdaAsset, local: LocalStack, synth: Synth, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The authorizer's answer to the captured $connect request carrying the demo user's access token."""
    event = load_event("websocket-authorizer-request")
    bearer = f"Bearer {token_for(local.endpoints)}"
    event["headers"]["Authorization"], event["multiValueHeaders"]["Authorization"] = bearer, [bearer]
    env = _environment(synth, AUTHORIZER, local)
    return _invoke(host_asset, AUTHORIZER, event, env, tmp_path_factory.mktemp("authorizer"))


def test_the_host_build_holds_what_the_deployed_asset_holds(synth: Synth, host_asset: LambdaAsset) -> None:
    # Given the asset the synth deployed (aarch64, CPython 3.12) and the same recipe built for this machine
    deployed = synth.motivator.lambda_asset.path
    # Then both hold the same packages, modules and handler sources (extension modules differ only by their tag)
    assert {_extension_neutral(p.name) for p in deployed.iterdir()} == {
        _extension_neutral(p.name) for p in host_asset.path.iterdir()
    }
    for package in ("handlers", "shared"):
        assert sorted(p.relative_to(deployed).as_posix() for p in (deployed / package).rglob("*.py")) == sorted(
            p.relative_to(host_asset.path).as_posix() for p in (host_asset.path / package).rglob("*.py")
        )


def test_the_authorizer_allows_a_cognito_token_from_the_asset_alone(allowed: Any) -> None:
    # Given the captured authorizer request with the demo user's access token, run from the asset
    answer = allowed["returned"]
    # Then the policy allows $connect for that user and passes their identity on
    (statement,) = answer["policyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert answer["principalId"] == answer["context"]["userId"]


def test_the_authorizer_refuses_the_captured_request_as_401(
    host_asset: LambdaAsset, local: LocalStack, synth: Synth, tmp_path: Path
) -> None:
    # Given the captured authorizer request as AWS sent it (its Authorization header is not a bearer token)
    event = load_event("websocket-authorizer-request")
    # When the authorizer runs from the asset, Then it raises exactly "Unauthorized" (API Gateway's 401)
    result = _invoke(host_asset, AUTHORIZER, event, _environment(synth, AUTHORIZER, local), tmp_path)
    assert result.get("raised") == "Unauthorized", result


@pytest.mark.parametrize("spec", [s for s in ALL_FUNCTIONS if s.route], ids=lambda s: s.name)
def test_each_route_handler_answers_a_captured_event_from_the_asset_alone(
    spec: FunctionSpec, host_asset: LambdaAsset, local: LocalStack, synth: Synth, allowed: Any, tmp_path: Path
) -> None:
    # Given the captured event of the route's kind, on a connection the authorizer allowed
    context = allowed["returned"]["context"]
    if spec.route == route_table.CONNECT:
        event = _with_authorizer(load_event("websocket-connect"), context)
    elif spec.route == route_table.DISCONNECT:
        event = _with_authorizer(load_event("websocket-disconnect"), context)
    else:
        event = _with_authorizer(load_event("websocket-message"), context)
        event["requestContext"]["routeKey"] = spec.route
        event["body"] = json.dumps(BODIES[str(spec.route)])
    # When its handler runs from the asset with its template's environment
    result = _invoke(host_asset, spec, event, _environment(synth, spec, local), tmp_path)
    # Then it answers API Gateway with 200 (frames for a client that is not there are dropped, not raised)
    assert result.get("returned") == {"statusCode": 200}, result


def test_the_rest_handler_serves_its_openapi_document_from_the_asset_alone(
    host_asset: LambdaAsset, local: LocalStack, synth: Synth, tmp_path: Path
) -> None:
    """Given an HTTP API (payload 2.0) request for the REST API's OpenAPI document
    When the REST function runs it from the asset with its template's environment
    Then it answers 200 with the document generated from the models (the asset holds what the resolver needs)."""
    from cdk.constants import REST_API
    from shared.rest import paths

    route = f"GET {paths.OPENAPI}"
    http = {"method": "GET", "path": paths.OPENAPI, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "t"}
    event = {
        "version": "2.0",
        "routeKey": route,
        "rawPath": paths.OPENAPI,
        "rawQueryString": "",
        "headers": {"host": "api.example"},
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "api",
            "domainName": "api.example",
            "domainPrefix": "api",
            "http": http,
            "requestId": "r1",
            "routeKey": route,
            "stage": "$default",
            "time": "01/Dec/2026:12:00:00 +0000",
            "timeEpoch": 1796126400000,
        },
        "isBase64Encoded": False,
    }
    result = _invoke(host_asset, REST_API, event, _environment(synth, REST_API, local), tmp_path)
    returned = result.get("returned") or {}
    assert returned.get("statusCode") == 200, result
    assert "ChatRequest" in json.loads(returned["body"])["components"]["schemas"]


def test_the_verse_card_is_drawn_from_the_asset_alone(host_asset: LambdaAsset, tmp_path: Path) -> None:
    """Given the asset (Lambda has no system fonts or imaging libraries)
    When shared/card.py draws a card with only the asset and the standard library on sys.path
    Then it is a 1200x630 PNG, drawn with the bundled font and Pillow from the asset."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from shared.card import render_card; from shared.verses import verse_of;"
        "import PIL; assert PIL.__file__.startswith(sys.argv[1]), PIL.__file__;"
        "png = render_card(verse_of('John 3:16', 'KJV'), 'For you'); open(sys.argv[2], 'wb').write(png)"
    )
    out = tmp_path / "card.png"
    done = subprocess.run(
        [getattr(sys, "_base_executable", sys.executable), "-I", "-S", "-c", script, str(host_asset.path), str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 630)
