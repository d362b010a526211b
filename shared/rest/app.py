"""The REST API's routes (Powertools APIGatewayHttpResolver on HTTP API v2 events): chat, feedback, health, OpenAPI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer
from aws_lambda_powertools.event_handler.openapi.params import Body

from shared import limits
from shared.container import Container
from shared.deadline import Deadline, RemainingTime
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import Error, ErrorCode, SendMessage
from shared.records import new_id
from shared.rest import account_routes, paths, public_routes, share_routes
from shared.rest.answer import CollectingSink, Refusal
from shared.rest.errors import STORAGE_DOWN, Failure, error_response, responses, user_of
from shared.rest.models import (
    ChatRequest,
    ChatResponse,
    FeedbackRequest,
    FeedbackResponse,
    HealthResponse,
)
from shared.storage import StorageError

NO_ANSWER = Error(code=ErrorCode.NOT_FOUND, message="That conversation has no answer to give feedback on.")
NOT_YOURS = Error(code=ErrorCode.NOT_FOUND, message="That answer was not found in that conversation.")
OPENAPI_TITLE = "Motivator REST API"
OPENAPI_VERSION = "1.0.0"

app = APIGatewayHttpResolver(enable_validation=True)
app.include_router(account_routes.router)
app.include_router(share_routes.router)
app.include_router(public_routes.router)


def resolve(event: dict[str, Any], context: Any, deps: Container) -> dict[str, Any]:
    """Route one HTTP API event to its function below."""
    app.append_context(deps=deps)
    return app.resolve(event, context)


@app.get(paths.HEALTH, summary="Is the service up?")
def health() -> HealthResponse:
    return HealthResponse(timestamp=datetime.now(tz=UTC))


@app.get(paths.OPENAPI, summary="This API's OpenAPI document", include_in_schema=False)
def openapi() -> Response[str]:
    return Response(HTTPStatus.OK, content_types.APPLICATION_JSON, openapi_document())


@app.post(
    paths.CHAT,
    summary="Say how you feel; get the emotion heard, a verse and encouragement",
    responses=responses(ChatResponse, HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.SERVICE_UNAVAILABLE),
)
def chat(body: Annotated[ChatRequest, Body()]) -> ChatResponse:
    deps: Container = app.context["deps"]
    user = user_of(app)
    request = SendMessage(
        message=body.message, clientMessageId=new_id(), sessionId=body.session_id, country=body.country
    )
    metrics.add_metric(name=MetricName.MESSAGES_RECEIVED, unit="Count", value=1)
    logger.info("rest message received", user_id=user, chars=len(request.message))
    sink = CollectingSink()
    deps.turns.send(request, user, sink, Deadline.of(_lambda_context()))
    try:
        return sink.response()
    except Refusal as refused:
        raise Failure(refused.error) from None


@app.post(
    paths.FEEDBACK,
    summary="Say whether an answer helped",
    responses=responses(FeedbackResponse, HTTPStatus.SERVICE_UNAVAILABLE),
)
def feedback(body: Annotated[FeedbackRequest, Body()]) -> FeedbackResponse:
    deps: Container = app.context["deps"]
    user = user_of(app)
    store = deps.conversations
    message_id = body.message_id or _latest_answer(deps, user, body.session_id)
    if not store.record_feedback(user, body.session_id, message_id, body.helpful, body.user_comment):
        raise Failure(NOT_YOURS)
    logger.info("feedback recorded", message_id=message_id, helpful=body.helpful, via="rest")
    return FeedbackResponse(session_id=body.session_id, message_id=message_id, helpful=body.helpful)


def _latest_answer(deps: Container, user: str, session_id: str) -> str:
    """The session's latest answer (the seed's feedback names the session only); Failure when there is none."""
    store = deps.conversations
    if store.session(user, session_id) is None:
        raise Failure(NOT_YOURS)
    latest, cursor = None, None
    while True:
        page = store.list_turns(session_id, limits.HISTORY_PAGE_MAX, cursor)
        latest = page.items[-1].message_id if page.items else latest
        if page.cursor is None:
            break
        cursor = page.cursor
    if latest is None:
        raise Failure(NO_ANSWER)
    return latest


def _lambda_context() -> RemainingTime:
    context: RemainingTime = app.lambda_context
    return context


@app.exception_handler(Failure)
def _failure(exc: Failure) -> Response[str]:
    return error_response(exc.error, exc.status)


@app.exception_handler(StorageError)
def _storage(exc: StorageError) -> Response[str]:
    logger.exception("storage unavailable", route=app.current_event.route_key)
    metrics.add_metric(name=MetricName.STORAGE_ERRORS, unit="Count", value=1)
    return error_response(STORAGE_DOWN, HTTPStatus.SERVICE_UNAVAILABLE)


@app.exception_handler(RequestValidationError)
def _invalid(exc: RequestValidationError) -> Response[str]:
    metrics.add_metric(name=MetricName.BAD_REQUESTS, unit="Count", value=1)
    error = Error(code=ErrorCode.BAD_REQUEST, message=describe(exc.errors()))
    return error_response(error, HTTPStatus.BAD_REQUEST)


@app.not_found
def _not_found(_: Exception) -> Response[str]:
    error = Error(code=ErrorCode.NOT_FOUND, message=f"There is nothing at {app.current_event.path}.")
    return error_response(error, HTTPStatus.NOT_FOUND)


def describe(errors: Any) -> str:
    """The first validation error as a sentence a person can act on."""
    first: dict[str, Any] = next(iter(errors), {}) if errors else {}
    kind = first.get("type", "")
    field = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    if kind == "json_invalid" or (field == "body" and kind in {"missing", "model_attributes_type"}):
        return "The body must be a JSON object."
    if field == "message" and kind in {"string_too_short", "missing"}:
        return "The message was empty; write a few words about how you feel."
    if field == "message" and kind == "string_too_long":
        return f"The message is too long; keep it under {limits.MESSAGE_MAX_CHARS} characters."
    if kind == "missing":
        return f"The field {field!r} is required."
    return f"The field {field!r} is not valid: {first.get('msg', 'unexpected value')}."


def openapi_document() -> str:
    """The OpenAPI 3 document of these routes, generated from the models; chat and feedback need a Bearer JWT."""
    schema = json.loads(
        app.get_openapi_json_schema(
            title=OPENAPI_TITLE,
            version=OPENAPI_VERSION,
            description="For clients that cannot hold a WebSocket: the same answers, whole instead of streamed.",
            security_schemes={"cognito": HTTPBearer(bearerFormat="JWT")},
        )
    )
    for route, authorized in paths.ROUTES.items():
        method, path = route.split(" ", 1)
        operation = schema.get("paths", {}).get(path, {}).get(method.lower())
        if operation is None:
            continue
        # Invalid bodies are answered 400 with an ApiError (the handler above), never FastAPI-style 422.
        operation["responses"].pop(str(HTTPStatus.UNPROCESSABLE_ENTITY.value), None)
        if authorized:
            operation["security"] = [{"cognito": []}]
    for unused in ("HTTPValidationError", "ValidationError"):
        schema.get("components", {}).get("schemas", {}).pop(unused, None)
    return json.dumps(schema)
