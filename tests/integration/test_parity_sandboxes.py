"""Functions run as Lambda runs them: in sandboxes of their own (own environment, one invocation at a time, killed
at their Timeout) with the template-driven wiring, and timed out at their Timeout on the fast path too.

The handlers below are this module's own functions; the sandboxes import this module as a Lambda imports its
handler module.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from devtools.gateway.server import Gateway
from devtools.gateway.wiring import Function, Wiring

_LEAK = "MOTIVATOR_SANDBOX_TEST_LEAK"


def report(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """What the sandbox sees, after waiting as long as the frame asks."""
    body = json.loads(event["body"])
    time.sleep(float(body.get("sleep", 0)))
    if "marker" in body:
        Path(body["marker"]).write_text("finished")
    return {
        "pid": os.getpid(),
        "own": os.environ.get("OWN_SETTING"),
        "leaked": os.environ.get(_LEAK),
        "memory": context.memory_limit_in_mb,
        "remainingMs": context.get_remaining_time_in_millis(),
    }


def _function(timeout_s: float, **environment: str) -> Function:
    return Function(
        name="sandbox-test", handler=f"{__name__}.report", timeout_s=timeout_s, memory_mb=192, environment=environment
    )


@contextlib.asynccontextmanager
async def _gateway(tmp_path: Path, wiring: Wiring) -> AsyncIterator[ClientConnection]:
    gateway = Gateway(wiring=wiring, event_log=tmp_path / "events.jsonl")
    await gateway.start()
    try:
        async with connect(gateway.ws_url) as ws:
            yield ws
    finally:
        await gateway.stop()


def _results(tmp_path: Path) -> list[dict[str, Any]]:
    lines = (tmp_path / "events.jsonl").read_text().splitlines()
    return [record for record in map(json.loads, lines) if record["kind"] == "result"]


@pytest.fixture
async def sandboxed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ClientConnection]:
    monkeypatch.setenv(_LEAK, "from the gateway's own environment")
    wiring = Wiring(routes={"report": _function(timeout_s=1, OWN_SETTING="mine")}, isolated=True)
    async with _gateway(tmp_path, wiring) as ws:
        yield ws


async def test_a_sandbox_sees_only_its_functions_environment_and_limits(
    sandboxed: ClientConnection, tmp_path: Path
) -> None:
    # Given a function in a sandbox, its environment holding OWN_SETTING, the gateway's holding another variable
    ws = sandboxed

    # When a frame invokes it
    await ws.send(json.dumps({"action": "report"}))
    deadline = time.monotonic() + 10
    while not _results(tmp_path) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)

    # Then its handler saw its own variable and memory size, none of the gateway's environment, and its Timeout
    seen = _results(tmp_path)[0]["result"]
    assert (seen["own"], seen["leaked"], seen["memory"]) == ("mine", None, 192)
    assert 0 < seen["remainingMs"] <= 1000
    assert seen["pid"] != os.getpid()


async def test_an_invocation_past_its_timeout_fails_and_its_sandbox_stops(
    sandboxed: ClientConnection, tmp_path: Path
) -> None:
    # Given a function with a 1 s Timeout whose handler takes 3 s, then leaves a marker
    ws = sandboxed
    marker = tmp_path / "finished"

    # When a frame invokes it
    started = time.monotonic()
    await ws.send(json.dumps({"action": "report", "sleep": 3, "marker": str(marker)}))
    reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
    waited = time.monotonic() - started

    # Then the client hears API Gateway's failure at the Timeout, not when the handler would have finished
    assert reply["message"] == "Internal server error"
    assert 0.9 < waited < 2.5
    assert _results(tmp_path)[-1]["error"] == "Sandbox.Timedout"
    # And the handler never finished its work: its sandbox was stopped, as Lambda stops a timed-out one
    await asyncio.sleep(3)
    assert not marker.exists()


async def test_concurrent_invocations_get_sandboxes_of_their_own(tmp_path: Path) -> None:
    # Given a function whose handler takes half a second
    wiring = Wiring(routes={"report": _function(timeout_s=5)}, isolated=True)
    async with _gateway(tmp_path, wiring) as ws:
        # When two frames invoke it at once
        await ws.send(json.dumps({"action": "report", "sleep": 0.5}))
        await ws.send(json.dumps({"action": "report", "sleep": 0.5}))
        deadline = time.monotonic() + 20
        while len(_results(tmp_path)) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    # Then each ran in a sandbox of its own (the second a cold start), as Lambda scales out
    pids = {record["result"]["pid"] for record in _results(tmp_path)}
    assert len(pids) == 2


async def test_the_fast_path_also_fails_an_invocation_at_its_timeout(tmp_path: Path) -> None:
    # Given the fast path (handlers in the gateway process) with a function whose Timeout is 1 s
    wiring = Wiring(routes={"report": _function(timeout_s=1)})
    async with _gateway(tmp_path, wiring) as ws:
        # When its handler takes 3 s
        started = time.monotonic()
        await ws.send(json.dumps({"action": "report", "sleep": 3}))
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))

        # Then the client hears the failure at the Timeout (the thread itself cannot be stopped and runs on)
        assert reply["message"] == "Internal server error"
        assert time.monotonic() - started < 2.5
        assert _results(tmp_path)[-1]["error"] == "Sandbox.Timedout"
