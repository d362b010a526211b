"""The local stack: moto (DynamoDB, Cognito), the local Bedrock endpoint and the gateway, supervised together.

Two wirings: the fast default (shared/route_table.py's handlers in the gateway process, tables and pool from
shared definitions) and `from_cdk` (everything from the synthesized templates, each function in sandboxes of its
own with its role's policy enforced: devtools.parity). tests/integration/test_parity.py proves them identical.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devtools import bootstrap
from devtools.http import http_ok
from devtools.parity.environment import ENDPOINT_VARIABLES, default_handler_env
from shared.settings import cognito_issuer

if TYPE_CHECKING:
    from devtools.parity.local import Provisioned

REGION = "us-east-1"
ENDPOINTS_FILE = "endpoints.json"
#: The template-driven gateway's routes and functions, and every function's role session (both mode 600).
WIRING_FILE = "wiring.json"
PRINCIPALS_FILE = "principals.json"
#: `STATE_DIR/events.jsonl` is a symlink to the current run's event log in `STATE_DIR/runs/`.
EVENTS_LINK = "events.jsonl"
RUNS_DIR = "runs"
#: Each child's output, `STATE_DIR/logs/<name>.log`. The gateway's holds every handler's log lines (Powertools JSON
#: and EMF metrics, sandboxes' included): what the local ops view reads (devtools/ops.py).
LOGS_DIR = "logs"
GATEWAY = "gateway"
#: Event logs of this many runs are kept (the current one included); older ones are deleted at start.
RUNS_KEPT = 5
_RUN_NAME = re.compile(r"^(?P<started>\d{8}-\d{6})(?:-(?P<n>\d+))?\.jsonl$")
_PR_SET_PDEATHSIG = 1


class StackError(Exception):
    """The stack could not start; the message says what to do."""


@dataclass
class Ports:
    """Fixed ports for `make dev` (override with MOTIVATOR_<NAME>_PORT); 0 picks a free port (tests)."""

    gateway: int = 8765
    connections: int = 8766
    bedrock: int = 8767
    moto: int = 5055
    #: The REST API (an HTTP API) the gateway serves beside the WebSocket API.
    http_api: int = 8768

    @classmethod
    def from_env(cls) -> Ports:
        ports = cls()
        for name in asdict(ports):
            value = os.environ.get(f"MOTIVATOR_{name.upper()}_PORT")
            if value:
                setattr(ports, name, int(value))
        return ports

    @classmethod
    def free(cls) -> Ports:
        return cls(**{name: 0 for name in asdict(cls())})


@dataclass
class StackOptions:
    state_dir: Path = Path(".motivator")
    ports: Ports = field(default_factory=Ports.from_env)
    model: str = "composer"
    seed: int = 0
    token_delay_ms: float = 15.0
    gateway_args: list[str] = field(default_factory=list)
    handler_env: dict[str, str] = field(default_factory=dict)
    #: An environment of cdk.json (e.g. "dev"): build the stack from its synthesized templates instead.
    from_cdk: str | None = None
    cdk_cache: Path | None = None


def terminate(process: subprocess.Popen[Any], timeout_s: float = 10) -> None:
    """Stop a child process: SIGTERM, then SIGKILL if it has not ended within `timeout_s`."""
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_free(name: str, port: int) -> None:
    """Refuse a port something listens on; connections of an earlier run lingering in TIME_WAIT do not count."""
    with socket.socket() as sock:
        # As the servers themselves bind (SO_REUSEADDR): without it a restart fails for a minute after any chat.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise StackError(
                f"Port {port} ({name}) is already in use on 127.0.0.1. Stop whatever uses it, "
                f"or choose another port: MOTIVATOR_{name.upper()}_PORT=<port> make dev"
            ) from None


def log_path(state_dir: Path, name: str) -> Path:
    """Where the child process `name` of the stack in `state_dir` writes its output."""
    return state_dir / LOGS_DIR / f"{name}.log"


def new_run_log(state_dir: Path, session: dict[str, Any]) -> Path:
    """A fresh event log for this run in STATE_DIR/runs/, named by its start time, opened by a `session` line.

    STATE_DIR/events.jsonl is pointed at it: what the README replays holds only this run's conversations, whose
    users exist in this run's user pool. The logs of the last RUNS_KEPT runs stay in runs/.
    """
    runs = state_dir / RUNS_DIR
    runs.mkdir(parents=True, exist_ok=True)
    link = state_dir / EVENTS_LINK
    if link.is_file() and not link.is_symlink():  # one log of every earlier run (before runs/): keep it as a run
        # Named by when it was last written, never later than now (a file system's clock may run a little ahead of
        # time.time()): it must sort before this run's log, or pruning would keep it as the newest.
        link.rename(_unused_run_name(runs, time.localtime(min(link.stat().st_mtime, time.time()))))
    path = _unused_run_name(runs, time.localtime())
    record = {"ts": round(time.time() * 1000, 3), "kind": "session", **session}
    path.write_text(json.dumps(record, separators=(",", ":")) + "\n")
    # Replaced in one step: a replay reading the link meanwhile sees the previous log or this one.
    temporary = link.with_name(f".{link.name}.{os.getpid()}")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(path.relative_to(state_dir))
    temporary.replace(link)
    logs = sorted((p for p in runs.iterdir() if _RUN_NAME.match(p.name)), key=_run_order)
    for old in logs[:-RUNS_KEPT]:
        old.unlink(missing_ok=True)
    return path


def _unused_run_name(runs: Path, started: time.struct_time) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S", started)
    same_second = [_run_order(p)[1] for p in runs.glob(f"{stamp}*.jsonl") if _RUN_NAME.match(p.name)]
    # Starts within one second are numbered after the latest, so names keep their order after pruning.
    return runs / (f"{stamp}-{max(same_second) + 1}.jsonl" if same_second else f"{stamp}.jsonl")


def _run_order(path: Path) -> tuple[str, int]:
    match = _RUN_NAME.match(path.name)
    assert match is not None
    return match["started"], int(match["n"] or 0)


def die_with_supervisor() -> Callable[[], None] | None:
    """A preexec_fn: Linux sends the child SIGTERM when the supervisor dies, even by SIGKILL, so none is orphaned.

    The kernel ties this to the thread that started the child: start the stack from a thread that outlives it
    (every caller uses the main thread).
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork: the child only calls it
    supervisor = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))
        if os.getppid() != supervisor:  # it died before the request took effect
            os._exit(1)

    return preexec


