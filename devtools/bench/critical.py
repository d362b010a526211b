"""Round trips on an answer's critical path, counted from the per-call trace, not from timings.

Each AWS call is an interval (botocore's before-call to after-call). A call B comes after a call A when B began
after A ended; the longest chain of such calls that all end before the ConverseStream call begins is the number of
round trips made one after another before the model call. To keep thread scheduling from making two concurrent
calls look consecutive, the host gateway adds the same latency to every round trip while this part runs, so calls
that are in flight together overlap by far more than any jitter.

On the token path a token passes through the handler's thread (which reads the model stream and runs the
coalescer) and the poster's thread (PostToConnection). Any other call either of those threads makes while tokens
stream would hold tokens back; the count excludes the posts themselves.

The same trace gives what an answer costs in DynamoDB: reads, writes, request units and bytes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from devtools.bench.client import MESSAGE_200, Answer, ask, open_ws
from devtools.bench.itemsize import read_units, write_units
from devtools.bench.pace import match
from devtools.bench.rig import Rig

#: Latency added to every AWS round trip while the critical path is traced.
TRACE_LATENCY_MS = 25.0
_READS = {"GetItem", "Query", "BatchGetItem", "Scan"}
_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
_STREAM_OPS = {"ConverseStream", "PostToConnection"}


def longest_chain(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The longest sequence of calls in which each began after the previous one ended."""
    ordered = sorted(calls, key=lambda c: c["start"])
    best: list[list[dict[str, Any]]] = []
    for i, call in enumerate(ordered):
        before = [best[j] for j in range(i) if ordered[j]["end"] <= call["start"]]
        best.append([*max(before, key=len, default=[]), call])
    return max(best, key=len, default=[])


def _name(call: dict[str, Any], tables: dict[str, str]) -> str:
    table = tables.get(call.get("table") or "", call.get("table") or "")
    return f"{call['op']}({table})" if table else call["op"]


@dataclass
class AnswerPath:
    """What one answer's trace shows."""

    label: str
    before_model: list[str] = field(default_factory=list)
    concurrent_before_model: int = 0
    token_path: list[str] = field(default_factory=list)
    reads: int = 0
    writes: int = 0
    read_units: float = 0.0
    write_units: float = 0.0
    #: Of the write units: the global secondary indexes' entries.
    index_write_units: float = 0.0
    dynamodb_bytes: int = 0
    stream_s: float = 0.0
    reads_while_streaming: int = 0
    posts: int = 0
    post_bytes: int = 0
    #: Every call of the answer by operation and table, and the DynamoDB request units of each.
    calls: dict[str, int] = field(default_factory=dict)
    units: dict[str, float] = field(default_factory=dict)


def analyse(answer: Answer, trace: dict[str, Any], tables: dict[str, str], label: str) -> AnswerPath | None:
    streamed = match(answer, trace)
    if streamed is None:
        return None
    model = streamed.call
    window = [c for c in trace["calls"] if answer.sent <= c["start"] <= answer.done_at]
    before = [c for c in window if c["end"] <= model["start"]]
    chain = longest_chain(before)
    posters = {c["thread"] for c in window if c["op"] == "PostToConnection"}
    streaming = [c for c in window if model["end"] <= c["start"] <= streamed.last_token_at]
    on_token_path = [c for c in streaming if c["thread"] in {model["thread"], *posters} and c["op"] not in _STREAM_OPS]
    path = AnswerPath(label, [_name(c, tables) for c in chain], len(before) - len(chain))
    path.token_path = [_name(c, tables) for c in on_token_path]
    path.stream_s = streamed.last_token_at - model["start"]
    path.reads_while_streaming = sum(1 for c in streaming if c["op"] in _READS)
    path.posts = sum(1 for c in window if c["op"] == "PostToConnection")
    path.post_bytes = sum(c["request_bytes"] for c in window if c["op"] == "PostToConnection")
    for call in window:
        name = _name(call, tables)
        path.calls[name] = path.calls.get(name, 0) + 1
        if call.get("table"):
            _count_dynamodb(path, call, name)
    return path


def _count_dynamodb(path: AnswerPath, call: dict[str, Any], name: str) -> None:
    size = sum(call["item_bytes"])
    path.dynamodb_bytes += call["request_bytes"] + size
    units = 0.0
    if call["op"] in _READS:
        path.reads += 1
        units = read_units(size, consistent=call["consistent"])
        path.read_units += units
    elif call["op"] in _WRITES:
        path.writes += 1
        # A transaction charges each of its items twice the units a plain write of it would.
        each = call["item_bytes"] if call["op"] == "TransactWriteItems" else [size]
        units = float(sum(write_units(b) * (2 if call["op"] == "TransactWriteItems" else 1) for b in each))
        # The index entries written with the item are billed as writes too (one per entry, at its own size).
        index_units = float(sum(write_units(b) for b in call.get("index_bytes") or ()))
        path.index_write_units += index_units
        units += index_units
        path.write_units += units
    path.units[name] = path.units.get(name, 0.0) + units


def size_updates(rig: Rig, trace: dict[str, Any]) -> None:
    """UpdateItem carries no item: size each updated item as stored afterwards (an upper bound for every update)."""
    updates = [c for c in trace["calls"] if c["op"] == "UpdateItem" and c.get("key") and not c["item_bytes"]]
    asked = [{"table": c["table"], "key": c["key"], "written": c.get("written")} for c in updates]
    sizes, entries = rig.item_sizes(asked) if updates else ([], [])
    for call, size, index in zip(updates, sizes, entries, strict=True):
        call["item_bytes"] = [size]
        call["index_bytes"] = index


def table_names(rig: Rig) -> dict[str, str]:
    """Table name -> its short name (`conversations`, `rate_limit`, ...)."""
    return {name: setting.removesuffix("_table") for setting, name in rig.endpoints["tables"].items()}


async def trace_answers(rig: Rig, token: str, runs: int) -> list[AnswerPath]:
    """`runs` answers in one conversation (the first starts it), traced with latency on every round trip."""
    rig.configure_trace(latency_ms=TRACE_LATENCY_MS)
    rig.trace()
    ws = await open_ws(rig.host_ws_url, token)
    answers: list[Answer] = []
    try:
        session: str | None = None
        for _ in range(runs):
            answers.append(await ask(ws, MESSAGE_200, session_id=session))
            session = session or answers[-1].session_id
            await asyncio.sleep(0.3)  # let the answer's last writes land inside its own window
    finally:
        await ws.close()
        rig.configure_trace(latency_ms=0)
    trace = rig.trace()
    size_updates(rig, trace)
    tables = table_names(rig)
    labels = ["new conversation", *(["same conversation"] * (runs - 1))]
    paths = [analyse(a, trace, tables, label) for a, label in zip(answers, labels, strict=True)]
    return [p for p in paths if p is not None]
