"""`motivator replay`: list, import, re-drive and check recorded conversations against the local stack."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from devtools.replay import cloudwatch
from devtools.replay.eventlog import Conversation, LogError, RecordedLog, extract, read_log, write_records
from devtools.replay.render import ReplayView, console, conversation_table
from devtools.replay.runner import Outcome, Replay, ReplayError, ReplayOptions
from devtools.replay.users import UserError
from devtools.stack import ENDPOINTS_FILE, EVENTS_LINK, LocalStack, Ports, StackError, StackOptions, load_endpoints

DEFAULT_STATE_DIR = Path(".motivator")
#: Exit codes: 0 replayed (and matched), 1 --check found differences, 2 the replay could not be done.
EXIT_OK, EXIT_DIFFERENT, EXIT_ERROR = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "events",
        nargs="?",
        type=Path,
        help="the events file (default: STATE_DIR/events.jsonl, the running stack's own; with --from-cloudwatch, "
        "the file to write)",
    )
    parser.add_argument("--list", action="store_true", help="show the conversations in the log and stop")
    parser.add_argument("--check", action="store_true", help="compare the frames now with the recorded ones")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="1 honours recorded gaps, 2 is twice as fast, 0 as fast as possible"
    )
    parser.add_argument("--connection", help="only this recorded connection id (a unique prefix works)")
    parser.add_argument("--as", dest="as_user", metavar="USER", help="sign in as this local user, not the recorded one")
    parser.add_argument(
        "--create-user", action="store_true", help="create the user in the local pool when it does not exist"
    )
    parser.add_argument("--start", action="store_true", help="start a local stack for the replay, stop it after")
    parser.add_argument("--model", help="with --start: the local model (default: the recorded one, else composer)")
    parser.add_argument("--seed", type=int, help="with --start: the model seed (default: the recorded one, else 0)")
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR, help="where the running stack is")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for any one handler")
    parser.add_argument("--save", type=Path, metavar="PATH", help="write the chosen conversations to PATH and stop")
    cw = parser.add_argument_group("import from CloudWatch Logs")
    cw.add_argument("--from-cloudwatch", metavar="LOG_GROUP", help="build the events file from the handlers' logs")
    cw.add_argument("--since", default="1h", help="how far back to read, e.g. 30m, 1h, 2d (default 1h)")
    cw.add_argument("--import-only", action="store_true", help="write the events file, do not replay it")
    cw.add_argument("--logs-endpoint-url", help="CloudWatch Logs endpoint (a local moto server in tests)")
    cw.add_argument("--region", help="AWS region of the log group (default: the environment's)")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register `replay` on the `motivator` command's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "replay",
        help="re-drive a recorded conversation through the handlers on the local stack",
        description=__doc__,
    )
    add_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="motivator replay", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace, out: Console | None = None) -> int:
    out = out or console()
    view = ReplayView(out)
    try:
        return _run(args, view)
    except (LogError, UserError, ReplayError, StackError, cloudwatch.CloudWatchImportError, ValueError) as exc:
        out.print(f"[bold red]replay:[/bold red] {escape(str(exc))}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace, view: ReplayView) -> int:
    events_path = args.events
    if args.from_cloudwatch:
        events_path = _import(args, view)
        if args.import_only:
            return EXIT_OK
    events_path = events_path or args.state_dir / EVENTS_LINK  # a link to the current run's log
    log = read_log(events_path)
    chosen = log.select(args.connection)
    if args.list:
        view.header(f"{events_path}: {len(chosen)} conversation(s), {log.lines} line(s)")
        conversation_table(view.out, chosen)
        return EXIT_OK
    recorded = recorded_stack(log, chosen)
    if args.save:
        count = write_records(args.save, extract(log, chosen, _session_line(recorded)))
        view.header(f"wrote {count} line(s) of {len(chosen)} conversation(s) to {args.save}")
        return EXIT_OK
    if not chosen:
        raise LogError(events_path, None, "no conversations to replay")
    if args.check:
        _checkable(log, chosen)
    if args.start:
        return _with_started_stack(args, view, log, chosen, recorded)
    endpoints = load_endpoints(args.state_dir)
    return _replay(args, view, log, chosen, endpoints, recorded)


def _import(args: argparse.Namespace, view: ReplayView) -> Path:
    import boto3

    since = cloudwatch.parse_since(args.since)
    kwargs: dict[str, Any] = {}
    if args.logs_endpoint_url:
        kwargs["endpoint_url"] = args.logs_endpoint_url
    if args.region:
        kwargs["region_name"] = args.region
    client = boto3.client("logs", **kwargs)
    records, summary = cloudwatch.import_events(client, args.from_cloudwatch, since, args.connection)
    path = args.events or args.state_dir / "replay" / f"cloudwatch-{time.strftime('%Y%m%d-%H%M%S')}.jsonl"
    write_records(path, records)
    view.header(
        f"imported {summary.inbound} inbound event(s) on {summary.connections} connection(s) from "
        f"{args.from_cloudwatch} ({summary.log_events} log events read, {summary.other_lines} other lines) into {path}"
    )
    if summary.inbound == 0:
        raise LogError(path, None, f"no inbound events in {args.from_cloudwatch} over the last {args.since}")
    return Path(path)


def recorded_stack(log: RecordedLog, chosen: list[Conversation]) -> dict[str, Any]:
    """The seed and model of the stack that recorded: a session line, else the endpoints.json beside the log."""
    session = next((c.session for c in chosen if c.session), None) or log.session
    if session and ("seed" in session or "model" in session):
        return {"seed": session.get("seed"), "model": session.get("model"), "from": "the log's session line"}
    beside = log.path.parent / ENDPOINTS_FILE
    if beside.exists():
        try:
            endpoints = json.loads(beside.read_text())
        except ValueError:
            return {}
        if Path(str(endpoints.get("event_log", ""))).resolve() == log.path.resolve():
            return {"seed": endpoints.get("seed"), "model": endpoints.get("model"), "from": str(beside)}
    return {}


def _session_line(recorded: dict[str, Any]) -> dict[str, Any] | None:
    if recorded.get("seed") is None and recorded.get("model") is None:
        return None
    return {"ts": int(time.time() * 1000), "kind": "session", "seed": recorded["seed"], "model": recorded["model"]}


def _checkable(log: RecordedLog, chosen: list[Conversation]) -> None:
    redacted = [e for c in chosen for e in c.redacted]
    if redacted:
        lines = ", ".join(f"{e.line} ({', '.join(e.redacted_fields)})" for e in redacted[:10])
        raise LogError(
            log.path,
            redacted[0].line,
            f"--check refused: the message text of line(s) {lines} was redacted when it was logged, so the "
            "replay cannot send what was sent then; replay without --check (a placeholder text is sent)",
        )
    if not any(c.posts for c in chosen):
        raise LogError(
            log.path,
            None,
            "--check needs recorded frames (post lines), and this log has none "
            "(CloudWatch imports hold only inbound events); replay without --check",
        )


def _with_started_stack(
    args: argparse.Namespace,
    view: ReplayView,
    log: RecordedLog,
    chosen: list[Conversation],
    recorded: dict[str, Any],
) -> int:
    model = args.model or recorded.get("model") or "composer"
    seed = args.seed if args.seed is not None else int(recorded.get("seed") or 0)
    with tempfile.TemporaryDirectory(prefix="motivator-replay-") as state:
        options = StackOptions(state_dir=Path(state), ports=Ports.free(), model=model, seed=seed)
        view.header(f"starting a local stack ({model} model, seed {seed})")
        stack = LocalStack(options, progress=lambda line: view.out.print(f"[dim]{escape(line)}[/dim]"))
        try:
            endpoints = stack.start()
            return _replay(args, view, log, chosen, endpoints, recorded)
        finally:
            stack.stop()


def _replay(
    args: argparse.Namespace,
    view: ReplayView,
    log: RecordedLog,
    chosen: list[Conversation],
    endpoints: dict[str, Any],
    recorded: dict[str, Any],
) -> int:
    if args.speed < 0:
        raise ValueError("--speed must be 0 (as fast as possible) or more")
    live = {"seed": endpoints.get("seed"), "model": endpoints.get("model")}
    if recorded:
        if (recorded.get("seed"), recorded.get("model")) != (live["seed"], live["model"]):
            view.note(
                f"recorded with model {recorded.get('model')} seed {recorded.get('seed')} ({recorded['from']}); "
                f"the stack runs model {live['model']} seed {live['seed']}: answers may differ"
            )
    elif args.check:
        view.note("the log does not say which seed and model recorded it; comparing against the running stack's")
    turns = sum(c.turns for c in chosen)
    view.header(
        f"replaying {len(chosen)} conversation(s), {turns} turn(s) from {log.path} at "
        f"{'full speed' if args.speed == 0 else f'{args.speed:g}x'} on {endpoints['ws_url']}"
    )
    options = ReplayOptions(
        speed=args.speed,
        check=args.check,
        as_user=args.as_user,
        create_user=args.create_user,
        timeout_s=args.timeout,
    )
    replay = Replay(log, chosen, endpoints, options, view)
    outcome = asyncio.run(replay.run())
    for recorded_user, local in replay.sign_in.chosen.items():
        if recorded_user != local:
            view.note(f"recorded user {recorded_user} replayed as {local}")
    return _verdict(view, outcome, args.check)


def _verdict(view: ReplayView, outcome: Outcome, check: bool) -> int:
    for note in outcome.notes:
        view.note(note)
    view.header(
        f"replayed {outcome.events} event(s) in {outcome.seconds:.1f} s: "
        f"{outcome.replayed_frames} frame(s) now, {outcome.recorded_frames} recorded"
    )
    if not check:
        return EXIT_OK
    if outcome.differences:
        view.differences(outcome.differences)
        return EXIT_DIFFERENT
    view.out.print(f"[bold green]--check passed: {outcome.replayed_frames} frame(s) match the recording[/bold green]")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
