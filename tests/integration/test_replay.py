"""Replay against the real local stack: record, re-drive with --check, tampering, lost users, CloudWatch import."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from devtools.bootstrap import client, create_user, generate_password
from devtools.replay.cli import main
from devtools.stack import LocalStack
from tests.integration.conftest import extra_gateway
from tests.stackclient import ask, bedrock, collect, open_ws, token_for

pytestmark = pytest.mark.integration


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _wait_for_disconnect(endpoints: dict[str, Any], connection_id: str, timeout: float = 15) -> None:
    """The $disconnect handler runs after the socket closed; the recording is whole once its result is logged."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record in _records(Path(endpoints["event_log"])):
            kind, route = record.get("kind"), record.get("route")
            if kind == "result" and route == "$disconnect" and record.get("connectionId") == connection_id:
                return
        time.sleep(0.1)
    raise AssertionError(f"no $disconnect result for {connection_id}")


def _new_user(endpoints: dict[str, Any]) -> tuple[str, str]:
    username = f"replay-{uuid.uuid4().hex[:10]}@motivator.local"
    password = generate_password()
    create_user(endpoints["cognito_url"], endpoints["region"], endpoints["user_pool_id"], username, password)
    return username, token_for(endpoints, username, password)


async def _record_conversation(endpoints: dict[str, Any], token: str) -> str:
    """Two turns and feedback on the first answer; returns the recorded connection id."""
    before = len(_records(Path(endpoints["event_log"])))
    ws = await open_ws(endpoints, token)
    first = await ask(ws, "I feel anxious about my exams tomorrow.")
    ack = first.of("ack")[0]
    await ask(ws, "I am grateful for my friends, they helped me today.", sessionId=ack["sessionId"])
    feedback = {"action": "feedback", "sessionId": ack["sessionId"], "messageId": ack["messageId"], "helpful": True}
    await ws.send(json.dumps(feedback))
    await collect(ws, until={"feedbackRecorded", "error"})
    await ws.close()
    new = _records(Path(endpoints["event_log"]))[before:]
    connection_id = next(
        r["connectionId"]
        for r in new
        if r.get("kind") == "post" and ack["messageId"] in r.get("data", "") and '"type":"ack"' in r["data"]
    )
    _wait_for_disconnect(endpoints, connection_id)
    return str(connection_id)


