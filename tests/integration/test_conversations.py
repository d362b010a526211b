"""Conversations that are never lost: resume, stop, idempotency, rate limits, history, feedback, delete."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from typing import Any

from boto3.dynamodb.conditions import Attr

from tests.integration.conftest import extra_gateway
from tests.stackclient import ask, bedrock, collect, dynamodb_table, open_ws, send_message_frame


async def _request(ws: Any, frame: dict[str, Any], until: set[str]) -> dict[str, Any]:
    await ws.send(json.dumps(frame))
    return (await collect(ws, until=until | {"error"})).frames[-1]


async def test_resume_after_a_dropped_connection_gives_the_uninterrupted_text(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    token = new_user()
    message = "I feel afraid of what the doctor will say on Friday."
    # Given the answer an uninterrupted client gets for a message in a new session
    ws = await open_ws(endpoints, token)
    uninterrupted = (await ask(ws, message)).text
    await ws.close()

    # When another client gets two deltas of the same answer and then its connection drops
    bedrock(endpoints, "/_faults", {"token_delay_ms": 40})
    ws = await open_ws(endpoints, token)
    await ws.send(send_message_frame(message))
    first = await collect(ws, until={"delta"})
    second = await collect(ws, until={"delta"})
    await ws.close()
    message_id = first.of("ack")[0]["messageId"]
    received = first.of("delta") + second.of("delta")
    assert [d["seq"] for d in received] == [1, 2]

    # And it reconnects and resumes after seq 2
    ws = await open_ws(endpoints, token)
    resumed = await _resume(ws, message_id, 2)
    await ws.close()

    # Then meta comes again, the deltas continue at seq 3 in order, and the text equals the uninterrupted one
    deltas = resumed.of("delta")
    assert resumed.types[0] == "meta" and resumed.types[-1] == "done"
    assert [d["seq"] for d in deltas] == list(range(3, 3 + len(deltas)))
    assert "".join(d["text"] for d in received) + resumed.text == uninterrupted


async def test_done_arrives_once_the_answer_is_stored(endpoints: dict[str, Any], new_user: Any) -> None:
    # Given a user in a conversation
    ws = await open_ws(endpoints, new_user())
    first = await ask(ws, "I feel anxious about moving to a new city.")
    session_id = first.of("ack")[0]["sessionId"]

    # When the next answer's done frame arrives
    answer = await ask(ws, "I'm also a little excited about it.", sessionId=session_id)
    await ws.close()

    # Then, at that moment, the turn is already stored whole and is the newest context of the session
    ack = answer.of("ack")[0]
    table = dynamodb_table(endpoints, "conversations_table")
    turn = table.get_item(Key={"pk": f"MSG#{ack['messageId']}", "sk": "TURN"}, ConsistentRead=True)["Item"]
    assert turn["status"] == "complete" and turn["answer"] == answer.text
    session = table.get_item(Key={"pk": f"USER#{turn['userId']}", "sk": f"SESSION#{session_id}"}, ConsistentRead=True)
    recent = session["Item"]["recentTurns"]
    assert [t["answer"] for t in recent] == [first.text, answer.text]


async def _resume(ws: Any, message_id: str, after_seq: int) -> Any:
    await ws.send(json.dumps({"action": "resume", "messageId": message_id, "afterSeq": after_seq}))
    return await collect(ws)


async def test_stop_mid_answer_ends_it_as_stopped(endpoints: dict[str, Any], new_user: Any) -> None:
    # Given an answer streaming slowly
    bedrock(endpoints, "/_faults", {"token_delay_ms": 60})
    ws = await open_ws(endpoints, new_user())
    await ws.send(send_message_frame("I'm overwhelmed by everything I have to do this week."))
    first = await collect(ws, until={"delta"})
    message_id = first.of("ack")[0]["messageId"]
    # When the client asks to stop it
    await ws.send(json.dumps({"action": "stop", "messageId": message_id}))
    rest = await collect(ws, timeout=10)
    await ws.close()
    # Then done says stopped, and the stored turn says stopped
    done = rest.of("done")[0]
    assert done["stopReason"] == "stopped"
    await asyncio.sleep(0.3)
    item = dynamodb_table(endpoints, "conversations_table").get_item(Key={"pk": f"MSG#{message_id}", "sk": "TURN"})[
        "Item"
    ]
    assert item["status"] == "stopped"
    assert item["lastSeq"] == done["seq"]


async def test_concurrent_resends_cause_one_model_call_and_one_answer(endpoints: dict[str, Any], new_user: Any) -> None:
    token = new_user()
    bedrock(endpoints, "/_stats/reset", {})
    frame = send_message_frame("I'm grateful that my dad is home from hospital.")
    # Given ten connections of one user
    sockets = [await open_ws(endpoints, token) for _ in range(10)]
    try:
        # When each sends the same clientMessageId at once
        for ws in sockets:
            await ws.send(frame)
        answers = await asyncio.gather(*(collect(ws, timeout=30) for ws in sockets))
    finally:
        for ws in sockets:
            await ws.close()
    # Then the model was called once, and every copy got the same message id and the same text
    assert bedrock(endpoints, "/_stats")["calls"] == 1
    assert len({a.of("ack")[0]["messageId"] for a in answers}) == 1
    assert len({a.text for a in answers}) == 1 and answers[0].text


async def test_same_client_message_id_with_another_message_is_refused(endpoints: dict[str, Any], new_user: Any) -> None:
    ws = await open_ws(endpoints, new_user())
    client_id = str(uuid.uuid4())
    # Given a message already answered
    await ask(ws, "I feel hopeful today.", clientMessageId=client_id)
    # When the same clientMessageId comes with different words
    error = await _request(
        ws, {"action": "sendMessage", "message": "Something else", "clientMessageId": client_id}, {"ack"}
    )
    await ws.close()
    # Then it is refused, not replayed
    assert error["type"] == "error" and error["code"] == "bad_request"


async def test_rate_limit_is_hit_and_recovers(stack: Any, new_user: Any, tmp_path: Any) -> None:
    # Given a gateway with a burst of 5 refilled at 2 a minute (slow enough that a loaded machine cannot refill a
    # token while the six messages go out, 30 s at most to wait) and a fresh user
    with extra_gateway(stack, tmp_path, env={"RATE_LIMIT_BURST": "5", "RATE_LIMIT_PER_MINUTE": "2"}) as endpoints:
        bedrock(endpoints, "/_stats/reset", {})
        ws = await open_ws(endpoints, new_user())
        # When the user sends six new messages in a row
        answers = [await ask(ws, f"I feel hopeful, message {i}.") for i in range(4)]
        # (resending the first one on the way, as a client does after a reconnect)
        first = answers[0].of("ack")[0]
        resent = await ask(ws, "I feel hopeful, message 0.", clientMessageId=first["clientMessageId"])
        answers.append(await ask(ws, "I feel hopeful, message 4."))
        await ws.send(send_message_frame("One more, please."))
        refused = (await collect(ws, until={"error"})).frames[-1]
        # Then the resend is answered from storage without spending a token
        assert resent.of("ack")[0]["messageId"] == first["messageId"] and resent.text == answers[0].text
        # And the sixth new message is refused with a time to wait, and the model saw only five
        assert all(a.types[-1] == "done" for a in answers)
        assert refused["code"] == "rate_limited" and 0 < refused["retryAfterMs"] <= 30_100
        assert bedrock(endpoints, "/_stats")["calls"] == 5
        # And after waiting that long the user can send again
        await asyncio.sleep(refused["retryAfterMs"] / 1000 + 0.2)
        answer = await ask(ws, "I'm calmer now.")
        await ws.close()
    assert answer.types[-1] == "done"


async def test_other_users_ids_read_as_not_found(endpoints: dict[str, Any], new_user: Any) -> None:
    # Given Alice's answer
    alice = await open_ws(endpoints, new_user())
    answer = await ask(alice, "I'm lonely tonight.")
    await alice.close()
    ack = answer.of("ack")[0]
    message_id, session_id = ack["messageId"], ack["sessionId"]
    # When Bob uses her ids in every action
    bob = await open_ws(endpoints, new_user())
    frames = [
        {"action": "history", "sessionId": session_id},
        {"action": "resume", "messageId": message_id, "afterSeq": 0},
        {"action": "stop", "messageId": message_id},
        {"action": "feedback", "sessionId": session_id, "messageId": message_id, "helpful": False},
        {"action": "deleteHistory", "sessionId": session_id},
        {"action": "sendMessage", "message": "hi", "clientMessageId": "x1", "sessionId": session_id},
    ]
    replies = [await _request(bob, f, {"history", "done", "feedbackRecorded"}) for f in frames]
    await bob.close()
    # Then each is not_found, and Alice's data is untouched
    assert [r.get("code") for r in replies] == ["not_found"] * len(frames)
    item = dynamodb_table(endpoints, "conversations_table").get_item(Key={"pk": f"MSG#{message_id}", "sk": "TURN"})[
        "Item"
    ]
    assert item["status"] == "complete" and "feedback" not in item


async def test_every_error_names_the_request_it_answers(endpoints: dict[str, Any], new_user: Any) -> None:
    # Given a client that tags each request with its own clientMessageId
    ws = await open_ws(endpoints, new_user())
    unknown = str(uuid.uuid4())
    frames: list[dict[str, Any]] = [
        {"action": "resume", "messageId": unknown, "afterSeq": 0, "clientMessageId": "r1"},
        {"action": "stop", "messageId": unknown, "clientMessageId": "s1"},
        {"action": "feedback", "sessionId": unknown, "messageId": unknown, "helpful": True, "clientMessageId": "f1"},
        {"action": "history", "sessionId": unknown, "cursor": "bm90LWEtY3Vyc29y", "clientMessageId": "h1"},
        {"action": "deleteHistory", "sessionId": unknown, "clientMessageId": "d1"},
    ]
    # When each asks about something that is not there
    replies = [await _request(ws, f, {"history", "feedbackRecorded"}) for f in frames]
    await ws.close()
    # Then each error carries the id of the request it answers (and the message id it was about, if any)
    assert [r["type"] for r in replies] == ["error"] * len(frames), replies
    assert [r.get("clientMessageId") for r in replies] == [f["clientMessageId"] for f in frames]
    assert [r.get("messageId") for r in replies[:3]] == [unknown] * 3


async def test_history_and_feedback_round_trip(endpoints: dict[str, Any], new_user: Any) -> None:
    ws = await open_ws(endpoints, new_user())
    # Given two turns in one session
    first = await ask(ws, "I'm stressed about money.")
    session_id = first.of("ack")[0]["sessionId"]
    second = await ask(ws, "And I'm tired too.", sessionId=session_id)
    message_id = second.of("ack")[0]["messageId"]
    # When the user lists sessions and opens this one
    sessions = await _request(ws, {"action": "history"}, {"history"})
    # Then the session is listed with a title from the first message
    assert sessions["items"][0]["sessionId"] == session_id
    assert sessions["items"][0]["title"].startswith("I'm stressed")
    # When the user rates the second answer twice
    recorded = await _request(
        ws,
        {"action": "feedback", "sessionId": session_id, "messageId": message_id, "helpful": False},
        {"feedbackRecorded"},
    )
    assert recorded == {"type": "feedbackRecorded", "messageId": message_id, "helpful": False}
    await _request(
        ws,
        {"action": "feedback", "sessionId": session_id, "messageId": message_id, "helpful": True, "comment": "kind"},
        {"feedbackRecorded"},
    )
    turns = await _request(ws, {"action": "history", "sessionId": session_id}, {"history"})
    await ws.close()
    # Then the session's turns come back in order with verses, emotions, answers and the latest feedback
    items = turns["items"]
    assert [t["message"] for t in items] == ["I'm stressed about money.", "And I'm tired too."]
    assert items[0]["answer"] == first.text and items[1]["answer"] == second.text
    assert all(t["verse"]["reference"] and t["emotion"] for t in items)
    assert items[1]["feedback"]["helpful"] is True and items[1]["feedback"]["comment"] == "kind"


async def test_a_conversation_begun_in_crisis_is_never_titled_with_its_words(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    """Given a conversation whose first message is heard as a crisis, When the sessions are listed, Then its title
    is the neutral CRISIS_TITLE, not the person's words; And an ordinary first message still titles its session."""
    from shared.conversation_items import CRISIS_TITLE

    ws = await open_ws(endpoints, new_user())
    crisis = await ask(ws, "I want to end my life tonight")
    ordinary = await ask(ws, "I feel grateful for my friends.")
    sessions = await _request(ws, {"action": "history"}, {"history"})
    await ws.close()
    titles = {s["sessionId"]: s["title"] for s in sessions["items"]}
    assert crisis.of("meta")[0]["safety"] == "crisis"
    assert titles[crisis.of("ack")[0]["sessionId"]] == CRISIS_TITLE
    assert titles[ordinary.of("ack")[0]["sessionId"]] == "I feel grateful for my friends."


