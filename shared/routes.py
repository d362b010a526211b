"""What each WebSocket route does, called by the thin handlers in handlers/ (message routes via shared.router)."""

from __future__ import annotations

from typing import Any

from shared.connections import ConnectionRecord
from shared.container import Container
from shared.deadline import Deadline, RemainingTime
from shared.events import AuthorizerEvent, ConnectEvent, DisconnectEvent, MessageEvent
from shared.history import TooLarge, sessions_page, turns_page
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import (
    ACTIONS,
    ConversationRenamed,
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
    RenameConversation,
    Resume,
    SendMessage,
    Stop,
)
from shared.protocol_parse import parse_client_frame
from shared.router import OK, Call, message_route
from shared.sinks import DetachableSink
from shared.storage import InvalidCursor, NotFound, StorageError
from shared.verses import turn_renderer

ANSWER_NOT_FOUND = Error(code=ErrorCode.NOT_FOUND, message="That answer was not found.")
CONVERSATION_NOT_FOUND = Error(code=ErrorCode.NOT_FOUND, message="That conversation was not found.")
NOTHING_TO_STOP = Error(code=ErrorCode.NOT_FOUND, message="There is no answer being written with that id.")


def answering(error: Error, request: Any) -> Error:
    """The error, naming the request it answers: its clientMessageId and, where it has one, its messageId."""
    return error.model_copy(
        update={
            "client_message_id": getattr(request, "client_message_id", None),
            "message_id": getattr(request, "message_id", None),
        }
    )


BAD_CURSOR = Error(code=ErrorCode.BAD_REQUEST, message="That cursor is not valid.")
#: Raising exactly this message makes API Gateway answer the handshake with 401.
UNAUTHORIZED = "Unauthorized"


class Unauthorized(Exception):
    def __init__(self) -> None:
        super().__init__(UNAUTHORIZED)


# -- connection lifecycle ---------------------------------------------------------------------
def authorize(event: AuthorizerEvent, deps: Container) -> dict[str, Any]:
    from shared.auth import InvalidToken, allow_policy, bearer_token  # jwt and cryptography: this route's alone

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


def default(event: MessageEvent, deps: Container, context: RemainingTime) -> dict[str, Any]:
    """$default: frames that are not JSON or name no known action get an error naming the valid ones."""
    ctx = event.request_context
    call = Call(deps, ctx.connection_id, ctx.route_key, Deadline.of(context))
    try:
        request = parse_client_frame(event.body)
        frame = answering(
            Error(
                code=ErrorCode.UNKNOWN_ACTION,
                message=f"That action is not available here; valid actions are: {', '.join(ACTIONS)}.",
            ),
            request,
        )
    except ProtocolError as exc:
        frame = exc.frame
    metrics.add_metric(name=MetricName.BAD_REQUESTS, unit="Count", value=1)
    logger.info("default route", connection_id=call.connection_id, code=frame.code.value)
    call.reply(frame)
    return OK


# -- message routes ---------------------------------------------------------------------------
@message_route(Ping, needs_user=False)
def ping(request: Ping, call: Call) -> None:
    call.reply(Pong())


@message_route(SendMessage)
def send_message(request: SendMessage, call: Call) -> None:
    metrics.add_metric(name=MetricName.MESSAGES_RECEIVED, unit="Count", value=1)
    logger.info("message received", connection_id=call.connection_id, chars=len(request.message))
    out = call.deps.turns.send(request, call.user, call.poster, call.deadline)
    if out.gone:
        call.gone(stage="streaming")
    logger.info("answer finished", connection_id=call.connection_id, frames=call.poster.frames_posted)


@message_route(Resume)
def resume(request: Resume, call: Call) -> None:
    turn = call.deps.conversations.owned_turn(call.user, request.message_id)
    if turn is None:
        call.reply(answering(ANSWER_NOT_FOUND, request))
        return
    with DetachableSink(call.poster) as out:
        call.deps.follower.follow(turn, request.after_seq, out, call.deadline)
    if out.gone:
        call.gone(stage="resume")


@message_route(Stop)
def stop(request: Stop, call: Call) -> None:
    if not call.deps.conversations.request_stop(call.user, request.message_id):
        call.reply(answering(NOTHING_TO_STOP, request))
    logger.info("stop requested", message_id=request.message_id)


@message_route(Feedback)
def feedback(request: Feedback, call: Call) -> None:
    conversations = call.deps.conversations
    if not conversations.record_feedback(
        call.user, request.session_id, request.message_id, request.helpful, request.comment
    ):
        call.reply(answering(ANSWER_NOT_FOUND, request))
        return
    logger.info("feedback recorded", message_id=request.message_id, helpful=request.helpful)
    call.reply(FeedbackRecorded(messageId=request.message_id, helpful=request.helpful))


@message_route(History)
def history(request: History, call: Call) -> None:
    store = call.deps.conversations
    try:
        if request.session_id is None:
            page = sessions_page(store, call.user, request.limit, request.cursor)
        else:
            deps = call.deps
            render = turn_renderer(deps.profiles.translation(call.user), deps.saved_verses.message_ids(call.user))
            page = turns_page(store, call.user, request.session_id, request.limit, request.cursor, render)
    except InvalidCursor:
        call.reply(answering(BAD_CURSOR, request))
    except NotFound:
        call.reply(answering(CONVERSATION_NOT_FOUND, request))
    except TooLarge as exc:
        call.reply(exc.frame)
    else:
        call.reply(page)


@message_route(DeleteHistory)
def delete_history(request: DeleteHistory, call: Call) -> None:
    store = call.deps.conversations
    try:
        if request.session_id is None:
            deleted = store.delete_all(call.user)
        else:
            deleted = store.delete_session(call.user, request.session_id)
    except NotFound:
        call.reply(answering(CONVERSATION_NOT_FOUND, request))
        return
    logger.info("history deleted", user_id=call.user, turns=deleted.turns, whole=request.session_id is None)
    call.reply(HistoryPage(sessionId=request.session_id, items=[], cursor=None))


@message_route(RenameConversation)
def rename_conversation(request: RenameConversation, call: Call) -> None:
    """The person's own title for one of their conversations, kept as typed (already trimmed and checked).

    Heard first, like every message: a title that sounds like a crisis is answered with the help lines too."""
    # Imported here: the safety engine is this route's alone among the routes of this module (cold starts).
    from shared import turn_safety
    from shared.engine.resources import resources_for

    care = turn_safety.of_message(request.title)
    resources = resources_for(request.country, care.language) if care.crisis else None
    if not call.deps.conversations.rename_session(call.user, request.session_id, request.title):
        call.reply(answering(CONVERSATION_NOT_FOUND, request))
        return
    logger.info("conversation renamed", session_id=request.session_id, chars=len(request.title), crisis=care.crisis)
    renamed = ConversationRenamed(sessionId=request.session_id, title=request.title)
    call.reply(renamed.model_copy(update={"safety": care.level, "resources": resources}) if care.crisis else renamed)
