"""Least privilege: each function's statements name exactly its actions and resources."""

from __future__ import annotations

import pytest

from cdk.constants import ALL_FUNCTIONS, CHAT_API_STACK
from shared.tables import ALL_TABLES, CONNECTIONS, CONVERSATIONS

from .conftest import ENVIRONMENTS, Synth, as_list, function_policies, render, statements_of, websocket_api_id

ARN_ACCOUNT = "<AWS::AccountId>"


def test_no_statement_anywhere_grants_a_wildcard_action(synth: Synth) -> None:
    # Given every IAM statement of every template
    for template_path in synth.outdir.glob("*.template.json"):
        template = synth.json(template_path.name.removesuffix(".template.json"))
        for logical_id, statement in statements_of(template):
            # Then no action is a wildcard
            for action in as_list(statement.get("Action", [])):
                assert "*" not in action, (template_path.name, logical_id, action)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_function_gets_exactly_its_table_actions_on_its_tables(synth: Synth, env: str) -> None:
    # Given the role statements of each handler
    config = synth.config(env)
    policies = function_policies(synth.stack(env, CHAT_API_STACK))
    indexed = {d.logical_name for d in ALL_TABLES if d.indexes}
    for spec in ALL_FUNCTIONS:
        statements = policies[spec.handler]
        dynamo = [s for s in statements if any(a.startswith("dynamodb:") for a in as_list(s["Action"]))]
        # Then there is one DynamoDB statement per table the spec names, with exactly its actions
        granted = {}
        for statement in dynamo:
            resources = [render(r) for r in as_list(statement["Resource"])]
            table = resources[0].rsplit("/", 1)[1].removeprefix(f"Motivator-{env}-Data-")
            base = f"arn:aws:dynamodb:{config.region}:{ARN_ACCOUNT}:table/Motivator-{env}-Data-{table}"
            expected = [base] + (
                [f"{base}/index/*"] if "dynamodb:Query" in spec.table_actions[table] and table in indexed else []
            )
            assert sorted(resources) == sorted(expected), (spec.name, resources)
            granted[table] = tuple(sorted(as_list(statement["Action"])))
        assert granted == spec.table_actions, spec.name


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_renaming_may_only_update_items_of_the_conversations_table(synth: Synth, env: str) -> None:
    """Given the function behind renameConversation, Then on the Conversations table it may only UpdateItem (one
    conditional write of the person's session item: no read, no delete, no index), and on Connections only what
    every posting function needs to clean up a gone client."""
    policies = function_policies(synth.stack(env, CHAT_API_STACK))
    statements = policies["handlers.rename_conversation.handler"]
    dynamo = {
        render(as_list(s["Resource"])[0]).rsplit("-", 1)[1]: (
            sorted(as_list(s["Action"])),
            [render(r) for r in as_list(s["Resource"])],
        )
        for s in statements
        if any(a.startswith("dynamodb:") for a in as_list(s["Action"]))
    }
    assert dynamo.keys() == {"Conversations", "Connections"}
    actions, resources = dynamo["Conversations"]
    assert actions == ["dynamodb:UpdateItem"]
    assert [r for r in resources if "/index/" in r] == []
    assert dynamo["Connections"][0] == ["dynamodb:DeleteItem", "dynamodb:GetItem"]
    assert not any("bedrock:" in a for s in statements for a in as_list(s["Action"]))


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_manage_connections_only_on_this_stage_post_connections(synth: Synth, env: str) -> None:
    # Given the statements granting execute-api:ManageConnections
    template = synth.stack(env, CHAT_API_STACK)
    api_id = websocket_api_id(template)
    policies = function_policies(template)
    for spec in ALL_FUNCTIONS:
        grants = [s for s in policies[spec.handler] if "execute-api:ManageConnections" in as_list(s["Action"])]
        # Then only posting handlers have it, on this API's stage and POST @connections only
        if not spec.manage_connections:
            assert grants == [], spec.name
            continue
        (grant,) = grants
        assert as_list(grant["Action"]) == ["execute-api:ManageConnections"]
        assert [render(r) for r in as_list(grant["Resource"])] == [
            f"arn:aws:execute-api:{synth.config(env).region}:{ARN_ACCOUNT}:<{api_id}>/{env}/POST/@connections/*"
        ]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_only_send_message_streams_from_the_configured_model(synth: Synth, env: str) -> None:
    # Given the Bedrock statements of every handler
    config = synth.config(env)
    policies = function_policies(synth.stack(env, CHAT_API_STACK))
    for spec in ALL_FUNCTIONS:
        bedrock = [s for s in policies[spec.handler] if any(a.startswith("bedrock:") for a in as_list(s["Action"]))]
        if not spec.invokes_bedrock:
            assert bedrock == [], spec.name
            continue
        # Then sendMessage may only InvokeModelWithResponseStream on the configured foundation model
        (statement,) = bedrock
        assert as_list(statement["Action"]) == ["bedrock:InvokeModelWithResponseStream"]
        assert [render(r) for r in as_list(statement["Resource"])] == [
            f"arn:aws:bedrock:{config.region}::foundation-model/{config.bedrock_model_id}"
        ]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_functions_write_only_their_own_logs_and_traces(synth: Synth, env: str) -> None:
    # Given every handler's statements
    template = synth.stack(env, CHAT_API_STACK)
    for handler, statements in function_policies(template).items():
        logs = [s for s in statements if any(a.startswith("logs:") for a in as_list(s["Action"]))]
        xray = [s for s in statements if any(a.startswith("xray:") for a in as_list(s["Action"]))]
        # Then logs go to the function's own log group and X-Ray is the only "*" resource
        (log_statement,) = logs
        assert sorted(as_list(log_statement["Action"])) == ["logs:CreateLogStream", "logs:PutLogEvents"]
        assert render(log_statement["Resource"]).endswith(".Arn>"), handler
        for statement in statements:
            if statement in xray:
                continue
            assert statement["Resource"] != "*", handler
    # and no function role carries a managed policy
    for logical_id, role in template["Resources"].items():
        if role["Type"] == "AWS::IAM::Role" and "lambda.amazonaws.com" in str(
            role["Properties"]["AssumeRolePolicyDocument"]
        ):
            assert "ManagedPolicyArns" not in role["Properties"], logical_id


def test_authorizer_touches_no_table_no_connection_no_model(synth: Synth) -> None:
    # Given the authorizer's role
    statements = function_policies(synth.stack("prod", CHAT_API_STACK))["handlers.authorizer.handler"]
    actions = {a for s in statements for a in as_list(s["Action"])}
    # Then it can only write its logs and traces
    assert actions == {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def test_share_functions_touch_only_what_a_share_link_needs() -> None:
    """Given the share routes' function specs (which the template's policies are held to above)
    Then making a link cannot delete, listing links can only query, and revoking cannot write new items."""
    by_route = {spec.route: spec.table_actions for spec in ALL_FUNCTIONS if spec.route}
    conversations = CONVERSATIONS.logical_name
    assert by_route["shareVerse"][conversations] == ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query")
    assert by_route["sharedVerses"][conversations] == ("dynamodb:Query",)
    assert by_route["revokeShare"][conversations] == ("dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:UpdateItem")
    # And of the Connections table only the cleanup after a client that left
    for route in ("shareVerse", "sharedVerses", "revokeShare"):
        assert set(by_route[route]) == {conversations, CONNECTIONS.logical_name}
        assert by_route[route][CONNECTIONS.logical_name] == ("dynamodb:DeleteItem", "dynamodb:GetItem")
