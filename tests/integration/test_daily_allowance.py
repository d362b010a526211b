"""The daily allowance on the real path: counted in DynamoDB beside the burst limit, shown when low, never a crisis."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.rest import paths
from tests.integration.conftest import extra_gateway
from tests.restclient import rest
from tests.stackclient import Answer, ask, collect, open_ws, send_message_frame

CRISIS = "I'm going to kill myself tonight."
ALLOWANCE = {"DAILY_MESSAGE_ALLOWANCE": "3"}


async def _try(ws: Any, text: str) -> Answer:
    """Send a message and read until its answer is done or it is refused."""
    await ws.send(send_message_frame(text))
    return await collect(ws, until={"done", "error"})


def _next_midnight_ms() -> int:
    today = datetime.now(tz=UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return int((today + timedelta(days=1)).timestamp() * 1000)


async def test_each_ack_says_what_is_left_and_the_message_after_the_last_is_told_when_it_resets(
    stack: Any, new_user: Any, tmp_path: Any
) -> None:
    """Given an allowance of three messages a day
    When a person sends three messages and then a fourth
    Then each ack says how many are left (2, 1, 0) and the fourth gets `daily_limit` naming when it resets."""
    with extra_gateway(stack, tmp_path, env=ALLOWANCE) as endpoints:
        ws = await open_ws(endpoints, new_user())
        answers = [await ask(ws, f"Work was long today, part {i}.") for i in range(3)]
        fourth = await _try(ws, "One more thing about work.")
        await ws.close()
    assert [a.of("ack")[0]["remainingToday"] for a in answers] == [2, 1, 0]
    assert all(a.types[-1] == "done" for a in answers)
    (error,) = fourth.of("error")
    assert error["code"] == "daily_limit" and "ack" not in fourth.types
    assert error["resetsAt"] == _next_midnight_ms()
    assert 0 < error["retryAfterMs"] <= 86_400_000
    assert "resets at 00:00 UTC" in error["message"] and "crisis" in error["message"]


async def test_a_crisis_is_answered_when_the_allowance_is_used_up_and_never_counts(
    stack: Any, new_user: Any, tmp_path: Any
) -> None:
    """Given an allowance of three
    When a person first writes a crisis, then three ordinary messages, then another crisis
    Then the first crisis did not count (three ordinary ones pass) and the last crisis is answered, not refused."""
    with extra_gateway(stack, tmp_path, env=ALLOWANCE) as endpoints:
        ws = await open_ws(endpoints, new_user())
        first = await ask(ws, CRISIS)
        ordinary = [await ask(ws, f"I'm safe now, thank you. Message {i}.") for i in range(3)]
        refused = await _try(ws, "And one more.")
        again = await ask(ws, CRISIS)
        await ws.close()
    assert first.of("meta")[0]["safety"] == "crisis"
    assert all("error" not in a.types for a in ordinary), [a.frames for a in ordinary]
    assert refused.of("error")[0]["code"] == "daily_limit"
    assert "error" not in again.types and again.of("meta")[0]["safety"] == "crisis" and "988" in again.text


async def test_the_rest_api_shares_the_allowance_and_says_when_it_resets(
    stack: Any, new_user: Any, tmp_path: Any
) -> None:
    """Given an allowance of three, two spent on the WebSocket
    When the person sends two more over REST
    Then the first says none are left, the second is 429 `daily_limit` with `resets_at` and Retry-After."""
    with extra_gateway(stack, tmp_path, env=ALLOWANCE) as endpoints:
        token = new_user()
        ws = await open_ws(endpoints, token)
        for i in range(2):
            await ask(ws, f"A hard day, part {i}.")
        await ws.close()
        last = rest(endpoints, "POST", paths.CHAT, token, {"message": "Still a hard day."})
        over = rest(endpoints, "POST", paths.CHAT, token, {"message": "And again."})
    assert last.status == 200 and last.body["remaining_today"] == 0
    assert over.status == 429 and over.body["code"] == "daily_limit"
    resets = datetime.fromisoformat(over.body["resets_at"])
    assert int(resets.timestamp() * 1000) == _next_midnight_ms()
    assert int(over.headers["retry-after"]) >= 1
    assert time.time() < resets.timestamp()