async def test_history_is_paginated(endpoints: dict[str, Any], new_user: Any) -> None:
    ws = await open_ws(endpoints, new_user())
    # Given three sessions
    for text in ("I feel joyful.", "I feel sad.", "I feel angry."):
        await ask(ws, text)
    # When listed two at a time
    page1 = await _request(ws, {"action": "history", "limit": 2}, {"history"})
    page2 = await _request(ws, {"action": "history", "limit": 2, "cursor": page1["cursor"]}, {"history"})
    # Then the newest come first and the second page holds the rest
    assert [s["title"] for s in page1["items"]] == ["I feel angry.", "I feel sad."]
    assert [s["title"] for s in page2["items"]] == ["I feel joyful."]
    assert set(page1["items"][0]) == {"sessionId", "title", "lastActivityAt", "createdAt", "turnCount"}

    # And cursors it never handed out (garbage, or well-formed JSON naming another key) are refused clearly
    forged = base64.urlsafe_b64encode(json.dumps({"pk": "USER#someone-else"}).encode()).decode()
    for cursor in ("not a cursor", forged):
        refused = await _request(ws, {"action": "history", "limit": 2, "cursor": cursor}, {"history"})
        assert refused["type"] == "error" and refused["code"] == "bad_request", refused
    # And the connection is still usable
    assert (await _request(ws, {"action": "ping"}, {"pong"}))["type"] == "pong"
    await ws.close()


