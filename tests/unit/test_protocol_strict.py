"""What parse_client_frame refuses, and how: strict JSON types, bounded nesting and size, safe error frames."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from devtools.gateway.events import select_route
from shared import limits
from shared.conversations import InvalidCursor, decode_cursor, encode_cursor
from shared.event_record import INBOUND_EVENT_KEY, log_inbound_event, redact_event
from shared.protocol import ACTIONS, ErrorCode, Feedback, History, Ping, ProtocolError, Resume
from shared.protocol_parse import parse_client_frame
from tests.strategies import BODIES, JSON_VALUES, SURROGATES, deep_brackets

ROUTES = {action: object() for action in ACTIONS} | {"$default": object()}

#: An error naming an unknown action stays short: its quote is bounded, then the list of valid actions.
SHORT = 440 + len(", ".join(ACTIONS))


def _refused(body: str | None) -> ProtocolError:
    with pytest.raises(ProtocolError) as err:
        parse_client_frame(body)
    return err.value


# -- nesting and size -------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [limits.JSON_MAX_DEPTH + 1, 990, 15_000])
def test_deeply_nested_json_is_a_bad_request_not_a_recursion_error(depth: int) -> None:
    # Given a bare nested array and a ping carrying one, `depth` levels deep
    for body in (deep_brackets(depth), '{"action":"ping","x":' + deep_brackets(depth) + "}"):
        # When parsed, Then the client hears the frame nests too deeply (no RecursionError escapes)
        refused = _refused(body)
        assert refused.frame.code == ErrorCode.BAD_REQUEST
        assert "nested" in refused.frame.message


def test_nesting_within_the_bound_is_parsed_and_ignored() -> None:
    # Given a ping carrying an extra field nested exactly as deep as allowed (the object itself is level 1)
    body = '{"action":"ping","x":' + deep_brackets(limits.JSON_MAX_DEPTH - 1) + "}"
    # When parsed, Then it is a ping
    assert isinstance(parse_client_frame(body), Ping)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    # Given a message made of brackets and escaped quotes
    text = '[[[{{{"\\"' * 500
    body = json.dumps({"action": "sendMessage", "message": text[:1900], "clientMessageId": "c"})
    # When parsed, Then it is accepted: only structure nests
    assert parse_client_frame(body).action == "sendMessage"


@pytest.mark.parametrize("body", ["[" * 5000, '{"a":' * 5000, "[" * 5000 + '"unterminated'])
def test_unbalanced_deep_text_is_refused_before_parsing(body: str) -> None:
    # Given deep text that is not even valid JSON, When parsed, Then it is a bad request
    assert _refused(body).frame.code == ErrorCode.BAD_REQUEST


def test_a_body_over_the_message_quota_is_too_large() -> None:
    # Given more text than API Gateway lets into one message
    body = json.dumps({"action": "ping", "pad": "x" * limits.WS_MESSAGE_MAX_BYTES})
    # When parsed, Then it is refused as too large, before any parsing
    assert _refused(body).frame.code == ErrorCode.TOO_LARGE


@pytest.mark.parametrize("depth", [limits.JSON_MAX_DEPTH + 1, 990, 15_000])
def test_the_gateway_routes_too_deep_bodies_to_default(depth: int) -> None:
    # Given a ping nested too deeply, When the gateway selects its route
    route = select_route('{"action":"ping","x":' + deep_brackets(depth) + "}", ROUTES)
    # Then, as for any text it cannot read as JSON, the route is $default (whose handler answers bad_request)
    assert route == "$default"


def test_the_gateway_routes_shallow_frames_on_their_action() -> None:
    # Given a ping nested within the bound, When routed, Then it goes to the ping route
    assert select_route('{"action":"ping","x":' + deep_brackets(3) + "}", ROUTES) == "ping"


# -- ids and text that cannot be encoded ------------------------------------------------------
@pytest.mark.parametrize(
    "frame",
    [
        {"action": "nope", "clientMessageId": "\udfff"},
        {"action": "sendMessage", "message": "hello", "clientMessageId": "\udfff"},
        {"action": "sendMessage", "message": "", "clientMessageId": "\udfff"},
        {"action": "sendMessage", "message": "hello", "clientMessageId": "x" * 65},
        {"action": "feedback", "sessionId": "\udfff", "messageId": "m", "helpful": "x", "clientMessageId": "\ud800"},
    ],
    ids=["unknown-action", "send-message", "empty-message", "too-long-id", "feedback"],
)
def test_an_invalid_client_message_id_is_never_copied_into_the_error(frame: dict[str, Any]) -> None:
    # Given a frame whose clientMessageId is not a valid id (a lone surrogate, or too long)
    # When parsed
    refused = _refused(json.dumps(frame))
    # Then the error frame leaves the id out and serialises
    assert refused.frame.client_message_id is None
    assert json.loads(refused.frame.to_wire())["type"] == "error"


def test_a_valid_client_message_id_is_still_echoed_in_errors() -> None:
    # Given a sendMessage with an empty message and a good id, When parsed, Then the error carries the id
    refused = _refused(json.dumps({"action": "sendMessage", "message": " ", "clientMessageId": "c-1"}))
    assert refused.frame.client_message_id == "c-1"
    assert json.loads(refused.frame.to_wire())["clientMessageId"] == "c-1"


@pytest.mark.parametrize("surrogate", SURROGATES)
@pytest.mark.parametrize(
    "frame",
    [
        {"action": "sendMessage", "message": "I feel {}", "clientMessageId": "c"},
        {"action": "feedback", "sessionId": "s", "messageId": "m", "helpful": True, "comment": "thanks {}"},
        {"action": "stop", "messageId": "{}"},
    ],
    ids=["message", "comment", "id"],
)
def test_text_with_lone_surrogates_is_a_bad_request(frame: dict[str, Any], surrogate: str) -> None:
    # Given a frame whose text holds a lone surrogate (valid JSON escapes, not valid Unicode)
    body = json.dumps({k: v.replace("{}", surrogate) if isinstance(v, str) else v for k, v in frame.items()})
    # When parsed, Then it is a bad request whose error frame serialises
    refused = _refused(body)
    assert refused.frame.code == ErrorCode.BAD_REQUEST
    assert "Unicode" in refused.frame.message
    refused.frame.to_wire()


# -- never echo unbounded input ---------------------------------------------------------------
@pytest.mark.parametrize("size", [30 * 1024, 127 * 1024])
def test_a_long_unknown_action_is_quoted_only_in_part(size: int) -> None:
    # Given an unknown action of `size` characters
    refused = _refused(json.dumps({"action": "a" * size}))
    # When refused, Then the error quotes its first few characters with an ellipsis, not all of it
    assert refused.frame.code == ErrorCode.UNKNOWN_ACTION
    assert "'" + "a" * limits.ECHO_MAX_CHARS + "'…" in refused.frame.message
    assert len(refused.frame.to_wire()) < SHORT


@pytest.mark.parametrize("action", ["\udfff" * 100, "\x00\n\u202e", "é😀" * 50, ["sendMessage"], {"a": 1}, 3, None])
def test_an_unknown_action_is_quoted_safely_whatever_it_holds(action: Any) -> None:
    # Given an action that is odd text or not text at all, When refused
    refused = _refused(json.dumps({"action": action}))
    # Then the error is unknown_action, serialises, stays short and carries no control characters
    assert refused.frame.code == ErrorCode.UNKNOWN_ACTION
    wire = refused.frame.to_wire()
    assert len(wire) < SHORT and "\u202e" not in json.loads(wire)["message"]


# -- strict JSON types ------------------------------------------------------------------------
def _feedback(helpful: Any) -> str:
    return json.dumps({"action": "feedback", "sessionId": "s", "messageId": "m", "helpful": helpful})


@pytest.mark.parametrize("helpful", ["true", "yes", "1", "on", "false", 1, 0, 1.0, None, [True]])
def test_helpful_must_be_a_json_boolean(helpful: Any) -> None:
    # Given feedback whose `helpful` is not true or false, When parsed, Then it is a bad request naming the field
    refused = _refused(_feedback(helpful))
    assert refused.frame.code == ErrorCode.BAD_REQUEST and "'helpful'" in refused.frame.message


@pytest.mark.parametrize("helpful", [True, False])
def test_helpful_booleans_are_accepted(helpful: bool) -> None:
    # Given feedback with a JSON boolean, When parsed, Then it is accepted as that boolean
    frame = parse_client_frame(_feedback(helpful))
    assert isinstance(frame, Feedback) and frame.helpful is helpful


@pytest.mark.parametrize("value", ["5", "5.0", True, False, 5.0, 5.5, None, 10**40])
@pytest.mark.parametrize(("action", "field"), [("history", "limit"), ("resume", "afterSeq")])
def test_counts_must_be_json_integers(action: str, field: str, value: Any) -> None:
    # Given a history limit or resume afterSeq that is not a plain integer in range
    body = json.dumps({"action": action, "messageId": "m", field: value})
    # When parsed, Then it is a bad request naming the field
    refused = _refused(body)
    assert refused.frame.code == ErrorCode.BAD_REQUEST and repr(field) in refused.frame.message


def test_integer_counts_are_accepted() -> None:
    # Given a history limit and a resume afterSeq as JSON integers, When parsed, Then they are accepted
    history = parse_client_frame('{"action":"history","limit":5}')
    resume = parse_client_frame('{"action":"resume","messageId":"m","afterSeq":3}')
    assert isinstance(history, History) and history.limit == 5
    assert isinstance(resume, Resume) and resume.after_seq == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [("message", 5), ("message", True), ("clientMessageId", 7), ("sessionId", 1.5), ("country", 44)],
)
def test_strings_stay_strings(field: str, value: Any) -> None:
    # Given a sendMessage field that should be text but is a number or boolean
    frame = {"action": "sendMessage", "message": "hi", "clientMessageId": "c", field: value}
    # When parsed, Then it is a bad request (nothing is converted)
    assert _refused(json.dumps(frame)).frame.code == ErrorCode.BAD_REQUEST


@pytest.mark.parametrize("cursor", ["x" * (limits.HISTORY_CURSOR_MAX_CHARS + 1), "not a cursor!", "ab\udfff", 5])
def test_a_cursor_must_be_short_base64url(cursor: Any) -> None:
    # Given a history request whose cursor is too long, not base64url or not text
    refused = _refused(json.dumps({"action": "history", "cursor": cursor}))
    # When parsed, Then it is a bad request naming the cursor
    assert refused.frame.code == ErrorCode.BAD_REQUEST and "'cursor'" in refused.frame.message


# -- forged cursors ---------------------------------------------------------------------------
def _cursor(**key: Any) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


@pytest.mark.parametrize(
    "key",
    [
        {"pk": "USER#u", "lastActivityAt": 10**40},
        {"pk": "USER#u", "lastActivityAt": -1},
        {"pk": "USER#u", "lastActivityAt": True},
        {"pk": "USER#u", "lastActivityAt": 1.5},
        {"pk": "USER#\udfff"},
        {"pk": ["USER#u"]},
        {"pk": {"S": "USER#u"}},
    ],
    ids=["huge-number", "negative", "bool", "float", "surrogate", "list", "nested"],
)
def test_forged_cursor_values_are_invalid(key: dict[str, Any]) -> None:
    # Given a cursor whose key holds a value no key of ours has, When decoded, Then it is an InvalidCursor
    with pytest.raises(InvalidCursor):
        decode_cursor(_cursor(**key))


def test_cursors_handed_out_decode_back() -> None:
    # Given a key as DynamoDB returns it, When encoded and decoded, Then it comes back
    key = {"pk": "USER#u", "sk": "SESSION#s", "gsi1pk": "USER#u", "lastActivityAt": 1_760_000_000_000}
    assert decode_cursor(encode_cursor(key)) == key


# -- the inbound-event log line ---------------------------------------------------------------
def test_the_inbound_event_line_logs_an_allow_list_of_the_body(caplog: pytest.LogCaptureFixture) -> None:
    # Given frames carrying free text outside message/comment: an extra field, a long unknown action
    bodies = [
        {"action": "ping", "text": "my private words", "private words": 1},
        {"action": "private words " * 100, "clientMessageId": "c"},
        {"action": "feedback", "sessionId": "s-1", "messageId": "m-1", "helpful": "private words"},
        {"action": "history", "cursor": "private words", "limit": 5},
    ]
    with caplog.at_level(logging.INFO):
        for body in bodies:
            log_inbound_event({"requestContext": {"connectionId": "c1"}, "body": json.dumps(body)})
    # When the handlers log them, Then no free text survives, but the known action, valid ids and types do
    lines = [r for r in caplog.records if r.getMessage() == "inbound event"]
    assert len(lines) == len(bodies)
    logged = [json.loads(getattr(r, INBOUND_EVENT_KEY)["body"]) for r in lines]
    assert "private" not in json.dumps(logged)
    assert logged[0] == {"action": "ping"} and logged[1]["action"] == "unknown"
    assert logged[2]["sessionId"] == "s-1" and logged[2]["messageId"] == "m-1"
    assert logged[3]["limit"] == 5
    assert getattr(lines[0], "dropped_fields", None) == 2


def test_the_gateway_event_log_keeps_the_body_for_replay() -> None:
    # Given a message event, When the gateway's replay log copies it (secrets only redacted)
    body = json.dumps({"action": "sendMessage", "message": "hello", "clientMessageId": "c", "x": 1})
    event = {"headers": {"Authorization": "Bearer t"}, "body": body}
    # Then the body is as the client sent it, and the token is gone
    kept = redact_event(event, keep_body=True)
    assert kept["body"] == body and kept["headers"]["Authorization"] == "<redacted>"


# -- property-based: whatever arrives, the answer is a frame or a sendable error ----------------
def _answer_is_sendable(body: str | None) -> None:
    try:
        frame = parse_client_frame(body)
    except ProtocolError as refused:
        wire = refused.frame.to_wire()
        assert len(wire) <= limits.WS_FRAME_MAX_BYTES
        assert refused.frame.message[0].isupper() and refused.frame.message.endswith(".")
    else:
        # An accepted frame's fields are text the handlers can store and send back
        frame.model_dump_json()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(BODIES)
def test_any_body_is_a_frame_or_a_sendable_error(body: str) -> None:
    # Given any text at all, When parsed, Then a frame comes out, or an error frame that serialises under 32 KB
    _answer_is_sendable(body)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_VALUES)
def test_the_nesting_scan_agrees_with_the_parser(value: Any) -> None:
    # Given any JSON value, When its text is scanned, Then the depth found is the depth the parser builds
    from shared.jsontext import nesting_depth

    def depth(v: Any) -> int:
        if isinstance(v, list):
            return 1 + max(map(depth, v), default=0)
        if isinstance(v, dict):
            return 1 + max(map(depth, v.values()), default=0)
        return 0

    assert nesting_depth(json.dumps(value)) == depth(value)
    assert nesting_depth(json.dumps(value, ensure_ascii=False)) == depth(value)


def test_parsing_stays_safe_near_the_recursion_limit() -> None:
    # Given a nearly exhausted stack (as in a Lambda worker thread deep inside a framework)
    def deep_call(n: int) -> None:
        if n:
            deep_call(n - 1)
        else:
            _answer_is_sendable(deep_brackets(990))

    # When a deep body is parsed there, Then the answer is still a sendable error frame
    deep_call(sys.getrecursionlimit() - 200)
