"""Where server frames go: the @connections poster, and a sink posting in order from its own thread."""

from __future__ import annotations

import queue
import threading
from typing import TYPE_CHECKING, Any, Protocol

from shared.metric_names import MetricName
from shared.observability import metrics
from shared.protocol_types import ServerFrameBase as _ServerFrame

if TYPE_CHECKING:
    from mypy_boto3_apigatewaymanagementapi import ApiGatewayManagementApiClient


class ConnectionGone(Exception):
    """The client has gone away; stop posting to this connection."""


class FrameTooLarge(Exception):
    """API Gateway refused a frame larger than its message quota (PayloadTooLargeException)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"frame of {size} bytes refused as too large")
        self.size = size


class FrameSink(Protocol):
    def send(self, frame: _ServerFrame) -> None: ...


class ConnectionPoster:
    """Posts server frames to one connection; raises ConnectionGone once the client is gone."""

    def __init__(self, client: ApiGatewayManagementApiClient, connection_id: str) -> None:
        self._client = client
        self.connection_id = connection_id
        self.frames_posted = 0

    def send(self, frame: _ServerFrame) -> None:
        data = frame.to_wire()
        try:
            self._client.post_to_connection(ConnectionId=self.connection_id, Data=data)
        except self._client.exceptions.GoneException as exc:
            raise ConnectionGone(self.connection_id) from exc
        except self._client.exceptions.PayloadTooLargeException as exc:
            raise FrameTooLarge(len(data)) from exc
        self.frames_posted += 1
        metrics.add_metric(name=MetricName.FRAMES_POSTED, unit="Count", value=1)


class DetachableSink:
    """Posts frames to the client in order, from its own thread, so the answer never waits on the network.

    Once the client is gone the answer goes on being written, for resume. `close()` waits until every
    frame has been posted and raises what posting raised (other than the client being gone). `ready()` says
    whether every frame sent so far has been posted, so a coalescer can keep text back while a post is slow
    (shared.streaming.Coalescer): the text then leaves in one frame when the post is done, not in a queue.
    """

    _CLOSE = object()

    def __init__(self, sink: FrameSink) -> None:
        self._sink = sink
        self.gone = False
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._error: Exception | None = None
        self._lock = threading.Lock()
        self._unposted = 0
        self._idle = threading.Event()
        self._idle.set()

    def send(self, frame: _ServerFrame) -> None:
        if self.gone or self._error is not None:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._post_in_order, name="poster", daemon=True)
            self._thread.start()
        with self._lock:
            self._unposted += 1
            self._idle.clear()
        self._queue.put(frame)

    def ready(self) -> bool:
        """Whether every frame sent so far has been posted (or dropped: the client is gone)."""
        return self._idle.is_set()

    def wait_ready(self, timeout: float) -> bool:
        """Wait at most `timeout` seconds for every frame sent so far to be posted; whether they were."""
        return self._idle.wait(timeout)

    def _post_in_order(self) -> None:
        while (frame := self._queue.get()) is not self._CLOSE:
            try:
                if not self.gone and self._error is None:
                    self._sink.send(frame)
            except ConnectionGone:
                self.gone = True
            except Exception as exc:  # raised to the handler by close()
                self._error = exc
            finally:
                with self._lock:
                    self._unposted -= 1
                    if not self._unposted:
                        self._idle.set()

    def close(self, *, quiet: bool = False) -> None:
        if self._thread is not None:
            self._queue.put(self._CLOSE)
            self._thread.join()
            self._thread = None
        if self._error is not None and not quiet:
            raise self._error

    def __enter__(self) -> DetachableSink:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(quiet=kind is not None)