async def test_delete_history_removes_everything_of_that_user_only(endpoints: dict[str, Any], new_user: Any) -> None:
    table = dynamodb_table(endpoints, "conversations_table")
    # Given Alice and Bob each with a conversation and feedback
    alice, bob = await open_ws(endpoints, new_user()), await open_ws(endpoints, new_user())
    a = await ask(alice, "I feel guilty about what I said.")
    b = await ask(bob, "I feel ashamed of my mistake.")
    for ws, ans in ((alice, a), (bob, b)):
        ack = ans.of("ack")[0]
        frame = {"action": "feedback", "sessionId": ack["sessionId"], "messageId": ack["messageId"], "helpful": True}
        await _request(ws, frame, {"feedbackRecorded"})
    # When Alice deletes all her history
    await _request(alice, {"action": "deleteHistory"}, {"history"})
    alice_sessions = await _request(alice, {"action": "history"}, {"history"})
    bob_sessions = await _request(bob, {"action": "history"}, {"history"})
    await alice.close()
    await bob.close()
    # Then nothing of Alice remains (sessions, turns, chunks), and Bob's conversation is intact
    assert alice_sessions["items"] == []
    assert len(bob_sessions["items"]) == 1
    a_msg, b_msg = a.of("ack")[0]["messageId"], b.of("ack")[0]["messageId"]
    assert table.scan(FilterExpression=Attr("pk").eq(f"MSG#{a_msg}"))["Items"] == []
    assert len(table.scan(FilterExpression=Attr("pk").eq(f"MSG#{b_msg}"))["Items"]) >= 2


