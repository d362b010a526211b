"""`python -m devtools.bench.ops_view [--answers N]`: what the local ops view costs on a busy handler log.

Writes a log of N answers' EMF lines (as Powertools writes them, spread over the last 30 minutes), then prints the
first read, a refresh after more lines arrive, one snapshot's evaluation (every widget and alarm) and the memory
the reader keeps.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
import time
import tracemalloc
from pathlib import Path

from aws_lambda_powertools import Metrics

from shared.dashboard import Thresholds, dashboard
from shared.metric_names import NAMESPACE, SERVICE, MetricName
from shared.ops_eval import Samples, view

#: One answer's metrics: what SendMessage emits for an ordinary streamed answer (about 12 frames).
_ANSWER = {
    MetricName.MESSAGES_RECEIVED: 1.0,
    MetricName.ANSWERS_COMPLETED: 1.0,
    MetricName.TIME_TO_FIRST_TOKEN: 240.0,
    MetricName.ANSWER_DURATION: 2100.0,
    MetricName.OUTPUT_TOKENS: 120.0,
}


def _answer_line(at_ms: int, frames: int) -> str:
    metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
    for name, value in _ANSWER.items():
        metrics.add_metric(name=name, unit="Count", value=value)
    for _ in range(frames):
        metrics.add_metric(name=MetricName.FRAMES_POSTED, unit="Count", value=1)
    metrics.set_timestamp(at_ms)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        metrics.flush_metrics()
    return out.getvalue()


def _write(path: Path, answers: int, now_ms: int) -> None:
    template = _answer_line(now_ms, 12)
    with path.open("a") as log:
        for n in range(answers):
            at = now_ms - int(30 * 60_000 * (answers - n) / answers)
            log.write(template.replace(f'"Timestamp":{now_ms}', f'"Timestamp":{at}'))
            log.write('{"level":"INFO","message":"answer finished","service":"motivator"}\n')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.bench.ops_view", description=__doc__)
    parser.add_argument("--answers", type=int, default=20_000, help="answers in the log (default 20000)")
    args = parser.parse_args(argv)
    board = dashboard(Thresholds())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gateway.log"
        now = int(time.time() * 1000)
        _write(path, args.answers, now)
        tracemalloc.start()
        probe = Samples(path)  # measured apart: tracing allocations slows the read down
        probe.refresh()
        kept = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del probe
        samples = Samples(path)
        started = time.perf_counter()
        samples.refresh()
        first_read = time.perf_counter() - started
        _write(path, 100, int(time.time() * 1000))
        started = time.perf_counter()
        samples.refresh()
        refresh = time.perf_counter() - started
        started = time.perf_counter()
        snapshot = view(board, samples, minutes=30)
        evaluate = time.perf_counter() - started
        figures = {
            "answers": args.answers,
            "log_bytes": path.stat().st_size,
            "first_read_ms": round(first_read * 1000, 1),
            "refresh_after_100_answers_ms": round(refresh * 1000, 1),
            "snapshot_ms": round(evaluate * 1000, 1),
            "reader_memory_mib": round(kept / 2**20, 1),
            "answers_seen": snapshot["widgets"]["messages"]["series"][1]["window"],
        }
    print(json.dumps(figures, indent=1))  # noqa: T201  (a bench prints its figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
