"""The `motivator` command: run the local stack, get a token, chat in the terminal."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from devtools import ops
from devtools.chat_commands import ChatContext, command_frame, describe_reply, render_resource, streams_an_answer
from devtools.replay import cli as replay_cli
from devtools.replay.render import GATEWAY_TIMEOUT
from devtools.stack import LocalStack, StackError, StackOptions, load_endpoints
from shared.limits import ALLOWANCE_SHOWN_AT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="motivator", description="Motivator developer tools.")
    sub = parser.add_subparsers(dest="command", required=True)

    dev = sub.add_parser("dev", help="start the whole local stack in the foreground (Ctrl-C stops it)")
    dev.add_argument("--model", default="composer", choices=["composer", "smollm2", "echo"])
    dev.add_argument("--seed", type=int, default=0, help="seed of the local model (answers are reproducible)")
    dev.add_argument("--token-delay-ms", type=float, default=15.0, help="pace of the local model")
    dev.add_argument("--no-web", action="store_true", help="start everything but the web client")
    dev.add_argument(
        "--web-backends",
        type=int,
        default=1,
        help="2 or more: that many Reflex backends sharing a local Redis behind a round-robin proxy",
    )
    dev.add_argument("--state-dir", type=Path, default=Path(".motivator"))
    dev.add_argument(
        "--from-cdk",
        nargs="?",
        const="dev",
        default=None,
        metavar="ENV",
        help="build the stack from the synthesized CDK templates of ENV (default dev): each function in sandboxes "
        "of its own, with its role's IAM policy enforced (slower to start; see docs/architecture.md)",
    )

    token = sub.add_parser("token", help="print a Cognito access token from the running local stack")
    token.add_argument("--username", help="default: the demo user")
    token.add_argument("--password", help="default: the demo user's password")
    token.add_argument("--state-dir", type=Path, default=Path(".motivator"))

    chat = sub.add_parser("chat", help="chat in the terminal with the running local stack")
    chat.add_argument("--username")
    chat.add_argument("--password")
    chat.add_argument("--state-dir", type=Path, default=Path(".motivator"))
    chat.add_argument("--rest", action="store_true", help="use the REST API (whole answers) instead of the WebSocket")
    chat.add_argument(
        "--country",
        type=_country,
        default=country_from_locale(os.environ.get("LC_ALL") or os.environ.get("LANG")),
        help="two-letter country for the local emergency number (default: from LANG, e.g. en_GB.UTF-8 -> GB)",
    )

    for name, summary in (
        ("export", "download everything of a user (JSON and Markdown, zipped) from the REST API"),
        ("delete-account", "delete a user and everything of theirs, after typing DELETE"),
    ):
        account = sub.add_parser(name, help=summary)
        account.add_argument("--username")
        account.add_argument("--password")
        account.add_argument("--state-dir", type=Path, default=Path(".motivator"))
        if name == "export":
            account.add_argument("--out", type=Path, default=None, help="where to write the zip (default: its name)")

    replay_cli.add_parser(sub)
    ops.add_parser(sub)

    args = parser.parse_args(argv)
    try:
        if args.command == "replay":
            return replay_cli.run(args)
        if args.command == "ops":
            return ops.run(args)
        if args.command == "dev":
            return run_dev(args)
        if args.command == "token":
            print(access_token(load_endpoints(args.state_dir), args.username, args.password))
            return 0
        if args.command in ("export", "delete-account"):
            return run_account(args)
        if args.command == "chat" and args.rest:
            return run_rest_chat(args)
        if args.command == "chat":
            return asyncio.run(run_chat(args))
    except StackError as exc:
        print(f"motivator: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2


def access_token(endpoints: dict[str, Any], username: str | None, password: str | None) -> str:
    from botocore.exceptions import ClientError

    from devtools.bootstrap import sign_in

    user = username or endpoints["demo_username"]
    secret = password or (endpoints["demo_password"] if not username else None)
    if secret is None:
        raise StackError("--password is required with --username")
    try:
        result = sign_in(
            endpoints["cognito_url"],
            endpoints["region"],
            endpoints["client_id"],
            user,
            secret,
            endpoints.get("client_secret", ""),
        )
    except ClientError as exc:
        raise StackError(f"Sign-in failed for {user}: {exc.response['Error'].get('Message', 'refused')}") from None
    return str(result["AccessToken"])


#: Each of these stops `motivator dev`: Ctrl-C, `kill`, and the terminal closing.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class _StopOnSignal:
    """The first stop signal ends the supervisor's wait with KeyboardInterrupt; later ones cannot cut the stop short.

    Installed for all three explicitly: a shell without job control starts a background job (`make dev &`) with
    SIGINT ignored, and Python then leaves it ignored, so only an explicit handler makes Ctrl-C or `kill -INT` work.
    """

    def __init__(self) -> None:
        self.stopping = False

    def install(self) -> _StopOnSignal:
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._on_signal)
        return self

    def _on_signal(self, signum: int, frame: Any) -> None:
        if not self.stopping:
            self.stopping = True
            raise KeyboardInterrupt


def run_dev(args: argparse.Namespace) -> int:
    options = StackOptions(
        state_dir=args.state_dir,
        model=args.model,
        seed=args.seed,
        token_delay_ms=args.token_delay_ms,
        from_cdk=args.from_cdk,
    )
    stack = LocalStack(options)
    web: Any = None
    started = time.monotonic()
    stop_signals = _StopOnSignal().install()
    try:
        endpoints = stack.start()
        web = None if args.no_web else _web_client(stack, args.web_backends)
        if web:  # made before it starts: a signal during its (long) first start must still stop it
            _start_web(web, stack, endpoints)
        hidden = {"demo_password", "operator_password", "tables", "aws_secret_access_key"}
        shown = {k: v for k, v in endpoints.items() if k not in hidden}
        print(f"==> ready in {time.monotonic() - started:.1f} s; endpoints in {args.state_dir / 'endpoints.json'}")
        for key, value in shown.items():
            print(f"   {key:17} {value}")
        print("   try: .venv/bin/motivator chat      (Ctrl-C here stops everything)")
        if "operator_username" in endpoints:
            print(ops.operator_hint(endpoints, args.state_dir))
        while True:
            failed = stack.failed() or (web and web.failed())
            if failed:
                print(f"!! {failed} exited; see {stack.logs_dir}/{failed}.log", file=sys.stderr)
                return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    finally:
        stop_signals.stopping = True  # however it ends (a signal, a failed child), nothing may interrupt the stop
        with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP); the children must stop regardless
            print("==> stopping", flush=True)
        try:
            if web:
                web.stop()
        finally:
            stack.stop()


def _web_client(stack: LocalStack, backends: int = 1) -> Any:
    """The Reflex web client when it is installed (scaled out over `backends`); the dev stack works without it."""
    try:
        from devtools.web import ScaledWebClient, WebClient
    except ImportError:
        print("   (web client not available in this checkout; use --no-web to silence this)")
        return None
    if backends > 1:
        return ScaledWebClient(stack, progress=print, backends=backends)
    return WebClient(stack, progress=print)


def _start_web(web: Any, stack: LocalStack, endpoints: dict[str, Any]) -> None:
    endpoints["web_url"] = web.start()
    (stack.state_dir / "endpoints.json").write_text(json.dumps(endpoints, indent=2) + "\n")


async def run_chat(args: argparse.Namespace) -> int:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    endpoints = load_endpoints(args.state_dir)
    token = access_token(endpoints, args.username, args.password)
    context = ChatContext(country=args.country)
    try:
        async with connect(endpoints["ws_url"], additional_headers={"Authorization": f"Bearer {token}"}) as ws:
            print("Connected. Write how you feel; an empty line or Ctrl-D quits; /help lists the commands.")
            while True:
                try:
                    line = await asyncio.to_thread(input, "\nyou> ")
                except EOFError:
                    return 0
                if not line.strip():
                    return 0
                if line.lstrip().startswith("/"):
                    await _run_command(ws, line, context)
                    continue
                request: dict[str, Any] = {
                    "action": "sendMessage",
                    "message": line,
                    "clientMessageId": str(uuid.uuid4()),
                }
                if context.session_id:
                    request["sessionId"] = context.session_id
                if args.country:
                    request["country"] = args.country
                await ws.send(json.dumps(request))
                await _print_answer(ws, context)
    except InvalidStatus as exc:
        raise StackError(f"The gateway refused the connection (HTTP {exc.response.status_code}).") from None
    except ConnectionClosed as exc:
        raise StackError(f"The connection closed ({exc.rcvd.code if exc.rcvd else 'no code'}).") from None


async def _run_command(ws: Any, line: str, context: ChatContext) -> None:
    """One slash command: its frame sent and its reply printed (or its help line)."""
    frame = command_frame(line, context)
    if isinstance(frame, str):
        print(frame)
        return
    await ws.send(json.dumps(frame))
    if streams_an_answer(frame):
        await _print_answer(ws, context)
        return
    while (reply := describe_reply(json.loads(await ws.recv()))) is None:
        continue
    print(reply)


def run_account(args: argparse.Namespace) -> int:
    """`motivator export` writes the zip; `motivator delete-account` asks for DELETE first."""
    from devtools import rest_chat

    endpoints = load_endpoints(args.state_dir)
    token = access_token(endpoints, args.username, args.password)
    base = endpoints.get("http_api_url")
    if not base:
        raise StackError("This local stack serves no REST API; restart it with: make dev")
    try:
        if args.command == "export":
            name, data = rest_chat.export(base, token)
            out = args.out or Path(name)
            out.write_bytes(data)
            print(f"Wrote {out} ({len(data)} bytes): motivator-export.json and motivator-export.md")
            return 0
        print(
            "This deletes every conversation, feedback and saved verse of this user, and the user. It cannot be undone."
        )
        if input("Type DELETE to confirm: ").strip() != "DELETE":
            print("Nothing was deleted.")
            return 1
        rest_chat.delete(base, token)
    except rest_chat.RestError as exc:
        raise StackError(str(exc)) from None
    print("The account and everything in it were deleted.")
    return 0


def run_rest_chat(args: argparse.Namespace) -> int:
    """The same conversation over POST /api/v1/chat: each answer printed whole."""
    from devtools import rest_chat

    endpoints = load_endpoints(args.state_dir)
    if "http_api_url" not in endpoints:
        raise StackError("This local stack serves no REST API; restart it with: make dev")
    token = access_token(endpoints, args.username, args.password)
    session_id: str | None = None
    print("REST API. Write how you feel; an empty line or Ctrl-D quits.")
    while True:
        try:
            line = input("\nyou> ")
        except EOFError:
            return 0
        if not line.strip():
            return 0
        try:
            answer = rest_chat.ask(endpoints["http_api_url"], token, line, session_id, args.country)
        except rest_chat.RestError as exc:
            print(f"  ! {exc}")
            continue
        session_id = answer["session_id"]
        _print_allowance(answer.get("remaining_today"))
        print(render_meta(rest_chat.as_meta(answer)) + "\n")
        print(answer["message"])


async def _print_answer(ws: Any, context: ChatContext) -> None:
    notes: list[str] = []
    while True:
        frame = json.loads(await ws.recv())
        kind = frame.get("type")
        if kind == "ack":
            context.session_id, context.last_message_id = frame["sessionId"], frame["messageId"]
            _print_allowance(frame.get("remainingToday"))
        elif kind == "meta":
            print(render_meta(frame))
            sys.stdout.write("\n")
        elif kind == "delta":
            sys.stdout.write(frame["text"])
            sys.stdout.flush()
        elif kind == "done":
            note = " (offline composer)" if frame.get("fallback") else ""
            print(f"\n  [{frame['stopReason']}, {frame['metrics'].get('totalMs', 0):.0f} ms{note}]")
            for text in notes:
                print(f"  (gateway: {text}; the answer went on)")
            return
        elif kind == "error":
            print(f"\n  ! {frame['message']}")
            if frame.get("code") != "model_unavailable":
                return
        elif frame.get("message") == GATEWAY_TIMEOUT:  # after 29 s: the handler goes on, so the stream does too
            notes.append(GATEWAY_TIMEOUT)
        elif "message" in frame:  # API Gateway's own error frames
            print(f"\n  ! gateway: {frame['message']}")
            return


def _print_allowance(remaining: int | None) -> None:
    """Today's allowance, once few messages are left (as the web client shows it)."""
    if remaining is not None and remaining <= ALLOWANCE_SHOWN_AT:
        print(f"  ({remaining} message{'s' if remaining != 1 else ''} left today)")


def country_from_locale(locale: str | None) -> str | None:
    """The region of a POSIX or BCP 47 locale ("en_GB.UTF-8", "es-MX") as an ISO country code, if it has one."""
    match = re.match(r"^[A-Za-z]{2,3}[_-]([A-Za-z]{2})\b", locale or "")
    return match.group(1).upper() if match else None


def _country(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2}", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a two-letter country code such as US or GB")
    return value.upper()


def render_meta(frame: dict[str, Any]) -> str:
    """The verse and, for a crisis (before it) or a concern (after it), the resources with their ways to reach them."""
    verse = frame["verse"]
    lines = [
        f"  [{frame['emotion']} {frame['confidence']:.2f}] {verse['reference']} ({verse['translation']})",
        f"  \u201c{verse['text']}\u201d",
    ]
    resources = [render_resource(r) for r in frame.get("resources") or []]
    if frame.get("safety") == "crisis":
        return "\n".join(["  You matter, and help is available right now:", *resources, *lines])
    if frame.get("safety") == "concern" and resources:
        return "\n".join([*lines, "  If you need someone to talk to right now:", *resources])
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
