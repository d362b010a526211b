"""The dashboard computed locally: shared.dashboard's series and alarms evaluated on the handlers' own log lines
(Powertools EMF metrics and the JSON log lines a metric filter counts), as CloudWatch computes them.

Periods end now (CloudWatch aligns them to the clock and publishes a minute late); plots are per clock minute.
Missing data never breaches (the alarms' TreatMissingData is notBreaching).
"""

from __future__ import annotations

import ast
import bisect
import json
import math
import threading
import time
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from shared.dashboard import MINUTE_S, Alarm, Dashboard, Metric, Series
from shared.metric_names import LOG_FILTERS, NAMESPACE, SERVICE

OK = "OK"
ALARM = "ALARM"
#: How far back samples are kept: the longest period on the dashboard (an hour) plus the plots' reach.
KEEP_S = 2 * 3600
_POWERTOOLS_TIME = "%Y-%m-%d %H:%M:%S,%f%z"


@dataclass(frozen=True)
class LineSamples:
    """The values one log line carries for one metric, all at the line's time."""

    name: str
    at_ms: float
    values: list[float]


def samples_of(line: str) -> list[LineSamples]:
    """The metric samples one log line carries: EMF values of NAMESPACE, or a log-filter count of 1."""
    if not line.startswith("{"):
        return []
    try:
        record = json.loads(line)
    except ValueError:
        return []
    if not isinstance(record, dict):
        return []
    emf = record.get("_aws")
    if isinstance(emf, dict):
        return _emf_samples(record, emf)
    if record.get("service") != SERVICE:
        return []
    counted = [name for name, (key, value) in LOG_FILTERS.items() if record.get(key) == value]
    return [LineSamples(str(name), _log_time(record), [1.0]) for name in counted]


def _emf_samples(record: dict[str, Any], emf: dict[str, Any]) -> list[LineSamples]:
    at = float(emf.get("Timestamp", time.time() * 1000))
    found: list[LineSamples] = []
    for directive in emf.get("CloudWatchMetrics", []):
        if directive.get("Namespace") != NAMESPACE:
            continue
        for metric in directive.get("Metrics", []):
            values = record.get(metric.get("Name"))
            numbers = [
                float(v) for v in (values if isinstance(values, list) else [values]) if isinstance(v, int | float)
            ]
            if numbers:
                found.append(LineSamples(metric["Name"], at, numbers))
    return found


def _log_time(record: dict[str, Any]) -> float:
    try:
        return datetime.strptime(str(record["timestamp"]), _POWERTOOLS_TIME).timestamp() * 1000
    except (KeyError, ValueError):
        return time.time() * 1000


def statistic(values: list[float], stat: str) -> float | None:
    """CloudWatch's statistic of one period's values (percentiles by nearest rank); None when there are none."""
    if not values:
        return None
    if stat == "Sum":
        return sum(values)
    if stat == "SampleCount":
        return float(len(values))
    if stat == "Average":
        return sum(values) / len(values)
    if stat == "Maximum":
        return max(values)
    if stat == "Minimum":
        return min(values)
    if stat.startswith("p"):
        ordered = sorted(values)
        rank = max(1, math.ceil(float(stat[1:]) / 100 * len(ordered)))
        return ordered[rank - 1]
    raise ValueError(f"unknown statistic {stat!r}")


