"""A short soak (`make soak` runs the long one): concurrent chats cut at random, resumed and resent, then audited."""

from __future__ import annotations

import time

import pytest

from devtools.soak import SoakOptions, render, soak
from devtools.stack import LocalStack

pytestmark = pytest.mark.integration


async def test_a_short_soak_loses_no_turn_and_calls_the_model_once_per_message(stack: LocalStack) -> None:
    # Given 3 concurrent chats of 4 turns each, half of the turns cut at random (some before the ack)
    options = SoakOptions(chats=3, turns=4, disconnect_rate=0.5, seed=3, frame_timeout_s=15, max_seconds=60)
    pids = {name: process.pid for name, process in stack.processes.items()}
    started = time.monotonic()

    # When they run against the local stack, reconnecting to resume or resend after each cut
    report = await soak(stack.endpoints, pids, options)

    # Then history holds every answer exactly as the client assembled it, stored once
    assert report.lost == [], render(report)
    assert report.extra_turns_stored == 0
    assert report.counts.disconnects > 0
    assert report.counts.resumes + report.counts.resends >= report.counts.disconnects
    # And each distinct message made one model call, no more
    assert report.counts.turns_sent == options.chats * options.turns
    assert (report.model_calls, report.duplicate_model_calls) == (report.counts.turns_sent, 0)
    # And the memory of each process of the stack was measured, within a bounded time
    assert set(report.memory) == {"moto", "bedrock", "gateway"}
    assert all(figures.start > 0 and figures.peak >= figures.start for figures in report.memory.values())
    assert time.monotonic() - started < 90
    assert "turns lost             0" in render(report)
