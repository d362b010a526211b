"""Conversations are kept for the configured number of days: every item they leave in storage says when it goes."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
from boto3.dynamodb.conditions import Attr

from shared import limits
from shared.tables import CONVERSATIONS_TTL_ATTRIBUTE
from tests.integration.conftest import extra_gateway
from tests.stackclient import ask, collect, dynamodb_table, open_ws

#: A crisis message from the safety test data (tests/data/crisis.jsonl).
CRISIS_MESSAGE = "I don't want to live anymore."


def _items_of(endpoints: dict[str, Any], user_id: str, message_ids: list[str]) -> list[dict[str, Any]]:
    """Every item of this user's conversations: the session items and each message's turn and chunks."""
    table = dynamodb_table(endpoints, "conversations_table")
    keys = [f"USER#{user_id}", *(f"MSG#{m}" for m in message_ids)]
    items: list[dict[str, Any]] = []
    scan: dict[str, Any] = {"FilterExpression": Attr("pk").is_in(keys), "ConsistentRead": True}
    while True:
        page = table.scan(**scan)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]


async def _converse(endpoints: dict[str, Any], token: str) -> list[str]:
    """An ordinary message, a crisis message and feedback in one session; the message ids."""
    ws = await open_ws(endpoints, token)
    first = await ask(ws, "I feel anxious about my exams next week.")
    ack = first.of("ack")[0]
    crisis = await ask(ws, CRISIS_MESSAGE, sessionId=ack["sessionId"])
    feedback = {"action": "feedback", "sessionId": ack["sessionId"], "messageId": ack["messageId"], "helpful": True}
    await ws.send(json.dumps(feedback))
    await collect(ws, until={"feedbackRecorded", "error"})
    await ws.close()
    assert crisis.of("meta")[0]["safety"] == "crisis"
    return [ack["messageId"], crisis.of("ack")[0]["messageId"]]


async def test_every_item_of_a_conversation_expires_after_the_default_retention(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    """Given a person who sends an ordinary message, then a crisis message, and gives feedback
    When their conversation is stored
    Then every item it left (session, turns, answer chunks) carries the TTL attribute, about 90 days from now,
    and the crisis turn is kept no longer than the ordinary one."""
    token = new_user()
    user_id = str(jwt.decode(token, options={"verify_signature": False})["sub"])
    before = int(time.time())
    message_ids = await _converse(endpoints, token)
    after = int(time.time())

    items = _items_of(endpoints, user_id, message_ids)
    kinds = sorted({str(item["sk"]).split("#")[0] for item in items})
    assert kinds == ["CHUNK", "SESSION", "TURN"], kinds
    retention = limits.CONVERSATION_RETENTION_DAYS * limits.DAY_S
    for item in items:
        expires = int(item[CONVERSATIONS_TTL_ATTRIBUTE])
        assert before + retention <= expires <= after + retention, (item["pk"], item["sk"])
    turns = {str(item["pk"]): int(item[CONVERSATIONS_TTL_ATTRIBUTE]) for item in items if item["sk"] == "TURN"}
    ordinary, crisis = (turns[f"MSG#{m}"] for m in message_ids)
    assert crisis - ordinary <= after - before


async def test_the_retention_setting_of_the_handlers_decides_the_expiry(
    stack: Any, new_user: Any, tmp_path: Any
) -> None:
    """Given handlers configured to keep conversations 7 days (CONVERSATION_RETENTION_DAYS, as CDK sets it)
    When a person has a conversation
    Then its items expire 7 days from now, not 90."""
    with extra_gateway(stack, tmp_path, env={"CONVERSATION_RETENTION_DAYS": "7"}) as endpoints:
        token = new_user()
        user_id = str(jwt.decode(token, options={"verify_signature": False})["sub"])
        before = int(time.time())
        message_ids = await _converse(endpoints, token)
        after = int(time.time())
    items = _items_of(endpoints, user_id, message_ids)
    assert items
    for item in items:
        expires = int(item[CONVERSATIONS_TTL_ATTRIBUTE])
        assert before + 7 * limits.DAY_S <= expires <= after + 7 * limits.DAY_S, (item["pk"], item["sk"])
