"""The message-route opening: the frame parsed into the route's model, the user found, errors answered as frames."""

from __future__ import annotations

import json
from typing import Any

from shared.connections import ConnectionRecord
from shared.events import MessageEvent
from shared.protocol import Error, ErrorCode, Pong, Stop
from shared.router import OK, Call, message_route
from shared.sinks import FrameTooLarge
from shared.storage import StorageError
from tests.conftest import load_event
from tests.unit.fakes import Client, Context


class Connections:
    def __init__(self, record: ConnectionRecord | None = None) -> None:
        self.record = record
        self.deleted: list[str] = []

    def get(self, connection_id: str) -> ConnectionRecord | None:
        return self.record

    def delete(self, connection_id: str) -> None:
        self.deleted.append(connection_id)


class Poster(Client):
    """The connection's poster; frames past `refuse_over` bytes are refused as API Gateway refuses them."""

    def __init__(self, refuse_over: int | None = None) -> None:
        super().__init__()
        self.refuse_over = refuse_over
        self.frames_posted = 0

    def send(self, frame: Any) -> None:
        size = len(frame.to_wire())
        if self.refuse_over is not None and size > self.refuse_over:
            raise FrameTooLarge(size)
        super().send(frame)


class Deps:
    def __init__(self, record: ConnectionRecord | None = None, refuse_over: int | None = None) -> None:
        self.connections = Connections(record)
        self.client = Poster(refuse_over)

    def poster(self, connection_id: str) -> Poster:
        return self.client


def _event(body: Any, *, user: str | None = None) -> MessageEvent:
    event = load_event("websocket-message")
    event["body"] = body if isinstance(body, str) else json.dumps(body)
    if user:
        event["requestContext"]["authorizer"] = {"principalId": user, "userId": user}
    return MessageEvent.model_validate(event)


def _stop_route(effect: Any = None) -> tuple[Any, list[tuple[Stop, Call]]]:
    calls: list[tuple[Stop, Call]] = []

    @message_route(Stop)
    def stop(request: Stop, call: Call) -> None:
        calls.append((request, call))
        if effect is not None:
            effect(call)

    return stop, calls


def test_the_route_gets_its_model_the_user_and_a_deadline_from_the_context() -> None:
    route, calls = _stop_route()
    deps = Deps()
    # When a stop frame arrives on a connection the authorizer vouched for
    assert route(_event({"action": "stop", "messageId": "m1"}, user="u1"), deps, Context(30.0)) == OK
    # Then the route is called once with the parsed frame, the user and a deadline within the invocation's time
    [(request, call)] = calls
    assert request.message_id == "m1" and call.user == "u1" and 27.0 < call.deadline.left_s() <= 28.0


def test_a_bad_frame_is_answered_and_the_route_never_runs() -> None:
    route, calls = _stop_route()
    deps = Deps()
    assert route(_event({"action": "stop"}, user="u1"), deps, Context(30.0)) == OK
    assert calls == [] and deps.client.of("error")[0].code is ErrorCode.BAD_REQUEST


def test_a_connection_nobody_vouched_for_is_asked_to_reconnect() -> None:
    route, calls = _stop_route()
    deps = Deps(record=None)
    route(_event({"action": "stop", "messageId": "m1"}), deps, Context(30.0))
    assert calls == [] and "reconnect" in deps.client.of("error")[0].message


def test_the_user_is_read_from_the_connection_record_when_the_event_lacks_it() -> None:
    route, calls = _stop_route()
    deps = Deps(record=ConnectionRecord("c1", "u7", 0))
    route(_event({"action": "stop", "messageId": "m1"}), deps, Context(30.0))
    assert calls[0][1].user == "u7"


def test_a_storage_outage_is_answered_with_an_error_frame() -> None:
    def fail(call: Call) -> None:
        raise StorageError("down")

    route, _ = _stop_route(fail)
    deps = Deps()
    assert route(_event({"action": "stop", "messageId": "m1"}, user="u1"), deps, Context(30.0)) == OK
    error = deps.client.of("error")[0]
    assert error.code is ErrorCode.INTERNAL and "storage" in error.message


def test_a_reply_too_large_for_the_connection_is_answered_with_a_coded_error() -> None:
    def reply_twice(call: Call) -> None:
        call.reply(Pong())
        call.reply(Error(code=ErrorCode.INTERNAL, message="x" * 1000))

    # Given a connection that refuses frames over 200 bytes (as API Gateway answers PayloadTooLargeException)
    route, _ = _stop_route(reply_twice)
    deps = Deps(refuse_over=200)
    # When the route replies with a frame over that, Then the client hears too_large, not a failed invocation
    assert route(_event({"action": "stop", "messageId": "m1"}, user="u1"), deps, Context(30.0)) == OK
    assert deps.client.types == ["pong", "error"] and deps.client.of("error")[0].code is ErrorCode.TOO_LARGE
