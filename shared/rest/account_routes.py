"""The REST API's account routes: export everything as one download, and delete the account after confirmation.

REST rather than WebSocket routes: an export may be larger than a WebSocket frame (128 KB) and is a file download,
and deleting the sign-in needs the person's own token claims, which the HTTP API's JWT authorizer hands the
function on every request (the WebSocket API sees the token only at $connect).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from shared import account_files
from shared.account import CognitoUserNotDeleted
from shared.container import Container
from shared.observability import logger
from shared.protocol import Error, ErrorCode
from shared.rest import paths
from shared.rest.errors import Failure, claims_of, responses, user_of
from shared.rest.models import AccountDeleted, DeleteAccountRequest

router = Router()
SIGN_IN_NOT_DELETED = Error(
    code=ErrorCode.INTERNAL,
    message="Your conversations were deleted, but your sign-in could not be removed just now; please try again.",
)
_ZIP = {account_files.CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}}


@router.get(
    paths.ACCOUNT_EXPORT,
    summary="Download all your conversations, feedback and saved verses (JSON and Markdown, zipped)",
    responses=responses(None, HTTPStatus.SERVICE_UNAVAILABLE, ok_content=_ZIP),
)
def export_account():  # no return annotation: Powertools would validate the zip as JSON
    deps: Container = router.context["deps"]
    export = deps.accounts.export(user_of(router))
    logger.info("account exported", conversations=len(export.conversations))
    disposition = f'attachment; filename="{account_files.filename(export)}"'
    return Response(
        HTTPStatus.OK.value,
        account_files.CONTENT_TYPE,
        account_files.archive(export),
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


@router.delete(
    paths.ACCOUNT,
    summary="Delete your account: every conversation, feedback, saved verse and your sign-in",
    responses=responses(AccountDeleted, HTTPStatus.SERVICE_UNAVAILABLE),
)
def delete_account(body: Annotated[DeleteAccountRequest, Body()]) -> AccountDeleted:
    deps: Container = router.context["deps"]
    user = user_of(router)
    username = str(claims_of(router).get("username") or user)
    try:
        deleted = deps.accounts.delete(user, username)
    except CognitoUserNotDeleted as exc:
        logger.warning("sign-in not deleted", user_id=user, error_code=str(exc))
        raise Failure(SIGN_IN_NOT_DELETED, HTTPStatus.SERVICE_UNAVAILABLE) from None
    return AccountDeleted(sessions=deleted.sessions, turns=deleted.turns)
