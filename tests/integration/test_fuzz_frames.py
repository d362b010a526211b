"""Raw frames of every kind through the real gateway: each gets a coded answer or a documented close, never a crash."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, get_args

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from devtools.stack import LocalStack
from shared import limits
from shared.protocol import ErrorCode, ProtocolError, SendMessage, ServerFrame
from shared.protocol_parse import parse_client_frame
from tests.strategies import BODIES, deep_brackets

#: Frames that end the server's answer to one client frame: every server frame of the protocol but an answer's
#: stream (sendMessage and anotherVerse streams are left to other suites).
STREAM = {"ack", "meta", "delta", "done"}
ANSWERS = {str(frame.model_fields["type"].default) for frame in get_args(get_args(ServerFrame)[0])} - STREAM
ERROR_CODES = {code.value for code in ErrorCode}
#: Characters per fragment: four UTF-8 bytes each at most, so a fragment stays under the 32 KB frame quota.
FRAGMENT_CHARS = limits.WS_FRAME_MAX_BYTES // 4


@dataclass(frozen=True)
class Probe:
    """One thing a client can put on the wire: a text message, a binary frame or an oversized single frame."""

    kind: str
    body: str | bytes

    @property
    def wire(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else self.body.encode("utf-8", "surrogatepass")

    @property
    def valid_utf8(self) -> bool:
        try:
            self.wire.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    @property
    def fragmented(self) -> bool:
        """Valid text over the frame quota but within the message quota goes in fragments, as clients send it."""
        size = len(self.wire)
        return (
            self.kind == "text" and self.valid_utf8 and limits.WS_FRAME_MAX_BYTES < size <= limits.WS_MESSAGE_MAX_BYTES
        )

    def expected_close(self) -> int | None:
        """The close code API Gateway answers this probe with, or None when it should get a frame back."""
        if self.kind == "binary":
            return 1003
        if len(self.wire) > limits.WS_FRAME_MAX_BYTES and not self.fragmented:
            return limits.WS_CLOSE_TOO_LARGE
        return None if self.valid_utf8 else limits.WS_CLOSE_INVALID_UTF8


PROBES = st.one_of(
    BODIES.map(lambda body: Probe("text", body)),
    st.binary(max_size=64).map(lambda data: Probe("binary", data)),
    st.integers(limits.WS_FRAME_MAX_BYTES + 1, limits.WS_FRAME_MAX_BYTES + 64).map(
        lambda n: Probe("oversized", '{"action":"ping","x":"' + "x" * n + '"}')
    ),
)


class Client:
    """One connection that reconnects after each documented close, so the fuzz goes on."""

    def __init__(self, endpoints: dict[str, Any], token: str) -> None:
        self._url = endpoints["ws_url"]
        self._token = token
        self._ws = self._connect()
        #: What came back, by answer type or close code: the fuzz must have reached each kind of outcome.
        self.outcomes: Counter[str] = Counter()

    def _connect(self) -> ClientConnection:
        headers = {"Authorization": f"Bearer {self._token}"}
        return connect(self._url, additional_headers=headers, max_size=None, open_timeout=30, legacy=True)

    def close(self) -> None:
        self._ws.close()

    def check(self, probe: Probe) -> None:
        closes = probe.expected_close()
        self._send(probe)
        if closes is not None:
            self._expect_close(closes)
            self.outcomes[f"close {closes}"] += 1
            self._ws = self._connect()
        else:
            answer = self._answer()
            assert answer.get("type") in ANSWERS, answer
            if answer["type"] == "error":
                assert answer["code"] in ERROR_CODES and answer["message"].endswith("."), answer
            self.outcomes[answer.get("code", answer["type"])] += 1
        # The connection (or its successor) still answers a ping
        self._ws.send(json.dumps({"action": "ping"}))
        assert self._answer() == {"type": "pong"}

    def _send(self, probe: Probe) -> None:
        if probe.kind == "binary":
            self._ws.send(probe.wire)
        elif probe.fragmented:
            assert isinstance(probe.body, str)
            body = probe.body
            self._ws.send([body[i : i + FRAGMENT_CHARS] for i in range(0, len(body), FRAGMENT_CHARS)])
        else:
            self._ws.send(probe.wire, text=True)  # unchecked: invalid UTF-8 goes out as it is

    def _answer(self) -> dict[str, Any]:
        frame: dict[str, Any] = json.loads(self._ws.recv(timeout=20))
        return frame

    def _expect_close(self, code: int) -> None:
        deadline = time.monotonic() + 10
        try:
            while time.monotonic() < deadline:
                self._ws.recv(timeout=10)
        except ConnectionClosed as closed:
            assert closed.rcvd is not None and closed.rcvd.code == code, closed
            return
        raise AssertionError(f"expected close {code}")


def _streams_an_answer(probe: Probe) -> bool:
    """A valid sendMessage starts a whole answer; the other suites cover those."""
    if probe.kind != "text" or not isinstance(probe.body, str):
        return False
    try:
        return isinstance(parse_client_frame(probe.body), SendMessage)
    except ProtocolError:
        return False


def test_every_raw_frame_gets_a_coded_answer_or_a_documented_close(
    stack: LocalStack, endpoints: dict[str, Any], new_user: Any
) -> None:
    # Given a connected client and the gateway's log as it is now
    log_path = stack.log_path("gateway")
    offset = log_path.stat().st_size
    client = Client(endpoints, new_user())

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(PROBES.filter(lambda probe: not _streams_an_answer(probe)))
    @example(Probe("text", deep_brackets(990)))
    @example(Probe("text", '{"action":"ping","x":' + deep_brackets(15_000) + "}"))
    @example(Probe("text", json.dumps({"action": "nope", "clientMessageId": "\udfff"})))
    @example(Probe("text", json.dumps({"action": "a" * (limits.WS_MESSAGE_MAX_BYTES - 100)})))
    @example(Probe("text", '{"action":"ping","x":"\udfff"}'))
    def fuzz(probe: Probe) -> None:
        # When it sends the probe, Then it hears a coded answer or the documented close, and can go on
        client.check(probe)

    started = time.monotonic()
    try:
        fuzz()
    finally:
        client.close()
    elapsed = time.monotonic() - started
    # And the gateway logged no traceback, no unretrieved task exception and no failed handler meanwhile
    log = log_path.read_bytes()[offset:].decode("utf-8", errors="replace")
    sent = sum(client.outcomes.values())
    for sign in ("Traceback", "never retrieved", "failed:", "Logging error"):
        assert sign not in log, f"{sign!r} in the gateway log after {sent} probes"
    # And the run was the bounded one intended, reaching every kind of outcome
    assert sent >= 200 and elapsed < 60, (sent, elapsed)
    expected = {"bad_request", "unknown_action", "close 1003", "close 1007", "close 1009"}
    assert expected <= set(client.outcomes), client.outcomes