async def test_conversation_routes_answer_a_storage_outage_with_an_error_frame(
    stack: Any, new_user: Any, tmp_path: Any
) -> None:
    # Given handlers whose conversations table cannot be reached
    with extra_gateway(stack, tmp_path, env={"CONVERSATIONS_TABLE": "missing-table"}) as endpoints:
        ws = await open_ws(endpoints, new_user())
        frames: list[dict[str, Any]] = [
            {"action": "history"},
            {"action": "feedback", "sessionId": str(uuid.uuid4()), "messageId": str(uuid.uuid4()), "helpful": True},
            {"action": "resume", "messageId": str(uuid.uuid4()), "afterSeq": 0},
            {"action": "stop", "messageId": str(uuid.uuid4())},
            {"action": "deleteHistory"},
        ]
        # When each conversation action is asked for
        answers = [await _request(ws, frame, set()) for frame in frames]
        # Then each gets an error frame with a code and a human sentence, and the connection stays usable
        pong = await _request(ws, {"action": "ping"}, {"pong"})
        await ws.close()
    for frame, answer in zip(frames, answers, strict=True):
        assert answer["type"] == "error" and answer["code"] == "internal", (frame["action"], answer)
        assert "storage" in answer["message"]
    assert pong["type"] == "pong"


def _user_id(token: str) -> str:
    import jwt

    return str(jwt.decode(token, options={"verify_signature": False})["sub"])


