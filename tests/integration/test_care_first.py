"""Care first, on the real path: a crisis is never refused, the conversation is heard, the crisis stays on."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import extra_gateway
from tests.stackclient import Answer, ask, bedrock, collect, open_ws, send_message_frame

CRISIS = "I'm going to kill myself tonight."


def _resources(answer: Answer) -> list[dict[str, Any]]:
    return list(answer.of("meta")[0].get("resources") or [])


async def test_a_crisis_sent_as_the_sixth_message_of_a_burst_gets_the_crisis_answer(
    stack: Any, new_user: Any, tmp_path: Any
) -> None:
    # Given the default limit (a burst of five) and a person who has just sent five quick messages
    with extra_gateway(stack, tmp_path, env={"RATE_LIMIT_BURST": "5", "RATE_LIMIT_PER_MINUTE": "10"}) as endpoints:
        ws = await open_ws(endpoints, new_user())
        quick = [await ask(ws, f"I can't sleep, message {i}.") for i in range(5)]
        # When the sixth message, inside the burst window, says they are going to end their life
        answer = await ask(ws, CRISIS)
        # And a seventh, ordinary one follows
        await ws.send(send_message_frame("Sorry for all the messages."))
        refused = await collect(ws, until={"done", "error"})
        await ws.close()
    assert all(a.types[-1] == "done" for a in quick)
    # Then the crisis message is not refused: it gets the crisis answer with the resources
    assert "error" not in answer.types, answer.frames
    assert answer.of("meta")[0]["safety"] == "crisis" and _resources(answer)
    assert answer.types[-1] == "done" and "988" in answer.text
    # And the rate limit still applies to ordinary messages
    assert refused.of("error")[0]["code"] == "rate_limited"


async def test_two_messages_below_the_bar_alone_are_heard_together_as_a_crisis(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    # Given a person who writes that they cannot go on, in a session
    ws = await open_ws(endpoints, new_user())
    first = await ask(ws, "I can't do this anymore.")
    session = first.of("ack")[0]["sessionId"]
    # When their next message in that session mentions the means
    second = await ask(ws, "I've been saving my pills.", sessionId=session)
    await ws.close()
    # Then the first alone is not a crisis answer, and the two together are
    assert first.of("meta")[0]["safety"] != "crisis"
    assert second.of("meta")[0]["safety"] == "crisis" and _resources(second)


async def test_a_crisis_stays_on_with_the_resources_until_the_person_says_they_are_safe(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    # Given a session with a crisis answer
    ws = await open_ws(endpoints, new_user())
    crisis = await ask(ws, "I want to end my life.")
    session = crisis.of("ack")[0]["sessionId"]
    # When the person goes on talking about something ordinary
    after = await ask(ws, "Thank you for listening. Work has been hard too.", sessionId=session)
    # And later says they are safe
    safe = await ask(ws, "I'm safe now. I called 988 and talked to someone.", sessionId=session)
    later = await ask(ws, "I'm grateful for my sister.", sessionId=session)
    await ws.close()
    assert crisis.of("meta")[0]["safety"] == "crisis"
    # Then the answer after the crisis stays gentle: resources still shown, and an invitation to reach out
    assert after.of("meta")[0]["safety"] == "concern"
    assert any(r.get("phone") == "988" for r in _resources(after))
    assert "listed" in after.text or "reach out" in after.text.lower()
    # And once they say they are safe, answers are ordinary again
    assert safe.of("meta")[0]["safety"] == "ok" and not _resources(safe)
    assert later.of("meta")[0]["safety"] == "ok"


async def test_crisis_resources_each_have_an_honest_distinct_label(endpoints: dict[str, Any], new_user: Any) -> None:
    # When a person in the US (no country set) writes a crisis message
    ws = await open_ws(endpoints, new_user())
    answer = await ask(ws, CRISIS)
    await ws.close()
    resources = _resources(answer)
    names = [r["name"] for r in resources]
    labels = [r["urlLabel"] for r in resources if r.get("url")]
    # Then 988 call, 988 text, 988 chat, 988 in Spanish, the Veterans line and a directory are all there
    assert any(r.get("phone") == "988" and "Lifeline" in r["name"] for r in resources)
    assert any(r.get("sms") == "988" and not r.get("phone") for r in resources)
    assert any((r.get("url") or "").startswith("https://988lifeline.org/chat") for r in resources)
    assert any(r.get("language") == "es" for r in resources)
    assert any("Veterans" in r["name"] for r in resources)
    assert any("findahelpline" in (r.get("url") or "") for r in resources)
    # And no two share a name or a link label, and every link says what it opens
    assert len(set(names)) == len(names) and len(set(labels)) == len(labels)
    assert all(label and label.lower() != "website" for label in labels)


async def test_the_country_picks_the_local_emergency_number(endpoints: dict[str, Any], new_user: Any) -> None:
    # When a person whose country is the United Kingdom writes a crisis message
    ws = await open_ws(endpoints, new_user())
    answer = await ask(ws, CRISIS, country="gb")
    await ws.close()
    resources = _resources(answer)
    # Then the emergency number is 999, the Samaritans are listed, and the US-only lines are not
    assert any(r.get("phone") == "999" for r in resources)
    assert any("Samaritans" in r["name"] for r in resources)
    assert not any("(US)" in r["name"] for r in resources)


async def test_a_crisis_in_spanish_puts_the_spanish_line_first(endpoints: dict[str, Any], new_user: Any) -> None:
    # When a person writes in Spanish that they want to kill themselves
    ws = await open_ws(endpoints, new_user())
    answer = await ask(ws, "Ya no aguanto más, quiero suicidarme esta noche.")
    await ws.close()
    # Then it is a crisis answer, and 988's Spanish line leads the resources
    assert answer.of("meta")[0]["safety"] == "crisis"
    assert _resources(answer)[0].get("language") == "es"


async def test_the_models_crisis_risk_switches_to_the_crisis_answer_before_any_text(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    # Given a model whose header says "crisis" for a message the detector hears as ordinary
    bedrock(endpoints, "/_faults", {"header_risk": "crisis"})
    ws = await open_ws(endpoints, new_user())
    # When the message is sent
    answer = await ask(ws, "Today I sorted the garage and called my brother.")
    await ws.close()
    # Then the crisis answer is given: meta says crisis before any delta, with the resources
    assert answer.types[:2] == ["ack", "meta"]
    meta = answer.of("meta")[0]
    assert meta["safety"] == "crisis" and _resources(answer)
    # And none of the model's own words were sent: the text is the crisis text
    assert "988" in answer.text and answer.types[-1] == "done"


async def test_the_models_concern_risk_shows_the_resources_beside_the_answer(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    # Given a model whose header says "concern"
    bedrock(endpoints, "/_faults", {"header_risk": "concern"})
    ws = await open_ws(endpoints, new_user())
    answer = await ask(ws, "Today I sorted the garage and called my brother.")
    await ws.close()
    # Then the ordinary answer comes with the resources and ends inviting the person to reach out
    assert answer.of("meta")[0]["safety"] == "concern" and _resources(answer)
    assert answer.of("done")[0]["fallback"] is False


async def test_a_crisis_is_answered_when_storage_is_down_and_says_it_was_not_saved(
    stack: Any, new_user: Any, tmp_path: Any
) -> None:
    # Given handlers whose conversation, idempotency and rate-limit tables cannot be reached
    broken = {
        "CONVERSATIONS_TABLE": "missing-conversations",
        "IDEMPOTENCY_TABLE": "missing-idempotency",
        "RATE_LIMIT_TABLE": "missing-rate-limits",
    }
    with extra_gateway(stack, tmp_path, env=broken) as endpoints:
        ws = await open_ws(endpoints, new_user())
        # When a person writes a crisis message
        answer = await ask(ws, CRISIS, timeout=60)
        # And then an ordinary one
        await ws.send(send_message_frame("I feel a little better."))
        ordinary = await collect(ws, until={"done", "error"}, timeout=60)
        await ws.close()
    # Then the crisis answer still comes, and done says it could not be stored
    assert answer.of("meta")[0]["safety"] == "crisis" and "988" in answer.text
    assert answer.of("done")[0]["stored"] is False
    # And the ordinary message gets an error frame that says storage is the problem
    assert ordinary.of("error")[0]["code"] == "internal"


async def test_a_crisis_that_starts_a_conversation_is_resent_under_the_same_conversation(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    # Given a crisis message that names no conversation, answered
    ws = await open_ws(endpoints, new_user())
    frame = send_message_frame(CRISIS)
    await ws.send(frame)
    first = await collect(ws)
    # When the client sends it again under the same clientMessageId (as after a reconnect)
    await ws.send(frame)
    again = await collect(ws)
    await ws.send('{"action": "history"}')
    sessions = await collect(ws, until={"history"})
    await ws.close()
    # Then the same answer comes back, and both acks name the one conversation it is stored in
    assert again.text == first.text and "988" in first.text
    session_id = first.of("ack")[0]["sessionId"]
    assert again.of("ack")[0]["sessionId"] == session_id
    assert [s["sessionId"] for s in sessions.of("history")[0]["items"]] == [session_id]
