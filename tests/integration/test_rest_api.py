"""The REST API on the local stack: the same turn, safety, storage and rate limit as the WebSocket, whole answers."""

from __future__ import annotations

import json
from typing import Any

from shared.engine.scripture import get_catalogue
from shared.rest import paths
from tests.integration.conftest import extra_gateway
from tests.restclient import rest
from tests.stackclient import ask, collect, open_ws

CRISIS = "I'm going to kill myself tonight."


def test_health_answers_without_a_token_and_chat_without_one_is_refused_by_the_gateway(
    endpoints: dict[str, Any],
) -> None:
    """Given the REST API on the local stack
    When a client without a valid token asks for health and for an answer
    Then health answers, and the JWT authorizer refuses the chat with 401 before any function runs."""
    # When a client without a token asks for health and then for an answer
    health = rest(endpoints, "GET", paths.HEALTH)
    chat = rest(endpoints, "POST", paths.CHAT, body={"message": "I feel alone."})
    forged = rest(endpoints, "POST", paths.CHAT, token="not.a.jwt", body={"message": "I feel alone."})
    # Then health is up, and the JWT authorizer answers 401 before any function runs, as API Gateway does
    assert health.status == 200 and health.body["status"] == "ok"
    assert chat.status == 401 and chat.body == {"message": "Unauthorized"}
    assert forged.status == 401