class LocalStack:
    """Starts every local AWS stand-in as a child process; stop() (or Ctrl-C in `motivator dev`) ends them all."""

    def __init__(self, options: StackOptions, progress: Callable[[str], None] = print) -> None:
        self.options = options
        self.progress = progress
        self.state_dir = options.state_dir.resolve()
        self.logs_dir = self.state_dir / LOGS_DIR
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.endpoints: dict[str, Any] = {}
        self.handler_env: dict[str, str] = {}
        #: With `from_cdk`: what was made from the templates.
        self.provisioned: Provisioned | None = None
        self._templates: Path | None = None

    # -- public ------------------------------------------------------------------------------
    def start(self) -> dict[str, Any]:
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        ports = self._resolve_ports()
        if self.options.from_cdk:
            from devtools.parity.synth import SynthError, synthesized

            try:
                self._templates = synthesized(self.options.from_cdk, self.options.cdk_cache, self.progress)
            except SynthError as exc:
                raise StackError(str(exc)) from None
        try:
            self._start_moto(ports.moto)
            self._start_bedrock(ports.bedrock)
            self._start_gateway(ports.gateway, ports.connections, ports.http_api)
        except BaseException:
            self.stop()
            raise
        path = self.state_dir / ENDPOINTS_FILE
        path.write_text(json.dumps(self.endpoints, indent=2) + "\n")
        path.chmod(0o600)
        return self.endpoints

    def stop(self) -> None:
        for name, process in reversed(list(self.processes.items())):
            if process.poll() is None:
                terminate(process, timeout_s=8)
                # The terminal may be gone (SIGHUP): a failed progress line must not leave the next child running.
                with contextlib.suppress(OSError):
                    self.progress(f"   stopped {name}")
        self.processes.clear()

    def replace_role_statements(self, function_name: str, statements: list[dict[str, Any]]) -> None:
        """With `from_cdk`: give a function's role other policy statements while the stack runs (tests use it)."""
        if self.provisioned is None:
            raise StackError("only the stack built from the CDK templates has roles")
        self.provisioned.replace_statements(function_name, statements, self.state_dir / PRINCIPALS_FILE)

    def failed(self) -> str | None:
        """The name of a child process that exited, if any."""
        return next((name for name, p in self.processes.items() if p.poll() is not None), None)

    def log_path(self, name: str) -> Path:
        return log_path(self.state_dir, name)

    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- steps -------------------------------------------------------------------------------
    def _resolve_ports(self) -> Ports:
        chosen = Ports(**asdict(self.options.ports))
        for name, port in asdict(chosen).items():
            if port:
                ensure_free(name, port)
            else:
                setattr(chosen, name, free_port())
        return chosen

    def _spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        with self.log_path(name).open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                start_new_session=True,  # Ctrl-C reaches the supervisor, which stops the children in order
                preexec_fn=die_with_supervisor(),
            )
        self.processes[name] = process
        return process

    def _wait(self, name: str, ready: Callable[[], bool], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        process = self.processes[name]
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = self.log_path(name).read_text(errors="replace")[-2000:]
                raise StackError(f"{name} exited with code {process.returncode}; its log ends:\n{tail}")
            if ready():
                return
            time.sleep(0.1)
        raise StackError(f"{name} did not become ready within {timeout:.0f} s; see {self.log_path(name)}")

    def _start_moto(self, port: int) -> None:
        url = f"http://127.0.0.1:{port}"
        self.progress(f"==> starting moto (DynamoDB, Cognito{', IAM enforced' if self._templates else ''}) on {url}")
        # Always the project's moto (transactions atomic, a refresh's SECRET_HASH checked as AWS does); IAM only with
        # templates.
        self._spawn("moto", ["-m", "devtools.parity.moto_server", "-H", "127.0.0.1", "-p", str(port)])
        self._wait("moto", lambda: http_ok(f"{url}/moto-api/data.json"))
        if self._templates:
            self._provision_from_templates(url, self._templates)
            return
        self.progress("==> creating tables and the user pool")
        made = bootstrap.bootstrap(url, REGION)
        self.endpoints.update(
            dynamodb_url=url,
            cognito_url=url,
            region=REGION,
            user_pool_id=made.user_pool_id,
            client_id=made.client_id,
            client_secret=made.client_secret,
            tables=made.tables,
            demo_username=made.demo_username,
            demo_password=made.demo_password,
            operator_username=made.operator_username,
            operator_password=made.operator_password,
            jwks_url=f"{url}/{made.user_pool_id}/.well-known/jwks.json",
            **bootstrap.LOCAL_CREDENTIALS,  # the developer's own keys: moto accepts any while it does not enforce IAM
        )

    def _provision_from_templates(self, url: str, templates: Path) -> None:
        from devtools.parity.iam import UnsupportedPolicy
        from devtools.parity.local import provision
        from devtools.parity.templates import Unresolvable

        self.progress("==> creating the templates' tables, user pool and one IAM role per function")
        try:
            made = self.provisioned = provision(templates, url)
        except (Unresolvable, UnsupportedPolicy) as exc:
            raise StackError(f"the templates in {templates} need what the local stack does not model: {exc}") from None
        self.endpoints.update(
            dynamodb_url=url,
            cognito_url=url,
            region=made.region,
            user_pool_id=made.pool.pool_id,
            client_id=made.pool.client_id,
            client_secret=made.pool.client_secret,
            tables=made.table_settings(),
            demo_username=bootstrap.DEMO_USERNAME,
            demo_password=made.demo_password,
            operator_username=bootstrap.OPERATOR_USERNAME,
            operator_password=made.operator_password,
            jwks_url=f"{url}/{made.pool.pool_id}/.well-known/jwks.json",
            from_cdk=self.options.from_cdk,
            templates=str(templates),
            **made.admin,
        )
        made.principals().save(self.state_dir / PRINCIPALS_FILE)

    def _start_bedrock(self, port: int) -> None:
        opts = self.options
        self.progress(f"==> starting the local Bedrock endpoint ({opts.model} model) on 127.0.0.1:{port}")
        url = f"http://127.0.0.1:{port}"
        args = ["-m", "devtools.bedrock.server", "--port", str(port), "--model", opts.model]
        args += ["--seed", str(opts.seed), "--token-delay-ms", str(opts.token_delay_ms)]
        if self.provisioned:
            args += ["--principals", str(self.state_dir / PRINCIPALS_FILE)]
        self._spawn("bedrock", args)
        self._wait("bedrock", lambda: http_ok(f"{url}/health"), timeout=300 if opts.model != "composer" else 60)
        self.endpoints.update(bedrock_url=url, model=opts.model, seed=opts.seed)

    def _start_gateway(self, port: int, connections_port: int, http_api_port: int) -> None:
        self.progress(f"==> starting the API Gateway emulator on 127.0.0.1:{port} (@connections :{connections_port})")
        made = self.provisioned
        stage = made.api.stage_name if made else "local"
        connections_url = f"http://127.0.0.1:{connections_port}/{stage}"
        event_log = new_run_log(self.state_dir, {"seed": self.options.seed, "model": self.options.model})
        args = ["-m", "devtools.gateway", "--port", str(port), "--management-port", str(connections_port)]
        args += ["--stage", stage, "--region", self.endpoints["region"], "--event-log", str(event_log)]
        args += ["--http-api-port", str(http_api_port), *self.jwt_authorizer_args()]
        gateway_env: dict[str, str] = {}
        if made:
            args += self._template_wiring(made, connections_url)
        else:
            self.handler_env = default_handler_env(self.endpoints, connections_url, self.options.handler_env)
            gateway_env = self.handler_env  # every handler runs in the gateway process
        self._spawn(GATEWAY, [*args, *self.options.gateway_args], env=gateway_env)
        # Sandboxes cold-start before the gateway listens: one per function, side by side.
        self._wait(GATEWAY, lambda: http_ok(f"http://127.0.0.1:{connections_port}/_health"), timeout=120)
        self.endpoints.update(
            ws_url=f"ws://127.0.0.1:{port}/{stage}",
            connections_url=connections_url,
            event_log=str(event_log),
            logs_dir=str(self.logs_dir),
        )
        self.endpoints["http_api_url"] = f"http://127.0.0.1:{http_api_port}"

    def jwt_authorizer_args(self) -> list[str]:
        """The REST API's JWT authorizer, as CDK configures it: the pool's issuer, the app client as audience."""
        e = self.endpoints
        issuer = cognito_issuer(e["region"], e["user_pool_id"])
        return ["--jwt-issuer", issuer, "--jwt-audience", e["client_id"], "--jwks-url", e["jwks_url"]]

    def _template_wiring(self, made: Provisioned, connections_url: str) -> list[str]:
        """The gateway's arguments for the templates' wiring, each function with its own role session."""
        from devtools.parity.local import wiring

        e = self.endpoints
        endpoints = dict(
            zip(
                ENDPOINT_VARIABLES,
                (connections_url, e["dynamodb_url"], e["bedrock_url"], e["jwks_url"], e["cognito_url"]),
                strict=True,
            )
        )
        path = self.state_dir / WIRING_FILE
        wiring(made, endpoints, self.options.handler_env).save(path)
        principals = self.state_dir / PRINCIPALS_FILE
        return ["--wiring", str(path), "--principals", str(principals), "--api-id", made.api_id]


def load_endpoints(state_dir: Path = Path(".motivator")) -> dict[str, Any]:
    path = state_dir / ENDPOINTS_FILE
    if not path.exists():
        raise StackError(f"No running local stack found ({path} is missing). Start it with: make dev")
    endpoints: dict[str, Any] = json.loads(path.read_text())
    with contextlib.suppress(KeyError):
        if not http_ok(endpoints["connections_url"].rsplit("/", 1)[0] + "/_health"):
            raise StackError("The local stack in .motivator/ is not running. Start it with: make dev")
    return endpoints
