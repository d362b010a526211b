"""How the emulator runs a function: imported into its own process (the fast default) or in sandboxes of its own.

Either way an invocation that outlives the function's `Timeout` fails with Lambda's "Task timed out" error.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from devtools.gateway.lambda_context import LambdaContext
from devtools.gateway.sandbox import FunctionError, FunctionTimeout, Sandbox
from devtools.gateway.wiring import Function

Handler = Callable[[dict[str, Any], Any], Any]


class Invoker(Protocol):
    def load(self, functions: Mapping[str, Function]) -> None:
        """Cold-start every function (blocking)."""

    async def invoke(self, function: Function, event: dict[str, Any]) -> Any:
        """The function's result; raises what it raised, or FunctionTimeout."""

    def close(self) -> None: ...


def error_name(error: BaseException) -> str:
    """The handler's own exception type, whichever process it ran in."""
    return error.error_type if isinstance(error, FunctionError | FunctionTimeout) else type(error).__name__


def take_turns(provider: Any) -> None:
    """Make the handlers' shared metric set safe for invocations running side by side in one process.

    Lambda runs one invocation a container; here every handler shares Powertools' one metric set (a class attribute
    of `Metrics`). A flush writes the set as an EMF line and then clears it, so a metric another invocation added in
    between was cleared unwritten, and one added while the line was being written could break it ("dictionary
    changed size"). With adding and flushing taking turns, every metric lands in some invocation's line and none is
    lost; lines of invocations that overlap may carry each other's metrics, which the counts do not mind.
    """
    if getattr(provider, "_taking_turns", False):
        return
    turn = threading.RLock()  # a flush clears through clear_metrics, which takes its turn too

    def in_turn(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            with turn:
                return method(*args, **kwargs)

        return call

    for name in ("add_metric", "add_dimension", "add_metadata", "flush_metrics", "clear_metrics"):
        setattr(provider, name, in_turn(getattr(provider, name)))
    provider._taking_turns = True


class InProcessInvoker:
    """Every handler imported once into this process, as Lambda imports it at cold start; all share one environment.

    A timed-out invocation is reported as Lambda reports it, but its thread cannot be stopped and runs on.
    """

    def __init__(self, max_workers: int = 64, region: str = "local") -> None:
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers, thread_name_prefix="lambda")
        self._handlers: dict[str, Handler] = {}
        self._region = region

    def load(self, functions: Mapping[str, Function]) -> None:
        for function in functions.values():
            module = importlib.import_module(function.module)
            self._handlers[function.handler] = getattr(module, function.attribute)
        if functions:
            from shared.observability import metrics

            take_turns(metrics.provider)
        self._start_workers()

    def _start_workers(self) -> None:
        """Start every worker thread now. The pool otherwise starts one per invocation until it is full, and
        `Thread.start` waits for the new thread to run: inside the event loop, which under a burst of invocations
        (hundreds of threads wanting the GIL) stalled every WebSocket frame and @connections post for seconds."""
        workers = self._executor._max_workers
        all_started = threading.Barrier(workers + 1)
        for _ in range(workers):
            self._executor.submit(all_started.wait)
        all_started.wait()

    async def invoke(self, function: Function, event: dict[str, Any]) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, self._call, function, event)
        try:
            return await asyncio.wait_for(asyncio.shield(future), function.timeout_s)
        except TimeoutError:
            raise FunctionTimeout(function.timeout_s) from None

    def _call(self, function: Function, event: dict[str, Any]) -> Any:
        context = LambdaContext(
            function_name=function.name,
            timeout_s=function.timeout_s,
            memory_limit_in_mb=function.memory_mb,
            region=self._region,
        )
        return self._handlers[function.handler](event, context)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class SandboxInvoker:
    """Each function in sandboxes of its own (one process each, with the function's environment and credentials),
    one invocation at a time: a busy function gets another sandbox (a cold start), as Lambda scales out; a timed-out
    invocation's sandbox is killed, so its work stops, as in Lambda."""

    def __init__(self, max_workers: int = 64) -> None:
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers, thread_name_prefix="invoke")
        self._idle: dict[str, list[Sandbox]] = {}
        self._all: set[Sandbox] = set()
        self._lock = threading.Lock()

    def load(self, functions: Mapping[str, Function]) -> None:
        """One warm sandbox per function, started side by side."""
        with concurrent.futures.ThreadPoolExecutor(len(functions) or 1) as starting:
            sandboxes = list(starting.map(self._start, functions.values()))
        for sandbox in sandboxes:
            self._release(sandbox)

    async def invoke(self, function: Function, event: dict[str, Any]) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._call, function, event)

    def _call(self, function: Function, event: dict[str, Any]) -> Any:
        sandbox = self._take(function) or self._start(function)
        try:
            return sandbox.call(event)
        finally:
            self._release(sandbox)

    def _start(self, function: Function) -> Sandbox:
        sandbox = Sandbox(function)
        with self._lock:
            self._all.add(sandbox)
        return sandbox

    def _take(self, function: Function) -> Sandbox | None:
        with self._lock:
            idle = self._idle.get(function.name, [])
            while idle:
                sandbox = idle.pop()
                if sandbox.alive:
                    return sandbox
                self._all.discard(sandbox)
        return None

    def _release(self, sandbox: Sandbox) -> None:
        with self._lock:
            if sandbox.alive:
                self._idle.setdefault(sandbox.function.name, []).append(sandbox)
            else:
                self._all.discard(sandbox)

    def sandbox_pids(self) -> list[int]:
        with self._lock:
            return [sandbox.pid for sandbox in self._all if sandbox.alive]

    def close(self) -> None:
        with self._lock:
            sandboxes, self._all, self._idle = list(self._all), set(), {}
        for sandbox in sandboxes:
            sandbox.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)


def invoker_for(isolated: bool, region: str) -> InProcessInvoker | SandboxInvoker:
    return SandboxInvoker() if isolated else InProcessInvoker(region=region)
