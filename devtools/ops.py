"""`motivator ops`: the operators' dashboard in the terminal, live, from the local stack's handler log lines."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

from devtools.stack import GATEWAY, LOGS_DIR, StackError, log_path
from shared.dashboard import Dashboard, Thresholds, dashboard
from shared.ops_eval import ALARM, Samples, view

_BARS = "▁▂▃▄▅▆▇█"


def add_parser(sub: Any) -> None:
    ops = sub.add_parser("ops", help="the operators' dashboard and alarms of the local stack, live in the terminal")
    ops.add_argument("--once", action="store_true", help="print the dashboard once and exit")
    ops.add_argument("--json", action="store_true", help="with --once: every widget and alarm as one JSON object")
    ops.add_argument("--minutes", type=int, default=30, help="how far back the plots and totals reach (default 30)")
    ops.add_argument("--interval", type=float, default=2.0, help="seconds between refreshes (default 2)")
    ops.add_argument("--env", default="dev", help="whose alarm thresholds in cdk.json to apply (default dev)")
    ops.add_argument("--state-dir", type=Path, default=Path(".motivator"))
    ops.add_argument(
        "--log", type=Path, default=None, help=f"the handler log (default STATE_DIR/{LOGS_DIR}/{GATEWAY}.log)"
    )


def operator_hint(endpoints: dict[str, Any], state_dir: Path) -> str:
    """The line `motivator dev` prints about the local operator (its password stays in endpoints.json)."""
    page = f"{endpoints['web_url']}ops" if endpoints.get("web_url") else "the web client's /ops page"
    return (
        f"   ops: .venv/bin/motivator ops, or {page} signed in as {endpoints['operator_username']} "
        f"(password: operator_password in {state_dir / 'endpoints.json'})"
    )


def page_settings(state_dir: Path, env: str = "dev") -> dict[str, str]:
    """The web client's /ops settings (WebSettings.ops_log, ops_thresholds): this stack's log, `env`'s thresholds."""
    thresholds = json.dumps(dataclasses.asdict(local_thresholds(env)))
    return {"ops_log": str(log_path(state_dir, GATEWAY)), "ops_thresholds": thresholds}


def local_thresholds(env: str) -> Thresholds:
    """The alarm thresholds cdk.json gives `env`, as the CDK stack reads them."""
    from cdk.config import default_context, load_app_config

    environments = load_app_config(default_context()).environments
    if env not in environments:
        raise StackError(f"unknown environment {env!r}; cdk.json defines {', '.join(sorted(environments))}")
    return environments[env].thresholds


def run(args: argparse.Namespace) -> int:
    if args.minutes < 1:
        raise StackError("--minutes must be 1 or more")
    if args.json and not args.once:
        raise StackError("--json prints one snapshot: use it with --once")
    log = args.log or log_path(args.state_dir, GATEWAY)
    if not log.exists():
        raise StackError(f"No handler log at {log}: start the local stack (make dev) or pass --log <file>")
    board, samples = dashboard(local_thresholds(args.env)), Samples(log)
    if args.once:
        snapshot = view(board, samples, minutes=args.minutes)
        sys.stdout.write((json.dumps(snapshot, indent=1) if args.json else _plain(snapshot)) + "\n")
        return 0
    return _live(board, samples, args)


def _live(board: Dashboard, samples: Samples, args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.live import Live

    console = Console()
    with Live(render(view(board, samples, minutes=args.minutes)), console=console, screen=False) as live:
        while True:
            time.sleep(args.interval)
            live.update(render(view(board, samples, minutes=args.minutes)))


def sparkline(values: list[float | None]) -> str:
    """One bar per minute, scaled to the largest; a dot where the minute has no data."""
    top = max((v for v in values if v is not None), default=0) or 1
    return "".join("·" if v is None else _BARS[min(len(_BARS) - 1, int(v / top * (len(_BARS) - 1)))] for v in values)


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def render(snapshot: dict[str, Any]) -> Any:
    """The widgets (total over the window, latest period, a bar per minute) and the alarms, as rich tables."""
    from rich.console import Group
    from rich.table import Table

    minutes = snapshot["windowMinutes"]
    widgets = Table(title=f"Motivator (local) — last {minutes} min, from {snapshot['source']}", expand=True)
    for column, justify in (("widget", "left"), ("series", "left"), (f"{minutes} min", "right"),
                            ("latest", "right"), ("per minute", "left")):  # fmt: skip
        widgets.add_column(column, justify=justify)  # type: ignore[arg-type]
    for widget in snapshot["widgets"].values():
        for index, series in enumerate(widget["series"]):
            widgets.add_row(
                widget["title"] if index == 0 else "",
                series["label"],
                _number(series["window"]),
                _number(series["latest"]),
                sparkline(series["points"]),
            )
    alarms = Table(title="Alarms", expand=True)
    for column in ("alarm", "state", "value", "threshold", "breaching"):
        alarms.add_column(column)
    for name, alarm in snapshot["alarms"].items():
        state = f"[bold red]{ALARM}[/]" if alarm["state"] == ALARM else "[green]OK[/]"
        alarms.add_row(
            name,
            state,
            _number(alarm["value"]),
            f"{alarm['comparison']} {_number(alarm['threshold'])}",
            f"{alarm['breachingPeriods']} of {alarm['evaluationPeriods']} (need {alarm['datapointsToAlarm']})",
        )
    return Group(widgets, alarms)


def _plain(snapshot: dict[str, Any]) -> str:
    from rich.console import Console

    console = Console(file=sys.stdout, width=140, color_system=None)
    with console.capture() as captured:
        console.print(render(snapshot))
    return captured.get()
