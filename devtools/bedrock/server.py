"""A local Bedrock Runtime endpoint: ConverseStream over real eventstream framing, with fault injection."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import re
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from devtools.bedrock import eventstream, prompt_cache
from devtools.bedrock.access import model_resources
from devtools.bedrock.models import MODEL_NAMES, LocalModel, load_model, with_header_risk
from devtools.parity.iam import NotAuthenticated, Principals, PrincipalsFile
from shared.engine.prompt import RISK_LEVELS

logger = logging.getLogger("devtools.bedrock")

_MODEL_PATH = re.compile(r"^/model/(?P<model_id>[^/]+)/(?P<operation>converse-stream|converse)$")
_DISCONNECTS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)
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


@dataclass
class _CallPlan:
    """What one call does, taken atomically from `Faults` when the call arrives."""

    error: tuple[HTTPStatus, str, str] | None = None
    cut_after: int | None = None
    stream_error_after: int | None = None
    first_token_delay_s: float = 0.0
    token_delay_s: float = 0.0
    max_tokens: int | None = None
    header_risk: str | None = None


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
        self._httpd = _Server((host, port), _Handler)
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

    def _plan(self, model_id: str, body: dict[str, Any] | None) -> _CallPlan:
        """Record the call and take this call's share of the pending faults, atomically."""
        with self._lock:
            s, f = self._stats, self._faults
            s.calls += 1
            s.last_request, s.last_model_id = body, model_id
            plan = _CallPlan()
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