_OPERATORS: dict[type, Callable[[float, float], float]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_COMPARISONS: dict[type, Callable[[float, float], bool]] = {
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}


def evaluate(expression: str, values: Mapping[str, float | None]) -> float | None:
    """CloudWatch metric math (IF, FILL, + - * /, comparisons) over one period's values; None: no datapoint."""
    return _node(ast.parse(expression, mode="eval").body, values)


def _node(node: ast.AST, values: Mapping[str, float | None]) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "IF":
        # Only the branch taken is evaluated: a guarded division never runs.
        test = _node(node.args[0], values)
        return None if test is None else _node(node.args[1] if test else node.args[2], values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "FILL":
        value = _node(node.args[0], values)
        return _node(node.args[1], values) if value is None else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _node(node.left, values), _node(node.right, values)
        if left is None or right is None or (isinstance(node.op, ast.Div) and right == 0):
            return None
        return _OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARISONS:
        left, right = _node(node.left, values), _node(node.comparators[0], values)
        return None if left is None or right is None else _COMPARISONS[type(node.ops[0])](left, right)
    raise ValueError(f"metric math the local view does not read: {ast.dump(node)}")


class _Timeline:
    """One metric's samples in time order, as two compact arrays (a busy log holds hundreds of thousands)."""

    def __init__(self) -> None:
        self.times = array("d")
        self.values = array("d")

    def add(self, at_ms: float, values: list[float]) -> None:
        if self.times and at_ms < self.times[-1]:  # sandboxes' lines can arrive slightly out of order
            index = bisect.bisect_right(self.times, at_ms)
            self.times[index:index] = array("d", [at_ms] * len(values))
            self.values[index:index] = array("d", values)
            return
        self.times.extend([at_ms] * len(values))
        self.values.extend(values)

    def between(self, start_ms: float, end_ms: float) -> array[float]:
        return self.values[bisect.bisect_left(self.times, start_ms) : bisect.bisect_left(self.times, end_ms)]

    def drop_before(self, oldest_ms: float) -> None:
        cut = bisect.bisect_left(self.times, oldest_ms)
        if cut:
            del self.times[:cut]
            del self.values[:cut]


#: Only lines that can carry a sample are parsed: EMF lines and those a metric filter counts.
_MARKERS = ('"_aws"', *(f'"{value}"' for _, value in LOG_FILTERS.values()))


@dataclass
class Samples:
    """The samples read so far from one log file, read on from where the last read stopped (the file only grows;
    a shorter file was replaced and is read from its start)."""

    path: Path
    by_name: dict[str, _Timeline] = field(default_factory=dict)
    _offset: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, now_ms: float | None = None) -> None:
        with self._lock:
            try:
                size = self.path.stat().st_size
            except FileNotFoundError:
                return
            if size < self._offset:
                self._offset, self.by_name = 0, {}
            with self.path.open("rb") as file:
                file.seek(self._offset)
                data = file.read(size - self._offset)
            complete = data.rfind(b"\n") + 1  # a line still being written is read next time
            self._offset += complete
            for line in data[:complete].decode("utf-8", errors="replace").splitlines():
                if any(marker in line for marker in _MARKERS):
                    for found in samples_of(line):
                        self._timeline(found.name).add(found.at_ms, found.values)
            oldest = (now_ms or time.time() * 1000) - KEEP_S * 1000
            for timeline in self.by_name.values():
                timeline.drop_before(oldest)

    def _timeline(self, name: str) -> _Timeline:
        timeline = self.by_name.get(name)
        if timeline is None:
            timeline = self.by_name[name] = _Timeline()
        return timeline

    def values(self, name: str, start_ms: float, end_ms: float) -> list[float]:
        with self._lock:  # one reader serves every open /ops tab: a refresh must not move the arrays mid-read
            timeline = self.by_name.get(name)
            return timeline.between(start_ms, end_ms).tolist() if timeline else []


def series_value(series: Series, samples: Samples, end_ms: float, span_s: int | None = None) -> float | None:
    """The series over the `span_s` seconds before end_ms (default: its own period)."""
    if isinstance(series, Metric):
        span = span_s or series.period_s
        return statistic(samples.values(series.name, end_ms - span * 1000, end_ms), series.stat)
    span = span_s or series.period_s
    values = {m.id: series_value(m, samples, end_ms, span) for m in series.using}
    return evaluate(series.expression, values)


def alarm_state(alarm: Alarm, samples: Samples, now_ms: float) -> dict[str, Any]:
    """ALARM when enough of the last periods breach the threshold, as CloudWatch evaluates it."""
    period_s = alarm.series.period_s
    values = [
        series_value(alarm.series, samples, now_ms - i * period_s * 1000) for i in range(alarm.evaluation_periods)
    ]
    breaching = sum(alarm.breaches(v) for v in values)
    return {
        "state": ALARM if breaching >= alarm.datapoints_to_alarm else OK,
        "value": values[0],
        "threshold": alarm.threshold,
        "comparison": alarm.comparison,
        "breachingPeriods": breaching,
        "datapointsToAlarm": alarm.datapoints_to_alarm,
        "evaluationPeriods": alarm.evaluation_periods,
        "periodSeconds": period_s,
        "description": alarm.description,
    }


def per_minute(series: Series, samples: Samples, now_ms: float, minutes: int) -> list[tuple[float, float | None]]:
    """One point per clock minute over the last `minutes` (the current minute last), as a graph of it plots."""
    current = math.floor(now_ms / 60_000) * 60_000
    starts = [current - i * 60_000 for i in range(minutes - 1, -1, -1)]
    return [(start, series_value(series, samples, start + MINUTE_S * 1000, MINUTE_S)) for start in starts]


def view(board: Dashboard, samples: Samples, *, minutes: int = 30, now_ms: float | None = None) -> dict[str, Any]:
    """Every widget's series (its statistic over the last `minutes`, over its latest period, and one point per
    clock minute from firstMinuteMs) and every alarm's state: what `motivator ops --once --json` and /ops show."""
    now = now_ms if now_ms is not None else time.time() * 1000
    samples.refresh(now)
    widgets = {
        w.key: {
            "title": w.title,
            "annotation": {"value": w.annotation.value, "label": w.annotation.label} if w.annotation else None,
            "series": [_series_view(s, samples, now, minutes) for s in w.series],
        }
        for w in board.widgets
    }
    alarms = {a.id: alarm_state(a, samples, now) for a in board.alarms}
    first_minute = math.floor(now / 60_000) * 60_000 - (minutes - 1) * 60_000
    return {"generatedAtMs": round(now), "windowMinutes": minutes, "firstMinuteMs": first_minute,
            "source": str(samples.path), "widgets": widgets, "alarms": alarms}  # fmt: skip


def _series_view(series: Series, samples: Samples, now: float, minutes: int) -> dict[str, Any]:
    described: dict[str, Any] = (
        {"metric": str(series.name), "stat": series.stat}
        if isinstance(series, Metric)
        else {"expression": series.expression}
    )
    return {
        "label": series.title,
        **described,
        "periodSeconds": series.period_s,
        "window": series_value(series, samples, now, minutes * 60),
        "latest": series_value(series, samples, now),
        "points": [v for _, v in per_minute(series, samples, now, minutes)],
    }
