"""Handler import time per route in fresh interpreters (a Lambda cold start's share), and what it is spent on.

Every interpreter gets the Lambda environment (`LAMBDA_TASK_ROOT` and the function's variables, so Powertools turns
tracing on as in AWS). Wall time is the median of several fresh interpreters timing `import handlers.<route>`
alone; the same interpreter then times loading the X-Ray SDK, which shared.observability defers to the first traced
call (so a cold start pays it there, or in the snapshot with SnapStart), and both are reported. `python -X
importtime` then attributes the import: each module's own ("self") time, summed by the package it belongs to, so
the costly imports of each route can be named.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from devtools.bench.client import median
from shared.route_table import AUTHORIZER, ROUTES

_LINE = re.compile(r"^import time:\s+(?P<self>\d+) \|\s+(?P<cumulative>\d+) \|(?P<name>\s*\S+)$")
_TIMED = (
    "import time; t = time.perf_counter(); import {module}; a = time.perf_counter(); "
    "from shared.observability import tracer; tracer.provider.recorder(); "
    "print((a - t) * 1000, (time.perf_counter() - a) * 1000)"
)
TRACE_DISABLED = "POWERTOOLS_TRACE_DISABLED"
#: What Lambda sets that changes what a handler imports: Powertools traces only inside Lambda.
LAMBDA_ENVIRONMENT = {
    "LAMBDA_TASK_ROOT": ".",
    "AWS_LAMBDA_FUNCTION_NAME": "motivator-bench",
    "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
    "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
}
#: Packages reported on their own (the rest of their parent is one line).
_SPLIT = ("shared", "shared.engine", "devtools", "handlers", "aws_lambda_powertools.utilities")


def modules() -> dict[str, str]:
    """Route (and the authorizer) -> handler module."""
    return {"$authorizer": AUTHORIZER, **ROUTES}


def group(name: str) -> str:
    """The package a module's time is counted under: `botocore`, `pydantic`, `shared.engine.scripture`, ..."""
    parts = name.split(".")
    for prefix in sorted(_SPLIT, key=len, reverse=True):
        depth = prefix.count(".") + 1
        if parts[:depth] == prefix.split(".") and len(parts) > depth:
            return ".".join(parts[: depth + 1])
    return parts[0]


@dataclass
class RouteImport:
    route: str
    module: str
    wall_ms: list[float] = field(default_factory=list)
    #: Loading the X-Ray SDK on the first traced call, after the import.
    first_trace_ms: list[float] = field(default_factory=list)
    #: Microseconds of import time per package (self time summed), the median over the -X importtime runs.
    by_package: Counter[str] = field(default_factory=Counter)

    @property
    def median_ms(self) -> float:
        return median(self.wall_ms)

    @property
    def first_trace_median_ms(self) -> float:
        return median(self.first_trace_ms)

    def top(self, n: int) -> list[tuple[str, float]]:
        return [(name, us / 1000) for name, us in self.by_package.most_common(n)]


def _run(
    args: list[str], env: dict[str, str], preexec: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False, preexec_fn=preexec)


def measure(
    route: str, module: str, env: dict[str, str], runs: int, preexec: Callable[[], None] | None = None
) -> RouteImport:
    """`preexec` runs in each fresh interpreter before it starts (a CPU share: devtools.bench.cpushare)."""
    result = RouteImport(route, module)
    # Tracing on, as in AWS (the local stack's own environment turns it off).
    full_env = {k: v for k, v in {**os.environ, **env, **LAMBDA_ENVIRONMENT}.items() if k != TRACE_DISABLED}
    profiles: list[Counter[str]] = []
    for _ in range(runs):
        done = _run(["-c", _TIMED.format(module=module)], full_env, preexec)
        if done.returncode == 0:
            imported, traced = done.stdout.strip().splitlines()[-1].split()
            result.wall_ms.append(float(imported))
            result.first_trace_ms.append(float(traced))
        profile: Counter[str] = Counter()
        for line in _run(["-X", "importtime", "-c", f"import {module}"], full_env, preexec).stderr.splitlines():
            if match := _LINE.match(line):
                profile[group(match["name"].strip())] += int(match["self"])
        profiles.append(profile)
    packages = {name for profile in profiles for name in profile}
    result.by_package = Counter({name: int(median([p[name] for p in profiles])) for name in packages})
    return result


def measure_all(env: dict[str, str], runs: int) -> list[RouteImport]:
    return [measure(route, module, env, runs) for route, module in modules().items()]
