"""How the REST API refuses: error codes to HTTP statuses, the ApiError body, the routes' OpenAPI responses."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver, Router
from pydantic import BaseModel

from shared.protocol import Error, ErrorCode
from shared.rest.models import ApiError, GatewayMessage

#: The HTTP status of each error code (the body carries the code and a sentence).
STATUS_OF: dict[ErrorCode, HTTPStatus] = {
    ErrorCode.BAD_REQUEST: HTTPStatus.BAD_REQUEST,
    ErrorCode.UNKNOWN_ACTION: HTTPStatus.NOT_FOUND,
    ErrorCode.TOO_LARGE: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    ErrorCode.RATE_LIMITED: HTTPStatus.TOO_MANY_REQUESTS,
    ErrorCode.MODEL_UNAVAILABLE: HTTPStatus.SERVICE_UNAVAILABLE,
    ErrorCode.NOT_FOUND: HTTPStatus.NOT_FOUND,
    ErrorCode.INTERNAL: HTTPStatus.INTERNAL_SERVER_ERROR,
    ErrorCode.DAILY_LIMIT: HTTPStatus.TOO_MANY_REQUESTS,
}
UNAUTHORIZED = Error(code=ErrorCode.BAD_REQUEST, message="Sign in first: send your access token as a Bearer token.")
STORAGE_DOWN = Error(
    code=ErrorCode.INTERNAL, message="We could not reach our storage just now; please try again in a moment."
)


class Failure(Exception):
    """Answer this request with this error and status."""

    def __init__(self, error: Error, status: HTTPStatus | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.status = status or STATUS_OF[error.code]


def responses(
    ok: type[BaseModel] | None,
    *refusals: HTTPStatus,
    ok_content: dict[str, Any] | None = None,
    public: bool = False,
) -> dict[int, Any]:
    """The OpenAPI `responses` of a route: its answer, its refusals (each an ApiError) and API Gateway's 401; a
    public route that takes no input but its path (a share link) is refused only with 404 and its `refusals`."""

    def body(model: type[BaseModel]) -> dict[str, Any]:
        return {content_types.APPLICATION_JSON: {"model": model}}

    content = ok_content if ok is None else body(ok)
    described: dict[int, Any] = {HTTPStatus.OK.value: {"description": "OK", "content": content}}
    asked = () if public else (HTTPStatus.BAD_REQUEST,)
    for status in (*asked, HTTPStatus.NOT_FOUND, *refusals):
        described[status.value] = {"description": status.phrase, "content": body(ApiError)}
    if not public:
        described[HTTPStatus.UNAUTHORIZED.value] = {
            "description": "No valid access token",
            "content": body(GatewayMessage),
        }
    return described


def error_response(error: Error, status: HTTPStatus) -> Response[str]:
    resets_at = datetime.fromtimestamp(error.resets_at / 1000, tz=UTC) if error.resets_at is not None else None
    body = ApiError(code=error.code, message=error.message, retry_after_ms=error.retry_after_ms, resets_at=resets_at)
    headers: dict[str, str] = {}
    if error.retry_after_ms is not None:
        headers["Retry-After"] = str(math.ceil(error.retry_after_ms / 1000))
    return Response(status.value, content_types.APPLICATION_JSON, body.model_dump_json(exclude_none=True), headers)


def claims_of(resolver: ApiGatewayResolver | Router) -> dict[str, Any]:
    return resolver.current_event.request_context.authorizer.jwt_claim or {}  # type: ignore[attr-defined]


def user_of(resolver: ApiGatewayResolver | Router) -> str:
    """The Cognito `sub` the HTTP API's JWT authorizer vouched for."""
    sub = claims_of(resolver).get("sub")
    if not isinstance(sub, str) or not sub:
        raise Failure(UNAUTHORIZED, HTTPStatus.UNAUTHORIZED)
    return sub
