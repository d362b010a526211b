"""The handlers themselves accept the events captured in AWS, against the real local stack."""

from __future__ import annotations

import asyncio
import importlib
import json
import time
import uuid
from typing import Any

import pytest

from devtools.stack import LocalStack
from tests.conftest import load_event


@pytest.fixture
def handlers(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in stack.handler_env.items():
        monkeypatch.setenv(name, value)
    from shared import settings

    settings.get_settings.cache_clear()

    class Handlers:
        def __getattr__(self, module: str) -> Any:
            return importlib.import_module(f"handlers.{module}").handler

    return Handlers()


def test_captured_authorizer_event_without_bearer_token_is_unauthorized(handlers: Any, lambda_context: Any) -> None:
    # Given the captured authorizer event (its Authorization header is not a bearer token)
    event = load_event("websocket-authorizer-request")
    # When the authorizer runs, Then it raises exactly "Unauthorized" (API Gateway answers 401)
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        handlers.authorizer(event, lambda_context)


def test_captured_connect_event_without_authorizer_context_is_refused(handlers: Any, lambda_context: Any) -> None:
    # Given the captured $connect event, which carries no authorizer context
    # When the connect handler runs, Then it refuses rather than storing an anonymous connection
    assert handlers.connect(load_event("websocket-connect"), lambda_context) == {"statusCode": 401}


@pytest.mark.parametrize("module", ["default", "send_message", "ping"])
def test_captured_message_event_is_answered_even_when_the_client_is_gone(
    module: str, handlers: Any, lambda_context: Any
) -> None:
    # Given the captured MESSAGE event for a connection that does not exist here
    event = load_event("websocket-message")
    # When a message handler runs, Then it parses the event, tries to answer, and returns 200
    assert getattr(handlers, module)(event, lambda_context) == {"statusCode": 200}


def test_captured_disconnect_event_is_accepted(handlers: Any, lambda_context: Any) -> None:
    # Given the captured $disconnect event, When the handler runs, Then it returns 200
    assert handlers.disconnect(load_event("websocket-disconnect"), lambda_context) == {"statusCode": 200}


def _live_connection(endpoints: dict[str, Any], token: str) -> str:
    """The connection id the gateway gave this user's open socket (from the connections table)."""
    import jwt
    from boto3.dynamodb.conditions import Attr

    from tests.stackclient import dynamodb_table

    user_id = jwt.decode(token, options={"verify_signature": False})["sub"]
    table = dynamodb_table(endpoints, "connections_table")
    # A scan: the service itself never looks connections up by user, so the table has no index for it.
    items = table.scan(FilterExpression=Attr("userId").eq(user_id), ConsistentRead=True)["Items"]
    assert len(items) == 1, items
    return str(items[0]["connectionId"])


def _message_event(connection_id: str, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
    event = load_event("websocket-message")
    context = event["requestContext"]
    context.update(connectionId=connection_id, routeKey=body["action"], authorizer={"principalId": user_id})
    event["body"] = json.dumps(body)
    return event


async def test_resume_of_an_answer_whose_writer_is_gone_ends_before_the_lambda_times_out(
    stack: LocalStack, handlers: Any, lambda_context: Any, new_user: Any
) -> None:
    import jwt

    from shared.conversations import ConversationRepository
    from shared.protocol import Meta, Verse
    from shared.records import Chunk
    from tests.stackclient import collect, dynamodb_table, open_ws

    # Given an answer whose writer stored meta and a delta a moment ago and then died
    endpoints = stack.endpoints
    token = new_user()
    user_id = str(jwt.decode(token, options={"verify_signature": False})["sub"])
    repo = ConversationRepository(dynamodb_table(endpoints, "conversations_table"))
    message_id = str(uuid.uuid4())
    repo.start_turn(user_id=user_id, session_id="s1", message_id=message_id, client_message_id="c1", message="hi")
    verse = Verse(reference="Psalm 34:18", text="Yahweh is near to those who have a broken heart.")
    repo.set_meta(message_id, Meta(messageId=message_id, emotion="sad", confidence=0.8, verse=verse))
    repo.append_chunk(message_id, Chunk(1, [(1, "You are not alone.")]))
    # And a person connected, and a resume handler with four seconds left of its timeout
    ws = await open_ws(endpoints, token)
    connection_id = _live_connection(endpoints, token)
    context = type(lambda_context)(function_name="motivator-resume", timeout_s=4.0)
    event = _message_event(connection_id, user_id, {"action": "resume", "messageId": message_id, "afterSeq": 0})
    # When the handler resumes it
    started = time.monotonic()
    result = await asyncio.to_thread(handlers.resume, event, context)
    elapsed = time.monotonic() - started
    resumed = await collect(ws, timeout=5)
    await ws.close()
    # Then it returned before its timeout, with time to spare
    assert result == {"statusCode": 200} and elapsed < 4.0 and context.get_remaining_time_in_millis() > 0
    # And the person got meta, the stored text and a done saying the answer is incomplete
    assert resumed.types == ["meta", "delta", "done"] and resumed.text == "You are not alone."
    assert resumed.of("done")[0]["stopReason"] == "error"


async def test_a_frame_over_the_message_limit_is_refused_as_too_large_and_the_connection_lives_on(
    stack: LocalStack, handlers: Any, new_user: Any
) -> None:
    from shared import aws, limits
    from shared.protocol import Error, ErrorCode, Pong
    from shared.settings import get_settings
    from shared.sinks import ConnectionPoster, FrameTooLarge
    from tests.stackclient import open_ws

    # Given a person connected, and the poster the handlers use
    endpoints = stack.endpoints
    token = new_user()
    ws = await open_ws(endpoints, token)
    poster = ConnectionPoster(aws.management_api(get_settings()), _live_connection(endpoints, token))
    # When a frame larger than API Gateway's 128 KB message limit is posted
    huge = Error(code=ErrorCode.INTERNAL, message="x" * (limits.WS_MESSAGE_MAX_BYTES + 1))
    with pytest.raises(FrameTooLarge):
        await asyncio.to_thread(poster.send, huge)
    # Then it is refused as too large (not as a generic failure), and the next frame still arrives
    await asyncio.to_thread(poster.send, Pong())
    assert json.loads(await asyncio.wait_for(ws.recv(), timeout=5)) == {"type": "pong"}
    await ws.close()
