"""A per-call trace of every AWS call a process makes, taken with botocore's event hooks (no timing of code paths).

`install()` registers handlers on boto3's default session before any client exists, so every client the
handlers build (shared/aws.py) copies them: `before-call` and `after-call` bracket each API call with its
thread and wall-clock stamps, `before-send` can add a fixed latency to each HTTP round trip (so calls that
overlap are seen to overlap), and ConverseStream's event stream is wrapped so the arrival of each model token
is stamped. Stamps are epoch seconds (`time.time()`), comparable with what a client process records.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import boto3

from devtools.bench.itemsize import index_entries, item_size, updated_attributes

if TYPE_CHECKING:
    from shared.tables import TableDefinition

#: A model call is labelled with the first characters of the message it answers (`pace.match` pairs them).
LABEL_CHARS = 60


@dataclass
class Call:
    """One API call: its operation, the thread that made it, when it began and ended, and what it carried."""

    id: int
    op: str
    thread: int
    start: float
    end: float = 0.0
    table: str | None = None
    request_bytes: int = 0
    #: DynamoDB: bytes of the items read (GetItem, Query) or written (PutItem); UpdateItem is sized afterwards.
    item_bytes: list[int] = field(default_factory=list)
    key: dict[str, Any] | None = None
    consistent: bool = False
    #: ConverseStream: the start of the last user message, to match the call to the answer a client asked for;
    #: PostToConnection: the frame's `type:seq:messageId`.
    label: str = ""
    error: str | None = None
    #: UpdateItem: the attributes its expression writes (which index entries it touches).
    written: list[str] | None = None
    #: Writes: the index entries DynamoDB writes with the item, each by its size (itemsize.index_entries).
    index_bytes: list[int] = field(default_factory=list)


@dataclass
class TokenArrival:
    """A ConverseStream text delta as it was read off the socket."""

    call: int
    at: float
    text: str


class Tracer:
    """Collects calls and token arrivals; thread-safe; `take()` hands them over and starts afresh."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._open: dict[int, Call] = {}
        self.calls: list[Call] = []
        self.tokens: list[TokenArrival] = []
        self.latency_s = 0.0
        self.enabled = True
        self._quiet = threading.local()

    def quietly(self) -> _Quiet:
        """A block whose calls are not recorded (the tracer's own look-ups)."""
        return _Quiet(self._quiet)

    def take(self) -> dict[str, Any]:
        with self._lock:
            calls, tokens = self.calls, self.tokens
            self.calls, self.tokens = [], []
        return {"calls": [asdict(c) for c in calls], "tokens": [asdict(t) for t in tokens]}

    # -- botocore hooks ----------------------------------------------------------------------
    def before_call(self, model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if not self.enabled or getattr(self._quiet, "on", False):
            return
        call = Call(next(self._ids), model.name, threading.get_ident(), time.time())
        body = params.get("body") or b""
        call.request_bytes = len(body)
        _describe(call, model.name, body)
        context["bench_call"] = call.id
        with self._lock:
            self._open[call.id] = call

    def before_send(self, **_: Any) -> None:
        if self.latency_s and self.enabled and not getattr(self._quiet, "on", False):
            time.sleep(self.latency_s)

    def after_call(self, http_response: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        call = self._close(context)
        if call is None:
            return
        error = parsed.get("Error")
        if isinstance(error, dict) and error.get("Code"):
            call.error = str(error["Code"])
        if call.op == "ConverseStream" and "stream" in parsed:
            parsed["stream"] = TimedStream(parsed["stream"], call.id, self)
        elif call.table is not None:
            # boto3's resource layer has already turned `parsed` into Python values; the wire has the typed form.
            with contextlib.suppress(ValueError, TypeError, AttributeError, StopIteration):
                body = json.loads(http_response.content or b"{}")
                items = [body["Item"]] if isinstance(body.get("Item"), dict) else list(body.get("Items") or [])
                call.item_bytes += [item_size(item) for item in items]

    def after_call_error(self, exception: Exception, context: dict[str, Any], **_: Any) -> None:
        call = self._close(context)
        if call is not None:
            call.error = type(exception).__name__

    def _close(self, context: dict[str, Any]) -> Call | None:
        call_id = context.get("bench_call")
        with self._lock:
            call = self._open.pop(call_id, None) if call_id else None
            if call is not None:
                call.end = time.time()
                self.calls.append(call)
        return call

    def token(self, call_id: int, text: str) -> None:
        arrival = TokenArrival(call_id, time.time(), text)
        with self._lock:
            self.tokens.append(arrival)


class _Quiet:
    def __init__(self, flag: threading.local) -> None:
        self._flag = flag

    def __enter__(self) -> None:
        self._flag.on = True

    def __exit__(self, *_: object) -> None:
        self._flag.on = False


class TimedStream:
    """ConverseStream's event stream, stamping each text delta as it is read; closes like the original."""

    def __init__(self, stream: Any, call_id: int, tracer: Tracer) -> None:
        self._stream = stream
        self._call = call_id
        self._tracer = tracer

    def __iter__(self) -> Any:
        for event in self._stream:
            text = event.get("contentBlockDelta", {}).get("delta", {}).get("text")
            if text and self._tracer.enabled:
                self._tracer.token(self._call, text)
            yield event

    def close(self) -> None:
        self._stream.close()


def _describe(call: Call, op: str, body: bytes | str) -> None:
    """Table, key, item size and read consistency of a DynamoDB request; the last user text of a model call."""
    try:
        request = json.loads(body) if body else {}
    except ValueError:
        return
    if not isinstance(request, dict):
        return
    call.table = request.get("TableName")
    call.consistent = bool(request.get("ConsistentRead"))
    if op == "TransactWriteItems":
        _describe_transaction(call, request.get("TransactItems") or [])
    if op == "PutItem" and isinstance(request.get("Item"), dict):
        call.item_bytes.append(item_size(request["Item"]))
        table = table_definition(call.table)
        call.index_bytes = index_entries(request["Item"], table) if table else []
    if op == "UpdateItem" and isinstance(request.get("UpdateExpression"), str):
        call.written = sorted(updated_attributes(request["UpdateExpression"], request.get("ExpressionAttributeNames")))
    if isinstance(request.get("Key"), dict):
        call.key = request["Key"]
    if op == "PostToConnection":
        call.label = f"{request.get('type')}:{request.get('seq', '')}:{request.get('messageId', '')}"
    if op == "ConverseStream":
        users = [m for m in request.get("messages", []) if m.get("role") == "user"]
        texts = [b.get("text", "") for b in (users[-1].get("content", []) if users else [])]
        call.label = " ".join(texts)[:LABEL_CHARS]


@functools.cache
def _tables_by_name() -> dict[str, TableDefinition]:
    from shared.settings import get_settings
    from shared.tables import ALL_TABLES

    settings = get_settings()
    return {str(getattr(settings, table.setting)): table for table in ALL_TABLES}


def table_definition(name: str | None) -> TableDefinition | None:
    """The table (shared.tables) a request names, by the table names of the handlers' settings."""
    return _tables_by_name().get(name) if name else None


def _describe_transaction(call: Call, parts: list[Any]) -> None:
    """A transaction's first table, and the size of each item it writes (an update sized by its key and values,
    enough for the small items our transactions update), so each is charged as DynamoDB charges it."""
    for part in parts:
        for write in part.values() if isinstance(part, dict) else ():
            call.table = call.table or write.get("TableName")
            if isinstance(write.get("Item"), dict):
                call.item_bytes.append(item_size(write["Item"]))
            elif isinstance(write.get("Key"), dict):
                values = write.get("ExpressionAttributeValues") or {}
                call.item_bytes.append(item_size({**write["Key"], **values}))


def _never_raising(hook: Callable[..., None]) -> Callable[..., None]:
    """A trace hook that cannot break the call it watches: a failure of its own is logged and dropped."""

    @functools.wraps(hook)
    def safe(**kwargs: Any) -> None:
        try:
            hook(**kwargs)
        except Exception:
            logging.getLogger("devtools.bench.trace").exception("trace hook %s failed", hook.__name__)

    return safe


def install(tracer: Tracer) -> None:
    """Hook every client boto3's default session will make (call before the handlers build theirs)."""
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    events = boto3.DEFAULT_SESSION.events
    events.register("before-call", _never_raising(tracer.before_call))
    events.register("before-send", _never_raising(tracer.before_send))
    events.register("after-call", _never_raising(tracer.after_call))
    events.register("after-call-error", _never_raising(tracer.after_call_error))
