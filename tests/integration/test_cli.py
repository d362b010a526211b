"""The `motivator` command against the running local stack: a token for the demo user, chat in the terminal."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from devtools.stack import LocalStack, free_port
from tests.integration.conftest import extra_gateway
from tests.stackclient import bedrock, collect, open_ws

pytestmark = pytest.mark.integration

#: The console script pip installed next to this interpreter, as the README has people run it.
MOTIVATOR = [str(Path(sys.executable).parent / "motivator")]


def motivator(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run([*MOTIVATOR, *args], input=stdin, capture_output=True, text=True, timeout=60, env=env)


async def test_token_prints_a_token_the_gateway_accepts(stack: LocalStack) -> None:
    # Given the running local stack
    # When a developer asks for the demo user's token
    done = motivator("token", "--state-dir", str(stack.state_dir))

    # Then one line comes out, and it opens the gateway
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert "\n" not in token and token.count(".") == 2
    ws = await open_ws(stack.endpoints, token)
    await ws.send(json.dumps({"action": "ping"}))
    assert (await collect(ws, until={"pong"})).types == ["pong"]
    await ws.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--username", "someone@example.org"], "--password is required with --username"),
        (["--username", "nobody@example.org", "--password", "Wrong-pass-1"], "Sign-in failed for nobody@example.org"),
    ],
)
def test_token_refusals_are_one_clear_line(stack: LocalStack, args: list[str], message: str) -> None:
    # When the token is asked for with missing or wrong credentials
    done = motivator("token", "--state-dir", str(stack.state_dir), *args)
    # Then the command fails with a sentence naming the problem, not a traceback
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr


def test_without_a_running_stack_the_command_says_how_to_start_it(tmp_path: Path) -> None:
    # Given a folder where no stack was started
    done = motivator("token", "--state-dir", str(tmp_path))
    # Then it says so and names `make dev`
    assert done.returncode == 1
    assert "No running local stack found" in done.stderr and "make dev" in done.stderr


def test_chat_prints_the_verse_first_then_the_answer(stack: LocalStack, endpoints: dict[str, Any]) -> None:
    # Given the terminal client signed in as the demo user
    # When two feelings are typed, then an empty line
    done = motivator(
        "chat",
        "--state-dir",
        str(stack.state_dir),
        stdin="I feel anxious about my exam tomorrow.\nThank you, I'm grateful for my friends.\n\n",
    )

    # Then each answer shows the emotion and verse (reference, translation, text) before its words, and ends
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Connected.")
    answers = out.split("you> ")[1:3]
    assert len(answers) == 2
    for emotion, answer in zip(("anxious", "grateful"), answers, strict=True):
        header, _, rest = answer.partition("\u201d")
        assert f"[{emotion} " in header and "(WEB)" in header and "\u201c" in header
        assert rest.strip() and "[end_turn," in rest


def test_chat_streams_on_through_the_gateway_timeout_frame(
    stack: LocalStack, endpoints: dict[str, Any], tmp_path: Path
) -> None:
    # Given a gateway whose integration timeout (29 s in AWS, 0.5 s here) passes while the answer streams
    bedrock(endpoints, "/_faults", {"token_delay_ms": 30})
    with extra_gateway(stack, tmp_path, ["--integration-timeout", "0.5"]) as short:
        state = tmp_path / "state"
        state.mkdir()
        (state / "endpoints.json").write_text(json.dumps(short))

        # When a feeling is typed, then an empty line
        done = motivator("chat", "--state-dir", str(state), stdin="I'm sad that my friend moved away.\n\n")

    # Then the answer streams on to its end, and the gateway's frame is a note after it, not an error
    assert done.returncode == 0, done.stderr
    answer = done.stdout.split("you> ")[1]
    assert "[end_turn," in answer
    assert answer.rstrip().endswith("(gateway: Endpoint request timed out; the answer went on)")
    assert "! gateway" not in answer


def _dev_env(**ports: int) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.update({f"MOTIVATOR_{name.upper()}_PORT": str(port) for name, port in ports.items()})
    return env


def test_dev_names_a_port_in_use_and_how_to_change_it(tmp_path: Path) -> None:
    # Given another program listening on the port the gateway wants
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        ports = {"gateway": taken, "connections": free_port(), "bedrock": free_port(), "moto": free_port()}

        # When the stack is started
        done = subprocess.run(
            [*MOTIVATOR, "dev", "--no-web", "--state-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
            env=_dev_env(**ports),
        )

    # Then it stops with a message naming the port and the variable that moves it
    assert done.returncode == 1
    assert f"Port {taken} (gateway) is already in use" in done.stderr
    assert "MOTIVATOR_GATEWAY_PORT=<port> make dev" in done.stderr


def test_dev_writes_the_endpoints_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    # Given `motivator dev --no-web` on free ports
    ports = {"gateway": free_port(), "connections": free_port(), "bedrock": free_port(), "moto": free_port()}
    process = subprocess.Popen(
        [*MOTIVATOR, "dev", "--no-web", "--state-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_dev_env(**ports),
    )
    try:
        assert process.stdout is not None
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if line.startswith("==> ready") or not line:
                break
        assert any(line.startswith("==> ready") for line in lines), "".join(lines)

        # Then endpoints.json has what clients need, readable by its owner only, without the web client
        path = tmp_path / "endpoints.json"
        assert path.stat().st_mode & 0o777 == 0o600
        endpoints = json.loads(path.read_text())
        required = {"ws_url", "connections_url", "cognito_url", "user_pool_id", "client_id", "dynamodb_url"}
        assert required | {"bedrock_url", "region", "event_log", "demo_username"} <= set(endpoints)
        assert "web_url" not in endpoints
        assert all(_listening(port) for port in ports.values())

        # When Ctrl-C is pressed
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()

    # Then every process it started is gone: nothing listens on its ports any more
    assert process.returncode == 0
    assert not any(_listening(port) for port in ports.values())


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0
