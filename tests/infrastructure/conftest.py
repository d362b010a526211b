"""One synthesis of every stack of every environment per test session (a synth costs seconds, not ms)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import pytest
from aws_cdk import App
from aws_cdk.assertions import Template

from cdk.app_builder import MotivatorApp, build, stack_name
from cdk.config import default_context, load_app_config
from cdk.nag import render as render

ENVIRONMENTS = ("dev", "staging", "prod")
#: prod is synthesized with a custom domain so the Route 53 / ACM path is proved too.
#: staging and prod refuse to synthesize without an alarm address; dev is synthesized without one.
EXAMPLE_ALARM_EMAIL = {"staging": "ops-staging@example.com", "prod": "ops@example.com"}
#: staging and prod send Cognito's emails through SES from this address (they refuse to synthesize without one).
EXAMPLE_EMAIL_FROM = {"staging": "no-reply-staging@example.com", "prod": "no-reply@example.com"}
#: prod is synthesized with a geo rule too, so the WAF's country block is proved.
EXAMPLE_GEO_BLOCK = ["KP", "CU"]
#: Synthesized with SnapStart on, so the published version and alias are proved (and nagged, and linted) too.
SNAP_START_ENV = "staging"
EXAMPLE_DOMAIN = {"name": "chatbot.example.com", "hostedZoneId": "Z0123456789EXAMPLE", "zoneName": "example.com"}


@dataclass
class Synth:
    motivator: MotivatorApp
    outdir: Path
    seconds: float
    context: dict[str, Any]

    def json(self, name: str) -> dict[str, Any]:
        return json.loads((self.outdir / f"{name}.template.json").read_text())

    def template(self, name: str) -> Template:
        return Template.from_json(self.json(name))

    def stack(self, env: str, part: str) -> dict[str, Any]:
        return self.json(stack_name(env, part))

    def resources(self, name: str, resource_type: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.json(name)["Resources"].items() if v["Type"] == resource_type}

    def config(self, env: str) -> Any:
        return load_app_config(self.context).environments[env]


_SESSION: list[Synth] = []


def synthesize(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """The session's one synthesis of every environment, made on first use (tests outside this folder that need
    the templates, e.g. the deployed web container's, call this too rather than synthesizing again)."""
    if not _SESSION:
        context = default_context()
        context["envs"] = "all"
        context["environments"]["prod"] = {
            **context["environments"]["prod"],
            "domain": EXAMPLE_DOMAIN,
            "geoBlockCountries": EXAMPLE_GEO_BLOCK,
        }
        context["environments"][SNAP_START_ENV] = {**context["environments"][SNAP_START_ENV], "snapStart": True}
        for env, email in EXAMPLE_ALARM_EMAIL.items():
            context["environments"][env] = {**context["environments"][env], "alarmEmail": email}
        for env, sender in EXAMPLE_EMAIL_FROM.items():
            context["environments"][env] = {**context["environments"][env], "emailFrom": sender}
        outdir = tmp_path_factory.mktemp("cdk.out")
        started = time.perf_counter()
        app = App(context=context, outdir=str(outdir))
        motivator = build(app)
        app.synth()
        seconds = time.perf_counter() - started
        print(f"\nsynthesized {len(motivator.stacks())} stacks in {seconds:.1f} s")
        _SESSION.append(Synth(motivator=motivator, outdir=outdir, seconds=seconds, context=context))
    return _SESSION[0]


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return synthesize(tmp_path_factory)


def resources_of(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


def websocket_api_id(template: dict[str, Any]) -> str:
    """The logical id of the template's WebSocket API (the REST API is an HTTP API beside it)."""
    (api_id,) = [
        k
        for k, v in resources_of(template, "AWS::ApiGatewayV2::Api").items()
        if v["Properties"].get("ProtocolType") == "WEBSOCKET"
    ]
    return api_id


def of_websocket(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """The resources of this type that belong to the WebSocket API (routes, authorizers, stages)."""
    api_id = websocket_api_id(template)
    return {
        k: v
        for k, v in resources_of(template, resource_type).items()
        if v["Properties"].get("ApiId") == {"Ref": api_id}
    }


def statements_of(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(policy logical id, statement) for every inline and managed IAM policy of a template."""
    found = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                found.append((logical_id, statement))
        if resource["Type"] == "AWS::IAM::Role":
            for policy in resource["Properties"].get("Policies", []):
                for statement in policy["PolicyDocument"]["Statement"]:
                    found.append((logical_id, statement))
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def function_policies(template: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Handler (e.g. handlers.connect.handler) -> the statements of its role's policies."""
    by_role: dict[str, list[dict[str, Any]]] = {}
    for resource in resources_of(template, "AWS::IAM::Policy").values():
        for role in resource["Properties"]["Roles"]:
            by_role.setdefault(role["Ref"], []).extend(resource["Properties"]["PolicyDocument"]["Statement"])
    result = {}
    for function in resources_of(template, "AWS::Lambda::Function").values():
        props = function["Properties"]
        if str(props.get("Handler", "")).startswith("handlers."):
            result[props["Handler"]] = by_role.get(props["Role"]["Fn::GetAtt"][0], [])
    return result
