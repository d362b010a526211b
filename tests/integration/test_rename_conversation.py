"""Renaming a conversation on the local stack: the person's own title, kept as typed, in history; bad titles refused."""

from __future__ import annotations

import json
from typing import Any

from shared.limits import TITLE_MAX_CHARS
from tests.stackclient import ask, collect, dynamodb_table, open_ws


async def _request(ws: Any, frame: dict[str, Any], until: set[str]) -> dict[str, Any]:
    await ws.send(json.dumps(frame))
    return (await collect(ws, until=until | {"error"})).frames[-1]


def _titles(page: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    return {s["sessionId"]: (s["title"], s.get("renamed", False)) for s in page["items"]}


async def test_a_renamed_conversation_keeps_the_title_as_typed_in_history(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    token = new_user()
    ws = await open_ws(endpoints, token)
    # Given two conversations, the older begun in crisis (titled neutrally), the newer with ordinary words
    crisis = (await ask(ws, "I want to end my life tonight")).of("ack")[0]["sessionId"]
    ordinary = (await ask(ws, "I feel anxious about my exam tomorrow")).of("ack")[0]["sessionId"]
    before = _titles(await _request(ws, {"action": "history"}, {"history"}))

    # When the person names both the same, with spaces around one
    renamed = await _request(
        ws,
        {"action": "renameConversation", "sessionId": ordinary, "title": "  Exam week  ", "clientMessageId": "r1"},
        {"conversationRenamed"},
    )
    again = await _request(
        ws, {"action": "renameConversation", "sessionId": crisis, "title": "Exam week"}, {"conversationRenamed"}
    )
    await ws.close()

    # Then each is confirmed with the trimmed title
    assert renamed == {"type": "conversationRenamed", "sessionId": ordinary, "title": "Exam week"}
    assert again == {"type": "conversationRenamed", "sessionId": crisis, "title": "Exam week"}
    # And on a new connection (a reload) history lists both as typed, marked as the person's, in the same order
    ws = await open_ws(endpoints, token)
    after = await _request(ws, {"action": "history"}, {"history"})
    await ws.close()
    assert before[crisis] == ("A hard moment", False)
    assert _titles(after) == {ordinary: ("Exam week", True), crisis: ("Exam week", True)}
    assert [s["sessionId"] for s in after["items"]] == [ordinary, crisis]  # renaming is not activity


async def test_bad_titles_are_refused_with_a_sentence_and_the_connection_stays_usable(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    # Given a person's conversation
    ws = await open_ws(endpoints, new_user())
    session_id = (await ask(ws, "I feel tired of everything at work")).of("ack")[0]["sessionId"]
    bad = {
        "empty": "   ",
        "too long": "x" * (TITLE_MAX_CHARS + 1),
        "line break": "Work\nnotes",
        "escape": "Work \x1b[31m",
        "not text": 7,
    }
    # When they try each bad title
    replies = {
        name: await _request(
            ws, {"action": "renameConversation", "sessionId": session_id, "title": title}, {"conversationRenamed"}
        )
        for name, title in bad.items()
    }
    # Then each is bad_request with a human sentence
    assert {name: r.get("code") for name, r in replies.items()} == dict.fromkeys(bad, "bad_request"), replies
    assert "at least one letter" in replies["empty"]["message"]
    assert f"{TITLE_MAX_CHARS} characters" in replies["too long"]["message"]
    assert "control characters" in replies["line break"]["message"]
    assert "control characters" in replies["escape"]["message"]
    # And the connection still works: a title of exactly the longest length is taken, and the title is that one
    longest = "y" * TITLE_MAX_CHARS
    ok = await _request(
        ws, {"action": "renameConversation", "sessionId": session_id, "title": longest}, {"conversationRenamed"}
    )
    page = await _request(ws, {"action": "history"}, {"history"})
    await ws.close()
    assert ok["type"] == "conversationRenamed"
    assert _titles(page)[session_id] == (longest, True)


async def test_someone_elses_or_an_unknown_conversation_is_not_found_and_left_alone(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    # Given Alice's conversation
    alice = await open_ws(endpoints, new_user())
    ack = (await ask(alice, "I'm lonely tonight.")).of("ack")[0]
    await alice.close()
    # When Bob renames it, and a conversation that does not exist
    bob = await open_ws(endpoints, new_user())
    replies = [
        await _request(
            bob,
            {"action": "renameConversation", "sessionId": sid, "title": "Mine now", "clientMessageId": f"b{i}"},
            {"conversationRenamed"},
        )
        for i, sid in enumerate([ack["sessionId"], "no-such-session"])
    ]
    pong = await _request(bob, {"action": "ping"}, {"pong"})
    await bob.close()
    # Then both are not_found, naming the request, Bob's connection still answers, and nothing was written
    assert [(r.get("code"), r.get("clientMessageId")) for r in replies] == [("not_found", "b0"), ("not_found", "b1")]
    assert pong == {"type": "pong"}
    table = dynamodb_table(endpoints, "conversations_table")
    turn = table.get_item(Key={"pk": f"MSG#{ack['messageId']}", "sk": "TURN"})["Item"]
    session = table.get_item(Key={"pk": f"USER#{turn['userId']}", "sk": f"SESSION#{ack['sessionId']}"})["Item"]
    assert session["title"] == "I'm lonely tonight."
    items = table.scan()["Items"]
    assert not [i for i in items if str(i["sk"]).endswith("no-such-session")]


async def test_the_terminal_client_renames_the_current_conversation(endpoints: dict[str, Any], stack: Any) -> None:
    import asyncio
    import os
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    from devtools.bootstrap import create_user, generate_password

    # Given a person signed in to the terminal client
    username, password = f"cli-{uuid.uuid4().hex[:8]}@motivator.local", generate_password()
    create_user(endpoints["cognito_url"], endpoints["region"], endpoints["user_pool_id"], username, password)
    command = [str(Path(sys.executable).parent / "motivator"), "chat", "--state-dir", str(stack.state_dir)]
    command += ["--username", username, "--password", password]
    # When they rename before writing, write how they feel, rename it, and try an empty title; then ask for help
    stdin = "/rename Too soon\nI feel anxious about my exam tomorrow.\n/rename   Exam week \n/rename\n/help\n\n"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    done = await asyncio.to_thread(
        subprocess.run, command, input=stdin, capture_output=True, text=True, timeout=60, env=env
    )
    # Then the first is explained, the second confirmed with the trimmed title, the empty one refused by the server
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Nothing to rename yet; write how you feel first" in out
    assert "This conversation is now called \u201cExam week\u201d." in out
    assert "! A conversation's title needs at least one letter; type a few words." in out
    # And /help lists the command
    assert "/rename TITLE" in out
    # And the title is the conversation's in history
    asked = [command[0], "token", "--state-dir", str(stack.state_dir), "--username", username, "--password", password]
    token = (await asyncio.to_thread(subprocess.run, asked, capture_output=True, text=True, timeout=30)).stdout.strip()
    ws = await open_ws(endpoints, token)
    page = await _request(ws, {"action": "history"}, {"history"})
    await ws.close()
    assert [s["title"] for s in page["items"]] == ["Exam week"]


async def test_a_title_that_sounds_like_a_crisis_is_kept_and_answered_with_the_help_lines(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    """Given a person's ordinary conversation
    When they name it with words of a crisis, from the UK
    Then the title is kept as typed and the confirmation carries the crisis level and the help lines, the UK's
    emergency number among them (the check every message gets, run first); an ordinary title carries none."""
    token = new_user()
    ws = await open_ws(endpoints, token)
    session_id = (await ask(ws, "I feel tired after a long week")).of("ack")[0]["sessionId"]
    crisis_title = "I want to end my life tonight"
    renamed = await _request(
        ws,
        {"action": "renameConversation", "sessionId": session_id, "title": crisis_title, "country": "GB"},
        {"conversationRenamed"},
    )
    assert (renamed["type"], renamed["title"], renamed.get("safety")) == ("conversationRenamed", crisis_title, "crisis")
    ways = {way for r in renamed["resources"] for way in (r.get("phone"), r.get("sms")) if way}
    assert "999" in ways and renamed["resources"][0]["name"]
    # And a title of ordinary words afterwards gets the plain confirmation
    plain = await _request(
        ws, {"action": "renameConversation", "sessionId": session_id, "title": "Long week"}, {"conversationRenamed"}
    )
    await ws.close()
    assert plain == {"type": "conversationRenamed", "sessionId": session_id, "title": "Long week"}
