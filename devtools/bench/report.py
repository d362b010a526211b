"""What the bench prints: a line per figure, and one JSON object of them all (`--json`, and the cost model's input)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from devtools.bench.client import median, pct
from devtools.bench.critical import AnswerPath
from devtools.bench.imports import RouteImport
from devtools.bench.load import ChatsResult, IdleResult, summary
from devtools.bench.overhead import Overhead
from devtools.bench.pace import PaceResult
from devtools.bench.rig import say
from shared.streaming import TOKEN_HOLD_BUDGET_S

#: The pace whose answers stand for production in the cost inputs (Bedrock's models stream at least this fast).
COST_PACE = 60


@dataclass
class Results:
    paces: list[PaceResult] = field(default_factory=list)
    cost_answers: list[AnswerPath] = field(default_factory=list)
    paths: list[AnswerPath] = field(default_factory=list)
    overhead: Overhead | None = None
    stops: list[float] = field(default_factory=list)
    chats: ChatsResult | None = None
    idle: IdleResult | None = None
    imports: list[RouteImport] = field(default_factory=list)


def _by_pace(results: Results, value: Any) -> dict[str, float]:
    return {f"{p.tokens_per_s:g}": round(float(value(p)), 3) for p in results.paces}


def print_paces(paces: list[PaceResult]) -> None:
    say(f"messages per 200-token answer (no token may wait over {TOKEN_HOLD_BUDGET_S * 1000:.0f} ms):")
    say("  tokens/s  frames  ratio to per-token  max hold  p99 hold  send->1st delta  model's 1st word->delta")
    for p in paces:
        holds = f"{p.hold_ms(1.0):6.1f} ms  {p.hold_ms(0.99):6.1f} ms"
        firsts = f"{p.first_delta_ms:12.1f} ms  {p.first_word_to_delta_ms:12.1f} ms"
        say(f"  {p.tokens_per_s:8g}  {p.frames:6.0f}  {p.ratio:18.3f}  {holds}  {firsts}   ({len(p.answers)} answers)")


def print_paths(paths: list[AnswerPath]) -> None:
    say("critical path (round trips counted from the trace, each round trip given +25 ms so overlaps show):")
    for p in paths:
        chain = " -> ".join(p.before_model) or "none"
        before = f"{len(p.before_model)} in sequence ({chain}), {p.concurrent_before_model} alongside"
        say(f"  {p.label:18} before the model call: {before}; on the token path: {len(p.token_path)}")


def print_costs(answers: list[AnswerPath]) -> None:
    if not answers:
        return

    def m(values: list[float]) -> float:
        return median(values)

    reads = f"{m([a.reads for a in answers]):.0f} reads ({m([a.read_units for a in answers]):.1f} RRU)"
    index = m([a.index_write_units for a in answers])
    writes = f"{m([a.writes for a in answers]):.0f} writes ({m([a.write_units for a in answers]):.1f} WRU"
    writes += f", {index:.1f} of them the indexes' entries)"
    size = f"{m([a.dynamodb_bytes for a in answers]) / 1024:.1f} KiB"
    posts = f"{m([a.posts for a in answers]):.0f} PostToConnection"
    say(f"per answer at {COST_PACE} tokens/s (median of {len(answers)}): {posts}, DynamoDB {reads}, {writes}, {size}")
    last = answers[-1]
    for name, count in sorted(last.calls.items(), key=lambda kv: -kv[1]):
        units = last.units.get(name)
        say(f"    {count:4d} x {name}" + (f"  ({units:.1f} units)" if units else ""))


def _print_chats(chats: ChatsResult) -> None:
    s = summary(chats)
    rate = f"delivered/model rate {s['delivered_rate_ratio']:.3f} (model {s['model_tokens_per_s']} tokens/s as seen)"
    first = f"first delta p50 {s['first_delta_p50_ms']} ms p99 {s['first_delta_p99_ms']} ms"
    say(f"{s['chats']} concurrent chats at {chats.tokens_per_s:g} tokens/s: {rate}, {first}, errors {s['errors']}")
    say(
        f"  of which send -> model call p50 {s['before_model_p50_ms']} ms p99 {s['before_model_p99_ms']} ms, "
        f"model call -> its first word p99 {s['model_first_word_p99_ms']} ms; {s['wall_s']} s in all"
    )
    wait = f"p50 {s['first_word_to_post_p50_ms']} ms p99 {s['first_word_to_post_p99_ms']} ms"
    say(f"  first word -> its post begins {wait}; the post itself p50 {s['post_p50_ms']} ms p99 {s['post_p99_ms']} ms")


def _print_idle(idle: IdleResult) -> None:
    rss = f"gateway RSS {idle.rss_before_kib / 1024:.0f} -> {idle.rss_after_kib / 1024:.0f} MiB"
    say(
        f"{idle.connections} idle authenticated connections ({idle.open_s:.0f} s to open): {rss}, "
        f"{idle.kib_per_connection:.1f} KiB per connection"
    )


def print_rest(results: Results) -> None:
    if results.overhead and results.overhead.total:
        o = results.overhead
        split = f"before the model call {pct(o.before, 0.5):.2f} ms, after its first word {pct(o.after, 0.5):.2f} ms"
        say(f"pipeline overhead per answer p50 {pct(o.total, 0.5):6.2f} ms p90 {pct(o.total, 0.9):6.2f} ms ({split})")
    if results.stops:
        say(f"stop -> done p50 {pct(results.stops, 0.5):.1f} ms  max {max(results.stops):.1f} ms")
    if results.chats:
        _print_chats(results.chats)
    if results.idle:
        _print_idle(results.idle)
    if results.imports:
        say("handler import in a fresh interpreter, Lambda environment (median ms), the X-Ray SDK loaded by the first")
        say("traced call after it, and the import's largest costs (-X importtime, self ms):")
        for r in results.imports:
            top = ", ".join(f"{name} {ms:.0f}" for name, ms in r.top(6))
            say(f"  {r.route:14} {r.median_ms:6.0f} ms  +{r.first_trace_median_ms:4.0f} ms   {top}")


def cost_inputs(results: Results) -> dict[str, Any]:
    """What devtools.cost needs of an answer, measured at COST_PACE tokens/s."""
    answers = results.cost_answers
    pace = next((p for p in results.paces if p.tokens_per_s == COST_PACE), None)
    usage = [s.answer.done or {} for s in pace.answers] if pace else []
    return {
        "pace_tokens_per_s": COST_PACE,
        "posts_per_answer": median([a.posts for a in answers]),
        "post_bytes_per_answer": median([a.post_bytes for a in answers]),
        "log_bytes_per_answer": round(pace.log_bytes) if pace else 0,
        "output_tokens": median([u.get("usage", {}).get("outputTokens", 0) for u in usage]),
        "input_tokens_local_estimate": median([u.get("usage", {}).get("inputTokens", 0) for u in usage]),
        "handler_overhead_ms": round(pace.handler_overhead_ms, 1) if pace else 0.0,
        "stream_s": round(median([a.stream_s for a in answers]), 3),
        "dynamodb_reads": median([a.reads for a in answers]),
        "dynamodb_writes": median([a.writes for a in answers]),
        "dynamodb_read_units": median([a.read_units for a in answers]),
        "dynamodb_write_units": median([a.write_units for a in answers]),
        "dynamodb_index_write_units": median([a.index_write_units for a in answers]),
        "dynamodb_bytes": median([a.dynamodb_bytes for a in answers]),
        "dynamodb_reads_while_streaming": median([a.reads_while_streaming for a in answers]),
    }


def as_json(results: Results) -> dict[str, Any]:
    chats = summary(results.chats) if results.chats else {}
    paths = results.paths
    return {
        "frames_per_200_tokens": _by_pace(results, lambda p: p.frames * 200 / p.tokens if p.tokens else 0),
        "per_token_ratio": _by_pace(results, lambda p: p.ratio),
        "max_token_hold_ms": _by_pace(results, lambda p: p.hold_ms(1.0)),
        "p99_token_hold_ms": _by_pace(results, lambda p: p.hold_ms(0.99)),
        "first_delta_p50_ms": _by_pace(results, lambda p: p.first_delta_ms),
        "first_word_to_delta_p50_ms": _by_pace(results, lambda p: p.first_word_to_delta_ms),
        "sequential_round_trips_before_model": max((len(p.before_model) for p in paths), default=0),
        "round_trips_before_model_by_answer": [{"answer": p.label, "in_sequence": p.before_model} for p in paths],
        "round_trips_on_token_path": max((len(p.token_path) for p in paths), default=0),
        # Later answers of a conversation write a larger session item than its first (the cost inputs' answers).
        "dynamodb_units_in_a_conversation": [
            {"answer": p.label, "read_units": p.read_units, "write_units": p.write_units, "by_call": p.units}
            for p in paths
        ],
        "handler_import_ms": {r.route: round(r.median_ms, 1) for r in results.imports},
        "first_traced_call_ms": {r.route: round(r.first_trace_median_ms, 1) for r in results.imports},
        "concurrent_chats": chats.get("chats", 0),
        "concurrent_errors": chats.get("errors", 0),
        "concurrent_first_delta_p99_ms": chats.get("first_delta_p99_ms", 0.0),
        "delivered_rate_ratio": chats.get("delivered_rate_ratio", 0.0),
        "concurrent_detail": chats,
        "idle_connections": results.idle.connections if results.idle else 0,
        "kib_per_connection": round(results.idle.kib_per_connection, 2) if results.idle else 0.0,
        "pipeline_overhead_p50_ms": round(statistics.median(results.overhead.total), 2)
        if results.overhead and results.overhead.total
        else 0.0,
        "stop_to_done_p50_ms": round(pct(results.stops, 0.5), 1),
        "cost_inputs": cost_inputs(results),
    }
