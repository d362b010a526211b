"""Reads a recorded event log (the gateway's events.jsonl or a CloudWatch import) into conversations."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared import limits
from shared.event_record import TEXT_FIELDS, redacted_length
from shared.jsontext import nesting_depth

KINDS = ("session", "event", "result", "post")
AUTHORIZER_ROUTE = "$authorizer"


class LogError(Exception):
    """The log cannot be replayed as it is; the message names the file and line."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass
class Inbound:
    """One event API Gateway sent to a handler (or to the authorizer)."""

    line: int
    ts: float
    route: str
    connection_id: str
    event: dict[str, Any]

    @property
    def request_id(self) -> str | None:
        value = self.event.get("requestContext", {}).get("requestId")
        return str(value) if value else None

    @property
    def body(self) -> str | None:
        body = self.event.get("body")
        return body if isinstance(body, str) else None

    @property
    def frame(self) -> dict[str, Any] | None:
        """The body as a JSON object, when it is one (a body nested too deep to parse safely is not)."""
        body = self.body or ""
        if nesting_depth(body) > limits.JSON_MAX_DEPTH:
            return None
        try:
            parsed = json.loads(body)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None

    @property
    def action(self) -> str:
        frame = self.frame
        return str(frame.get("action")) if frame and "action" in frame else self.route

    @property
    def redacted_fields(self) -> dict[str, int]:
        """Text fields whose words were not logged, with their original length."""
        frame = self.frame
        if frame is None:
            length = redacted_length(self.body)
            return {"body": length} if length is not None else {}
        found = {name: redacted_length(frame.get(name)) for name in TEXT_FIELDS}
        return {name: n for name, n in found.items() if n is not None}

    @property
    def can_post(self) -> bool:
        """Only message handlers post: at $connect the socket is not open yet, at $disconnect it is gone."""
        return self.event.get("requestContext", {}).get("eventType") == "MESSAGE"

    @property
    def user_id(self) -> str | None:
        authorizer = self.event.get("requestContext", {}).get("authorizer") or {}
        value = authorizer.get("userId") or authorizer.get("principalId")
        return str(value) if value else None


@dataclass
class Result:
    line: int
    ts: float
    route: str
    connection_id: str
    request_id: str | None
    error: str | None
    result: Any


@dataclass
class Post:
    """One PostToConnection a handler made, with the frame it carried."""

    line: int
    ts: float
    connection_id: str
    status: int
    data: str
    duration_ms: float = 0.0
    #: The line of the inbound event whose handler posted this frame (see `attribute`).
    after_line: int | None = None
    #: When the post began, as the gateway logs it; older logs only have `ts` and `durationMs`.
    started_ts: float | None = None

    @property
    def started(self) -> float:
        """When the post began: the gateway writes the record after the frame went out."""
        return self.started_ts if self.started_ts is not None else self.ts - self.duration_ms

    @property
    def frame(self) -> Any:
        try:
            return json.loads(self.data)
        except ValueError:
            return self.data


@dataclass
class Conversation:
    """Everything that happened on one WebSocket connection."""

    connection_id: str
    inbound: list[Inbound] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    session: dict[str, Any] | None = None

    @property
    def first_line(self) -> int:
        lines = [e.line for e in self.inbound] + [p.line for p in self.posts]
        return min(lines) if lines else 0

    @property
    def started_ts(self) -> float:
        return min((e.ts for e in self.inbound), default=0)

    @property
    def ended_ts(self) -> float:
        stamps = [e.ts for e in self.inbound] + [r.ts for r in self.results] + [p.ts for p in self.posts]
        return max(stamps, default=0)

    @property
    def user_id(self) -> str | None:
        for event in self.inbound:
            if event.user_id:
                return event.user_id
        for result in self.results:
            if result.route == AUTHORIZER_ROUTE and isinstance(result.result, dict):
                principal = result.result.get("principalId")
                if principal:
                    return str(principal)
        return None

    @property
    def user_line(self) -> int:
        """The line that names the user (for error messages)."""
        return next((e.line for e in self.inbound if e.user_id), self.first_line)

    @property
    def turns(self) -> int:
        return sum(1 for e in self.inbound if e.action == "sendMessage")

    @property
    def messages(self) -> list[Inbound]:
        """The events a client caused by sending a frame."""
        return [e for e in self.inbound if e.event.get("requestContext", {}).get("eventType") == "MESSAGE"]

    @property
    def refused(self) -> bool:
        return any(r.route == AUTHORIZER_ROUTE and r.error for r in self.results)

    @property
    def redacted(self) -> list[Inbound]:
        return [e for e in self.inbound if e.redacted_fields]

    def posts_of(self, event: Inbound) -> list[Post]:
        return [p for p in self.posts if p.after_line == event.line]

    def result_for(self, event: Inbound) -> Result | None:
        rid = event.request_id
        return next((r for r in self.results if r.request_id == rid and r.route == event.route), None)


_NEVER = Result(line=1 << 62, ts=0, route="", connection_id="", request_id=None, error=None, result=None)


@dataclass
class RecordedLog:
    path: Path
    conversations: dict[str, Conversation]
    sessions: list[dict[str, Any]]
    lines: int

    def select(self, connection: str | None) -> list[Conversation]:
        """The conversations to replay, in the order they started; `connection` picks one (a unique prefix works)."""
        ordered = sorted(self.conversations.values(), key=lambda c: c.first_line)
        if connection is None:
            return ordered
        chosen = [c for c in ordered if c.connection_id == connection] or [
            c for c in ordered if c.connection_id.startswith(connection)
        ]
        if len(chosen) != 1:
            known = ", ".join(c.connection_id for c in ordered) or "none"
            what = "no" if not chosen else "more than one"
            raise LogError(self.path, None, f"{what} conversation matches connection {connection!r} (known: {known})")
        return chosen

    @property
    def session(self) -> dict[str, Any] | None:
        """The last session line (seed, model of the stack that recorded), if the log has one."""
        return self.sessions[-1] if self.sessions else None


