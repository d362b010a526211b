"""A conversation's place in the list: its activity and turn count move with each answer, written once an answer."""

from __future__ import annotations

import json
from typing import Any

from tests.stackclient import ask, bedrock, collect, open_ws, send_message_frame


async def _sessions(ws: Any) -> list[dict[str, Any]]:
    await ws.send(json.dumps({"action": "history"}))
    items: list[dict[str, Any]] = (await collect(ws, until={"history", "error"})).frames[-1]["items"]
    return items


async def test_a_later_answer_moves_its_conversation_to_the_top_with_its_turn_count(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    ws = await open_ws(endpoints, new_user())
    # Given two conversations, the second one newer
    first = await ask(ws, "I'm worried about my exams.")
    session_id = first.of("ack")[0]["sessionId"]
    await ask(ws, "I feel lonely tonight.")
    before = {s["sessionId"]: s for s in await _sessions(ws)}
    # When the person writes again in the first one and its answer is done
    again = await ask(ws, "The exam is tomorrow morning.", sessionId=session_id)
    after = await _sessions(ws)
    await ws.close()
    # Then the first conversation is listed first, with two turns, its activity later than before, its title kept
    assert again.of("done")
    assert after[0]["sessionId"] == session_id
    assert after[0]["turnCount"] == 2 and before[session_id]["turnCount"] == 1
    assert after[0]["lastActivityAt"] > before[session_id]["lastActivityAt"]
    assert after[0]["title"] == before[session_id]["title"] and after[0]["createdAt"] == before[session_id]["createdAt"]


async def test_a_conversation_deleted_while_its_answer_streams_stays_deleted(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    ws = await open_ws(endpoints, new_user())
    # Given a stored conversation whose next answer streams slowly
    first = await ask(ws, "I'm anxious about work.")
    session_id = first.of("ack")[0]["sessionId"]
    bedrock(endpoints, "/_faults", {"token_delay_ms": 60})
    await ws.send(send_message_frame("My manager wants to talk to me tomorrow.", sessionId=session_id))
    await collect(ws, until={"delta"})
    # When the person deletes that conversation before the answer ends
    await ws.send(json.dumps({"action": "deleteHistory", "sessionId": session_id}))
    rest = await collect(ws, until={"done"}, timeout=30)
    # Then, once the answer is done, the conversation is not listed again (no empty, untitled entry comes back)
    assert rest.of("done") and not rest.of("error")
    listed = await _sessions(ws)
    await ws.close()
    assert session_id not in {s["sessionId"] for s in listed}
