"""The REST API's public share routes: a share link's verse and line as JSON, and its PNG card, for anyone.

No authorizer (shared/rest/paths.py): the unguessable id is the capability. They show only the verse (read from the
bundled Bible by reference) and the person's line, never their conversation; an unknown or revoked id is 404.
"""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from shared import card, limits
from shared.container import Container
from shared.protocol import Error, ErrorCode, Verse
from shared.rest import paths
from shared.rest.errors import Failure, responses
from shared.rest.models import PublicShare
from shared.verses import verse_of

router = Router()
NO_LONGER_SHARED = Error(code=ErrorCode.NOT_FOUND, message="This link is no longer shared, or it never was.")
#: Short, so a revoked link stops showing within a minute wherever it was cached.
CACHE_CONTROL = f"public, max-age={limits.SHARE_CACHE_MAX_AGE_S}"
_PNG = {card.CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}}


def _shared(share_id: str) -> tuple[Verse, str | None, int]:
    deps: Container = router.context["deps"]
    share = deps.shares.find(share_id)
    verse = verse_of(share.reference, share.translation) if share else None
    if share is None or verse is None:
        raise Failure(NO_LONGER_SHARED)
    return verse, share.line, share.created_at


@router.get(
    paths.resolver_path(paths.SHARE),
    summary="A shared verse: its reference, text, translation and the line its sharer wrote (public)",
    responses=responses(PublicShare, HTTPStatus.SERVICE_UNAVAILABLE, public=True),
)
def get_share(share_id: str) -> Response[str]:
    verse, line, created_at = _shared(share_id)
    body = PublicShare.of(verse, line, created_at)
    return Response(
        HTTPStatus.OK.value, "application/json", body.model_dump_json(), headers={"Cache-Control": CACHE_CONTROL}
    )


@router.get(
    paths.resolver_path(paths.SHARE_CARD),
    summary="A shared verse as a 1200x630 PNG card (public)",
    responses=responses(None, HTTPStatus.SERVICE_UNAVAILABLE, ok_content=_PNG, public=True),
)
def get_share_card(share_id: str):  # no return annotation: Powertools would validate the PNG as JSON
    verse, line, _ = _shared(share_id)
    png = card.render_card(verse, line)
    return Response(
        HTTPStatus.OK.value,
        card.CONTENT_TYPE,
        png,  # bytes: Powertools answers base64 with isBase64Encoded, which HTTP API turns back into bytes
        headers={"Cache-Control": CACHE_CONTROL},
    )
