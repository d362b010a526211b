"""Conversations are kept for the configured number of days: every item they leave in storage says when it goes."""

from __future__ import annotations

import json
import os
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


def test_items_written_before_retention_are_given_the_expiry_they_would_have_had(endpoints: dict[str, Any]) -> None:
    """Given a conversation stored by an earlier release (session, turn and chunk without expiresAt), and a turn
    that already has one
    When the backfill runs (python -m devtools.backfill_ttl)
    Then the old turn and its chunk expire 90 days after the turn, the session 90 days after its last message, the
    item that had an expiry keeps it, and a second run changes nothing."""
    import subprocess
    import sys
    import uuid

    table = dynamodb_table(endpoints, "conversations_table")
    user, message, kept = f"legacy-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex, uuid.uuid4().hex
    turn_at, active_at = 1_700_000_000_000, 1_700_000_600_000
    table.put_item(Item={"pk": f"USER#{user}", "sk": "SESSION#s1", "sessionId": "s1", "lastActivityAt": active_at})
    table.put_item(Item={"pk": f"MSG#{message}", "sk": "TURN", "messageId": message, "turnAt": turn_at})
    table.put_item(Item={"pk": f"MSG#{message}", "sk": "CHUNK#00000001", "deltas": [[1, "Hello."]]})
    table.put_item(Item={"pk": f"MSG#{kept}", "sk": "TURN", "turnAt": turn_at, CONVERSATIONS_TTL_ATTRIBUTE: 123})
    command = [sys.executable, "-m", "devtools.backfill_ttl", "--table", table.name, "--days", "90",
               "--region", endpoints["region"], "--endpoint-url", endpoints["dynamodb_url"]]  # fmt: skip
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr

    def expiry(pk: str, sk: str) -> int:
        return int(table.get_item(Key={"pk": pk, "sk": sk}, ConsistentRead=True)["Item"][CONVERSATIONS_TTL_ATTRIBUTE])

    days = 90 * limits.DAY_S
    assert expiry(f"MSG#{message}", "TURN") == turn_at // 1000 + days
    assert expiry(f"MSG#{message}", "CHUNK#00000001") == turn_at // 1000 + days
    assert expiry(f"USER#{user}", "SESSION#s1") == active_at // 1000 + days
    assert expiry(f"MSG#{kept}", "TURN") == 123
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 0 and again.stdout.startswith("0 items given an expiry"), again.stdout
