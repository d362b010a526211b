"""Share links in the chat view (pure, like verse_view.py): make one for an answer, list them, stop sharing one."""

from __future__ import annotations

import dataclasses

from pydantic import ValidationError

from motivator_web.models import ON_OUR_SIDE
from motivator_web.verse_models import ShareItem
from motivator_web.verse_view import day
from motivator_web.view import ChatView, Effect, Request, answered, request
from shared.limits import SHARE_LINE_MAX_CHARS
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

OFFLINE = "You're offline for a moment; please try again when the indicator says Connected."
LINE_TOO_LONG = f"Please keep the line under {SHARE_LINE_MAX_CHARS} characters."
LINE_ONE_LINE = "Please keep the line to one line of text."
NOT_SHARED_NOW = "That link couldn't be made just now. Please try again."
ANSWER_GONE = "That answer couldn't be found. It may have been deleted."
SHARE_REQUESTS = frozenset({"shareVerse", "sharedVerses", "revokeShare"})
Outcome = tuple[ChatView, list[Effect]]


def open_share(view: ChatView, message_id: str) -> ChatView:
    """The Share dialog opened for one answer: no link yet, the line to write."""
    return dataclasses.replace(
        view, share_message_id=message_id, share_link=ShareItem(), share_error="", share_busy=False
    )


def create_share(view: ChatView, line: str, online: bool) -> Outcome:
    """ "Create link": the answer's verse (and the line, trimmed) made public by the server."""
    if not view.share_message_id or view.share_busy:
        return view, []
    if not online:
        return dataclasses.replace(view, share_error=OFFLINE), []
    try:
        frame = ShareVerse(messageId=view.share_message_id, line=line.strip() or None)
    except ValidationError as exc:
        kind = exc.errors()[0]["type"]
        return dataclasses.replace(view, share_error=LINE_TOO_LONG if kind == "string_too_long" else LINE_ONE_LINE), []
    view, send = request(view, frame, message_id=view.share_message_id)
    return dataclasses.replace(view, share_busy=True, share_error=""), [send]


def item_of(share: ShareView) -> ShareItem:
    return ShareItem(
        share_id=share.share_id,
        path=share.path,
        reference=share.verse.reference,
        text=share.verse.text,
        translation=share.verse.translation,
        line=share.line or "",
        shared_on=day(share.created_at),
    )


def share_received(view: ChatView, frame: VerseShared) -> Outcome:
    view = answered(view, "shareVerse", message_id=frame.message_id)
    item = item_of(frame.share)
    shares = [item, *(s for s in view.shares if s.share_id != item.share_id)]
    if frame.message_id != view.share_message_id:
        return dataclasses.replace(view, shares=shares), []
    return dataclasses.replace(view, share_link=item, share_busy=False, shares=shares), []


def open_shares(view: ChatView, online: bool) -> Outcome:
    """The Shared links list (in the Saved view) read afresh, newest first."""
    if not online:
        return view, []
    view, send = request(view, SharedVerses())
    return dataclasses.replace(view, shares_loading=True, shares=[], shares_cursor=""), [send]


def more_shares(view: ChatView) -> Outcome:
    if not view.shares_cursor or view.shares_loading:
        return view, []
    view, send = request(view, SharedVerses(cursor=view.shares_cursor))
    return dataclasses.replace(view, shares_loading=True), [send]


def shares_page_received(view: ChatView, frame: SharedVersesPage) -> Outcome:
    view = answered(view, "sharedVerses")
    known = {s.share_id for s in view.shares}
    shares = [*view.shares, *(item_of(s) for s in frame.items if s.share_id not in known)]
    return dataclasses.replace(view, shares=shares, shares_cursor=frame.cursor or "", shares_loading=False), []


def revoke(view: ChatView, share_id: str, online: bool) -> Outcome:
    """ "Stop sharing": the link leaves the list at once; its page says it is no longer shared."""
    if not online:
        return dataclasses.replace(view, notice=OFFLINE), []
    view, send = request(view, RevokeShare(shareId=share_id))
    return dataclasses.replace(view, shares=[s for s in view.shares if s.share_id != share_id]), [send]


def revoked_received(view: ChatView, frame: ShareRevoked) -> Outcome:
    view = answered(view, "revokeShare")
    link = ShareItem() if view.share_link.share_id == frame.share_id else view.share_link
    return dataclasses.replace(view, share_link=link), []


def share_request_failed(view: ChatView, asked: Request, frame: Error) -> Outcome:
    """A share request refused: the dialog or the list says why (an older server just has no Share)."""
    match asked.action:
        case "shareVerse":
            if frame.code == ErrorCode.NOT_FOUND:
                sentence = ANSWER_GONE
            else:
                sentence = frame.message if frame.code == ErrorCode.BAD_REQUEST else NOT_SHARED_NOW
            return dataclasses.replace(view, share_busy=False, share_error=sentence), []
        case "sharedVerses":
            return dataclasses.replace(view, shares_loading=False), []
    return dataclasses.replace(view, notice=ON_OUR_SIDE if frame.code != ErrorCode.NOT_FOUND else ""), []
