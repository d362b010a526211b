"""What every message route does first and last: parse into its model, find the user, answer errors with a frame."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from shared.connections import handle_gone
from shared.container import Container
from shared.deadline import Deadline, RemainingTime
from shared.events import MessageEvent
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import Error, ErrorCode, ProtocolError, _ServerFrame
from shared.protocol_parse import parse_client_frame
from shared.sinks import ConnectionGone, ConnectionPoster, FrameTooLarge
from shared.storage import StorageError

#: What a message route returns to API Gateway: the client hears only the frames posted to it.
OK: dict[str, Any] = {"statusCode": 200}
UNKNOWN_CONNECTION = Error(code=ErrorCode.NOT_FOUND, message="This connection is not known; please reconnect.")
WRONG_ROUTE = Error(code=ErrorCode.BAD_REQUEST, message="This route does not accept that action.")
M = TypeVar("M", bound=BaseModel)
Handler = Callable[[MessageEvent, Container, RemainingTime], dict[str, Any]]


@dataclass
class Call:
    """One invocation of a message route: its connection, its user, its deadline, and how to answer."""

    deps: Container
    connection_id: str
    route_key: str
    deadline: Deadline
    user_id: str | None = None
    poster: ConnectionPoster = field(init=False)

    def __post_init__(self) -> None:
        self.poster = self.deps.poster(self.connection_id)

    @property
    def user(self) -> str:
        """The user who sent the frame (every route but ping and $default is given one)."""
        if self.user_id is None:
            raise RuntimeError("this route was registered without a user")
        return self.user_id

    def reply(self, frame: _ServerFrame) -> None:
        """Post one frame; a client that left meanwhile is cleaned up, never an error."""
        try:
            self.poster.send(frame)
        except ConnectionGone:
            handle_gone(self.deps.connections, self.connection_id, stage="reply")

    def gone(self, stage: str) -> None:
        handle_gone(self.deps.connections, self.connection_id, stage=stage)


def message_route(kind: type[M], *, needs_user: bool = True) -> Callable[[Callable[[M, Call], None]], Handler]:
    """Make `route(request, call)` a handler: the body parsed into `kind` (a bad one is told what is wrong), the
    user resolved, and storage outages and frames too large answered with an error frame; always 200."""

    def wrap(route: Callable[[M, Call], None]) -> Handler:
        @functools.wraps(route)
        def handle(event: MessageEvent, deps: Container, context: RemainingTime) -> dict[str, Any]:
            ctx = event.request_context
            call = Call(deps, ctx.connection_id, ctx.route_key, Deadline.of(context), ctx.user_id)
            request = _parse(event, call, kind)
            if request is None:
                return OK
            try:
                if needs_user and not _resolve_user(call):
                    return OK
                route(request, call)
            except StorageError:
                logger.exception("storage unavailable", route=call.route_key, connection_id=call.connection_id)
                metrics.add_metric(name=MetricName.STORAGE_ERRORS, unit="Count", value=1)
                call.reply(storage_error(getattr(request, "client_message_id", None)))
            except FrameTooLarge as exc:
                logger.warning("frame too large", route=call.route_key, connection_id=call.connection_id, size=exc.size)
                call.reply(too_large(getattr(request, "client_message_id", None)))
            return OK

        return handle

    return wrap


def storage_error(client_message_id: str | None) -> Error:
    return Error(
        code=ErrorCode.INTERNAL,
        message="We could not reach our storage just now; please try again in a moment.",
        clientMessageId=client_message_id,
    )


def too_large(client_message_id: str | None) -> Error:
    return Error(
        code=ErrorCode.TOO_LARGE,
        message="The reply was too large to send over this connection; please ask for less at a time.",
        clientMessageId=client_message_id,
    )


def _parse(event: MessageEvent, call: Call, kind: type[M]) -> M | None:
    """The body as the route's frame model, or None after telling the client what was wrong."""
    try:
        frame = parse_client_frame(event.body)
    except ProtocolError as exc:
        metrics.add_metric(name=MetricName.BAD_REQUESTS, unit="Count", value=1)
        logger.info("bad request", connection_id=call.connection_id, code=exc.frame.code.value)
        call.reply(exc.frame)
        return None
    if not isinstance(frame, kind):
        call.reply(WRONG_ROUTE)
        return None
    return frame


def _resolve_user(call: Call) -> bool:
    """The user from the authorizer's context, else from the connection record; False after telling the client."""
    if call.user_id is None:
        record = call.deps.connections.get(call.connection_id)
        call.user_id = record.user_id if record else None
    if call.user_id is None:
        call.reply(UNKNOWN_CONNECTION)
        return False
    return True
