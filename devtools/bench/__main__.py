"""`python -m devtools.bench [--quick] [--json]`: every part of the bench in turn, then its figures.

Parts: messages and token hold per answer at 10/30/60 tokens/s, the critical path's round trips, pipeline overhead
and stop latency, concurrent chats, handler import per route, idle connections held. `--quick` runs a smaller
version of each (under two minutes); `--json` ends the output with one JSON object of every figure, which is also
written to `--save` for `python -m devtools.cost`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from devtools.bench import critical, imports, load, overhead, pace, report
from devtools.bench.client import MESSAGE_200, ask, open_ws
from devtools.bench.rig import Rig, rig, say

DEFAULT_SAVE = Path(".motivator/bench.json")


@dataclass(frozen=True)
class Sizes:
    paces: tuple[float, ...]
    pace_runs: int
    path_runs: int
    overhead_runs: int
    stop_runs: int
    chats: int
    import_runs: int
    idle_connections: int


FULL = Sizes(
    paces=pace.PACES,
    pace_runs=3,
    path_runs=4,
    overhead_runs=40,
    stop_runs=10,
    chats=200,
    import_runs=5,
    idle_connections=10000,
)
QUICK = Sizes(
    paces=pace.PACES,
    pace_runs=1,
    path_runs=2,
    overhead_runs=8,
    stop_runs=3,
    chats=20,
    import_runs=2,
    idle_connections=1000,
)
#: Pace of the concurrent chats.
CHATS_PACE = 30


async def _warm_up(bench: Rig, token: str) -> None:
    """Imports, JWKS, the first connection and the first turn's caches, in both gateways."""
    bench.pace(200)
    for url in (bench.host_ws_url, bench.endpoints["ws_url"]):
        ws = await open_ws(url, token)
        await ask(ws, MESSAGE_200)
        await ws.close()


async def _streaming_parts(bench: Rig, sizes: Sizes, results: report.Results) -> None:
    token = bench.token()
    await _warm_up(bench, token)
    say("==> messages per answer and token hold, at 10, 30 and 60 tokens/s")
    for rate in sizes.paces:
        results.paces.append(await pace.run_pace(bench, token, rate, sizes.pace_runs))
    measured = next(p for p in results.paces if p.tokens_per_s == report.COST_PACE)
    critical.size_updates(bench, measured.trace)
    tables = critical.table_names(bench)
    results.cost_answers = [
        path for s in measured.answers if (path := critical.analyse(s.answer, measured.trace, tables, "")) is not None
    ]
    say("==> critical path: round trips before the model call and on the token path")
    bench.pace(report.COST_PACE)
    results.paths = await critical.trace_answers(bench, bench.new_user_token(0), sizes.path_runs)
    say("==> pipeline overhead and stop latency (the stack's own gateway)")
    bench.pace(overhead.OVERHEAD_PACE)
    results.overhead = await overhead.overhead(bench.endpoints, token, sizes.overhead_runs, gap_s=0.3)
    results.stops = await overhead.stop_latency(bench.endpoints, token, sizes.stop_runs)


async def _scale_parts(bench: Rig, sizes: Sizes, results: report.Results) -> None:
    say(f"==> {sizes.chats} concurrent chats (a user each)")
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(bench.new_user_token, range(1, sizes.chats + 1)))
    bench.configure_trace(enabled=True)
    results.chats = await load.concurrent_chats(bench, tokens, CHATS_PACE)
    say(f"==> {sizes.idle_connections} idle connections")
    gateway, url = bench.stack.processes["gateway"].pid, bench.endpoints["ws_url"]
    results.idle = await load.idle_connections(url, bench.token(), sizes.idle_connections, gateway)


def run(sizes: Sizes) -> report.Results:
    results = report.Results()
    with tempfile.TemporaryDirectory(prefix="motivator-bench-") as state:
        say("==> starting the local stack (echo model) and the bench's traced gateway")
        with rig(Path(state), max_workers=sizes.chats + 56) as bench:
            asyncio.run(_streaming_parts(bench, sizes, results))
            say("==> handler import per route (fresh interpreters)")
            results.imports = imports.measure_all(bench.stack.handler_env, sizes.import_runs)
            asyncio.run(_scale_parts(bench, sizes, results))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smaller version of every part (under two minutes)")
    parser.add_argument("--json", action="store_true", help="end with one JSON object of every figure")
    parser.add_argument("--save", type=Path, default=DEFAULT_SAVE, help="where the JSON is written (for devtools.cost)")
    args = parser.parse_args(argv)
    results = run(QUICK if args.quick else FULL)
    say()
    report.print_paces(results.paces)
    report.print_costs(results.cost_answers)
    report.print_paths(results.paths)
    report.print_rest(results)
    figures = report.as_json(results)
    args.save.parent.mkdir(parents=True, exist_ok=True)
    args.save.write_text(json.dumps(figures, indent=2) + "\n")
    if args.json:
        say(json.dumps(figures))


if __name__ == "__main__":
    main()
