"""The $connect authorizer as API Gateway applies it: identity sources first, then the function's answer."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from devtools.parity.iam import allows
from shared import limits

_HEADER = "route.request.header."
_QUERY = "route.request.querystring."


def lacks_identity(
    identity_sources: Sequence[str], headers: Mapping[str, str], query: Sequence[tuple[str, str]]
) -> bool:
    """True when a configured identity source is missing or empty: API Gateway then answers 401 without
    invoking the authorizer."""
    present_headers = {name.lower() for name, value in headers.items() if value}
    present_query = {name for name, value in query if value}
    for source in identity_sources:
        if source.startswith(_HEADER) and source.removeprefix(_HEADER).lower() not in present_headers:
            return True
        if source.startswith(_QUERY) and source.removeprefix(_QUERY) not in present_query:
            return True
    return False


def unsupported_identity_sources(identity_sources: Sequence[str]) -> list[str]:
    return [s for s in identity_sources if not s.startswith((_HEADER, _QUERY))]


def refusal(result: Any, error: BaseException | None, method_arn: str) -> HTTPStatus | None:
    """The status API Gateway answers the handshake with for this authorizer outcome, or None to let it in."""
    if error is not None:
        return HTTPStatus.UNAUTHORIZED if str(error) == "Unauthorized" else HTTPStatus.INTERNAL_SERVER_ERROR
    if not isinstance(result, dict) or not result.get("principalId"):
        return HTTPStatus.FORBIDDEN
    statements = (result.get("policyDocument") or {}).get("Statement") or []
    statements = statements if isinstance(statements, list) else [statements]
    if not allows(statements, "execute-api:Invoke", method_arn):
        return HTTPStatus.FORBIDDEN
    context = result.get("context") or {}
    if any(not isinstance(v, str | int | float | bool) for v in context.values()):
        return HTTPStatus.INTERNAL_SERVER_ERROR
    if len(json.dumps(result)) > limits.AUTHORIZER_CONTEXT_MAX_BYTES:
        return HTTPStatus.INTERNAL_SERVER_ERROR
    return None


def authorizer_block(result: dict[str, Any], latency_ms: int) -> dict[str, Any]:
    """`requestContext.authorizer` of the connection's later events."""
    context = result.get("context") or {}
    return {
        "principalId": result["principalId"],
        "integrationLatency": latency_ms,
        **{k: str(v) for k, v in context.items()},
    }
