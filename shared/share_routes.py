"""The share links' WebSocket routes (issue 17 item 3): make a link to an answer's verse, list them, revoke one."""

from __future__ import annotations

from shared import limits
from shared.observability import logger
from shared.protocol import (
    Error,
    ErrorCode,
    RevokeShare,
    SharedVerses,
    SharedVersesPage,
    ShareRevoked,
    ShareVerse,
    ShareView,
    VerseShared,
)
from shared.router import Call, message_route
from shared.routes import ANSWER_NOT_FOUND, BAD_CURSOR, answering
from shared.shares import Share, TooManyShares
from shared.storage import InvalidCursor, NotFound
from shared.verses import verse_of

NOT_SHARED = Error(code=ErrorCode.NOT_FOUND, message="That link is not one of yours.")
TOO_MANY_SHARES = Error(
    code=ErrorCode.BAD_REQUEST,
    message=f"You have {limits.SHARES_MAX} shared links; stop sharing one to make another.",
)


def share_view(share: Share) -> ShareView | None:
    """The link as its owner sees it: the verse read from the bundled text in the translation it was shared in."""
    verse = verse_of(share.reference, share.translation)
    if verse is None:
        return None  # every catalogue reference resolves in every offered translation (tests/unit/engine)
    return ShareView(shareId=share.share_id, path=share.path, verse=verse, line=share.line, createdAt=share.created_at)


@message_route(ShareVerse)
def share_verse(request: ShareVerse, call: Call) -> None:
    """A public link to the verse of one of the person's own answers (a crisis answer's too: only its verse shows)."""
    turn = call.deps.conversations.owned_turn(call.user, request.message_id)
    translation = call.deps.profiles.translation(call.user)
    try:
        if turn is None:
            raise NotFound(request.message_id)
        share = call.deps.shares.create(call.user, turn, translation, request.line)
    except NotFound:
        call.reply(answering(ANSWER_NOT_FOUND, request))
        return
    except TooManyShares:
        call.reply(answering(TOO_MANY_SHARES, request))
        return
    view = share_view(share)
    if view is None:
        call.reply(answering(ANSWER_NOT_FOUND, request))
        return
    logger.info("verse shared", message_id=request.message_id, with_line=bool(share.line))
    call.reply(VerseShared(messageId=request.message_id, share=view))


@message_route(SharedVerses)
def shared_verses(request: SharedVerses, call: Call) -> None:
    """A page of the person's live links, newest first."""
    try:
        found, cursor = call.deps.shares.page(call.user, request.limit, request.cursor)
    except InvalidCursor:
        call.reply(answering(BAD_CURSOR, request))
        return
    items = [view for view in map(share_view, found) if view is not None]
    call.reply(SharedVersesPage(items=items, cursor=cursor))


@message_route(RevokeShare)
def revoke_share(request: RevokeShare, call: Call) -> None:
    """Stop sharing one of the person's links; its page and card answer 404 from now on."""
    try:
        call.deps.shares.revoke(call.user, request.share_id)
    except NotFound:
        call.reply(answering(NOT_SHARED, request))
        return
    logger.info("share revoked")
    call.reply(ShareRevoked(shareId=request.share_id))
