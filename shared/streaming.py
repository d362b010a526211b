"""Token plumbing: a blocking model stream read on its own thread, and the coalescer that batches deltas."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from shared import limits

_END = object()
_SENTENCE_ENDS = (".", "!", "?", "\n", ".\u201d", "?\u201d", "!\u201d")


class TokenTimeout(Exception):
    """No token arrived within the allowed time."""


class TokenStream:
    """Reads a blocking token iterator on a daemon thread so the consumer can wait with timeouts."""

    def __init__(self, tokens: Iterable[str], on_close: Callable[[], None] | None = None) -> None:
        self._queue: queue.Queue[object] = queue.Queue()
        self._on_close = on_close
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._pump, args=(iter(tokens),), daemon=True)
        self._thread.start()

    def _pump(self, tokens: Iterator[str]) -> None:
        try:
            for token in tokens:
                if self._closed.is_set():
                    return
                self._queue.put(token)
        except BaseException as exc:  # delivered to the consumer, who decides what it means
            self._queue.put(exc)
        finally:
            self._queue.put(_END)

    def next(self, timeout: float | None) -> str | None:
        """The next token; None at the end; raises TokenTimeout, or the producer's exception."""
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty as exc:
            raise TokenTimeout from exc
        if item is _END:
            self._queue.put(_END)  # stay at the end for later calls
            return None
        if isinstance(item, BaseException):
            raise item
        assert isinstance(item, str)
        return item

    def close(self) -> None:
        self._closed.set()
        if self._on_close:
            with contextlib.suppress(Exception):  # closing an already broken stream
                self._on_close()


def ends_sentence(text: str) -> bool:
    return text.rstrip(" ").endswith(_SENTENCE_ENDS)


class Coalescer:
    """Batches tokens into frames: at most one per interval, sooner at a sentence end; no token waits longer."""

    def __init__(
        self,
        emit: Callable[[str], None],
        interval_s: float = limits.COALESCE_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._emit = emit
        self._interval = interval_s
        self._clock = clock
        self._pending: list[str] = []
        self._first_at: float | None = None
        self._emitted = False

    def wait_budget(self) -> float | None:
        """How long the caller may wait for the next token before pending text must go out."""
        if self._first_at is None:
            return None
        return max(0.0, self._first_at + self._interval - self._clock())

    def add(self, token: str) -> None:
        if not token:
            return
        if self._first_at is None:
            self._first_at = self._clock()
        self._pending.append(token)
        # The first words go out at once (time to first token); later ones are batched.
        if not self._emitted or ends_sentence(token) or self._clock() - self._first_at >= self._interval:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            text = "".join(self._pending)
            self._pending.clear()
            self._first_at = None
            self._emitted = True
            self._emit(text)


#: How often a waiting stream looks at its stop flag, so a stop lands well within 200 ms.
STOP_CHECK_S = 0.05


def pump(stream: TokenStream, coalescer: Coalescer, should_stop: Callable[[], bool] = lambda: False) -> bool:
    """Feed a token stream through a coalescer until the end; returns False when stopped early."""
    while True:
        if should_stop():
            coalescer.flush()
            return False
        budget = coalescer.wait_budget()
        try:
            token = stream.next(timeout=STOP_CHECK_S if budget is None else min(budget, STOP_CHECK_S))
        except TokenTimeout:
            if coalescer.wait_budget() == 0.0:
                coalescer.flush()
            continue
        if token is None:
            coalescer.flush()
            return True
        coalescer.add(token)
