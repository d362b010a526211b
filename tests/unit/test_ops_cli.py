"""`motivator ops` in the terminal: a readable snapshot, a live view that Ctrl-C ends, and clear refusals."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from aws_lambda_powertools import Metrics

from shared.metric_names import NAMESPACE, SERVICE, MetricName

MOTIVATOR = [str(Path(sys.executable).parent / "motivator")]


def _throttled_log(tmp_path: Path) -> Path:
    """A handler log with five throttled answers, as Powertools writes it."""
    metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
    for _ in range(5):
        metrics.add_metric(name=MetricName.MESSAGES_RECEIVED, unit="Count", value=1)
        metrics.add_metric(name=MetricName.MODEL_THROTTLES, unit="Count", value=1)
        metrics.add_metric(name=MetricName.MODEL_FALLBACKS, unit="Count", value=1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        metrics.flush_metrics()
    path = tmp_path / "gateway.log"
    path.write_text("2026-01-01 gateway INFO a line that is not JSON\n" + out.getvalue())
    return path


def motivator(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MOTIVATOR, "ops", *args], capture_output=True, text=True, timeout=60)


def test_a_snapshot_shows_every_widget_and_the_alarms_states(tmp_path: Path) -> None:
    """Given a handler log with five throttled answers,
    When `motivator ops --once` reads it, Then the widgets are listed by title with their counts and the
    ModelThrottles alarm reads ALARM (5 >= 5) while CrisisReferrals reads OK."""
    done = motivator("--once", "--log", str(_throttled_log(tmp_path)))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for title in ("Connections", "Time to first token (ms)", "Fallback rate (%)", "Rate limited", "Bad requests",
                  "Auth refusals", "Crisis and concern answers per hour", "Storage errors"):  # fmt: skip
        assert any(title in line for line in lines), title
    (throttles,) = [line for line in lines if "ModelThrottles" in line and ">=" in line]
    assert "ALARM" in throttles and "5" in throttles
    (crisis,) = [line for line in lines if "CrisisReferrals" in line and ">" in line]
    assert "ALARM" not in crisis and "OK" in crisis


def test_the_live_view_redraws_until_ctrl_c(tmp_path: Path) -> None:
    """Given the live view running on a log, When Ctrl-C arrives, Then it stops quietly (code 130, no traceback)
    after drawing the dashboard."""
    env = {**os.environ, "COLUMNS": "140"}
    process = subprocess.Popen(
        [*MOTIVATOR, "ops", "--log", str(_throttled_log(tmp_path)), "--interval", "0.2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 130, err
    assert "ModelThrottles" in out and "Traceback" not in err


def test_refusals_are_one_clear_line(tmp_path: Path) -> None:
    """Given no running stack or a wrong option, When `motivator ops` is asked, Then it says what to do."""
    missing = motivator("--once", "--state-dir", str(tmp_path))
    assert missing.returncode == 1
    assert "No handler log at" in missing.stderr and "make dev" in missing.stderr
    assert "Traceback" not in missing.stderr
    log = str(_throttled_log(tmp_path))
    assert "--json prints one snapshot" in motivator("--json", "--log", log).stderr
    assert "--minutes must be 1 or more" in motivator("--once", "--minutes", "0", "--log", log).stderr
    assert "unknown environment 'qa'" in motivator("--once", "--env", "qa", "--log", log).stderr
