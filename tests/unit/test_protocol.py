"""The wire protocol models: what clients may send and what they receive."""

from __future__ import annotations

import json

import pytest

from shared.limits import TITLE_MAX_CHARS
from shared.protocol import (
    SERVER_FRAME,
    Ack,
    Delta,
    Done,
    ErrorCode,
    ProtocolError,
    RenameConversation,
    SendMessage,
    StopReason,
    Timings,
)
from shared.protocol_parse import parse_client_frame


def test_send_message_is_trimmed_and_aliased() -> None:
    # Given a sendMessage frame with padding, When parsed
    frame = parse_client_frame(json.dumps({"action": "sendMessage", "message": "  hi  ", "clientMessageId": "c"}))
    # Then it is a SendMessage with the trimmed text and no session
    assert isinstance(frame, SendMessage)
    assert frame.message == "hi" and frame.client_message_id == "c" and frame.session_id is None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (None, ErrorCode.BAD_REQUEST),
        ("", ErrorCode.BAD_REQUEST),
        ("[1,2]", ErrorCode.BAD_REQUEST),
        ('{"action": 3}', ErrorCode.UNKNOWN_ACTION),
        ('{"action": "feedback", "sessionId": "s"}', ErrorCode.BAD_REQUEST),
        ('{"action": "history", "limit": 51}', ErrorCode.BAD_REQUEST),
        (
            '{"action": "sendMessage", "message": "hi", "clientMessageId": "' + "x" * 65 + '"}',
            ErrorCode.BAD_REQUEST,
        ),
    ],
)
def test_bad_frames_raise_protocol_errors_with_sentences(body: str | None, code: ErrorCode) -> None:
    # Given a malformed frame, When parsed, Then a ProtocolError carries the error frame to send
    with pytest.raises(ProtocolError) as err:
        parse_client_frame(body)
    assert err.value.frame.code == code
    assert err.value.frame.message[0].isupper() and err.value.frame.message.endswith(".")


def test_client_message_id_is_echoed_in_errors() -> None:
    # Given a sendMessage with an empty message but a clientMessageId
    with pytest.raises(ProtocolError) as err:
        parse_client_frame(json.dumps({"action": "sendMessage", "message": "", "clientMessageId": "abc"}))
    # Then the client can match the error to its message
    assert err.value.frame.client_message_id == "abc"


def test_server_frames_round_trip_through_the_discriminated_union() -> None:
    # Given server frames, When serialised and parsed back, Then the same frames come out
    frames = [
        Ack(clientMessageId="c", messageId="m", sessionId="s"),
        Delta(messageId="m", seq=1, text="Peace "),
        Done(messageId="m", seq=1, stopReason=StopReason.END_TURN, metrics=Timings(ttftMs=1.0, totalMs=2.0)),
    ]
    for frame in frames:
        wire = json.loads(frame.to_wire())
        assert SERVER_FRAME.validate_python(wire) == frame
    assert json.loads(frames[0].to_wire()) == {
        "type": "ack",
        "clientMessageId": "c",
        "messageId": "m",
        "sessionId": "s",
    }


def test_a_typed_title_is_trimmed_and_otherwise_kept_as_typed() -> None:
    # Given a title with spaces around it, markup and a right-to-left override (text, shown as text by clients)
    typed = "  <b>Exam</b> week \u202egnp.exe  "
    # When parsed
    frame = parse_client_frame(json.dumps({"action": "renameConversation", "sessionId": "s", "title": typed}))
    # Then only the spaces around it are gone
    assert isinstance(frame, RenameConversation)
    assert frame.title == typed.strip()


@pytest.mark.parametrize(
    ("title", "sentence"),
    [
        ("   ", "needs at least one letter"),
        ("x" * (TITLE_MAX_CHARS + 1), f"keep it to {TITLE_MAX_CHARS} characters"),
        ("Work\nnotes", "control characters"),
        ("Work\tnotes", "control characters"),
        ("Bell\x07", "control characters"),
        ("C1\x85 inside", "control characters"),
    ],
    ids=["blank", "too-long", "newline", "tab", "bell", "c1"],
)
def test_a_bad_title_is_bad_request_with_a_sentence(title: str, sentence: str) -> None:
    # Given a rename with a bad title, When parsed
    with pytest.raises(ProtocolError) as raised:
        parse_client_frame(json.dumps({"action": "renameConversation", "sessionId": "s", "title": title}))
    # Then it is refused as bad_request, saying why in words
    assert raised.value.frame.code == ErrorCode.BAD_REQUEST
    assert sentence in raised.value.frame.message