def test_a_message_gets_the_seeds_chat_response_with_a_real_verse_and_the_session_continues(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    """Given a signed-in person
    When they say how they feel over REST, then continue that conversation
    Then each answer is the seed's ChatResponse with the bundled translation's verse, in one session."""
    # Given a signed-in person
    token = new_user()
    # When they say how they feel over REST, then continue the same conversation
    first = rest(endpoints, "POST", paths.CHAT, token, {"message": "I'm so anxious about my exam tomorrow."})
    session = first.body["session_id"]
    second = rest(
        endpoints, "POST", paths.CHAT, token, {"message": "Thank you, I feel a bit calmer.", "session_id": session}
    )
    # Then each answer has the seed's fields: the emotion, a verse, encouragement, the session, a time and a score
    assert first.status == 200, first.body
    body = first.body
    assert {"emotion", "bible_verse", "message", "session_id", "timestamp", "confidence_score"} <= set(body)
    assert body["emotion"] == "anxious" and 0 <= body["confidence_score"] <= 1 and len(body["message"].split()) > 5
    # And the verse is the bundled translation's text for its reference, never generated
    resolved = get_catalogue().resolve(body["bible_verse"]["reference"])
    assert resolved is not None and resolved.text == body["bible_verse"]["text"]
    # And the second answer is in the same conversation
    assert second.status == 200 and second.body["session_id"] == session
    assert second.body["bible_verse"]["reference"] != body["bible_verse"]["reference"]


async def test_rest_answers_are_stored_where_the_websocket_history_finds_them_with_their_feedback(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    """Given an answer asked for over REST
    When the person gives feedback naming only the session, as the seed's client does
    Then the WebSocket history shows that answer, its verse and the feedback."""
    # Given an answer asked for over REST
    token = new_user()
    answer = rest(endpoints, "POST", paths.CHAT, token, {"message": "I'm grieving my grandmother."}).body
    # When the person says it helped, naming only the session (as the seed's feedback does)
    feedback = rest(
        endpoints,
        "POST",
        paths.FEEDBACK,
        token,
        {"session_id": answer["session_id"], "helpful": True, "emotion": answer["emotion"], "user_comment": "Thanks"},
    )
    # Then the latest answer of that session holds the feedback, as the WebSocket history shows it
    assert feedback.status == 200 and feedback.body["message_id"] == answer["message_id"]
    ws = await open_ws(endpoints, token)
    await ws.send(json.dumps({"action": "history", "sessionId": answer["session_id"]}))
    page = (await collect(ws, until={"history"})).of("history")[0]
    await ws.close()
    (turn,) = page["items"]
    assert turn["answer"] == answer["message"] and turn["verse"]["reference"] == answer["bible_verse"]["reference"]
    assert turn["feedback"]["helpful"] is True and turn["feedback"]["comment"] == "Thanks"


def test_bad_input_gets_a_coded_error_and_a_sentence(endpoints: dict[str, Any], demo_token: str) -> None:
    """Given a signed-in client
    When it sends an empty message, no JSON, a wrong type, an unknown conversation, a message too long
    Then each gets a 4xx with an error code and a human sentence."""
    # When a client sends an empty message, no JSON, a wrong type and an unknown conversation
    empty = rest(endpoints, "POST", paths.CHAT, demo_token, {"message": "   "})
    not_json = rest(endpoints, "POST", paths.CHAT, demo_token, raw="{nope")
    wrong = rest(endpoints, "POST", paths.FEEDBACK, demo_token, {"session_id": "s", "helpful": "yes"})
    unknown = rest(endpoints, "POST", paths.FEEDBACK, demo_token, {"session_id": "not-mine", "helpful": True})
    too_long = rest(endpoints, "POST", paths.CHAT, demo_token, {"message": "x" * 2001})
    # Then each is refused with a code and a human sentence, and nothing is answered
    assert (empty.status, empty.body["code"]) == (400, "bad_request") and "empty" in empty.body["message"]
    assert (not_json.status, not_json.body["code"]) == (400, "bad_request") and "JSON" in not_json.body["message"]
    assert (wrong.status, wrong.body["code"]) == (400, "bad_request") and "helpful" in wrong.body["message"]
    assert (unknown.status, unknown.body["code"]) == (404, "not_found")
    assert too_long.status == 400 and "2000" in too_long.body["message"]


async def test_the_rate_limit_is_shared_with_the_websocket_and_a_crisis_is_never_refused(
    stack: Any, new_user: Any, tmp_path: Any
) -> None:
    """Given a burst of two spent on the WebSocket
    When the person writes over REST an ordinary message, then a crisis
    Then the ordinary one is rate limited (429, Retry-After) and the crisis gets the crisis answer."""
    # Given a burst of two and a person who spent it on the WebSocket
    with extra_gateway(stack, tmp_path, env={"RATE_LIMIT_BURST": "2", "RATE_LIMIT_PER_MINUTE": "1"}) as endpoints:
        token = new_user()
        ws = await open_ws(endpoints, token)
        spent = [await ask(ws, f"I'm tired, message {i}.") for i in range(2)]
        await ws.close()
        # When they write over REST, first an ordinary message, then that they will end their life
        refused = rest(endpoints, "POST", paths.CHAT, token, {"message": "Still tired."})
        crisis = rest(endpoints, "POST", paths.CHAT, token, {"message": CRISIS})
    assert all(a.types[-1] == "done" for a in spent)
    # Then the ordinary one is refused with the same limit, saying when to try again
    assert refused.status == 429 and refused.body["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1 and refused.body["retry_after_ms"] > 0
    # And the crisis gets the crisis answer with the resources, not a refusal
    assert crisis.status == 200, crisis.body
    assert crisis.body["safety"] == "crisis" and any(r.get("phone") == "988" for r in crisis.body["resources"])
    assert "988" in crisis.body["message"]


def test_the_openapi_document_describes_every_route_and_which_need_a_token(endpoints: dict[str, Any]) -> None:
    """Given the running REST API
    When a client fetches its OpenAPI document without a token
    Then it describes chat, feedback and health from the models, chat and feedback behind the JWT."""
    # When a client fetches the OpenAPI document, without a token
    document = rest(endpoints, "GET", paths.OPENAPI)
    # Then it lists chat, feedback and health with their models, chat and feedback behind the bearer JWT
    assert document.status == 200 and document.body["openapi"].startswith("3.")
    operations = document.body["paths"]
    assert {paths.CHAT, paths.FEEDBACK, paths.HEALTH} <= set(operations)
    assert operations[paths.CHAT]["post"]["security"] == [{"cognito": []}]
    assert "security" not in operations[paths.HEALTH]["get"]
    schemas = document.body["components"]["schemas"]
    assert {"message", "session_id"} <= set(schemas["ChatRequest"]["properties"])
    assert {"emotion", "bible_verse", "confidence_score", "timestamp"} <= set(schemas["ChatResponse"]["properties"])
