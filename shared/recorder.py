"""Stores an answer while it streams (meta at once, deltas about every second) and watches for a stop request."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any, Protocol

from shared.limits import STOP_POLL_INTERVAL_S
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import Done, Meta, TurnStatus
from shared.records import Chunk
from shared.storage import StorageError

FLUSH_INTERVAL_S = 1.0
#: The turn item's heartbeat (lastSeq, updatedAt) is written at most this often while it streams: each write is
#: charged for the whole turn item, while the chunks (what resume replays) still go out every FLUSH_INTERVAL_S.
#: Well inside conversation_items.STALE_AFTER_MS, after which a silent streaming turn reads as incomplete.
HEARTBEAT_INTERVAL_S = 10.0
FINAL_WRITE_ATTEMPTS = 5
#: Characters per chunk item, well under DynamoDB's 400 KB item limit whatever the answer's length.
CHUNK_MAX_CHARS = 100_000


def split_chunks(deltas: list[tuple[int, str]]) -> list[Chunk]:
    chunks: list[Chunk] = []
    size = CHUNK_MAX_CHARS
    for seq, text in deltas:
        if size + len(text) > CHUNK_MAX_CHARS:
            chunks.append(Chunk(first_seq=seq))
            size = 0
        chunks[-1].deltas.append((seq, text))
        size += len(text)
    return chunks


class Conversations(Protocol):
    """The writes of one turn (shared.conversations.ConversationRepository)."""

    def start_turn(
        self,
        *,
        user_id: str,
        session_id: str,
        message_id: str,
        client_message_id: str,
        message: str,
        sibling_of: str | None = None,
        crisis: bool = False,
        touch_session: bool = True,
    ) -> None: ...

    def set_meta(self, message_id: str, meta: Meta | Mapping[str, Any]) -> None: ...

    def append_chunk(self, message_id: str, chunk: Chunk, *, touch: bool = True) -> None: ...

    def finish_turn(
        self,
        *,
        message_id: str,
        session_id: str,
        user_id: str,
        status: TurnStatus,
        done: Done | Mapping[str, Any],
        answer: str,
    ) -> None: ...

    def stop_requested(self, message_id: str) -> bool: ...


class TurnRecorder:
    """Background writer for one turn; the streaming path only appends to memory and never waits on storage."""

    def __init__(self, repo: Conversations, *, message_id: str, session_id: str, user_id: str) -> None:
        self._repo = repo
        self.message_id = message_id
        self.session_id = session_id
        self.user_id = user_id
        self.stop_requested = threading.Event()
        self._lock = threading.Lock()
        self._begin: dict[str, Any] | None = None
        self._meta: Meta | Mapping[str, Any] | None = None
        self._pending: list[tuple[int, str]] = []
        self._parts: list[str] = []
        self._last_flush = time.monotonic()
        self._last_touch = time.monotonic()
        self._closed = threading.Event()
        self._failures = 0
        self._thread = threading.Thread(target=self._run, name=f"recorder-{message_id[:8]}", daemon=True)

    def start(self) -> TurnRecorder:
        self._thread.start()
        return self

    def begin(
        self,
        *,
        client_message_id: str,
        message: str,
        sibling_of: str | None = None,
        crisis: bool = False,
        touch_session: bool = True,
    ) -> TurnRecorder:
        """Queue the user's message; it is the first thing written, before any part of the answer. `touch_session`:
        False when the session is already stored (the pipeline's `remember` touches it at the end)."""
        self._begin = {
            "client_message_id": client_message_id,
            "message": message,
            "crisis": crisis,
            "touch_session": touch_session,
        }
        if sibling_of:
            self._begin["sibling_of"] = sibling_of
        return self

    # -- called by the streaming path ----------------------------------------------------------
    def set_meta(self, meta: Meta | Mapping[str, Any]) -> None:
        with self._lock:
            self._meta = meta

    def stopped(self) -> bool:
        """Whether the person asked (from any connection) to stop this answer."""
        return self.stop_requested.is_set()

    def record(self, seq: int, text: str) -> None:
        with self._lock:
            self._pending.append((seq, text))
            self._parts.append(text)

    @property
    def text(self) -> str:
        with self._lock:
            return "".join(self._parts)

    def finish(self, status: TurnStatus, done: Done | Mapping[str, Any]) -> bool:
        """Flush everything and write the final status; True when it reached storage."""
        self._closed.set()
        self._thread.join(timeout=5)
        delay = 0.1
        for attempt in range(FINAL_WRITE_ATTEMPTS):
            try:
                self._flush(force=True)
                self._repo.finish_turn(
                    message_id=self.message_id,
                    session_id=self.session_id,
                    user_id=self.user_id,
                    status=status,
                    done=done,
                    answer=self.text,
                )
                return True
            except StorageError as exc:
                self._count_failure(exc, final=attempt == FINAL_WRITE_ATTEMPTS - 1)
                time.sleep(delay)
                delay *= 2
        logger.error("turn could not be stored", message_id=self.message_id, status=status.value)
        return False

    # -- background ----------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._write_begin()
        except StorageError as exc:
            self._count_failure(exc, final=False)
        while not self._closed.wait(STOP_POLL_INTERVAL_S):
            try:
                self._flush(force=False)
                if self._repo.stop_requested(self.message_id):
                    self.stop_requested.set()
            except StorageError as exc:
                self._count_failure(exc, final=False)

    def _write_begin(self) -> None:
        if self._begin is not None:
            self._repo.start_turn(
                user_id=self.user_id, session_id=self.session_id, message_id=self.message_id, **self._begin
            )
            self._begin = None

    def _flush(self, *, force: bool) -> None:
        self._write_begin()
        with self._lock:
            meta, self._meta = self._meta, None
            due = force or time.monotonic() - self._last_flush >= FLUSH_INTERVAL_S
            pending = self._pending if due else []
            if due:
                self._pending = []
        written = 0
        try:
            if meta is not None:
                self._repo.set_meta(self.message_id, meta)
                self._last_touch = time.monotonic()
            for chunk in split_chunks(pending):
                touch = time.monotonic() - self._last_touch >= HEARTBEAT_INTERVAL_S
                self._repo.append_chunk(self.message_id, chunk, touch=touch)
                self._last_touch = time.monotonic() if touch else self._last_touch
                written += len(chunk.deltas)
            if pending:
                self._last_flush = time.monotonic()
        except StorageError:
            with self._lock:  # keep what was not written; the next tick tries again
                if meta is not None and self._meta is None:
                    self._meta = meta
                self._pending = pending[written:] + self._pending
            raise

    def _count_failure(self, exc: StorageError, *, final: bool) -> None:
        self._failures += 1
        metrics.add_metric(name=MetricName.STORAGE_ERRORS, unit="Count", value=1)
        if self._failures == 1 or final:
            logger.warning("turn storage failing, will retry", message_id=self.message_id, error=str(exc))
