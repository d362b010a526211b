"""One Lambda sandbox: a runtime process of one function, with that function's environment, one invocation at a time."""

from __future__ import annotations

import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from devtools.gateway.wiring import Function

#: A sandbox's cold start (importing its handler) may take this long before the sandbox counts as failed.
INIT_TIMEOUT_S = 60.0
#: What the sandbox keeps of the gateway's own environment: enough to run Python, nothing of the developer's shell.
_KEPT_FROM_HOST = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH")
_ROOT = Path(__file__).resolve().parents[2]
# PR_SET_PDEATHSIG follows the thread that started a child: every sandbox is started from this one long-lived thread.
_SPAWNER = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="sandbox-spawner")


class FunctionTimeout(Exception):
    """The invocation outlived the function's Timeout (Lambda's message)."""

    error_type = "Sandbox.Timedout"

    def __init__(self, timeout_s: float) -> None:
        super().__init__(f"Task timed out after {timeout_s:.2f} seconds")


class FunctionError(Exception):
    """The handler raised in its sandbox (or the sandbox died); str() is the handler's message."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def runtime_environment(function: Function) -> dict[str, str]:
    """What Lambda's runtime defines for a function, on top of the function's own environment."""
    return {
        "_HANDLER": function.handler,
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
        "LAMBDA_TASK_ROOT": str(_ROOT),
    }


class Sandbox:
    """Starts the runtime process and waits for its cold start; `call` runs one invocation in it."""

    def __init__(self, function: Function) -> None:
        self.function = function
        self._stopped = False
        parent, child = socket.socketpair()
        try:
            self._process = _SPAWNER.submit(self._spawn, child).result()
        finally:
            child.close()
        self._conn = Connection(parent.detach())
        self._lock = threading.Lock()
        self._await_ready()

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return not self._stopped and self._process.poll() is None

    def call(self, event: dict[str, Any]) -> Any:
        """The handler's result; raises FunctionError with its exception, or FunctionTimeout (and stops the sandbox)."""
        timeout_s = self.function.timeout_s
        with self._lock:
            self._conn.send_bytes(json.dumps({"event": event, "timeoutS": timeout_s}).encode())
            if not self._conn.poll(timeout_s):
                self.stop()
                raise FunctionTimeout(timeout_s)
            reply = self._receive()
        if "errorType" in reply:
            raise FunctionError(reply["errorType"], reply["errorMessage"])
        return reply["result"]

    def stop(self) -> None:
        self._stopped = True
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._conn.close()

    def _spawn(self, child: socket.socket) -> subprocess.Popen[bytes]:
        from devtools.stack import die_with_supervisor

        host = {name: os.environ[name] for name in _KEPT_FROM_HOST if name in os.environ}
        host["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), host.get("PYTHONPATH")) if p)
        env = {**host, **self.function.environment, **runtime_environment(self.function)}
        return subprocess.Popen(
            [sys.executable, "-m", "devtools.gateway.runtime", str(child.fileno())],
            env=env,
            pass_fds=(child.fileno(),),
            preexec_fn=die_with_supervisor(),
        )

    def _await_ready(self) -> None:
        if not self._conn.poll(INIT_TIMEOUT_S):
            self.stop()
            raise FunctionError("Runtime.InitTimeout", f"{self.function.name} did not start in {INIT_TIMEOUT_S:.0f} s")
        reply = self._receive()
        if "initError" in reply:
            self.stop()
            raise FunctionError("Runtime.ImportModuleError", reply["initError"])

    def _receive(self) -> dict[str, Any]:
        try:
            reply: dict[str, Any] = json.loads(self._conn.recv_bytes())
        except (EOFError, OSError):
            self.stop()
            exited = f"the runtime of {self.function.name} exited (code {self._process.returncode})"
            raise FunctionError("Runtime.ExitError", exited) from None
        return reply
