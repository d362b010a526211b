"""The emulator's event log: one JSON line per inbound event, handler result and PostToConnection, with timings."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any


class EventLog:
    """Appends one JSON object per line: every inbound event and every PostToConnection, with timings."""

    def __init__(self, path: Path | None) -> None:
        self._lock = threading.Lock()
        self._file = None
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8", buffering=1)

    def write(self, kind: str, **fields: Any) -> None:
        if not self._file:
            return
        # Fractions of a millisecond: replay orders a post and the client's reply to it by these stamps.
        record = {"ts": round(time.time() * 1000, 3), "kind": kind, **fields}
        line = json.dumps(record, separators=(",", ":"), default=str)
        with self._lock:
            self._file.write(line + "\n")

    def close(self) -> None:
        if self._file:
            self._file.close()
