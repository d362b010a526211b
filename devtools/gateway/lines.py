"""Whole-line output for the emulator, whose handler invocations share one process and one log file.

In AWS each Lambda invocation has the process to itself, so a handler's log line is never cut by another's.
Here many run at once on threads: `print` writes the text and the newline separately, and stdout's block
buffer can split a line where stderr's next write lands. Every line instead goes out in one `os.write`.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import threading

_LOCK = threading.Lock()  # stdout and stderr go to the same file


class LineWriter(io.TextIOBase):
    """A text stream that writes only complete lines, each in a single write to its file descriptor."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._partial = threading.local()

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def write(self, text: str) -> int:
        pending = getattr(self._partial, "text", "") + text
        complete, newline, rest = pending.rpartition("\n")
        self._partial.text = rest
        if newline:
            data = (complete + newline).encode("utf-8", errors="replace")
            with _LOCK:
                while data:
                    data = data[os.write(self._fd, data) :]
        return len(text)


def install() -> None:
    """Replace stdout and stderr, and point logging handlers already made (Powertools') at the new streams."""
    old = {id(sys.stdout): LineWriter(sys.stdout.fileno()), id(sys.stderr): LineWriter(sys.stderr.fileno())}
    sys.stdout.flush()
    sys.stderr.flush()
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        for handler in getattr(logger, "handlers", []):
            if isinstance(handler, logging.StreamHandler) and id(handler.stream) in old:
                handler.setStream(old[id(handler.stream)])
    sys.stdout, sys.stderr = old[id(sys.stdout)], old[id(sys.stderr)]
