"""Re-drives recorded conversations through the running gateway, as a client, and collects what the handlers post.

The replay is a WebSocket client of the local gateway, so every event passes the same path as the recorded one:
handshake, authorizer, $connect, routes, $disconnect. It follows the gateway's own event log to learn the live
connection id, when each handler finished (its `result` record) and which frames it posted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from devtools.replay.diff import Difference, FrameRef, compare
from devtools.replay.eventlog import AUTHORIZER_ROUTE, Conversation, Inbound, RecordedLog, choose_owner
from devtools.replay.render import ReplayView
from devtools.replay.users import SignIn

MARKER_HEADER = "X-Motivator-Replay"
HANDSHAKE_ROUTES = frozenset({AUTHORIZER_ROUTE, "$connect"})
#: Ids the server hands out in `ack`; later frames of the conversation refer to them.
SERVER_IDS = ("messageId", "sessionId")


def _frame_type(frame: Any) -> str:
    return str(frame.get("type", "gateway")) if isinstance(frame, dict) else "text"


class ReplayError(Exception):
    """The replay could not go on; the message names the recorded line."""


@dataclass
class ReplayOptions:
    speed: float = 1.0
    check: bool = False
    as_user: str | None = None
    create_user: bool = False
    timeout_s: float = 60.0


@dataclass
class Outcome:
    events: int = 0
    recorded_frames: int = 0
    replayed_frames: int = 0
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def placeholder_text(length: int) -> str:
    """What replay sends for words that were not logged: it says so, and keeps their length on record."""
    return f"(text redacted in the log: {length} characters)"


class LiveTail:
    """Follows the running gateway's JSON-lines event log from its end at the start of the replay."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = path.stat().st_size if path.exists() else 0
        self._partial = b""

    def poll(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self.path.open("rb") as handle:
            handle.seek(self._offset)
            chunk = handle.read()
        self._offset += len(chunk)
        data = self._partial + chunk
        lines = data.split(b"\n")
        self._partial = lines.pop()  # an incomplete last line waits for the rest
        records = []
        for raw in lines:
            if raw.strip():
                with contextlib.suppress(ValueError):
                    records.append(json.loads(raw))
        return records


class IdMap:
    """Recorded server ids (from recorded acks) to the ones the live handlers gave, and client ids to fresh ones."""

    def __init__(self, conversations: list[Conversation]) -> None:
        self.recorded_acks: dict[str, dict[str, Any]] = {}
        for convo in conversations:
            for post in convo.posts:
                frame = post.frame
                if isinstance(frame, dict) and frame.get("type") == "ack" and frame.get("clientMessageId"):
                    self.recorded_acks[str(frame["clientMessageId"])] = frame
        self.produced = {str(a[k]) for a in self.recorded_acks.values() for k in SERVER_IDS if a.get(k)}
        self.live: dict[str, str] = {}
        self._client_ids: dict[str, str] = {}  # live -> recorded
        self.changed = asyncio.Event()

    def client_id(self, recorded: str) -> str:
        """A fresh idempotency key per recorded one, so a second replay is not answered from the first's record."""
        live = f"replay-{uuid.uuid4().hex[:12]}"
        self._client_ids[live] = recorded
        return live

    def learn(self, live_ack: dict[str, Any]) -> None:
        recorded_cid = self._client_ids.get(str(live_ack.get("clientMessageId")))
        recorded = self.recorded_acks.get(recorded_cid or "")
        if recorded is None:
            return
        for key in SERVER_IDS:
            if recorded.get(key) and live_ack.get(key):
                self.live[str(recorded[key])] = str(live_ack[key])
        self.changed.set()


@dataclass
class LiveConnection:
    """The live side of one recorded conversation."""

    recorded: Conversation
    label: str
    marker: str = field(default_factory=lambda: uuid.uuid4().hex)
    ws: ClientConnection | None = None
    live_id: str | None = None
    #: Recorded events sent on this connection (messages and the disconnect), in order.
    performed: list[Inbound] = field(default_factory=list)
    #: The client frame sent for each performed event (None for a close or a non-JSON body).
    bodies: list[dict[str, Any] | None] = field(default_factory=list)
    streams: dict[str, int] = field(default_factory=dict)
    #: Live request id -> index in `performed` (the gateway logs events in the order they arrive).
    live_requests: dict[str, int] = field(default_factory=dict)
    running: list[int] = field(default_factory=list)
    done: set[int] = field(default_factory=set)
    frames: list[FrameRef] = field(default_factory=list)
    #: Live frames per performed event, counted by type.
    frames_for: dict[int, Counter[str]] = field(default_factory=dict)
    reader: asyncio.Task[None] | None = None
    closed: bool = False

    def poster(self, frame: Any) -> int | None:
        """The performed event a live post belongs to, judged as for the recording."""
        running = [
            (i, self.bodies[i] if i < len(self.bodies) else None)
            for i in self.running
            if i < len(self.performed) and self.performed[i].can_post
        ]
        owner = choose_owner(frame, running, self.streams)
        if owner is not None:
            return owner
        return len(self.live_requests) - 1 if self.live_requests else None

    def origin(self, index: int | None) -> str:
        if index is not None and index < len(self.performed):
            event = self.performed[index]
            return f"line {event.line} {event.action}"
        return "the connection"


class Replay:
    def __init__(
        self,
        log: RecordedLog,
        conversations: list[Conversation],
        endpoints: dict[str, Any],
        options: ReplayOptions,
        view: ReplayView,
    ) -> None:
        self.log = log
        self.conversations = conversations
        self.endpoints = endpoints
        self.options = options
        self.view = view
        self.ids = IdMap(conversations)
        self.sign_in = SignIn(endpoints, options.as_user, options.create_user)
        self.live = {c.connection_id: LiveConnection(c, f"#{i}") for i, c in enumerate(conversations, start=1)}
        self.outcome = Outcome()
        self._changed = asyncio.Event()

    # -- following the gateway's log ---------------------------------------------------------
    async def _pump(self, tail: LiveTail) -> None:
        by_marker = {c.marker: c for c in self.live.values()}
        by_id: dict[str, LiveConnection] = {}
        while True:
            for record in tail.poll():
                self._dispatch(record, by_marker, by_id)
            self._changed.set()
            await asyncio.sleep(0.01)

    def _dispatch(
        self, record: dict[str, Any], by_marker: dict[str, LiveConnection], by_id: dict[str, LiveConnection]
    ) -> None:
        cid = record.get("connectionId")
        kind = record.get("kind")
        if kind == "event" and record.get("route") in HANDSHAKE_ROUTES and cid not in by_id:
            headers = (record.get("event") or {}).get("headers") or {}
            marker = next((v for k, v in headers.items() if k.lower() == MARKER_HEADER.lower()), None)
            if marker in by_marker:
                by_marker[marker].live_id = cid
                by_id[str(cid)] = by_marker[marker]
            return
        conn = by_id.get(str(cid))
        if conn is None:
            return  # another client of the same stack
        if record.get("route") in HANDSHAKE_ROUTES:
            return
        if kind == "event":
            request_id = str((record.get("event") or {}).get("requestContext", {}).get("requestId"))
            index = len(conn.live_requests)
            conn.live_requests[request_id] = index
            conn.running.append(index)
        elif kind == "result":
            finished = conn.live_requests.get(str(record.get("requestId")))
            if finished is not None:
                conn.done.add(finished)
                conn.running.remove(finished)
        elif kind == "post":
            data = str(record.get("data", ""))
            try:
                frame: Any = json.loads(data)
            except ValueError:
                frame = data
            owner = conn.poster(frame)
            ref = FrameRef(frame, int(record.get("status", 200)), conn.origin(owner))
            conn.frames.append(ref)
            if owner is not None:
                conn.frames_for.setdefault(owner, Counter())[_frame_type(frame)] += 1
            self.view.frame(conn.label, ref)
            if isinstance(frame, dict) and frame.get("type") == "ack":
                self.ids.learn(frame)

    async def _until(self, ready: Any, what: str) -> None:
        deadline = time.monotonic() + self.options.timeout_s
        while not ready():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ReplayError(f"gave up after {self.options.timeout_s:.0f} s waiting for {what}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 0.5))

    # -- performing recorded events ----------------------------------------------------------
    async def _open(self, conn: LiveConnection, event: Inbound) -> None:
        where = f"{self.log.path}:{conn.recorded.user_line}"
        headers = {MARKER_HEADER: conn.marker}
        expect_refusal = conn.recorded.refused and not self.options.as_user
        if not expect_refusal:
            token = await asyncio.to_thread(self.sign_in.token, conn.recorded.user_id, where)
            headers["Authorization"] = f"Bearer {token}"
        try:
            conn.ws = await connect(
                self.endpoints["ws_url"], additional_headers=headers, max_size=None, open_timeout=30
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            if expect_refusal:
                self.outcome.notes.append(f"{conn.label}: refused at connect (HTTP {status}), as recorded")
                conn.closed = True
                return
            raise ReplayError(
                f"line {event.line}: the gateway refused the replayed connection (HTTP {status})"
            ) from None
        if expect_refusal:
            self.outcome.notes.append(f"{conn.label}: recorded as refused at connect, but the replay was accepted")
        conn.reader = asyncio.create_task(self._read(conn))
        await self._until(lambda: conn.live_id is not None, f"line {event.line}: the live connection in the event log")

    async def _read(self, conn: LiveConnection) -> None:
        """Drain the socket; frames the gateway itself sends (timeouts, internal errors) are shown, not compared."""
        assert conn.ws is not None
        with contextlib.suppress(ConnectionClosed):
            async for message in conn.ws:
                text = message if isinstance(message, str) else message.decode("utf-8", "replace")
                with contextlib.suppress(ValueError):
                    frame = json.loads(text)
                    if isinstance(frame, dict) and "type" not in frame and "message" in frame:
                        self.view.gateway(conn.label, str(frame["message"]))

    async def _body(self, event: Inbound) -> str:
        """The recorded body with fresh client ids, live server ids and placeholders for redacted text."""
        body = event.body or ""
        redacted = event.redacted_fields
        frame = event.frame
        if frame is None:
            return placeholder_text(redacted["body"]) if "body" in redacted else body
        for name, length in redacted.items():
            frame[name] = placeholder_text(length)
        if isinstance(frame.get("clientMessageId"), str):
            frame["clientMessageId"] = self.ids.client_id(frame["clientMessageId"])
        for key in SERVER_IDS:
            value = frame.get(key)
            if not isinstance(value, str):
                continue
            if value in self.ids.produced:
                try:
                    await self._until(lambda v=value: v in self.ids.live, f"line {event.line}: the answer {value}")
                except ReplayError:
                    self.outcome.notes.append(f"line {event.line}: {key} {value} was never produced by the replay")
                    continue
                frame[key] = self.ids.live[value]
            else:
                self.outcome.notes.append(
                    f"line {event.line}: {key} {value} was not created in this log; sent unchanged"
                )
        return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))

    def _settled(self, conn: LiveConnection, event: Inbound) -> list[Any]:
        """Conditions for the earlier events that had finished, as the client saw it, before `event` was sent.

        An earlier event had finished when its handler's result came first, or when all its frames had gone out
        first: a client answers what it has read. Events still running then (a `stop` while an answer streams)
        are not waited for.
        """
        conditions: list[Any] = []
        for index, earlier in enumerate(conn.performed):
            result = conn.recorded.result_for(earlier)
            posts = conn.recorded.posts_of(earlier)

            def handler_done(i: int = index) -> bool:
                return i in conn.done

            if result is None and not posts:
                conditions.append(handler_done)  # a CloudWatch import: one turn follows another
            elif result is not None and result.line < event.line:
                conditions.append(handler_done)
            elif posts and all(p.started <= event.ts for p in posts):
                # The client had read up to the last frame: wait for as many frames of that type (deltas are cut
                # by time, so their number varies) or for the handler to end.
                last = _frame_type(posts[-1].frame)
                wanted = sum(1 for p in posts if _frame_type(p.frame) == last)

                def frames_seen(i: int = index, kind: str = last, n: int = wanted) -> bool:
                    return conn.frames_for.get(i, Counter())[kind] >= n or i in conn.done

                conditions.append(frames_seen)
        return conditions

    async def _perform(self, conn: LiveConnection, event: Inbound, elapsed: float) -> None:
        ctx = event.event.get("requestContext", {})
        if event.route in HANDSHAKE_ROUTES:
            if conn.ws is None and not conn.closed:
                self.view.inbound(elapsed, conn.label, event, "open the connection (authorizer, $connect)")
                await self._open(conn, event)
            return
        if conn.ws is None or conn.closed:
            if conn.recorded.refused:
                return
            raise ReplayError(
                f"line {event.line}: an event on connection {conn.recorded.connection_id} before it opened"
            )
        settled = self._settled(conn, event)
        await self._until(
            lambda: all(ready() for ready in settled), f"line {event.line}: the handlers to finish the events before it"
        )
        if ctx.get("eventType") == "DISCONNECT":
            self.view.inbound(elapsed, conn.label, event, f"close ({ctx.get('disconnectStatusCode', 1000)})")
            conn.performed.append(event)
            conn.bodies.append(None)
            await conn.ws.close()
            conn.closed = True
            return
        body = await self._body(event)
        for name, length in event.redacted_fields.items():
            self.view.note(
                f"line {event.line}: the {name} text was redacted in the log ({length} chars); sent a placeholder"
            )
        self.view.inbound(elapsed, conn.label, event, body)
        conn.performed.append(event)
        try:
            sent = json.loads(body)
        except ValueError:
            sent = None
        conn.bodies.append(sent if isinstance(sent, dict) else None)
        await conn.ws.send(body)

    async def run(self) -> Outcome:
        tail = LiveTail(Path(self.endpoints["event_log"]))
        pump = asyncio.create_task(self._pump(tail))
        started = time.monotonic()
        timeline = sorted((e for c in self.conversations for e in c.inbound), key=lambda e: e.line)
        previous_ts: float | None = None
        previous_at = started
        try:
            for event in timeline:
                if previous_ts is not None and self.options.speed > 0:
                    gap = max(0.0, (event.ts - previous_ts) / 1000 / self.options.speed)
                    await asyncio.sleep(max(0.0, previous_at + gap - time.monotonic()))
                previous_ts, previous_at = event.ts, time.monotonic()
                await self._perform(self.live[event.connection_id], event, time.monotonic() - started)
                self.outcome.events += 1
            for conn in self.live.values():
                await self._until(
                    lambda c=conn: len(c.done) >= len(c.performed),
                    f"the last handlers of {conn.label} to finish",
                )
        finally:
            for conn in self.live.values():
                if conn.ws is not None and not conn.closed:
                    await conn.ws.close()
                if conn.reader is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(conn.reader, 2)
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
        self.outcome.seconds = time.monotonic() - started
        for conn in self.live.values():
            recorded = [
                FrameRef(p.frame, p.status, self._recorded_origin(conn.recorded, p.after_line))
                for p in conn.recorded.posts
            ]
            self.outcome.recorded_frames += len(recorded)
            self.outcome.replayed_frames += len(conn.frames)
            if self.options.check:
                label = f"{conn.label} ({conn.recorded.connection_id})"
                self.outcome.differences += compare(label, recorded, conn.frames)
        return self.outcome

    @staticmethod
    def _recorded_origin(convo: Conversation, line: int | None) -> str:
        event = next((e for e in convo.inbound if e.line == line), None)
        return f"line {event.line} {event.action}" if event else "the connection"
