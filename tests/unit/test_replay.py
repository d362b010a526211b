"""Replay without a stack: the event record, log parsing, --list, the frame diff and the CloudWatch import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devtools.replay import cloudwatch
from devtools.replay.cli import main
from devtools.replay.diff import FrameRef, compare
from devtools.replay.eventlog import LogError, read_log
from shared.event_record import REDACTED, log_inbound_event, redact_event, redacted_length
from tests.conftest import load_event

USER = "1dfd5d44-4c49-4783-8873-753262a3801d"


def _ctx(route: str, cid: str = "R1kmxc2VNjMCFIA=", request_id: str = "req", event_type: str = "MESSAGE") -> Any:
    return {
        "routeKey": route,
        "eventType": event_type,
        "connectionId": cid,
        "requestId": request_id,
        "requestTimeEpoch": 1705751697425,
        "authorizer": {"principalId": USER, "userId": USER, "username": USER},
    }


def _event(ts: float, route: str, request_id: str, event_type: str = "MESSAGE", body: str | None = None) -> Any:
    event: dict[str, Any] = {"requestContext": _ctx(route, "A", request_id, event_type)}
    if body is not None:
        event["body"] = body
    return {"ts": ts, "kind": "event", "route": route, "connectionId": "A", "event": event}


def _result(ts: int, route: str, request_id: str) -> Any:
    return {"ts": ts, "kind": "result", "route": route, "connectionId": "A", "requestId": request_id, "result": {}}


def _post(ts: int, frame: dict[str, Any]) -> Any:
    return {"ts": ts, "kind": "post", "connectionId": "A", "status": 200, "data": json.dumps(frame), "durationMs": 0.2}


def _conversation(message: str = "I feel anxious") -> list[dict[str, Any]]:
    """A small recorded log: connect, one turn (ack, delta, done), disconnect."""
    body = json.dumps({"action": "sendMessage", "message": message, "clientMessageId": "c1"})
    done = {"type": "done", "messageId": "m1", "seq": 1, "stopReason": "end_turn", "metrics": {"totalMs": 9}}
    return [
        {"ts": 1000, "kind": "session", "seed": 7, "model": "composer"},
        _event(1000, "$connect", "r0", "CONNECT"),
        _result(1001, "$connect", "r0"),
        _event(1100, "sendMessage", "r1", body=body),
        _post(1101, {"type": "ack", "clientMessageId": "c1", "messageId": "m1", "sessionId": "s1"}),
        _post(1102, {"type": "delta", "messageId": "m1", "seq": 1, "text": "Peace"}),
        _post(1103, done),
        _result(1104, "sendMessage", "r1"),
        _event(1200, "$disconnect", "r2", "DISCONNECT"),
    ]


def _write(tmp_path: Path, records: list[Any], name: str = "events.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


# -- the event record ------------------------------------------------------------------------
def test_event_record_redacts_secrets_and_text_by_default() -> None:
    # Given an authorizer event with a bearer token and a message event with text
    authorizer = load_event("websocket-authorizer-request")
    authorizer["headers"]["Authorization"] = "Bearer secret.token.value"
    authorizer["queryStringParameters"] = {"token": "secret.token.value", "room": "x"}
    message = load_event("websocket-message")
    message["body"] = json.dumps({"action": "feedback", "comment": "it helped a lot", "helpful": True})

    # When they are redacted for the log
    safe_auth, safe_message = redact_event(authorizer), redact_event(message)

    # Then no secret or written word survives, but the shape and lengths do
    assert "secret" not in json.dumps(safe_auth)
    assert safe_auth["headers"]["Authorization"] == REDACTED
    assert safe_auth["queryStringParameters"] == {"token": REDACTED, "room": "x"}
    body = json.loads(safe_message["body"])
    assert redacted_length(body["comment"]) == len("it helped a lot")
    assert body["helpful"] is True


def test_event_record_keeps_text_when_allowed_and_hides_non_json_bodies() -> None:
    # Given a JSON body and a plain-text body
    event = {"requestContext": {}, "body": json.dumps({"action": "sendMessage", "message": "hello"})}
    raw = {"requestContext": {}, "body": "just words"}

    # When redacted with and without log_message_text
    # Then the text is kept only when allowed, and a non-JSON body is treated as all text
    assert json.loads(redact_event(event, keep_text=True)["body"])["message"] == "hello"
    assert redacted_length(redact_event(raw)["body"]) == len("just words")


def test_event_record_digests_client_chosen_ids() -> None:
    # Given two frames with the same clientMessageId, which a client may fill with anything
    body = json.dumps({"action": "sendMessage", "message": "hi", "clientMessageId": "my private words"})

    # When redacted twice
    first, second = (json.loads(redact_event({"body": body})["body"]) for _ in range(2))

    # Then the id is replaced by the same digest both times (replay can still pair them)
    assert first["clientMessageId"] == second["clientMessageId"]
    assert "private" not in first["clientMessageId"]


def test_log_inbound_event_writes_one_structured_info_line(caplog: pytest.LogCaptureFixture) -> None:
    # Given a message event carrying text
    event = load_event("websocket-message")
    event["body"] = json.dumps({"action": "sendMessage", "message": "secret words", "clientMessageId": "c"})

    # When a handler records it
    log_inbound_event(event)

    # Then one INFO line holds the event, without the words
    records = [r for r in caplog.records if r.getMessage() == "inbound event"]
    assert len(records) == 1
    assert records[0].levelname == "INFO"
    logged = records[0].__dict__["inbound_event"]
    assert logged["requestContext"]["connectionId"] == event["requestContext"]["connectionId"]
    assert "secret words" not in json.dumps(logged)


# -- reading logs ----------------------------------------------------------------------------
def test_corrupt_line_is_an_error_naming_the_line(tmp_path: Path) -> None:
    # Given a log whose fourth line was cut in the middle
    records: list[Any] = _conversation()
    records[3] = json.dumps(records[3])[:40]
    path = _write(tmp_path, records)

    # When it is read, Then the error names the file and line 4
    with pytest.raises(LogError, match=r"events\.jsonl:4: not valid JSON"):
        read_log(path)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"ts": 1, "kind": "mystery", "connectionId": "A"}, "unknown record kind"),
        ({"ts": 1, "kind": "event", "connectionId": "A"}, "without route, event"),
        ({"kind": "post", "connectionId": "A", "data": "{}"}, "without ts"),
    ],
)
def test_incomplete_records_are_errors_not_skipped(tmp_path: Path, record: dict[str, Any], reason: str) -> None:
    # Given a valid log with one incomplete record appended
    path = _write(tmp_path, [*_conversation(), record])

    # When it is read, Then that line is named
    with pytest.raises(LogError, match=rf":10: .*{reason}"):
        read_log(path)


def test_posts_belong_to_the_handler_that_was_running(tmp_path: Path) -> None:
    # Given a log where the client's next message was logged before the frame that prompted it
    records = _conversation()
    ping = _event(1103, "ping", "r9", body='{"action":"ping"}')
    records.insert(6, ping)  # between the delta and the done posts
    log = read_log(_write(tmp_path, records))

    # When the posts are attributed
    convo = log.conversations["A"]

    # Then the done frame still belongs to the sendMessage (line 4), not to the ping
    assert [p.after_line for p in convo.posts] == [4, 4, 4]
    assert convo.turns == 1
    assert convo.user_id == USER


def test_a_body_nested_too_deep_to_parse_is_read_as_no_frame(tmp_path: Path) -> None:
    # Given a recorded log where a client sent an array nested 15,000 deep while a turn was streaming
    records = _conversation()
    records.insert(5, _event(1101, "$default", "r8", body="[" * 15_000 + "]" * 15_000))
    # When the log is read
    log = read_log(_write(tmp_path, records))
    # Then it reads without a RecursionError, and the turn's posts still belong to the sendMessage
    convo = log.conversations["A"]
    assert convo.turns == 1 and [p.after_line for p in convo.posts] == [4, 4, 4]


def test_a_frame_logged_after_the_reply_it_prompted_still_started_before_it(tmp_path: Path) -> None:
    # Given a done frame that went out at 1102.4 ms but was logged at 1103.9, after the client's next
    # message arrived at 1103.1 (the gateway writes a post's record once the frame is out)
    records = _conversation()
    done = records[6]
    done.update(ts=1103.9, startedTs=1102.4, durationMs=1.5)
    records.insert(6, _event(1103.1, "ping", "r9", body='{"action":"ping"}'))
    log = read_log(_write(tmp_path, records))

    # When the timeline is read
    convo = log.conversations["A"]
    ping = next(e for e in convo.inbound if e.route == "ping")

    # Then the done frame began before the ping, so a replay holds the ping until it has seen that frame
    assert convo.posts[-1].started == 1102.4 < ping.ts


def test_list_shows_who_when_and_turns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a recorded log
    path = _write(tmp_path, _conversation())

    # When listed
    code = main([str(path), "--list"])

    # Then the conversation, its user and its one turn are shown
    out = capsys.readouterr().out
    assert code == 0
    assert "1 conversation(s)" in out
    assert USER in out
    assert "│     1 │" in out or " 1 " in out


def test_check_refuses_a_log_with_redacted_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a log whose message text was redacted when logged
    path = _write(tmp_path, _conversation(message="<redacted:14 chars>"))

    # When replayed with --check
    code = main([str(path), "--check", "--state-dir", str(tmp_path)])

    # Then it refuses with exit 2, naming the line and why
    out = capsys.readouterr().out
    assert code == 2
    assert "events.jsonl:4" in out
    assert "redacted" in out


# -- the diff --------------------------------------------------------------------------------
def test_diff_ignores_ids_and_timings_and_names_changed_frames() -> None:
    # Given recorded frames and frames produced now with other ids, timings and one changed word
    origin = "line 4 sendMessage"
    then = [
        FrameRef({"type": "ack", "clientMessageId": "c1", "messageId": "m1", "sessionId": "s1"}, 200, origin),
        FrameRef({"type": "delta", "messageId": "m1", "seq": 1, "text": "Peace"}, 200, origin),
        FrameRef({"type": "done", "messageId": "m1", "seq": 1, "metrics": {"ttftMs": 3, "totalMs": 9}}, 200, origin),
    ]
    now = [
        FrameRef({"type": "ack", "clientMessageId": "x", "messageId": "m9", "sessionId": "s9"}, 200, origin),
        FrameRef({"type": "delta", "messageId": "m9", "seq": 1, "text": "Hope"}, 200, origin),
        FrameRef({"type": "done", "messageId": "m9", "seq": 1, "metrics": {"ttftMs": 1, "totalMs": 2}}, 200, origin),
    ]

    # When compared
    differences = compare("#1", then, now)

    # Then only the delta differs, and the description names the frame and the field
    assert len(differences) == 1
    text = differences[0].describe()
    assert text.startswith("frame 2 on #1 (delta seq 1, answering line 4 sendMessage)")
    assert 'text: recorded "Peace", now "Hope"' in text


def test_diff_reports_missing_and_extra_frames() -> None:
    # Given one recorded frame that is no longer produced
    then = [FrameRef({"type": "pong"}, 200, "line 5 ping"), FrameRef({"type": "pong"}, 200, "line 6 ping")]

    # When compared with a single frame now
    differences = compare("#1", then, then[:1])

    # Then the second frame is reported as missing
    assert [d.describe() for d in differences] == [
        "frame 2 on #1 (pong, answering line 6 ping): recorded but not produced now"
    ]


# -- CloudWatch import -----------------------------------------------------------------------
def _powertools_line(event: dict[str, Any]) -> str:
    return json.dumps({"level": "INFO", "message": "inbound event", "service": "motivator", "inbound_event": event})


def test_cloudwatch_lines_become_event_records_in_order() -> None:
    # Given Lambda log events: a REPORT line, a message event and the authorizer event before it
    auth = load_event("websocket-authorizer-request")
    message = load_event("websocket-message")
    cid = message["requestContext"]["connectionId"]
    auth["requestContext"]["connectionId"] = cid
    auth["requestContext"]["requestTimeEpoch"] = message["requestContext"]["requestTimeEpoch"] - 5
    log_events = [
        {"message": "REPORT RequestId: x Duration: 3 ms", "timestamp": 1, "logStreamName": "s", "eventId": "1"},
        {"message": _powertools_line(message), "timestamp": 3, "logStreamName": "s", "eventId": "2"},
        {"message": _powertools_line(auth), "timestamp": 2, "logStreamName": "t", "eventId": "3"},
    ]

    # When turned into records
    records, summary = cloudwatch.records_from(log_events, "/aws/lambda/motivator")

    # Then the authorizer comes first, routes are recovered, and the other line is counted
    assert [r["route"] for r in records] == ["$authorizer", message["requestContext"]["routeKey"]]
    assert summary.other_lines == 1
    assert summary.inbound == 2


def test_cloudwatch_truncated_inbound_line_is_an_error() -> None:
    # Given an inbound-event line cut short (CloudWatch truncates very long lines)
    line = _powertools_line(load_event("websocket-message"))[:120]

    # When imported, Then the error names the stream and event
    with pytest.raises(cloudwatch.CloudWatchImportError, match="stream s event 7"):
        cloudwatch.records_from([{"message": line, "logStreamName": "s", "eventId": "7"}], "g")


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("15m", 900), ("1h", 3600), ("2d", 172800)])
def test_since_durations(text: str, seconds: int) -> None:
    assert cloudwatch.parse_since(text) == seconds
