"""What sendMessage's memory size does to an answer, with its handler held to the CPU share Lambda gives that size.

    python -m devtools.bench.lambda_cpu [--sizes 128,256,512,1024] [--runs 3]

Lambda gives a function CPU in proportion to its memory (1,769 MB is one vCPU). For each size this runs the bench's
host gateway, which runs the handlers in its own process, inside a cgroup with that CPU quota
(devtools/bench/cpushare.py), and measures what a person and the bill see: the handler import in fresh
interpreters under the same share (a cold start's share), send to the model call, send to the first words, the
longest a token waited at 60 tokens/s, and the time sendMessage adds to its billed duration beyond the model's own
streaming. The gateway's own work (the WebSocket server, the @connections API) runs inside the share too, where AWS
runs it elsewhere, so every figure is pessimistic. Needs write access to /sys/fs/cgroup/cpu (root in this
machine's container); without it, nothing is measured and the tool says so (exit status 2).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from devtools.bench import cpushare, imports, overhead, pace, report
from devtools.bench.client import MESSAGE_200, ask, open_ws
from devtools.bench.rig import Rig, rig, say
from shared.route_table import ROUTES

SIZES = (128, 256, 512, 1024)
PACE = report.COST_PACE


@dataclass(frozen=True)
class AtSize:
    memory_mb: int
    vcpu: float
    import_ms: float
    before_model_ms: float
    first_delta_ms: float
    max_hold_ms: float
    frames: float
    billed_extra_ms: float


async def _answers(bench: Rig, token: str, runs: int) -> tuple[overhead.Overhead, pace.PaceResult]:
    ws = await open_ws(bench.host_ws_url, token)  # the first answer of this host: imports and caches warm
    await ask(ws, MESSAGE_200)
    await ws.close()
    bench.pace(overhead.OVERHEAD_PACE)
    timed = await overhead.overhead({**bench.endpoints, "ws_url": bench.host_ws_url}, token, runs * 2, gap_s=0.3)
    return timed, await pace.run_pace(bench, token, PACE, runs)


def measure(bench: Rig, token: str, memory_mb: int, runs: int) -> AtSize:
    with cpushare.CpuShare(memory_mb) as share:
        bench.restart_host(max_workers=16, preexec=share.join)
        cold = imports.measure("sendMessage", ROUTES["sendMessage"], bench.stack.handler_env, runs, share.join)
        timed, paced = asyncio.run(_answers(bench, token, runs))
        return AtSize(
            memory_mb=memory_mb,
            vcpu=share.vcpu,
            import_ms=cold.median_ms,
            before_model_ms=statistics.median(timed.before) if timed.before else 0.0,
            first_delta_ms=paced.first_delta_ms,
            max_hold_ms=paced.hold_ms(1.0),
            frames=paced.frames,
            billed_extra_ms=paced.handler_overhead_ms,
        )


def print_rows(rows: list[AtSize]) -> None:
    say()
    say(f"sendMessage under the CPU share of each memory size (the host gateway's process, median; {PACE} tokens/s):")
    say("  memory   vCPU   import   send->model call   send->1st delta   max hold   frames   billed beyond the model")
    for r in rows:
        say(
            f"  {r.memory_mb:4d} MB  {r.vcpu:5.3f}  {r.import_ms:5.0f} ms  {r.before_model_ms:12.1f} ms  "
            f"{r.first_delta_ms:13.1f} ms  {r.max_hold_ms:6.0f} ms  {r.frames:6.0f}  {r.billed_extra_ms:13.0f} ms"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.bench.lambda_cpu", description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="memory sizes in MB, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="answers (and fresh interpreters) per measurement")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not cpushare.available():
        say(f"cannot make CPU-quota cgroups here ({cpushare.CPU_CGROUPS} is missing or not writable): nothing measured")
        sys.exit(2)
    rows = []
    with tempfile.TemporaryDirectory(prefix="motivator-lambda-cpu-") as state:
        say("==> starting the local stack (echo model) and the bench's host gateway")
        with rig(Path(state), max_workers=16) as bench:
            token = bench.token()
            for memory_mb in sizes:
                say(f"==> sendMessage at {memory_mb} MB ({cpushare.vcpu(memory_mb):.3f} vCPU)")
                rows.append(measure(bench, token, memory_mb, args.runs))
    print_rows(rows)


if __name__ == "__main__":
    main()