def _require(record: dict[str, Any], path: Path, line: int, *names: str) -> None:
    missing = [name for name in names if name not in record]
    if missing:
        kind = record.get("kind")
        raise LogError(path, line, f"a {kind!r} record without {', '.join(missing)}; the line is incomplete")


def parse_lines(path: Path, lines: Iterable[str]) -> RecordedLog:
    """Every line is read: a line that is not a complete record is an error naming it, never skipped."""
    conversations: dict[str, Conversation] = {}
    sessions: list[dict[str, Any]] = []
    current_session: dict[str, Any] | None = None
    last_event_line: dict[str, int] = {}
    count = 0
    for number, raw in enumerate(lines, start=1):
        count = number
        text = raw.strip()
        if not text:
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LogError(path, number, f"not valid JSON, the line is truncated or corrupt ({exc.msg})") from None
        if not isinstance(record, dict):
            raise LogError(path, number, "not a JSON object")
        kind = record.get("kind")
        if kind not in KINDS:
            raise LogError(path, number, f"unknown record kind {kind!r} (expected one of {', '.join(KINDS)})")
        if kind == "session":
            current_session = record
            sessions.append(record)
            continue
        _require(record, path, number, "ts", "connectionId")
        cid = str(record["connectionId"])
        convo = conversations.setdefault(cid, Conversation(cid, session=current_session))
        ts = float(record["ts"])
        if kind == "event":
            _require(record, path, number, "route", "event")
            event = record["event"]
            if not isinstance(event, dict) or not isinstance(event.get("requestContext"), dict):
                raise LogError(path, number, "the event has no requestContext; it is not an API Gateway event")
            convo.inbound.append(Inbound(number, ts, str(record["route"]), cid, event))
            last_event_line[cid] = number
        elif kind == "result":
            _require(record, path, number, "route")
            convo.results.append(
                Result(
                    number,
                    ts,
                    str(record["route"]),
                    cid,
                    record.get("requestId"),
                    record.get("error"),
                    record.get("result"),
                )
            )
        else:
            _require(record, path, number, "data")
            status = int(record.get("status", 200))
            duration = float(record.get("durationMs") or 0.0)
            started = record.get("startedTs")
            convo.posts.append(
                Post(
                    number,
                    ts,
                    cid,
                    status,
                    str(record["data"]),
                    duration,
                    last_event_line.get(cid),
                    float(started) if started is not None else None,
                )
            )
    for convo in conversations.values():
        attribute(convo)
    return RecordedLog(path, conversations, sessions, count)


#: Frames that continue an answer after its ack; they belong to the handler that acked their messageId.
STREAM_TYPES = frozenset({"meta", "delta", "done"})


def choose_owner(frame: Any, running: list[tuple[int, dict[str, Any] | None]], streams: dict[str, int]) -> int | None:
    """Which of the running handlers (key, client frame; oldest first) posted `frame`.

    An ack or error names the clientMessageId it answers; meta, delta and done continue the answer their
    messageId was acked for; anything else (pong, history, feedbackRecorded…) comes from the newest handler, as
    the long-running ones are the streams already recognised. `streams` learns messageId -> key from acks.
    """
    if not running:
        return None
    keys = [key for key, _ in running]
    if isinstance(frame, dict):
        client_id = frame.get("clientMessageId")
        for key, body in running:
            if client_id and body and body.get("clientMessageId") == client_id:
                if frame.get("type") == "ack" and frame.get("messageId"):
                    streams[str(frame["messageId"])] = key
                return key
        owner = streams.get(str(frame.get("messageId")))
        if frame.get("type") in STREAM_TYPES and owner in keys:
            return owner
    return keys[-1]


def attribute(convo: Conversation) -> None:
    """Give each post to the handler that made it (see `choose_owner`).

    The log's order alone is not enough: a post is written after its frame went out, so a client's quick next
    message can be logged before the frame that prompted it.
    """
    finished = {event.line: (convo.result_for(event) or _NEVER).line for event in convo.inbound}
    streams: dict[str, int] = {}
    for post in convo.posts:
        running = [(e.line, e.frame) for e in convo.inbound if e.line < post.line < finished[e.line] and e.can_post]
        owner = choose_owner(post.frame, running, streams)
        if owner is not None:
            post.after_line = owner


def read_log(path: Path) -> RecordedLog:
    if not path.exists():
        raise LogError(path, None, "no such file")
    with path.open(encoding="utf-8", errors="strict") as handle:
        try:
            return parse_lines(path, handle)
        except UnicodeDecodeError as exc:
            raise LogError(path, None, f"not UTF-8 text ({exc.reason})") from None


def iso(ts_ms: float) -> str:
    return datetime.fromtimestamp(ts_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def write_records(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records as JSON lines; returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n")
            count += 1
    return count


def extract(
    log: RecordedLog, conversations: list[Conversation], session: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The chosen conversations' lines from the log (in their original order), after a session line."""
    wanted = {c.connection_id for c in conversations}
    out: list[dict[str, Any]] = [session] if session else []
    with log.path.open(encoding="utf-8") as handle:
        for raw in handle:
            if not raw.strip():
                continue
            record = json.loads(raw)
            if record.get("kind") != "session" and record.get("connectionId") in wanted:
                out.append(record)
    return out
