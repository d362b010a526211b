"""Prints a replay readably with rich: each inbound event, the frames posted for it, and the verdict."""

from __future__ import annotations

import json
from typing import IO, Any

from rich.console import Console
from rich.markup import escape

from devtools.replay.diff import Difference, FrameRef
from devtools.replay.eventlog import Conversation, Inbound, iso
from shared.protocol import GATEWAY_TIMEOUT_MESSAGE

WIDTH = 110
#: API Gateway's untyped frame when a route's integration passes 29 s: the Lambda, and its answer, go on.
GATEWAY_TIMEOUT = GATEWAY_TIMEOUT_MESSAGE


def console(file: IO[str] | None = None) -> Console:
    """Colours when writing to a terminal, plain text otherwise (rich decides from isatty)."""
    out = Console(file=file, highlight=False, soft_wrap=True, emoji=False)
    if not out.is_terminal:
        out.width = 200  # a log file or a pipe: do not squeeze tables into 80 columns
    return out


def _clip(text: str, width: int = WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def frame_summary(frame: Any) -> str:
    """One line per frame: its type and the fields a person reads."""
    if not isinstance(frame, dict):
        return _clip(repr(frame))
    kind = frame.get("type")
    if kind == "delta":
        return f"delta {frame.get('seq')}  {json.dumps(frame.get('text', ''), ensure_ascii=False)}"
    if kind == "meta":
        verse = frame.get("verse") or {}
        return (
            f"meta {frame.get('emotion')} {frame.get('confidence')}  {verse.get('reference')}"
            f"  safety={frame.get('safety')}"
        )
    if kind == "done":
        return f"done seq {frame.get('seq')}  {frame.get('stopReason')}  usage={frame.get('usage')}"
    if kind == "error":
        return f"error {frame.get('code')}: {frame.get('message')}"
    rest = {k: v for k, v in frame.items() if k != "type"}
    return _clip(f"{kind or 'gateway'} {json.dumps(rest, ensure_ascii=False)}")


class ReplayView:
    """What the developer sees while the replay runs."""

    def __init__(self, out: Console) -> None:
        self.out = out

    def note(self, text: str) -> None:
        self.out.print(f"[yellow]note:[/yellow] {escape(text)}")

    def header(self, text: str) -> None:
        self.out.print(f"[bold]{escape(text)}[/bold]")

    def inbound(self, elapsed_s: float, label: str, event: Inbound, sent: str | None) -> None:
        what = event.action if event.route not in {"$authorizer", "$connect", "$disconnect"} else event.route
        detail = f"  {_clip(sent, WIDTH - 30)}" if sent else ""
        self.out.print(
            f"[dim]{elapsed_s:7.2f}s[/dim] [cyan]{escape(label)}[/cyan] [bold]→ {escape(what)}[/bold]"
            f" [dim](line {event.line})[/dim]{escape(detail)}"
        )

    def frame(self, label: str, ref: FrameRef) -> None:
        status = "" if ref.status == 200 else f" [red](post {ref.status})[/red]"
        style = "red" if isinstance(ref.frame, dict) and ref.frame.get("type") == "error" else "green"
        self.out.print(
            f"         [cyan]{escape(label)}[/cyan] [{style}]←[/{style}] {escape(frame_summary(ref.frame))}{status}"
        )

    def gateway(self, label: str, text: str) -> None:
        """A frame API Gateway itself sent: shown, never compared (the recording's log has only the handlers')."""
        if text == GATEWAY_TIMEOUT:  # informational: the handler is still streaming
            self.out.print(
                f"         [cyan]{escape(label)}[/cyan] [yellow]← gateway:[/yellow] {escape(text)}"
                " [dim](its integration timeout; the handler goes on and its frames follow)[/dim]"
            )
            return
        self.out.print(f"         [cyan]{escape(label)}[/cyan] [red]← gateway:[/red] {escape(_clip(text))}")

    def differences(self, differences: list[Difference], limit: int = 20) -> None:
        self.out.print(f"[bold red]--check failed: {len(differences)} frame(s) differ[/bold red]")
        for difference in differences[:limit]:
            self.out.print(f"  [red]✗[/red] {escape(difference.describe())}")
            for ref, tag in ((difference.recorded, "recorded"), (difference.replayed, "now")):
                if ref is not None:
                    self.out.print(f"      [dim]{tag:>8}:[/dim] {escape(frame_summary(ref.frame))}")
        if len(differences) > limit:
            self.out.print(f"  … and {len(differences) - limit} more")


def conversation_table(out: Console, conversations: list[Conversation]) -> None:
    """`--list`: who, when, how long, how many turns."""
    from rich.table import Table

    table = Table(title=None, show_lines=False, header_style="bold")
    for column in ("#", "connection", "user", "started", "duration", "turns", "events", "frames", "notes"):
        table.add_column(column, justify="right" if column in {"#", "turns", "events", "frames"} else "left")
    for number, convo in enumerate(conversations, start=1):
        notes = []
        if convo.refused:
            notes.append("refused at connect")
        if convo.redacted:
            notes.append(f"{len(convo.redacted)} redacted text(s)")
        if not any(e.route == "$disconnect" for e in convo.inbound):
            notes.append("no disconnect")
        seconds = max(0, convo.ended_ts - convo.started_ts) / 1000
        table.add_row(
            str(number),
            convo.connection_id,
            convo.user_id or "?",
            iso(convo.started_ts) if convo.started_ts else "?",
            f"{seconds:.1f}s",
            str(convo.turns),
            str(len(convo.inbound)),
            str(len(convo.posts)),
            ", ".join(notes),
        )
    out.print(table)
