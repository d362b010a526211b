"""What each WebSocket route does, called by the thin handlers in handlers/."""

from __future__ import annotations

from typing import Any

from shared.auth import InvalidToken, allow_policy, bearer_token
from shared.connections import ConnectionGone, ConnectionRecord, StorageError, handle_gone
from shared.container import Container
from shared.events import AuthorizerEvent, ConnectEvent, DisconnectEvent, MessageEvent
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import (
    ACTIONS,
    Error,
    ErrorCode,
    Ping,
    Pong,
    ProtocolError,
    SendMessage,
    parse_client_frame,
)

OK: dict[str, Any] = {"statusCode": 200}
#: Raising exactly this message makes API Gateway answer the handshake with 401.
UNAUTHORIZED = "Unauthorized"


class Unauthorized(Exception):
    def __init__(self) -> None:
        super().__init__(UNAUTHORIZED)


def authorize(event: AuthorizerEvent, deps: Container) -> dict[str, Any]:
    query = event.query_string_parameters or {}
    token = bearer_token(event.header("Authorization"), query.get("token"))
    try:
        identity = deps.verifier.verify(token)
    except InvalidToken as exc:
        logger.info("connection refused", reason=exc.reason, connection_id=event.request_context.connection_id)
        metrics.add_metric(name=MetricName.AUTH_REJECTED, unit="Count", value=1)
        raise Unauthorized from None
    logger.info("connection authorized", user_id=identity.user_id)
    return allow_policy(event.method_arn, identity)


def connect(event: ConnectEvent, deps: Container) -> dict[str, Any]:
    ctx = event.request_context
    if not ctx.user_id:
        # Without the authorizer's context nobody vouched for this connection.
        logger.warning("connect without authorizer context", connection_id=ctx.connection_id)
        return {"statusCode": 401}
    connected_at = int(ctx.connected_at.timestamp() * 1000)
    try:
        deps.connections.save(ConnectionRecord(ctx.connection_id, ctx.user_id, connected_at))
    except StorageError:
        logger.exception("could not store connection", connection_id=ctx.connection_id)
        return {"statusCode": 500}
    metrics.add_metric(name=MetricName.CONNECTIONS_OPENED, unit="Count", value=1)
    logger.info("connected", connection_id=ctx.connection_id, user_id=ctx.user_id)
    return OK


def disconnect(event: DisconnectEvent, deps: Container) -> dict[str, Any]:
    ctx = event.request_context
    try:
        deps.connections.delete(ctx.connection_id)
    except StorageError:
        logger.warning("could not remove connection", connection_id=ctx.connection_id)
    metrics.add_metric(name=MetricName.CONNECTIONS_CLOSED, unit="Count", value=1)
    logger.info("disconnected", connection_id=ctx.connection_id, status_code=ctx.disconnect_status_code)
    return OK


def default(event: MessageEvent, deps: Container) -> dict[str, Any]:
    """$default: frames that are not JSON or name no known action get an error naming the valid ones."""
    poster = deps.poster(event.request_context.connection_id)
    try:
        parse_client_frame(event.body)
        frame = Error(
            code=ErrorCode.UNKNOWN_ACTION,
            message=f"That action is not available here; valid actions are: {', '.join(ACTIONS)}.",
        )
    except ProtocolError as exc:
        frame = exc.frame
    metrics.add_metric(name=MetricName.BAD_REQUESTS, unit="Count", value=1)
    logger.info("default route", connection_id=poster.connection_id, code=frame.code.value)
    _send_quietly(deps, poster.connection_id, frame)
    return OK


def ping(event: MessageEvent, deps: Container) -> dict[str, Any]:
    connection_id = event.request_context.connection_id
    frame = _parse(event, deps, Ping)
    if frame is not None:
        _send_quietly(deps, connection_id, Pong())
    return OK


def send_message(event: MessageEvent, deps: Container) -> dict[str, Any]:
    ctx = event.request_context
    request = _parse(event, deps, SendMessage)
    if request is None:
        return OK
    user_id = _user_of(event, deps)
    if user_id is None:
        _send_quietly(
            deps,
            ctx.connection_id,
            Error(code=ErrorCode.NOT_FOUND, message="This connection is not known; please reconnect."),
        )
        return OK
    metrics.add_metric(name=MetricName.MESSAGES_RECEIVED, unit="Count", value=1)
    logger.info("message received", connection_id=ctx.connection_id, chars=len(request.message))
    poster = deps.poster(ctx.connection_id)
    from shared.chat import TurnContext

    try:
        result = deps.chat.answer(request, poster, TurnContext(user_id=user_id))
    except ConnectionGone:
        handle_gone(deps.connections, ctx.connection_id, stage="streaming")
        return OK
    logger.info(
        "answer sent",
        message_id=result.message_id,
        frames=poster.frames_posted,
        stop_reason=result.done.stop_reason.value,
        fallback=result.done.fallback,
    )
    return OK


# -- helpers ----------------------------------------------------------------------------------
def _parse(event: MessageEvent, deps: Container, kind: type) -> Any:
    """The body as the route's frame model, or None after telling the client what was wrong."""
    try:
        frame = parse_client_frame(event.body)
    except ProtocolError as exc:
        metrics.add_metric(name=MetricName.BAD_REQUESTS, unit="Count", value=1)
        logger.info("bad request", connection_id=event.request_context.connection_id, code=exc.frame.code.value)
        _send_quietly(deps, event.request_context.connection_id, exc.frame)
        return None
    if not isinstance(frame, kind):
        error = Error(code=ErrorCode.BAD_REQUEST, message="This route does not accept that action.")
        _send_quietly(deps, event.request_context.connection_id, error)
        return None
    return frame


def _user_of(event: MessageEvent, deps: Container) -> str | None:
    if event.request_context.user_id:
        return event.request_context.user_id
    record = deps.connections.get(event.request_context.connection_id)
    return record.user_id if record else None


def _send_quietly(deps: Container, connection_id: str, frame: Any) -> None:
    try:
        deps.poster(connection_id).send(frame)
    except ConnectionGone:
        handle_gone(deps.connections, connection_id, stage="reply")