def _seed_turns(endpoints: dict[str, Any], user_id: str, answers: list[str]) -> str:
    """A session as the pipeline stores it, one finished turn per answer (long answers live in their chunks)."""
    from shared.conversation_items import INLINE_ANSWER_MAX_CHARS
    from shared.conversations import ConversationRepository
    from shared.protocol import Done, Meta, StopReason, Timings, TurnStatus, Verse
    from shared.recorder import split_chunks

    repo = ConversationRepository(dynamodb_table(endpoints, "conversations_table"))
    session_id = f"seeded-{uuid.uuid4().hex[:8]}"
    verse = Verse(reference="Psalm 34:18", text="Yahweh is near to those who have a broken heart.")
    for i, answer in enumerate(answers):
        message_id = str(uuid.uuid4())
        repo.start_turn(
            user_id=user_id, session_id=session_id, message_id=message_id, client_message_id=message_id, message=f"q{i}"
        )
        repo.set_meta(message_id, Meta(messageId=message_id, emotion="sad", confidence=0.8, verse=verse))
        if len(answer) > INLINE_ANSWER_MAX_CHARS:
            for chunk in split_chunks([(1, answer[: len(answer) // 2]), (2, answer[len(answer) // 2 :])]):
                repo.append_chunk(message_id, chunk)
        done = Done(messageId=message_id, seq=1, stopReason=StopReason.END_TURN, metrics=Timings(totalMs=1.0))
        repo.finish_turn(
            message_id=message_id,
            session_id=session_id,
            user_id=user_id,
            status=TurnStatus.COMPLETE,
            done=done,
            answer=answer,
        )
    return session_id


async def test_a_history_of_long_answers_comes_in_pages_that_fit_one_message(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    from shared import limits

    # Given a conversation of fifty answers of about 5 KB each (250 KB, twice API Gateway's 128 KB message limit)
    token = new_user()
    answers = [f"Answer {i}: " + "You are held and loved. " * 210 for i in range(50)]
    session_id = _seed_turns(endpoints, _user_id(token), answers)
    ws = await open_ws(endpoints, token)
    # When the person opens it, fifty at a time, and follows the cursors
    pages: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        frame: dict[str, Any] = {"action": "history", "sessionId": session_id, "limit": 50}
        await ws.send(json.dumps({**frame, "cursor": cursor} if cursor else frame))
        raw = await asyncio.wait_for(ws.recv(), timeout=30)
        pages.append(json.loads(raw))
        assert pages[-1].get("type") == "history", pages[-1]
        # Then every page arrives, within the limit with room to spare
        assert len(raw.encode() if isinstance(raw, str) else raw) <= limits.WS_POST_MAX_BYTES
        cursor = pages[-1].get("cursor")
        if not cursor:
            break
    await ws.close()
    # And the pages hold every answer once, in order
    assert [t["answer"] for page in pages for t in page["items"]] == answers and len(pages) >= 3


async def test_an_answer_too_large_for_one_message_is_refused_with_too_large(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    # Given a conversation holding one answer of 140 000 characters (more than API Gateway's 128 KB message limit)
    token = new_user()
    session_id = _seed_turns(endpoints, _user_id(token), ["word " * 28_000])
    ws = await open_ws(endpoints, token)
    # When the person opens it
    await ws.send(json.dumps({"action": "history", "sessionId": session_id}))
    reply = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
    # Then they are told it is too large, in a coded error with a sentence, and the connection stays usable
    assert reply.get("type") == "error" and reply["code"] == "too_large" and reply["message"], reply
    assert (await _request(ws, {"action": "ping"}, {"pong"}))["type"] == "pong"
    await ws.close()


async def test_resuming_an_answer_whose_writer_died_ends_with_the_stored_text_and_done_error(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    from shared.conversation_items import STALE_AFTER_MS
    from shared.conversations import ConversationRepository
    from shared.protocol import Meta, Verse
    from shared.recorder import split_chunks
    from shared.records import now_ms

    # Given an answer whose writer stored meta and two deltas and then died (its last write a minute ago)
    token = new_user()
    table = dynamodb_table(endpoints, "conversations_table")
    repo = ConversationRepository(table)
    message_id, user_id = str(uuid.uuid4()), _user_id(token)
    repo.start_turn(user_id=user_id, session_id="s1", message_id=message_id, client_message_id="c1", message="hi")
    verse = Verse(reference="Psalm 34:18", text="Yahweh is near to those who have a broken heart.")
    repo.set_meta(message_id, Meta(messageId=message_id, emotion="sad", confidence=0.8, verse=verse))
    for chunk in split_chunks([(1, "You are "), (2, "not alone.")]):
        repo.append_chunk(message_id, chunk)
    table.update_item(
        Key={"pk": f"MSG#{message_id}", "sk": "TURN"},
        UpdateExpression="SET updatedAt = :at",
        ExpressionAttributeValues={":at": now_ms() - STALE_AFTER_MS + 1000},
    )
    # When the person resumes it from the start
    ws = await open_ws(endpoints, token)
    resumed = await asyncio.wait_for(_resume(ws, message_id, 0), timeout=20)
    await ws.close()
    # Then they get meta, the stored text, and a done saying the answer ended in error
    assert resumed.types == ["meta", "delta", "delta", "done"]
    assert resumed.text == "You are not alone."
    assert resumed.of("done")[0]["stopReason"] == "error" and resumed.of("done")[0]["seq"] == 2
