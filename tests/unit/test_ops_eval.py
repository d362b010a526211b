"""The local ops view's arithmetic: Powertools EMF lines in; CloudWatch's statistics, metric math and alarms out."""

from __future__ import annotations

import contextlib
import io
import json
import time
from pathlib import Path

import pytest
from aws_lambda_powertools import Metrics

from shared.dashboard import Thresholds, dashboard
from shared.metric_names import NAMESPACE, SERVICE, MetricName
from shared.observability import logger
from shared.ops_eval import ALARM, OK, Samples, evaluate, statistic, view

#: Now (Powertools refuses timestamps more than 14 days away), 45 s into a clock minute.
NOW_MS = float(int(time.time() // 60) * 60_000 + 45_000)
BOARD = dashboard(Thresholds(fallbacks_per_window=5, crisis_per_hour=3))


def _emf(at_ms: float, counts: dict[MetricName, list[float]]) -> str:
    """The line Powertools' Metrics writes when a handler returns (its own serializer, a timestamp of our choosing)."""
    metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
    for name, values in counts.items():
        for value in values:
            metrics.add_metric(name=name, unit="Count", value=value)
    metrics.set_timestamp(int(at_ms))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        metrics.flush_metrics()
    return out.getvalue()


def _log(tmp_path: Path, lines: list[str]) -> Samples:
    path = tmp_path / "gateway.log"
    path.write_text("".join(line if line.endswith("\n") else line + "\n" for line in lines))
    return Samples(path)


def _minutes(count: int, received: int, storage: int) -> list[str]:
    """`count` minutes ending just before NOW_MS, each with that many messages and storage errors."""
    counts = {MetricName.MESSAGES_RECEIVED: [1.0] * received, MetricName.STORAGE_ERRORS: [1.0] * storage}
    return [_emf(NOW_MS - (i * 60 + 30) * 1000, counts) for i in range(count)]


def test_the_chat_error_rate_alarm_needs_five_breaching_minutes(tmp_path: Path) -> None:
    """Given 10 messages a minute, one of them meeting a storage error (10 % > 5 %),
    When four minutes of that are evaluated, Then ChatErrorRate stays OK (it needs 5 of 5);
    When a fifth minute breaches too, Then it is in ALARM, its value the same expression CloudWatch computes."""
    four = view(BOARD, _log(tmp_path, _minutes(4, received=10, storage=1)), minutes=10, now_ms=NOW_MS)
    assert four["alarms"]["ChatErrorRate"]["state"] == OK
    assert four["alarms"]["ChatErrorRate"]["breachingPeriods"] == 4
    five = view(BOARD, _log(tmp_path, _minutes(5, received=10, storage=1)), minutes=10, now_ms=NOW_MS)
    assert five["alarms"]["ChatErrorRate"]["state"] == ALARM
    assert five["alarms"]["ChatErrorRate"]["value"] == 10
    storage = five["widgets"]["storage_errors"]["series"][0]
    assert storage["window"] == 5
    assert storage["points"][-6:] == [None, 1, 1, 1, 1, 1]  # one a clock minute, the current one included


def test_a_quiet_minute_between_breaches_keeps_the_alarm_ok(tmp_path: Path) -> None:
    """Given five minutes where the third had messages but no errors,
    When evaluated, Then ChatErrorRate is OK: 4 of 5 periods breach and it needs 5."""
    lines = _minutes(5, received=10, storage=1)
    lines[2] = _emf(NOW_MS - 150_000, {MetricName.MESSAGES_RECEIVED: [1.0] * 10})
    state = view(BOARD, _log(tmp_path, lines), now_ms=NOW_MS)["alarms"]["ChatErrorRate"]
    assert (state["state"], state["breachingPeriods"]) == (OK, 4)


def test_percentiles_and_per_answer_math(tmp_path: Path) -> None:
    """Given 40 answers with times to first token 1..40 ms, 3 frames and 20 tokens each,
    When the dashboard is computed, Then p50/p99 are 20/40 ms and frames and tokens per answer 3 and 20."""
    line = _emf(
        NOW_MS - 10_000,
        {MetricName.TIME_TO_FIRST_TOKEN: [float(v) for v in range(1, 41)], MetricName.ANSWERS_COMPLETED: [1.0] * 40,
         MetricName.FRAMES_POSTED: [3.0] * 40, MetricName.OUTPUT_TOKENS: [20.0] * 40},
    )  # fmt: skip
    widgets = view(BOARD, _log(tmp_path, [line]), now_ms=NOW_MS)["widgets"]
    ttft = {s["stat"]: s["window"] for s in widgets["time_to_first_token"]["series"]}
    assert (ttft["p50"], ttft["p99"]) == (20, 40)
    assert [s["window"] for s in widgets["per_answer"]["series"]] == [3, 20]


def test_a_jwks_failure_log_line_is_counted_as_the_metric_filter_counts_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Given the authorizer's log line for a failed JWKS fetch, formatted as Powertools writes it,
    When the log is read, Then JwksFetchFailures counts 1 on the auth refusals widget."""
    from shared.auth import JWKS_FETCH_FAILED

    logger.warning(JWKS_FETCH_FAILED, error_type="URLError", cached_keys=0)
    (record,) = [r for r in caplog.records if r.getMessage() == JWKS_FETCH_FAILED]
    line = logger.registered_formatter.format(record)
    series = view(BOARD, _log(tmp_path, [line]))["widgets"]["auth_refusals"]["series"]
    assert {s["metric"]: s["window"] for s in series} == {"AuthRejected": None, "JwksFetchFailures": 1}


def test_a_line_still_being_written_is_read_once_it_is_whole(tmp_path: Path) -> None:
    """Given a log whose last line is half written (the handler is still writing it),
    When read, then completed and read again, Then its samples are counted once, after it is whole."""
    line = _emf(NOW_MS - 1000, {MetricName.BAD_REQUESTS: [1.0]})
    path = tmp_path / "gateway.log"
    path.write_text(line[:40])
    samples = Samples(path)
    assert view(BOARD, samples, now_ms=NOW_MS)["widgets"]["bad_requests"]["series"][0]["window"] is None
    with path.open("a") as file:
        file.write(line[40:])
    assert view(BOARD, samples, now_ms=NOW_MS)["widgets"]["bad_requests"]["series"][0]["window"] == 1
    assert view(BOARD, samples, now_ms=NOW_MS)["widgets"]["bad_requests"]["series"][0]["window"] == 1


def test_metric_math_reads_as_cloudwatch() -> None:
    """Given the dashboard's expressions, When evaluated, Then a guarded division, FILL and missing data behave as
    in CloudWatch; anything else is refused with a clear error."""
    assert evaluate("IF(received > 0, 100 * FILL(fallbacks, 0) / received, 0)", {"received": 0, "fallbacks": None}) == 0
    assert evaluate("IF(received > 0, 100 * FILL(fallbacks, 0) / received, 0)", {"received": 4, "fallbacks": None}) == 0
    assert evaluate("IF(received > 0, 100 * FILL(fallbacks, 0) / received, 0)", {"received": 4, "fallbacks": 1}) == 25
    assert evaluate("IF(received > 0, 1, 0)", {"received": None}) is None
    with pytest.raises(ValueError, match="does not read"):
        evaluate("__import__('os')", {})
    assert statistic([], "Sum") is None
    assert json.dumps(statistic([1.0, 2.0], "Average")) == "1.5"
