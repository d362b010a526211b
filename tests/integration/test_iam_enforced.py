"""IAM enforced locally: each function runs with its own role's policy from the template, so a call that policy does
not allow fails here as it would in AWS (DynamoDB in moto, @connections in the gateway, Bedrock in the local
endpoint), and with the template's policies every route does its job."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from websockets.exceptions import InvalidStatus

from devtools.gateway.wiring import Wiring
from devtools.stack import WIRING_FILE, LocalStack
from tests.stackclient import ask, bedrock, collect, open_ws, token_for


def _function(cdk_stack: LocalStack, route: str) -> str:
    assert cdk_stack.provisioned is not None
    return cdk_stack.provisioned.api.routes[route].local_name


@contextlib.contextmanager
def without_statement(cdk_stack: LocalStack, route: str, sid: str) -> Iterator[None]:
    """The route's function loses one statement of its role's policy (by Sid) until the block ends."""
    assert cdk_stack.provisioned is not None
    name = _function(cdk_stack, route)
    granted = list(cdk_stack.provisioned.sessions[name].statements)
    kept = [s for s in granted if s.get("Sid") != sid]
    assert len(kept) == len(granted) - 1, f"{name} has no statement {sid}"
    cdk_stack.replace_role_statements(name, kept)
    try:
        yield
    finally:
        cdk_stack.replace_role_statements(name, granted)


def _session_client(cdk_stack: LocalStack, route: str, service: str) -> Any:
    """A client signed with the route's function's own role session (its sandbox's credentials)."""
    function = Wiring.load(cdk_stack.state_dir / WIRING_FILE).routes[route]
    env = function.environment
    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=cdk_stack.endpoints["dynamodb_url"],
        region_name=env["AWS_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=env["AWS_SESSION_TOKEN"],
    )


async def test_with_the_templates_policies_every_route_does_its_job(cdk_endpoints: dict[str, Any]) -> None:
    # Given a signed-in person on the template-driven stack, every function holding only its role's policy
    ws = await open_ws(cdk_endpoints, token_for(cdk_endpoints))
    try:
        # When they chat, look back, rate an answer, resume it, stop, ping, send nonsense, rename the conversation
        # and delete their history
        answer = await ask(ws, "I feel anxious about my exam tomorrow")
        done = answer.of("done")[0]
        session_id, message_id = answer.of("ack")[0]["sessionId"], done["messageId"]
        replies = {}
        for frame, until in (
            ({"action": "history"}, {"history"}),
            ({"action": "history", "sessionId": session_id}, {"history"}),
            ({"action": "feedback", "sessionId": session_id, "messageId": message_id, "helpful": True},
             {"feedbackRecorded"}),
            ({"action": "resume", "messageId": message_id, "afterSeq": 0}, {"done"}),
            ({"action": "stop", "messageId": message_id}, {"error"}),  # already done: nothing to stop
            ({"action": "ping"}, {"pong"}),
            ({"action": "noSuchThing"}, {"error"}),
            ({"action": "renameConversation", "sessionId": session_id, "title": "Exam week"}, {"conversationRenamed"}),
            ({"action": "deleteHistory"}, {"history"}),
        ):  # fmt: skip
            await ws.send(json.dumps(frame))
            replies[frame["action"]] = (await collect(ws, until=until | {"error"}, timeout=15)).frames

        # Then the answer was streamed by the model and stored, and no route failed for want of a permission
        assert done["fallback"] is False and done.get("stored", True) is True
        gateway_errors = [f for frames in replies.values() for f in frames if "type" not in f]
        assert gateway_errors == []
        coded = {action: f["code"] for action, frames in replies.items() for f in frames if f.get("type") == "error"}
        assert coded == {"noSuchThing": "unknown_action", "stop": "not_found"}
        assert replies["renameConversation"][-1]["title"] == "Exam week"
        assert replies["deleteHistory"][-1] == {"type": "history", "items": []}  # the emptied list
    finally:
        await ws.close()


async def test_without_putitem_on_the_conversations_table_the_answer_is_not_stored(
    cdk_stack: LocalStack, cdk_endpoints: dict[str, Any]
) -> None:
    # Given sendMessage's role without its statement on the Conversations table
    ws = await open_ws(cdk_endpoints, token_for(cdk_endpoints))
    try:
        with without_statement(cdk_stack, "sendMessage", "ConversationsTable"):
            # When the person sends a message
            answer = await ask(ws, "I feel lonely tonight", timeout=30)

        # Then the answer still streams, but done says it could not be stored, as DynamoDB refused the write
        assert answer.text
        assert answer.of("done")[0]["stored"] is False
    finally:
        await ws.close()


async def test_without_manage_connections_the_post_is_refused(
    cdk_stack: LocalStack, cdk_endpoints: dict[str, Any]
) -> None:
    # Given ping's role without execute-api:ManageConnections
    ws = await open_ws(cdk_endpoints, token_for(cdk_endpoints))
    try:
        with without_statement(cdk_stack, "ping", "PostToOwnConnections"):
            # When the client pings
            await ws.send(json.dumps({"action": "ping"}))
            reply = json.loads(await asyncio.wait_for(ws.recv(), 15))

        # Then no pong arrives: the handler's PostToConnection was refused, and API Gateway reports its failure
        assert reply == {
            "message": "Internal server error",
            "connectionId": reply["connectionId"],
            "requestId": reply["requestId"],
        }
        log = cdk_stack.log_path("gateway").read_text()
        assert "ForbiddenException" in log and "execute-api:ManageConnections" in log
    finally:
        await ws.close()


async def test_without_the_model_statement_the_composer_answers(
    cdk_stack: LocalStack, cdk_endpoints: dict[str, Any]
) -> None:
    # Given sendMessage's role without bedrock:InvokeModelWithResponseStream
    ws = await open_ws(cdk_endpoints, token_for(cdk_endpoints))
    bedrock(cdk_endpoints, "/_stats/reset", {})
    try:
        with without_statement(cdk_stack, "sendMessage", "StreamFromModel"):
            # When the person sends a message
            answer = await ask(ws, "I feel tired of everything at work", timeout=30)

        # Then Bedrock refused the call before any model ran, and the offline composer wrote the answer
        assert answer.of("done")[0]["fallback"] is True
        assert bedrock(cdk_endpoints, "/_stats")["completed"] == 0
        assert "refused bedrock:InvokeModelWithResponseStream" in cdk_stack.log_path("bedrock").read_text()
    finally:
        await ws.close()


async def test_without_putitem_on_the_connections_table_a_connect_is_refused(
    cdk_stack: LocalStack, cdk_endpoints: dict[str, Any]
) -> None:
    # Given $connect's role without its statement on the Connections table
    token = token_for(cdk_endpoints)
    with without_statement(cdk_stack, "$connect", "ConnectionsTable"), pytest.raises(InvalidStatus) as refused:
        # When a signed-in person connects
        await open_ws(cdk_endpoints, token)

    # Then the connect handler cannot record the connection and the handshake fails
    assert refused.value.response.status_code == 500


def test_a_functions_keys_reach_only_the_tables_its_policy_names(cdk_stack: LocalStack) -> None:
    # Given ping's own role session (it may read and delete connection records, nothing else)
    dynamodb = _session_client(cdk_stack, "ping", "dynamodb")
    tables = cdk_stack.endpoints["tables"]

    # When it reads a connection record, then writes to the conversations table
    dynamodb.get_item(TableName=tables["connections_table"], Key={"connectionId": {"S": "none"}})
    with pytest.raises(ClientError) as refused:
        dynamodb.put_item(TableName=tables["conversations_table"], Item={"pk": {"S": "x"}, "sk": {"S": "y"}})

    # Then DynamoDB allows the first and refuses the second, naming the action and the table
    error = refused.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert "dynamodb:PutItem" in error["Message"] and tables["conversations_table"] in error["Message"]


def test_unknown_keys_are_refused_by_every_service(cdk_endpoints: dict[str, Any]) -> None:
    # Given keys no role session or user has
    keys = {"aws_access_key_id": "ASIA" + uuid.uuid4().hex[:16].upper(), "aws_secret_access_key": "x" * 40}
    region = cdk_endpoints["region"]

    def client(service: str, url: str) -> Any:
        return boto3.client(service, endpoint_url=url, region_name=region, **keys)  # type: ignore[call-overload]

    calls = {
        "dynamodb": lambda: client("dynamodb", cdk_endpoints["dynamodb_url"]).list_tables(),
        "@connections": lambda: client("apigatewaymanagementapi", cdk_endpoints["connections_url"]).get_connection(
            ConnectionId="AAAAAAAAAAAAAAA="
        ),
        "bedrock": lambda: client("bedrock-runtime", cdk_endpoints["bedrock_url"]).converse(
            modelId="anthropic.claude-3-haiku-20240307-v1:0", messages=[{"role": "user", "content": [{"text": "hi"}]}]
        ),
    }
    # When each is called with them
    refusals = {}
    for name, call in calls.items():
        with pytest.raises(ClientError) as refused:
            call()
        refusals[name] = refused.value.response["ResponseMetadata"]["HTTPStatusCode"]

    # Then each refuses the caller, as AWS does an unrecognized key
    assert refusals == {"dynamodb": 400, "@connections": 403, "bedrock": 403}
