"""A local Bedrock Runtime endpoint: ConverseStream over real eventstream framing, with fault injection."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from http import HTTPStatus
from pathlib import Path
from typing import Any

from devtools.bedrock import prompt_cache
from devtools.bedrock.http_side import BedrockHandler, BedrockHTTPServer, CallPlan
from devtools.bedrock.models import MODEL_NAMES, LocalModel, load_model
from devtools.parity.iam import Principals, PrincipalsFile
from shared.engine.prompt import RISK_LEVELS

logger = logging.getLogger("devtools.bedrock")

_THROTTLED = "Too many requests, please wait before trying again."
_UNAVAILABLE = "The service is temporarily unable to handle the request."


@dataclass
class Faults:
    """Pending faults: counts cover the next N calls; `*_after` and `slow_first_token_ms` the next call."""

    throttle: int = 0
    unavailable: int = 0
    cut_after: int | None = None
    stream_error_after: int | None = None
    slow_first_token_ms: float = 0.0
    token_delay_ms: float | None = None  # persists until reset; None means the constructor's default
    #: The next call's header line says this risk level ("none", "concern", "crisis") whatever the model wrote:
    #: how a test plays a production model whose second opinion is higher than the detector's.
    header_risk: str | None = None


TIMINGS_KEPT = 200


@dataclass
class Stats:
    calls: int = 0
    completed: int = 0
    throttled: int = 0
    unavailable: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    #: The latest streamed answers' own timing (epoch ms): when the request arrived, when the first token
    #: after the header line went out. The bench subtracts this from what the client saw.
    timings: list[dict[str, float]] = field(default_factory=list)
    last_request: dict[str, Any] | None = None
    last_model_id: str | None = None


class LocalBedrock:
    """Serves `POST /model/{modelId}/converse-stream` (and `/converse`) on 127.0.0.1 from a local model."""

    def __init__(
        self,
        model: str | LocalModel = "composer",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 0,
        token_delay_ms: float = 15.0,
        principals: Principals | PrincipalsFile | None = None,
    ) -> None:
        self.model = load_model(model, seed) if isinstance(model, str) else model
        #: When set (the template-driven stack), each call's signer must be allowed the call, as in AWS.
        self.principals = principals
        self.token_delay_ms = token_delay_ms
        self._lock = threading.Lock()
        self._faults = Faults()
        self._stats = Stats()
        self.prompt_cache = prompt_cache.PromptCache()
        self._httpd = BedrockHTTPServer((host, port), BedrockHandler)
        self._httpd.bedrock = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> LocalBedrock:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="local-bedrock", daemon=True)
        self._thread.start()
        logger.info("local bedrock listening url=%s model=%s", self.url, self.model.name)
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> LocalBedrock:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- fault injection and stats (also reachable over HTTP: POST /_faults, GET /_stats) ----
    def inject(self, **faults: Any) -> None:
        """Queue faults: throttle, unavailable, cut_after, stream_error_after, slow_first_token_ms,
        token_delay_ms, header_risk (a risk level), or reset=True. Raises ValueError on an unknown key or bad value."""
        known = {f.name for f in fields(Faults)} | {"reset"}
        unknown = set(faults) - known
        if unknown:
            raise ValueError(f"unknown fault(s) {sorted(unknown)}; choose from {sorted(known)}")
        reset = faults.pop("reset", False)
        risk = faults.get("header_risk")
        if "header_risk" in faults and risk not in RISK_LEVELS:
            raise ValueError(f"fault header_risk needs one of {', '.join(RISK_LEVELS)}, got {risk!r}")
        for key, value in faults.items():
            if key == "header_risk":
                continue
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ValueError(f"fault {key} needs a number >= 0, got {value!r}")
        with self._lock:
            if reset:
                self._faults = Faults()
            for key, value in faults.items():
                setattr(self._faults, key, value)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return asdict(self._stats)

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = Stats(in_flight=self._stats.in_flight)

    def reset(self) -> None:
        """Clear pending faults, the token delay override, the stats and the prompt cache."""
        with self._lock:
            self._faults = Faults()
            self._stats = Stats(in_flight=self._stats.in_flight)
        self.prompt_cache.clear()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no answer is being generated (a client may have walked away from one)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._stats.in_flight == 0:
                    return True
            time.sleep(0.01)
        return False

    @contextlib.contextmanager
    def _generating(self) -> Iterator[None]:
        with self._lock:
            s = self._stats
            s.in_flight += 1
            s.peak_in_flight = max(s.peak_in_flight, s.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self._stats.in_flight -= 1

    def _plan(self, model_id: str, body: dict[str, Any] | None) -> CallPlan:
        """Record the call and take this call's share of the pending faults, atomically."""
        with self._lock:
            s, f = self._stats, self._faults
            s.calls += 1
            s.last_request, s.last_model_id = body, model_id
            plan = CallPlan()
            if f.throttle > 0:
                f.throttle -= 1
                s.throttled += 1
                plan.error = (HTTPStatus.TOO_MANY_REQUESTS, "ThrottlingException", _THROTTLED)
            elif f.unavailable > 0:
                f.unavailable -= 1
                s.unavailable += 1
                plan.error = (HTTPStatus.SERVICE_UNAVAILABLE, "ServiceUnavailableException", _UNAVAILABLE)
            elif (problem := _validation_problem(body)) is not None:
                plan.error = (HTTPStatus.BAD_REQUEST, "ValidationException", problem)
            else:
                delay_ms = self.token_delay_ms if f.token_delay_ms is None else f.token_delay_ms
                plan.token_delay_s = delay_ms / 1000
                plan.first_token_delay_s = plan.token_delay_s + f.slow_first_token_ms / 1000
                plan.cut_after, plan.stream_error_after = f.cut_after, f.stream_error_after
                f.cut_after = f.stream_error_after = None
                f.slow_first_token_ms = 0.0
                plan.header_risk, f.header_risk = f.header_risk, None
                assert body is not None  # _validation_problem rejected anything else
                plan.max_tokens = body.get("inferenceConfig", {}).get("maxTokens")
            return plan

    def _completed(self) -> None:
        with self._lock:
            self._stats.completed += 1

    def _timed(self, received_ms: float, first_body_token_ms: float | None) -> None:
        with self._lock:
            timings = self._stats.timings
            timings.append({"receivedAt": received_ms, "firstBodyTokenAt": first_body_token_ms or 0.0})
            del timings[:-TIMINGS_KEPT]


