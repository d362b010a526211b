"""Token plumbing: a blocking model stream read on its own thread, and the adaptive coalescer that batches deltas."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, runtime_checkable

from shared import limits

_END = object()
_SENTENCE_ENDS = (".", "!", "?", "\n", ".\u201d", "?\u201d", "!\u201d")

#: No token waits longer than this between reaching the handler and leaving in a frame (DESIGN.md section 6).
TOKEN_HOLD_BUDGET_S = 0.250
#: Kept back from the budget for the post itself (PostToConnection takes tens of milliseconds in AWS) and for waking
#: up late on a busy machine, so the budget holds at the client.
POST_MARGIN_S = 0.030
#: Each frame after the first may wait this many times longer than the one before, up to the hold limit.
INTERVAL_GROWTH = 2.0
#: A sentence end sends what is pending once it has waited at least this share of the current interval.
SENTENCE_END_SHARE = 0.7


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


@runtime_checkable
class Backpressure(Protocol):
    """A sink that says whether it has posted everything it was given (shared.sinks.DetachableSink)."""

    def ready(self) -> bool: ...

    def wait_ready(self, timeout: float) -> bool: ...


def ends_sentence(text: str) -> bool:
    return text.rstrip(" ").endswith(_SENTENCE_ENDS)


class Coalescer:
    """Batches tokens into frames: the first at once, then ever longer intervals and sentence ends.

    The interval starts at `first_interval_s` and grows by INTERVAL_GROWTH after every frame, up to
    `max_hold_s`, which no pending token ever waits past (`pump` flushes when `wait_budget` runs out). A
    sentence end goes out early once the pending text has waited SENTENCE_END_SHARE of the interval, so frames
    tend to end where a reader pauses. A 200-token answer at 60 tokens/s becomes under 20 frames; at slower paces
    the hold limit sets the floor (no fewer than one frame per `max_hold_s` of stream).

    With `pressure` (the sink the frames go to), text that is due waits while the previous frame is still being
    posted, and leaves in one frame once it is: a slow post (API Gateway throttling, a loaded machine) makes
    fewer, larger frames instead of a queue that falls ever further behind the model. The first frame never waits.
    """

    def __init__(
        self,
        emit: Callable[[str], None],
        *,
        first_interval_s: float = limits.COALESCE_INTERVAL_S,
        max_hold_s: float = TOKEN_HOLD_BUDGET_S - POST_MARGIN_S,
        clock: Callable[[], float] = time.monotonic,
        pressure: Backpressure | None = None,
    ) -> None:
        self._emit = emit
        self._pressure = pressure
        self._interval = first_interval_s
        self._max_hold = max_hold_s
        self._clock = clock
        self._pending: list[str] = []
        self._pending_since: float | None = None
        self._frames = 0

    @property
    def frames(self) -> int:
        return self._frames

    def _window(self) -> float:
        return min(self._interval, self._max_hold)

    def wait_budget(self) -> float | None:
        """How long the caller may wait for the next token before pending text must go out."""
        if self._pending_since is None:
            return None
        return max(0.0, self._pending_since + self._window() - self._clock())

    def add(self, token: str) -> None:
        if not token:
            return
        now = self._clock()
        if self._pending_since is None:
            self._pending_since = now
        self._pending.append(token)
        waited = now - self._pending_since
        window = self._window()
        # The first words go out at once (time to first token); later ones are batched.
        due = waited >= window or (ends_sentence(token) and waited >= window * SENTENCE_END_SHARE)
        if self._frames == 0 or (due and self._ready()):
            self.flush()

    def _ready(self) -> bool:
        return self._pressure is None or self._pressure.ready()

    def flush_when_ready(self, timeout: float) -> None:
        """Send the pending text once the previous frame is posted, waiting at most `timeout` for it."""
        if self._pressure is None or self._frames == 0 or self._pressure.wait_ready(timeout):
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        self._pending_since = None
        if self._frames:
            self._interval *= INTERVAL_GROWTH
        self._frames += 1
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
                coalescer.flush_when_ready(STOP_CHECK_S)
            continue
        if token is None:
            coalescer.flush()
            return True
        coalescer.add(token)
