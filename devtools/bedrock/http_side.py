"""The local Bedrock's HTTP side: its routes, ConverseStream's eventstream body, and the signer's policy check."""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import re
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from devtools.bedrock import eventstream, prompt_cache
from devtools.bedrock.access import model_resources
from devtools.bedrock.models import with_header_risk
from devtools.http import LoopbackServer
from devtools.parity.iam import NotAuthenticated

if TYPE_CHECKING:
    from devtools.bedrock.server import LocalBedrock

logger = logging.getLogger("devtools.bedrock")

_MODEL_PATH = re.compile(r"^/model/(?P<model_id>[^/]+)/(?P<operation>converse-stream|converse)$")
_DISCONNECTS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


@dataclass
class CallPlan:
    """What one call does, taken atomically from `Faults` when the call arrives."""

    error: tuple[HTTPStatus, str, str] | None = None
    cut_after: int | None = None
    stream_error_after: int | None = None
    first_token_delay_s: float = 0.0
    token_delay_s: float = 0.0
    max_tokens: int | None = None
    header_risk: str | None = None


def _as_json(raw: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _between(text: str, start: str, end: str) -> str:
    return text.partition(start)[2].partition(end)[0]


def _stop_reason(count: int, plan: CallPlan) -> str:
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


class BedrockHTTPServer(LoopbackServer):
    block_on_close = False  # pooled keep-alive connections must not hold up stop()
    bedrock: LocalBedrock

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.exception("local bedrock request from %s failed", client_address)


class BedrockHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked responses, as botocore expects
    server: BedrockHTTPServer

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

    def _tokens(self, body: dict[str, Any], plan: CallPlan) -> Iterator[str]:
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

    def _stream(self, body: dict[str, Any], plan: CallPlan, started: float, received_ms: float) -> str:
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

    def _whole(self, body: dict[str, Any], plan: CallPlan, started: float) -> str:
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
