"""What each WebSocket route does, called by the thin handlers in handlers/."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from shared.auth import InvalidToken, allow_policy, bearer_token
from shared.connections import ConnectionGone, ConnectionRecord, StorageError, handle_gone
from shared.container import Container
from shared.conversations import ConversationRepository, InvalidCursor, Turn
from shared.events import AuthorizerEvent, ConnectEvent, DisconnectEvent, MessageEvent
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import (
    ACTIONS,
    DeleteHistory,
    Error,
    ErrorCode,
    Feedback,
    FeedbackRecorded,
    History,
    HistoryPage,
    Ping,
    Pong,
    ProtocolError,
    Resume,
    SendMessage,
    Stop,
    TurnView,
    parse_client_frame,
)

OK: dict[str, Any] = {"statusCode": 200}
_ANSWER_NOT_FOUND = Error(code=ErrorCode.NOT_FOUND, message="That answer was not found.")
_CONVERSATION_NOT_FOUND = Error(code=ErrorCode.NOT_FOUND, message="That conversation was not found.")
_UNKNOWN_CONNECTION = Error(code=ErrorCode.NOT_FOUND, message="This connection is not known; please reconnect.")
T = TypeVar("T")
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
    request, user_id = _parse_for_user(event, deps, SendMessage)
    if request is None or user_id is None:
        return OK
    metrics.add_metric(name=MetricName.MESSAGES_RECEIVED, unit="Count", value=1)
    logger.info("message received", connection_id=ctx.connection_id, chars=len(request.message))
    poster = deps.poster(ctx.connection_id)
    try:
        out = deps.turns.send(request, user_id, poster)
    except StorageError:
        logger.exception("storage unavailable", connection_id=ctx.connection_id)
        _send_quietly(deps, ctx.connection_id, _storage_error(request.client_message_id))
        return OK
    if out.gone:
        handle_gone(deps.connections, ctx.connection_id, stage="streaming")
    logger.info("answer finished", connection_id=ctx.connection_id, frames=poster.frames_posted)
    return OK


def _storage_errors_answered(route: Callable[[MessageEvent, Container], dict[str, Any]]) -> Any:
    """A route whose storage is unreachable tells the client so in an `error` frame; the connection stays usable."""

    @functools.wraps(route)
    def answered(event: MessageEvent, deps: Container) -> dict[str, Any]:
        try:
            return route(event, deps)
        except StorageError:
            ctx = event.request_context
            logger.exception("storage unavailable", route=ctx.route_key, connection_id=ctx.connection_id)
            metrics.add_metric(name=MetricName.STORAGE_ERRORS, unit="Count", value=1)
            _send_quietly(deps, ctx.connection_id, _storage_error(None))
            return OK

    return answered


@_storage_errors_answered
def resume(event: MessageEvent, deps: Container) -> dict[str, Any]:
    request, user_id = _parse_for_user(event, deps, Resume)
    if request is None or user_id is None:
        return OK
    connection_id = event.request_context.connection_id
    turn = deps.conversations.owned_turn(user_id, request.message_id)
    if turn is None:
        _send_quietly(deps, connection_id, _ANSWER_NOT_FOUND)
        return OK
    from shared.turns import DetachableSink

    with DetachableSink(deps.poster(connection_id)) as out:
        deps.turns.follow(turn, request.after_seq, out)
    if out.gone:
        handle_gone(deps.connections, connection_id, stage="resume")
    return OK


@_storage_errors_answered
def stop(event: MessageEvent, deps: Container) -> dict[str, Any]:
    request, user_id = _parse_for_user(event, deps, Stop)
    if request is None or user_id is None:
        return OK
    if not deps.conversations.request_stop(user_id, request.message_id):
        frame = Error(code=ErrorCode.NOT_FOUND, message="There is no answer being written with that id.")
        _send_quietly(deps, event.request_context.connection_id, frame)
    logger.info("stop requested", message_id=request.message_id)
    return OK


@_storage_errors_answered
def feedback(event: MessageEvent, deps: Container) -> dict[str, Any]:
    request, user_id = _parse_for_user(event, deps, Feedback)
    if request is None or user_id is None:
        return OK
    connection_id = event.request_context.connection_id
    stored = deps.conversations.record_feedback(
        user_id, request.session_id, request.message_id, request.helpful, request.comment
    )
    if stored:
        logger.info("feedback recorded", message_id=request.message_id, helpful=request.helpful)
        _send_quietly(deps, connection_id, FeedbackRecorded(messageId=request.message_id, helpful=request.helpful))
    else:
        _send_quietly(deps, connection_id, _ANSWER_NOT_FOUND)
    return OK


@_storage_errors_answered
def history(event: MessageEvent, deps: Container) -> dict[str, Any]:
    request, user_id = _parse_for_user(event, deps, History)
    if request is None or user_id is None:
        return OK
    connection_id = event.request_context.connection_id
    repo = deps.conversations
    try:
        if request.session_id is None:
            sessions, cursor = repo.list_sessions(user_id, request.limit, request.cursor)
            page = HistoryPage(items=sessions, cursor=cursor)
        elif repo.session(user_id, request.session_id) is None:
            _send_quietly(deps, connection_id, _CONVERSATION_NOT_FOUND)
            return OK
        else:
            turns, cursor = repo.list_turns(request.session_id, request.limit, request.cursor)
            items = [_turn_view(repo, t) for t in turns if t.user_id == user_id]
            page = HistoryPage(sessionId=request.session_id, items=items, cursor=cursor)
    except InvalidCursor:
        _send_quietly(deps, connection_id, Error(code=ErrorCode.BAD_REQUEST, message="That cursor is not valid."))
        return OK
    _send_quietly(deps, connection_id, page)
    return OK


@_storage_errors_answered
def delete_history(event: MessageEvent, deps: Container) -> dict[str, Any]:
    request, user_id = _parse_for_user(event, deps, DeleteHistory)
    if request is None or user_id is None:
        return OK
    connection_id = event.request_context.connection_id
    repo = deps.conversations
    if request.session_id is None:
        deleted = repo.delete_all(user_id)
    else:
        deleted = repo.delete_session(user_id, request.session_id)
        if deleted < 0:
            frame = _CONVERSATION_NOT_FOUND
            _send_quietly(deps, connection_id, frame)
            return OK
    logger.info("history deleted", user_id=user_id, turns=deleted, whole=request.session_id is None)
    _send_quietly(deps, connection_id, HistoryPage(sessionId=request.session_id, items=[], cursor=None))
    return OK


# -- helpers ----------------------------------------------------------------------------------
def _turn_view(repo: ConversationRepository, turn: Turn) -> TurnView:
    meta, done = turn.meta or {}, turn.done or {}
    return TurnView.model_validate(
        {
            "messageId": turn.message_id,
            "createdAt": turn.created_at,
            "message": turn.message,
            "answer": repo.full_answer(turn),
            "status": turn.status,
            "emotion": meta.get("emotion"),
            "confidence": meta.get("confidence"),
            "verse": meta.get("verse"),
            "safety": meta.get("safety"),
            "resources": meta.get("resources"),
            "stopReason": done.get("stopReason"),
            "fallback": done.get("fallback"),
            "feedback": turn.feedback,
        }
    )


def _storage_error(client_message_id: str | None) -> Error:
    return Error(
        code=ErrorCode.INTERNAL,
        message="We could not reach our storage just now; please try again in a moment.",
        clientMessageId=client_message_id,
    )


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


def _parse_for_user(event: MessageEvent, deps: Container, kind: type[T]) -> tuple[T | None, str | None]:
    """The frame and the user who sent it, or (None, None) after the client was told what was wrong."""
    request = _parse(event, deps, kind)
    if request is None:
        return None, None
    user_id = _user_of(event, deps)
    if user_id is None:
        _send_quietly(deps, event.request_context.connection_id, _UNKNOWN_CONNECTION)
        return None, None
    return request, user_id


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
