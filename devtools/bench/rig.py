"""The bench rig: the local stack (moto, local Bedrock with the echo model, its gateway) plus the traced host gateway.

The echo model answers with the words of the message it was sent, so a bench message of 200 words is a 200-token
answer at the pace set by the local Bedrock's `token_delay_ms`. Everything listens on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devtools.bootstrap import create_user, generate_password, sign_in
from devtools.stack import LocalStack, Ports, StackOptions, free_port, terminate

#: The bench sends far faster than a person: the per-user rate limit is lifted (as tests/integration does).
# The daily allowance stays on (its write is part of what a turn costs), only too large to refuse.
GENEROUS_LIMITS = {
    "RATE_LIMIT_BURST": "100000",
    "RATE_LIMIT_PER_MINUTE": "1000000",
    "DAILY_MESSAGE_ALLOWANCE": "100000000",
}
STAGE = "local"


def say(line: str = "") -> None:
    """One line of the bench's report on stdout."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def raise_open_files_limit() -> int:
    """As many open files as the hard limit allows (10,000 connections need a socket each); the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _http(url: str, body: dict[str, Any] | None = None, timeout: float = 60) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")  # noqa: S310
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
        raw = response.read()
    return json.loads(raw) if raw else None


@dataclass
class Rig:
    stack: LocalStack
    host: subprocess.Popen[bytes]
    host_ws_url: str
    control_url: str

    @property
    def endpoints(self) -> dict[str, Any]:
        return self.stack.endpoints

    def pace(self, tokens_per_s: float) -> None:
        """Set the local model's pace (every token, the first included, waits 1/tokens_per_s)."""
        _http(self.endpoints["bedrock_url"] + "/_faults", {"token_delay_ms": 1000 / tokens_per_s})

    def trace(self) -> dict[str, Any]:
        """Every AWS call and model token of the host gateway since the last call (then forgotten)."""
        result: dict[str, Any] = _http(self.control_url + "/trace")
        return result

    def configure_trace(self, *, latency_ms: float | None = None, enabled: bool | None = None) -> None:
        body = {k: v for k, v in {"latency_ms": latency_ms, "enabled": enabled}.items() if v is not None}
        _http(self.control_url + "/trace", body)

    def log_bytes(self) -> int:
        """Bytes the host gateway's handlers have logged so far (what CloudWatch Logs would ingest)."""
        return self.stack.log_path("bench-host").stat().st_size

    def item_sizes(self, items: list[dict[str, Any]]) -> tuple[list[int], list[list[int]]]:
        """Each item's stored size, and its index entries' sizes for the attributes `written` names."""
        answer = _http(self.control_url + "/sizes", {"items": items})
        return answer["sizes"], answer["index"]

    def token(self, username: str | None = None, password: str | None = None) -> str:
        e = self.endpoints
        result = sign_in(
            e["cognito_url"],
            e["region"],
            e["client_id"],
            username or e["demo_username"],
            password or e["demo_password"],
            e.get("client_secret", ""),
        )
        return str(result["AccessToken"])

    def restart_host(self, max_workers: int, preexec: Callable[[], None] | None = None) -> None:
        """A new host gateway in place of this one; `preexec` runs in it before it starts (devtools.bench.cpushare)."""
        terminate(self.host)
        self.host, self.host_ws_url, self.control_url = _start_host(self.stack, max_workers, preexec)

    def new_user_token(self, n: int) -> str:
        e = self.endpoints
        username, password = f"bench-{n}-{os.getpid()}@motivator.local", generate_password()
        create_user(e["cognito_url"], e["region"], e["user_pool_id"], username, password)
        return self.token(username, password)


def _start_host(
    stack: LocalStack, max_workers: int, preexec: Callable[[], None] | None = None
) -> tuple[subprocess.Popen[bytes], str, str]:
    port, management, control = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        **stack.handler_env,
        "CONNECTIONS_ENDPOINT_URL": f"http://127.0.0.1:{management}/{STAGE}",
    }
    command = [sys.executable, "-m", "devtools.bench.host", "--port", str(port)]
    command += ["--management-port", str(management), "--control-port", str(control)]
    command += ["--max-workers", str(max_workers)]
    with stack.log_path("bench-host").open("ab") as log:
        host = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=preexec)
    control_url = f"http://127.0.0.1:{control}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            _http(control_url + "/health", timeout=1)
            return host, f"ws://127.0.0.1:{port}/{STAGE}", control_url
        if host.poll() is not None:
            break
        time.sleep(0.1)
    host.kill()
    raise RuntimeError(f"the bench host gateway did not start; see {stack.log_path('bench-host')}")


@contextlib.contextmanager
def rig(state_dir: Path, max_workers: int = 256) -> Iterator[Rig]:
    raise_open_files_limit()  # before the stack starts: its gateway inherits the limit
    options = StackOptions(
        state_dir=state_dir,
        ports=Ports.free(),
        model="echo",
        seed=1,
        token_delay_ms=15,
        handler_env=GENEROUS_LIMITS,
    )
    with LocalStack(options, progress=lambda line: None) as stack:
        host, ws_url, control_url = _start_host(stack, max_workers)
        bench = Rig(stack, host, ws_url, control_url)
        try:
            yield bench
        finally:
            terminate(bench.host)