def _validation_problem(body: dict[str, Any] | None) -> str | None:
    if body is None:
        return "The request body must be a JSON object."
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "The messages field is required and must not be empty."
    if not all(isinstance(m, dict) and m.get("role") in ("user", "assistant") for m in messages):
        return "Each message needs a role of user or assistant."
    if messages[-1]["role"] != "user":
        return "A conversation must end with a user message."
    max_tokens = body.get("inferenceConfig", {}).get("maxTokens")
    if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens < 1):
        return "inferenceConfig.maxTokens must be an integer >= 1."
    return prompt_cache.problem(body)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.bedrock.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--model", default="composer", choices=MODEL_NAMES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--token-delay-ms", type=float, default=15.0)
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--principals", type=Path, default=None, help="JSON of role sessions: enforce their policies")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        principals = PrincipalsFile(args.principals) if args.principals else None
        server = LocalBedrock(
            args.model,
            host=args.host,
            port=args.port,
            seed=args.seed,
            token_delay_ms=args.token_delay_ms,
            principals=principals,
        )
    except ImportError as exc:  # a model module that is not there yet, or an optional extra not installed
        parser.error(f"model {args.model!r} cannot be loaded: {exc}")
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    with server:
        print(server.url, flush=True)  # noqa: T201 - the URL on stdout is how callers find the port
        with contextlib.suppress(KeyboardInterrupt):
            stopping.wait()


if __name__ == "__main__":
    main()
