"""Handlers side by side in the local gateway's process share Powertools' metric set; none of their metrics is lost."""

from __future__ import annotations

import contextlib
import io
import json
import sys
import threading
import warnings
from collections.abc import Iterator

import pytest
from aws_lambda_powertools import Metrics

from devtools.gateway.invoke import take_turns

INVOCATIONS, METRICS_EACH = 8, 300


@contextlib.contextmanager
def _switching_often() -> Iterator[None]:
    """Threads switch at every chance, so a race that exists shows up within a few hundred iterations."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _counted(lines: str) -> float:
    total = 0.0
    for line in lines.splitlines():
        value = json.loads(line).get("N", 0)
        total += sum(value) if isinstance(value, list) else value
    return total


def test_invocations_adding_and_flushing_at_once_lose_and_repeat_no_metric() -> None:
    # Given the handlers' shared metric set made safe as the in-process invoker makes it
    metrics = Metrics(namespace="Test", service="test")
    take_turns(metrics.provider)
    out, failures = io.StringIO(), []

    def invocation() -> None:
        for _ in range(METRICS_EACH):
            metrics.add_metric(name="N", unit="Count", value=1)
            try:
                metrics.flush_metrics()
            except Exception as exc:  # what a broken flush raises is the finding
                failures.append(exc)

    # When 8 invocations add a metric and flush, over and over, all at once
    with _switching_often(), contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an invocation whose metric another already flushed has nothing to write
        threads = [threading.Thread(target=invocation) for _ in range(INVOCATIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    # Then every flush worked, and the EMF lines count every metric exactly once
    assert failures == []
    assert _counted(out.getvalue()) == pytest.approx(INVOCATIONS * METRICS_EACH)
