"""Tracing: the X-Ray SDK stays out of a cold start, and a traced handler still reaches X-Ray when tracing is on."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRACE_ID = "1-67891233-abcdef012345678912345678"
PARENT = "53995c3f42cd8ad8"

#: A handler traced the way handlers/ trace theirs, invoked once in a fresh interpreter.
_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from shared.observability import tracer

    @tracer.capture_lambda_handler
    def handler(event, context):
        return {"statusCode": 200}

    before = "aws_xray_sdk.core" in sys.modules
    handler({}, None)
    print(json.dumps({"sdk_at_import": before, "sdk_after_call": "aws_xray_sdk.core" in sys.modules}))
    """
)


def _run(env: dict[str, str]) -> dict[str, bool]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("AWS_LAMBDA", "LAMBDA_", "_X_AMZN", "POWERTOOLS"))
    }
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], env={**clean, **env}, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, bool] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _lambda_env(daemon_port: int, **extra: str) -> dict[str, str]:
    return {
        "LAMBDA_TASK_ROOT": str(ROOT),
        "AWS_LAMBDA_FUNCTION_NAME": "motivator-test",
        "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{daemon_port}",
        "_X_AMZN_TRACE_ID": f"Root={TRACE_ID};Parent={PARENT};Sampled=1",
        **extra,
    }


def _daemon() -> socket.socket:
    """A UDP socket on loopback where the X-Ray daemon would listen."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(10)
    return sock


def _subsegments(sock: socket.socket) -> list[dict[str, object]]:
    """Every document the daemon received: a header line, then one subsegment each."""
    received = []
    sock.settimeout(0.5)
    try:
        while True:
            header, _, body = sock.recv(65536).decode().partition("\n")
            assert json.loads(header) == {"format": "json", "version": 1}
            received.append(json.loads(body))
    except TimeoutError:
        return received


def test_outside_lambda_a_traced_handler_never_imports_the_xray_sdk() -> None:
    # Given the local stack's environment (no Lambda, so Powertools turns tracing off)
    # When a traced handler is imported and invoked
    result = _run({})
    # Then the X-Ray SDK (about 170 ms of a cold start) was imported neither at import nor by the call
    assert result == {"sdk_at_import": False, "sdk_after_call": False}


def test_in_lambda_the_handler_subsegment_reaches_xray_with_its_annotations() -> None:
    # Given the Lambda environment with tracing on, and the X-Ray daemon's UDP port on loopback
    with _daemon() as daemon:
        port = daemon.getsockname()[1]
        # When a traced handler is imported and invoked once
        result = _run(_lambda_env(port))
        sent = _subsegments(daemon)
    # Then the SDK was not part of the import, was loaded by the call,
    assert result == {"sdk_at_import": False, "sdk_after_call": True}
    # and the handler's subsegment reached the daemon under the invocation's trace, annotated as Powertools does
    handler = next(s for s in sent if s.get("name") == "## handler")
    assert handler["trace_id"] == TRACE_ID and handler["parent_id"] == PARENT
    assert handler["annotations"] == {"ColdStart": True, "Service": "motivator"}


def test_a_snapstart_init_loads_the_xray_sdk_into_the_snapshot() -> None:
    # Given a SnapStart init (before any request), tracing on
    with _daemon() as daemon:
        result = _run(_lambda_env(daemon.getsockname()[1], AWS_LAMBDA_INITIALIZATION_TYPE="snap-start"))
    # Then the SDK is loaded at import, so restored environments do not pay for it on a person's request
    assert result["sdk_at_import"] is True
