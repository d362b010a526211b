"""SnapStart behind the `snapStart` context flag: a published version per handler, invoked through its alias."""

from __future__ import annotations

from typing import Any

from cdk.app_builder import stack_name
from cdk.components.handler_function import LIVE_ALIAS
from cdk.config import load_app_config
from cdk.constants import ALL_FUNCTIONS, CHAT_API_STACK
from devtools.parity.api import websocket_api
from devtools.parity.templates import Templates
from shared import route_table

from .conftest import SNAP_START_ENV, Synth, resources_of


def _handlers(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in resources_of(template, "AWS::Lambda::Function").items()
        if str(resource["Properties"].get("Handler", "")).startswith("handlers.")
    }


def _invoked(template: dict[str, Any]) -> list[Any]:
    """What API Gateway calls: every integration's URI and the Lambda authorizer's (the HTTP API's JWT authorizer
    calls no function)."""
    uris = [
        r["Properties"]["IntegrationUri"] for r in resources_of(template, "AWS::ApiGatewayV2::Integration").values()
    ]
    authorizers = resources_of(template, "AWS::ApiGatewayV2::Authorizer").values()
    uris += [r["Properties"]["AuthorizerUri"] for r in authorizers if "AuthorizerUri" in r["Properties"]]
    return uris


def test_with_snapstart_every_handler_is_snapshotted_and_invoked_through_its_live_alias(synth: Synth) -> None:
    # Given an environment synthesized with snapStart on
    template = synth.stack(SNAP_START_ENV, CHAT_API_STACK)
    handlers = _handlers(template)
    aliases = resources_of(template, "AWS::Lambda::Alias")
    versions = resources_of(template, "AWS::Lambda::Version")
    # Then every handler runs Python 3.12+ with SnapStart on its published versions
    assert len(handlers) == len(ALL_FUNCTIONS)
    assert all(p["SnapStart"] == {"ApplyOn": "PublishedVersions"} for p in handlers.values())
    assert all(p["Runtime"] in {"python3.12", "python3.13"} for p in handlers.values())
    # And each has a published version and a `live` alias on it
    assert len(versions) == len(aliases) == len(handlers)
    assert {a["Properties"]["Name"] for a in aliases.values()} == {LIVE_ALIAS}
    assert {a["Properties"]["FunctionName"]["Ref"] for a in aliases.values()} == set(handlers)
    # And API Gateway invokes the aliases ($LATEST is never restored from a snapshot), with permission to
    alias_ids = set(aliases)
    assert all(alias_ids & set(_refs(uri)) and not set(handlers) & set(_refs(uri)) for uri in _invoked(template))
    permitted = {
        _refs(p["Properties"]["FunctionName"])[0] for p in resources_of(template, "AWS::Lambda::Permission").values()
    }
    assert alias_ids <= permitted


def test_without_snapstart_the_functions_are_invoked_directly_and_nothing_is_published(synth: Synth) -> None:
    # Given dev, synthesized with the flag's default (off)
    template = synth.stack("dev", CHAT_API_STACK)
    handlers = _handlers(template)
    # Then no handler is snapshotted, no version or alias is published, and API Gateway calls the functions
    assert not any("SnapStart" in p for p in handlers.values())
    assert not resources_of(template, "AWS::Lambda::Alias") and not resources_of(template, "AWS::Lambda::Version")
    assert all(set(handlers) & set(_refs(uri)) for uri in _invoked(template))


def test_the_flag_can_be_set_for_every_environment_from_the_command_line(synth: Synth) -> None:
    # When `-c snapStart=true` (or false) is passed
    on = load_app_config({**synth.context, "snapStart": "true"})
    off = load_app_config({**synth.context, "snapStart": "false"})
    # Then it applies to every environment, over cdk.json
    assert all(env.snap_start for env in on.environments.values())
    assert not any(env.snap_start for env in off.environments.values())


def test_the_local_stack_built_from_a_snapstart_template_runs_each_routes_own_handler(synth: Synth) -> None:
    # Given the templates of the environment with SnapStart on (API Gateway pointing at aliases)
    templates = Templates(synth.outdir)
    chat = stack_name(SNAP_START_ENV, CHAT_API_STACK)
    templates.stacks = {name: stack for name, stack in templates.stacks.items() if name == chat}
    # When `motivator dev --from-cdk` reads its WebSocket API
    api = websocket_api(templates)
    # Then every route (and the authorizer) resolves through its alias to the function running that route's handler
    handlers = {key: fn.function.properties["Handler"] for key, fn in api.routes.items()}
    assert handlers == {key: f"{module}.handler" for key, module in route_table.ROUTES.items()}
    assert api.authorizer is not None
    assert api.authorizer.function.properties["Handler"] == f"{route_table.AUTHORIZER}.handler"


def _refs(expression: Any) -> list[str]:
    """Logical IDs an expression refers to (Ref and Fn::GetAtt)."""
    if isinstance(expression, dict):
        if "Ref" in expression:
            return [expression["Ref"]]
        if "Fn::GetAtt" in expression:
            return [expression["Fn::GetAtt"][0]]
        return [ref for value in expression.values() for ref in _refs(value)]
    if isinstance(expression, list):
        return [ref for value in expression for ref in _refs(value)]
    return []
