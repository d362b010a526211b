"""The post-deploy smoke test, run against the local stack exactly as CI runs it against a deployed environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from devtools.stack import LocalStack
from tests.stackclient import bedrock


def _smoke(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("SMOKE_PASSWORD", "SMOKE_USERNAME")}
    return subprocess.run(
        [sys.executable, "-m", "devtools.smoke", *args],
        env={**full_env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_smoke_test_passes_against_a_working_stack_and_leaves_nothing_behind(stack: LocalStack) -> None:
    """Given the running local stack and its demo user
    When the smoke test runs (python -m devtools.smoke --state-dir …)
    Then it signs in, gets a whole answer (ack, meta with a verse, deltas in order, done), a pong, deletes the
    conversation it made, prints what it checked with timings, and exits 0 without printing the password."""
    result = _smoke("--state-dir", str(stack.state_dir))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "ok  signed in as" in out and "deltas in order, done end_turn" in out and "smoke conversation deleted" in out
    assert " ms" in out and stack.endpoints["demo_password"] not in out + result.stderr


def test_the_smoke_test_fails_naming_what_a_user_would_meet(stack: LocalStack) -> None:
    """Given a model whose stream breaks in the middle of the answer
    When the smoke test runs
    Then it exits 1 and says the message was answered with an error, and which."""
    bedrock(stack.endpoints, "/_faults", {"cut_after": 4})
    try:
        result = _smoke("--state-dir", str(stack.state_dir))
    finally:
        bedrock(stack.endpoints, "/_faults", {"reset": True})
    assert result.returncode == 1
    assert "smoke: FAILED: the message was answered with error model_unavailable" in result.stderr


def test_a_wrong_password_and_a_missing_output_are_clear_errors(stack: LocalStack, tmp_path: Path) -> None:
    """Given a wrong password for the demo user, and then a CDK outputs file without the ChatApi stack
    When the smoke test runs with each
    Then the first fails at sign-in (exit 1), the second cannot run and names the missing output (exit 2)."""
    wrong = _smoke(
        "--state-dir",
        str(stack.state_dir),
        "--username",
        stack.endpoints["demo_username"],
        env={"SMOKE_PASSWORD": "Not4ThePassword"},
    )
    assert wrong.returncode == 1 and "sign-in as" in wrong.stderr and "failed" in wrong.stderr
    outputs: dict[str, Any] = {"Motivator-staging-Auth": {"UserPoolId": "us-west-2_abc", "UserPoolClientId": "x"}}
    (tmp_path / "outputs.json").write_text(json.dumps(outputs))
    missing = _smoke("--outputs", str(tmp_path / "outputs.json"), "--env", "staging")
    assert missing.returncode == 2
    assert "Motivator-staging-ChatApi.WebSocketUrl" in missing.stderr