def _as_json(raw: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _between(text: str, start: str, end: str) -> str:
    return text.partition(start)[2].partition(end)[0]


def _stop_reason(count: int, plan: _CallPlan) -> str:
    return "max_tokens" if count == plan.max_tokens else "end_turn"


def _usage_and_metrics(
    body: dict[str, Any], output_tokens: int, started: float, cache: prompt_cache.CacheUse
) -> dict[str, Any]:
    # As Bedrock counts them: inputTokens are those neither read from nor written to the prompt cache.
    input_tokens = _input_tokens(body) - cache.read - cache.write
    usage = {"inputTokens": input_tokens, "outputTokens": output_tokens}
    if cache != prompt_cache.CacheUse():
        usage |= {"cacheReadInputTokens": cache.read, "cacheWriteInputTokens": cache.write}
    usage["totalTokens"] = input_tokens + output_tokens + cache.read + cache.write
    return {"usage": usage, "metrics": {"latencyMs": int((time.monotonic() - started) * 1000)}}


def _input_tokens(body: dict[str, Any]) -> int:
    """A rough token count: words in the system prompt and every text block."""
    blocks = list(body.get("system", [])) + [b for m in body["messages"] for b in m.get("content", [])]
    return sum(len(str(b.get("text", "")).split()) for b in blocks if isinstance(b, dict))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # pooled keep-alive connections must not hold up stop()
    bedrock: LocalBedrock

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.exception("local bedrock request from %s failed", client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked responses, as botocore expects
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("http %s", format % args)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/health":
            self._send_json(HTTPStatus.OK, {"status": "ok", "model": self.server.bedrock.model.name})
        elif path == "/_stats":
            self._send_json(HTTPStatus.OK, self.server.bedrock.stats())
        else:
            self._send_json(HTTPStatus.NOT_FOUND, {"message": f"No route for GET {path}"})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        raw = self._read_raw()
        body = _as_json(raw)
        bedrock = self.server.bedrock
        if path == "/_faults":
            try:
                if body is None:
                    raise ValueError("faults must be a JSON object")
                bedrock.inject(**body)
            except (TypeError, ValueError) as exc:
                self._send_json(HTTPStatus.BAD_REQUEST, {"message": str(exc)})
                return
            self._send_json(HTTPStatus.OK, {"ok": True})
        elif path == "/_stats/reset":
            bedrock.reset_stats()
            self._send_json(HTTPStatus.OK, {"ok": True})
        elif match := _MODEL_PATH.match(path):
            streaming = match["operation"] == "converse-stream"
            if self._allowed(unquote(match["model_id"]), streaming, raw):
                self._converse(unquote(match["model_id"]), streaming, body)
        else:
            self._send_json(HTTPStatus.NOT_FOUND, {"message": f"No route for POST {path}"})

    def _converse(self, model_id: str, streaming: bool, body: dict[str, Any] | None) -> None:
        bedrock, started, received_ms = self.server.bedrock, time.monotonic(), time.time() * 1000
        plan = bedrock._plan(model_id, body)
        if plan.error is not None:
            status, error_type, message = plan.error
            logger.info("converse rejected model_id=%s error=%s", model_id, error_type)
            self._send_json(status, {"message": message}, {"x-amzn-ErrorType": error_type})
            return
        assert body is not None
        try:
            with bedrock._generating():
                outcome = (
                    self._stream(body, plan, started, received_ms) if streaming else self._whole(body, plan, started)
                )
        except _DISCONNECTS as exc:
            logger.debug("client went away mid-stream: %r", exc)
            self.close_connection = True
            return
        except Exception:
            logger.exception("local model %s failed", bedrock.model.name)
            self._report_model_failure(streaming)
            return
        ms = (time.monotonic() - started) * 1000
        logger.info("converse %s model_id=%s streaming=%s ms=%d", outcome, model_id, streaming, ms)

    def _report_model_failure(self, streaming: bool) -> None:
        # A streaming response has already sent its 200 headers, so the error goes in-stream.
        message = "The local model failed; see the server log."
        self.close_connection = True
        with contextlib.suppress(*_DISCONNECTS):
            if streaming:
                self._chunk(eventstream.exception("internalServerException", message))
                self._chunk(b"")
            else:
                error_type = {"x-amzn-ErrorType": "InternalServerException"}
                self._send_json(HTTPStatus.INTERNAL_SERVER_ERROR, {"message": message}, error_type)

    def _tokens(self, body: dict[str, Any], plan: _CallPlan) -> Iterator[str]:
        """The model's tokens, up to maxTokens, paced like a real model."""
        delay = plan.first_token_delay_s
        tokens = self.server.bedrock.model.stream(body)
        if plan.header_risk is not None:
            tokens = with_header_risk(tokens, plan.header_risk)
        for token in itertools.islice(tokens, plan.max_tokens):
            if delay:
                time.sleep(delay)
            delay = plan.token_delay_s
            yield token

    def _stream(self, body: dict[str, Any], plan: _CallPlan, started: float, received_ms: float) -> str:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/vnd.amazon.eventstream")
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        cache = self.server.bedrock.prompt_cache.use(body)
        self._chunk(eventstream.event("messageStart", {"role": "assistant"}))
        count, header_done, first_body_ms = 0, False, None
        for token in self._tokens(body, plan):
            if count in (plan.cut_after, plan.stream_error_after):
                break
            delta = {"contentBlockIndex": 0, "delta": {"text": token}}
            self._chunk(eventstream.event("contentBlockDelta", delta))
            count += 1
            if first_body_ms is None and (header_done or token.partition("\n")[2].strip()):
                first_body_ms = time.time() * 1000  # the first words of the message itself went out
            header_done = header_done or "\n" in token
        self.server.bedrock._timed(received_ms, first_body_ms)
        if count == plan.cut_after:
            self._abort()
            return "cut"
        if count == plan.stream_error_after:
            self._chunk(eventstream.exception("modelStreamErrorException", "Injected stream error."))
            self._chunk(b"")
            return "stream-error"
        self._chunk(eventstream.event("contentBlockStop", {"contentBlockIndex": 0}))
        self._chunk(eventstream.event("messageStop", {"stopReason": _stop_reason(count, plan)}))
        self._chunk(eventstream.event("metadata", _usage_and_metrics(body, count, started, cache)))
        self.server.bedrock._completed()  # before the last chunk, so a client that has finished sees it
        self._chunk(b"")  # the zero-length chunk ends the body
        return "completed"

    def _whole(self, body: dict[str, Any], plan: _CallPlan, started: float) -> str:
        cache = self.server.bedrock.prompt_cache.use(body)
        tokens = list(self._tokens(body, plan))
        message = {"role": "assistant", "content": [{"text": "".join(tokens)}]}
        answer = {"output": {"message": message}, "stopReason": _stop_reason(len(tokens), plan)}
        self.server.bedrock._completed()
        self._send_json(HTTPStatus.OK, answer | _usage_and_metrics(body, len(tokens), started, cache))
        return "completed"

    def _chunk(self, data: bytes) -> None:
        # wfile is unbuffered (wbufsize 0), so each chunk leaves with this write.
        self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")

    def _abort(self) -> None:
        """Drop the connection mid-body, without the terminating chunk, like a network failure."""
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def _allowed(self, model_id: str, streaming: bool, raw: bytes) -> bool:
        """The signer's policy allows this call on this model (always, without `principals`); else it is refused."""
        principals = self.server.bedrock.principals
        if principals is None:
            return True
        try:
            caller = principals.caller(self.command, self.path, self.headers.items(), raw)
        except NotAuthenticated as refused:
            self._send_json(
                HTTPStatus.FORBIDDEN, {"message": str(refused)}, {"x-amzn-ErrorType": "UnrecognizedClientException"}
            )
            return False
        action = "bedrock:InvokeModelWithResponseStream" if streaming else "bedrock:InvokeModel"
        region = _between(self.headers.get("Authorization", ""), "Credential=", ",").split("/")[2]
        denied = [r for r in model_resources(model_id, region, caller.arn) if not caller.allows(action, r)]
        if not denied:
            return True
        resource = denied[0]
        logger.warning("refused %s on %s for %s", action, resource, caller.arn)
        self._send_json(
            HTTPStatus.FORBIDDEN,
            {"message": caller.denial(action, resource)},
            {"x-amzn-ErrorType": "AccessDeniedException"},
        )
        return False

    def _read_raw(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send_json(self, status: HTTPStatus, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


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
