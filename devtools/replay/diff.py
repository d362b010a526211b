"""Compares the frames a replay produced with the recorded ones, ignoring ids and timings.

The coalescer cuts an answer's text into `delta` frames by time (a frame at most every ~40 ms), so where one
delta ends and the next begins is a timing, like `ttftMs`. Consecutive deltas of one answer are compared as the
text they add up to; every other frame is compared one to one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

#: Keys whose values differ on every run by design (ids, clocks, cursors that encode them).
IGNORED_KEYS = frozenset(
    {
        "messageId",
        "sessionId",
        "clientMessageId",
        "connectionId",
        "requestId",
        "ttftMs",
        "totalMs",
        "retryAfterMs",
        # Today's allowance counts down with every replay of the same person's messages; when it resets is a clock.
        "remainingToday",
        "resetsAt",
        "createdAt",
        "lastActivityAt",
        "updatedAt",
        "at",
        "cursor",
    }
)
IGNORED = "<ignored>"


def normalise(value: Any) -> Any:
    """The value with every ignored key's value replaced (kept as a key, so a missing id still shows)."""
    if isinstance(value, dict):
        return {k: (IGNORED if k in IGNORED_KEYS else normalise(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


@dataclass
class FrameRef:
    """A frame and where it came from, for messages that name it."""

    frame: Any
    status: int
    origin: str  # e.g. "line 12 sendMessage"
    #: For merged deltas: the first and last seq they cover.
    seqs: tuple[int, int] | None = None

    @property
    def label(self) -> str:
        if self.seqs:
            first, last = self.seqs
            return f"delta seq {first}" if first == last else f"delta seq {first}-{last}"
        if isinstance(self.frame, dict):
            kind = self.frame.get("type", "gateway")
            seq = f" seq {self.frame['seq']}" if "seq" in self.frame else ""
            code = f" {self.frame['code']}" if "code" in self.frame else ""
            return f"{kind}{seq}{code}"
        return "text frame"


@dataclass
class Difference:
    index: int  # 1-based position of the frame on its connection
    connection: str
    recorded: FrameRef | None
    replayed: FrameRef | None
    changes: list[str]

    def describe(self) -> str:
        ref = self.recorded or self.replayed
        assert ref is not None
        head = f"frame {self.index} on {self.connection} ({ref.label}, answering {ref.origin})"
        if self.replayed is None:
            return f"{head}: recorded but not produced now"
        if self.recorded is None:
            return f"{head}: produced now but not recorded"
        return f"{head}: " + "; ".join(self.changes)


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out or {prefix: {}}
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            out.update(_flatten(item, f"{prefix}[{i}]"))
        return out or {prefix: []}
    return {prefix or "(frame)": value}


def _short(value: Any, width: int = 70) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def field_changes(recorded: Any, replayed: Any) -> list[str]:
    """`path: recorded X, now Y` for each field that differs after normalising."""
    before, after = _flatten(normalise(recorded)), _flatten(normalise(replayed))
    changes = []
    for path in sorted(set(before) | set(after), key=lambda p: (p != "type", p not in before, p)):
        if path not in after:
            changes.append(f"{path}: recorded {_short(before[path])}, now absent")
        elif path not in before:
            changes.append(f"{path}: not recorded, now {_short(after[path])}")
        elif before[path] != after[path]:
            changes.append(f"{path}: recorded {_short(before[path])}, now {_short(after[path])}")
    return changes


def _is_delta(ref: FrameRef) -> bool:
    return isinstance(ref.frame, dict) and ref.frame.get("type") == "delta"


def merge_deltas(refs: list[FrameRef]) -> list[FrameRef]:
    """Runs of deltas of one answer become one frame holding their text; `done.seq` (their count) is ignored."""
    out: list[FrameRef] = []
    for ref in refs:
        last = out[-1] if out else None
        if (
            _is_delta(ref)
            and last is not None
            and last.seqs is not None
            and last.status == ref.status
            and last.frame.get("messageId") == ref.frame.get("messageId")
        ):
            merged = {**last.frame, "text": last.frame.get("text", "") + str(ref.frame.get("text", ""))}
            out[-1] = FrameRef(merged, last.status, last.origin, (last.seqs[0], int(ref.frame.get("seq", 0))))
        elif _is_delta(ref):
            seq = int(ref.frame.get("seq", 0))
            frame = {k: v for k, v in ref.frame.items() if k != "seq"}
            out.append(FrameRef(frame, ref.status, ref.origin, (seq, seq)))
        elif isinstance(ref.frame, dict) and ref.frame.get("type") == "done":
            out.append(FrameRef({**ref.frame, "seq": IGNORED}, ref.status, ref.origin))
        else:
            out.append(ref)
    return out


def compare(connection: str, recorded: list[FrameRef], replayed: list[FrameRef]) -> list[Difference]:
    """Frame by frame, in order; a status change (e.g. 200 then, 410 now) counts as a difference."""
    recorded, replayed = merge_deltas(recorded), merge_deltas(replayed)
    differences = []
    for i in range(max(len(recorded), len(replayed))):
        then = recorded[i] if i < len(recorded) else None
        now = replayed[i] if i < len(replayed) else None
        if then is None or now is None:
            differences.append(Difference(i + 1, connection, then, now, []))
            continue
        changes = field_changes(then.frame, now.frame)
        if then.status != now.status:
            changes.append(f"post status: recorded {then.status}, now {now.status}")
        if changes:
            differences.append(Difference(i + 1, connection, then, now, changes))
    return differences
