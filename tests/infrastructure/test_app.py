"""The app as a whole: every stack of every environment synthesizes, passes cdk-nag and cfn-lint."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from cfnlint.api import ManualArgs, lint_file

from cdk.app_builder import stack_name
from cdk.constants import (
    ACCOUNT_STACK,
    APP_NAME,
    AUTH_STACK,
    CHAT_API_STACK,
    CICD_STACK_NAME,
    DATA_STACK,
    EDGE_OBSERVABILITY_STACK,
    EDGE_REGION,
    EDGE_STACK,
    OBSERVABILITY_STACK,
    WEB_STACK,
)

from .conftest import ENVIRONMENTS, Synth

PARTS = (DATA_STACK, AUTH_STACK, CHAT_API_STACK, EDGE_STACK, WEB_STACK, OBSERVABILITY_STACK,
         EDGE_OBSERVABILITY_STACK)  # fmt: skip


def _manifest(synth: Synth) -> dict:
    return json.loads((synth.outdir / "manifest.json").read_text())


def test_every_environment_has_every_stack_in_its_region(synth: Synth) -> None:
    # Given the app synthesized with envs=all
    artifacts = _manifest(synth)["artifacts"]
    # When the stacks are listed with their target environment
    regions = {
        name: artifact["environment"].rsplit("/", 1)[1]
        for name, artifact in artifacts.items()
        if artifact["type"] == "aws:cloudformation:stack"
    }
    # Then each environment has all seven stacks, the edge stacks in us-east-1, plus the one CI/CD stack and one
    # account-settings stack for the environments' region
    (region,) = {synth.config(env).region for env in ENVIRONMENTS}
    account = f"{APP_NAME}-{ACCOUNT_STACK}-{region}"
    expected = {stack_name(env, part) for env in ENVIRONMENTS for part in PARTS} | {CICD_STACK_NAME, account}
    assert set(regions) == expected
    assert regions[account] == region
    for env in ENVIRONMENTS:
        assert regions[stack_name(env, EDGE_STACK)] == EDGE_REGION
        assert regions[stack_name(env, EDGE_OBSERVABILITY_STACK)] == EDGE_REGION
        assert regions[stack_name(env, WEB_STACK)] == synth.config(env).region


def test_api_gateway_account_settings_are_declared_once_per_account_and_region(synth: Synth) -> None:
    # Given every synthesized stack and the account/region it deploys to
    artifacts = _manifest(synth)["artifacts"]
    stacks = {name: a for name, a in artifacts.items() if a["type"] == "aws:cloudformation:stack"}
    holders: dict[str, list[str]] = defaultdict(list)
    for name, artifact in stacks.items():
        template = json.loads((synth.outdir / f"{name}.template.json").read_text())
        for resource in template["Resources"].values():
            if resource["Type"] == "AWS::ApiGateway::Account":
                holders[artifact["environment"]].append(name)
    # Then API Gateway's account-wide CloudWatch role setting is declared by exactly one stack per account and
    # region (several would overwrite each other, and deleting one environment would unset it for the others)
    assert holders
    assert all(len(names) == 1 for names in holders.values()), dict(holders)
    # and every WebSocket stage that logs is deployed after it: its ChatApi stack depends on that stack
    for env in ENVIRONMENTS:
        chat_api = stacks[stack_name(env, CHAT_API_STACK)]
        (holder,) = holders[chat_api["environment"]]
        assert holder in chat_api.get("dependencies", []), env
    # (its own stack, in the first deploy step: see docs/deploy.md)
    assert all(not name.startswith(stack_name(env, "")) for env in ENVIRONMENTS for (name,) in holders.values())


def test_synth_is_quick_enough_for_one_session_fixture(synth: Synth) -> None:
    # Given the session's single synthesis (Lambda asset cached by pip on the first run)
    # Then it stays well inside the test budget
    assert synth.seconds < 120


def test_cdk_nag_reports_no_unacknowledged_finding(synth: Synth) -> None:
    # Given AwsSolutionsChecks registered as a validation plugin (a violation would have failed the synth)
    report = json.loads((synth.outdir / "validation-report.json").read_text())
    # Then no plugin reports a violation, error or warning (a clean run lists no plugin report at all;
    # that the checks did run shows in the acknowledgements cdk-nag wrote, see the next test)
    assert [v["ruleName"] for p in report["pluginReports"] for v in p["violations"]] == []


def test_every_acknowledged_rule_has_a_written_reason(synth: Synth) -> None:
    # Given the acknowledgements cdk-nag writes into each resource's Metadata
    acknowledged = []
    for template_path in synth.outdir.glob("*.template.json"):
        for logical_id, resource in json.loads(template_path.read_text())["Resources"].items():
            for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", []):
                if rule["id"].startswith("AwsSolutions-"):  # CDK adds a few of its own (CloudFormation-Validate)
                    acknowledged.append((template_path.name, logical_id, rule))
    # Then there are some, and each gives a real reason
    assert acknowledged
    for _, _, rule in acknowledged:
        assert len(rule["reason"]) >= 40, rule


def test_cfn_lint_finds_no_errors(synth: Synth) -> None:
    # Given every synthesized template and the region it deploys to
    artifacts = _manifest(synth)["artifacts"]
    errors = []
    for name, artifact in artifacts.items():
        if artifact["type"] != "aws:cloudformation:stack":
            continue
        region = artifact["environment"].rsplit("/", 1)[1]
        # When cfn-lint checks it
        matches = lint_file(Path(synth.outdir / f"{name}.template.json"), config=ManualArgs(regions=[region]))
        errors += [f"{name}: {m}" for m in matches if m.rule.id.startswith("E")]
    # Then nothing is an error (CDK's redundant DependsOn warnings W3005 are tolerated)
    assert errors == []