@pytest.fixture(scope="module")
def recording(stack: LocalStack, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A saved recording of one conversation (with a session line naming seed and model), its user and connection."""
    endpoints = stack.endpoints
    username, token = _new_user(endpoints)
    connection_id = asyncio.run(_record_conversation(endpoints, token))
    saved = tmp_path_factory.mktemp("replay") / "conversation.jsonl"
    assert main([endpoints["event_log"], f"--connection={connection_id}", "--save", str(saved)]) == 0
    return saved, username, connection_id


@pytest.mark.parametrize("speed", ["0", "1", "2"])
def test_recorded_conversation_replays_with_check(
    stack: LocalStack, recording: tuple[Path, str, str], capsys: pytest.CaptureFixture[str], speed: str
) -> None:
    # Given a recorded conversation of two turns and one feedback, saved with the stack's seed and model
    saved, _, _ = recording
    first = _records(saved)[0]
    assert first["kind"] == "session"
    assert (first["seed"], first["model"]) == (7, "composer")

    # When it is replayed through the handlers with --check, as fast as possible or honouring the recorded gaps
    started = time.monotonic()
    code = main([str(saved), "--check", "--speed", speed, "--state-dir", str(stack.state_dir)])

    # Then every frame matches the recording, and the replay printed the events and frames
    out = capsys.readouterr().out
    assert code == 0, out
    assert "--check passed" in out
    assert "→ sendMessage" in out
    assert "← feedbackRecorded" in out
    assert time.monotonic() - started < 30


def test_list_shows_the_recorded_conversation(
    recording: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the saved recording
    saved, _, connection_id = recording

    # When listed
    code = main([str(saved), "--list"])

    # Then it shows one conversation with two turns
    out = capsys.readouterr().out
    assert code == 0
    row = next(line for line in out.splitlines() if connection_id in line)
    assert "│     2 │" in row


def test_check_names_the_frame_when_the_output_changed(
    stack: LocalStack, recording: tuple[Path, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a recording whose third delta of the first answer says something the handlers do not say
    saved, _, _ = recording
    records = _records(saved)
    deltas = [r for r in records if r.get("kind") == "post" and '"type":"delta"' in r["data"]]
    frame = json.loads(deltas[2]["data"])
    frame["text"] = "Something the handlers never wrote."
    deltas[2]["data"] = json.dumps(frame, separators=(",", ":"))
    changed = tmp_path / "changed.jsonl"
    changed.write_text("".join(json.dumps(r) + "\n" for r in records))

    # When it is replayed with --check
    code = main([str(changed), "--check", "--speed", "0", "--state-dir", str(stack.state_dir)])

    # Then it fails, naming the delta frame and the changed field
    out = capsys.readouterr().out
    assert code == 1, out
    assert "(delta seq 1-" in out
    assert "Something the handlers never wrote." in out
    assert "text: recorded" in out


def test_check_fails_with_another_seed(recording: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    # Given the recording made with seed 7
    saved, _, _ = recording

    # When replayed on a fresh stack started with seed 8
    code = main([str(saved), "--check", "--speed", "0", "--start", "--seed", "8", "--create-user"])

    # Then the answers differ and the diff names frames
    out = capsys.readouterr().out
    assert code == 1, out
    assert "recorded with model composer seed 7" in out
    assert "✗ frame" in out


def test_user_that_no_longer_exists_is_a_clear_error(
    stack: LocalStack, recording: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a recording of a user who has since been deleted
    endpoints = stack.endpoints
    username, token = _new_user(endpoints)
    connection_id = asyncio.run(_record_conversation(endpoints, token))
    gone = Path(recording[0]).parent / "gone.jsonl"
    assert main([endpoints["event_log"], f"--connection={connection_id}", "--save", str(gone)]) == 0
    cognito = client("cognito-idp", endpoints["cognito_url"], endpoints["region"])
    cognito.admin_delete_user(UserPoolId=endpoints["user_pool_id"], Username=username)

    # When it is replayed
    code = main([str(gone), "--speed", "0", "--state-dir", str(stack.state_dir)])

    # Then it stops with exit 2, naming the line that names the user
    out = capsys.readouterr().out
    assert code == 2
    assert f"{gone.name}:" in out
    assert "does not exist in the local user pool" in out
    # And with --create-user a stand-in user replays it
    assert main([str(gone), "--speed", "0", "--create-user", "--state-dir", str(stack.state_dir)]) == 0


def test_corrupt_line_is_a_clear_error(
    stack: LocalStack, recording: tuple[Path, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a recording whose sixth line was cut short
    lines = recording[0].read_text().splitlines()
    lines[5] = lines[5][: len(lines[5]) // 2]
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines) + "\n")

    # When it is replayed
    code = main([str(broken), "--state-dir", str(stack.state_dir)])

    # Then nothing is replayed and the line is named
    out = capsys.readouterr().out
    assert code == 2
    assert "broken.jsonl:6: not valid JSON" in out
    assert "replaying" not in out


def test_import_from_cloudwatch_then_replay(
    stack: LocalStack,
    recording: tuple[Path, str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the handlers' own log lines of the recorded conversation, in a CloudWatch log group (moto)
    endpoints = stack.endpoints
    _, _, connection_id = recording
    lines = [
        line
        for line in stack.log_path("gateway").read_text().splitlines()
        if '"inbound_event"' in line and connection_id in line
    ]
    assert len(lines) >= 6  # authorizer, connect, two turns, feedback, disconnect
    assert "exams tomorrow" not in "".join(lines)  # message text is redacted by default
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    logs = boto3.client("logs", endpoint_url=endpoints["dynamodb_url"], region_name=endpoints["region"])
    group = f"/aws/lambda/motivator-{uuid.uuid4().hex[:6]}"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="2024/01/01/[$LATEST]abc")
    now = int(time.time() * 1000)
    events: list[Any] = [{"timestamp": now - 1000 + i, "message": line} for i, line in enumerate(lines)]
    events.insert(0, {"timestamp": now - 2000, "message": "START RequestId: 1 Version: $LATEST"})
    logs.put_log_events(logGroupName=group, logStreamName="2024/01/01/[$LATEST]abc", logEvents=events)
    imported = tmp_path / "imported.jsonl"
    argv = ["--from-cloudwatch", group, "--since", "1h", f"--connection={connection_id}"]
    argv += ["--logs-endpoint-url", endpoints["dynamodb_url"], "--region", endpoints["region"]]

    # When imported and replayed
    code = main([*argv, str(imported), "--speed", "0", "--state-dir", str(stack.state_dir)])

    # Then the conversation is rebuilt and replayed, saying the text was redacted
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"imported {len(lines)} inbound event(s) on 1 connection(s)" in out
    assert "text was redacted in the log" in out
    assert out.count("→ sendMessage") == 2
    assert "← feedbackRecorded" in out
    # And --check refuses, as the words were never logged
    assert main([str(imported), "--check", "--state-dir", str(stack.state_dir)]) == 2
    assert "--check refused" in capsys.readouterr().out


def test_answers_past_the_gateway_timeout_replay_to_their_end(
    stack: LocalStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a conversation recorded on a gateway whose integration timeout (0.5 s here, 29 s in AWS) passed
    # during each of its two answers
    bedrock(stack.endpoints, "/_faults", {"token_delay_ms": 30})
    log = tmp_path / "events.jsonl"
    args = ["--integration-timeout", "0.5", "--event-log", str(log)]
    with extra_gateway(stack, tmp_path, args) as short:
        short = {**short, "event_log": str(log)}
        (tmp_path / "endpoints.json").write_text(json.dumps(short))
        _, token = _new_user(short)
        connection_id = asyncio.run(_record_conversation(short, token))

        # When it is replayed with --check on that gateway
        argv = [str(log), f"--connection={connection_id}", "--check", "--speed", "0", "--state-dir", str(tmp_path)]
        code = main(argv)

    # Then the timeout frames are notes, each answer streamed to its done, and every frame matches
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("← gateway: Endpoint request timed out (its integration timeout; the handler goes on") == 2
    assert out.count("← done") == 2
    assert "--check passed" in out
