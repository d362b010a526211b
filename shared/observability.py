"""The one place the Powertools logger, tracer and metrics are created; the X-Ray SDK is loaded only to trace.

Importing the X-Ray SDK builds its recorder: outside Lambda its sampler creates two botocore X-Ray clients (about
170 ms, paid even where tracing is off), in Lambda it costs 55-60 ms. Here the Tracer's provider is the SDK's
recorder loaded on the first traced call, and only where Powertools says tracing is on (in Lambda, unless
POWERTOOLS_TRACE_DISABLED); elsewhere (the local stack, tests, tools) a traced call records nothing and the SDK is
never imported. Where the init is not on a person's path (a SnapStart snapshot, provisioned concurrency) the SDK is
loaded at import instead, so the snapshot holds it.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Generator, Sequence
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

from shared.metric_names import NAMESPACE, SERVICE

#: AWS_LAMBDA_INITIALIZATION_TYPE values whose init runs before any request arrives.
AHEAD_OF_REQUESTS = frozenset({"snap-start", "provisioned-concurrency"})


class _Untraced(BaseSegment):
    """What a traced call gets where tracing is off: a subsegment that records nothing."""

    def close(self, end_time: int | None = None) -> None: ...

    def add_subsegment(self, subsegment: Any) -> None: ...

    def remove_subsegment(self, subsegment: Any) -> None: ...

    def put_annotation(self, key: str, value: Any) -> None: ...

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None: ...


class LazyXRay(BaseProvider):
    """The X-Ray SDK's recorder, imported (and botocore and the rest patched) on the first traced call."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._recorder: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._recorder is not None

    def recorder(self) -> Any:
        """The SDK's recorder, configured as Powertools configures it (each subsegment sent when it closes)."""
        with self._lock:
            if self._recorder is None:
                from aws_xray_sdk.core import patch_all, xray_recorder

                xray_recorder.configure(streaming_threshold=0)
                patch_all()
                self._recorder = xray_recorder
        return self._recorder

    @contextlib.contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Generator[BaseSegment, None, None]:
        if not self.enabled:
            yield _Untraced()
            return
        with self.recorder().in_subsegment(name=name, **kwargs) as subsegment:
            yield subsegment

    def in_subsegment_async(self, name: str | None = None, **kwargs: Any) -> Any:
        if not self.enabled:
            return contextlib.nullcontext(_Untraced())
        return self.recorder().in_subsegment_async(name=name, **kwargs)

    def put_annotation(self, key: str, value: Any) -> None:
        if self.enabled:
            self.recorder().put_annotation(key=key, value=value)

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        if self.enabled:
            self.recorder().put_metadata(key=key, value=value, namespace=namespace)

    def patch(self, modules: Sequence[str]) -> None:
        if self.enabled:
            from aws_xray_sdk.core import patch

            patch(modules)

    def patch_all(self) -> None:
        if self.enabled:
            self.recorder()


def _tracer() -> Tracer:
    # Powertools' own rule for whether tracing is on (its private helper, so the rule is defined once, there).
    provider = LazyXRay(enabled=not Tracer._is_tracer_disabled())
    if provider.enabled and os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") in AHEAD_OF_REQUESTS:
        provider.recorder()
    return Tracer(service=SERVICE, provider=provider, auto_patch=False, disabled=not provider.enabled)


logger = Logger(service=SERVICE)
tracer = _tracer()
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
