"""How long a handler may go on: the Lambda's remaining time, less a margin to post the last frame and return."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

#: Kept back from the Lambda's remaining time: posting a final frame and returning takes well under this.
MARGIN_S = 2.0


class RemainingTime(Protocol):
    """The part of the Lambda context a deadline needs (the local gateway's context provides it too)."""

    def get_remaining_time_in_millis(self) -> int: ...


@dataclass(frozen=True)
class Deadline:
    """A moment on the monotonic clock by which the work in hand must have ended."""

    at: float

    @classmethod
    def of(cls, context: RemainingTime, margin_s: float = MARGIN_S) -> Deadline:
        """The invocation's own deadline: its remaining time, less `margin_s`."""
        return cls(time.monotonic() + context.get_remaining_time_in_millis() / 1000 - margin_s)

    @classmethod
    def within(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    def passed(self) -> bool:
        return time.monotonic() >= self.at

    def left_s(self) -> float:
        return max(0.0, self.at - time.monotonic())
