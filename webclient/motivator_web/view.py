"""What the chat shows, as one immutable value (ChatView), and the effects a change of it asks for.

Pure: apply.py (frames and link statuses) and actions.py (what the person does) turn a view into the next one and a
list of effects; the Reflex state only stores the view and carries the effects out.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from motivator_web.models import FAILED, INTERRUPTED, SENDING, STREAMING, SessionItem, Turn
from motivator_web.safety import Resource
from motivator_web.verse_models import DailyVerseItem, SavedItem, ShareItem, TranslationItem
from shared.limits import ALLOWANCE_SHOWN_AT
from shared.protocol import (
    ChangeSettings,
    DeleteHistory,
    Feedback,
    History,
    RenameConversation,
    Resume,
    RevokeShare,
    SavedVerses,
    SaveVerse,
    SharedVerses,
    ShareVerse,
    Stop,
    VerseOfTheDay,
)

#: The optional actions: their replies (or `unknown_action` errors) tell what the server supports.
OptionalAction = (
    History
    | Feedback
    | Stop
    | Resume
    | DeleteHistory
    | RenameConversation
    | ChangeSettings
    | VerseOfTheDay
    | SaveVerse
    | SavedVerses
    | ShareVerse
    | SharedVerses
    | RevokeShare
)

#: The note of a live turn that never finished (moved into the transcript by a new conversation).
UNFINISHED = "This answer was left unfinished."
DROPPED = "The connection dropped while this answer was being written. You can ask again."

#: Why the notice above the composer is up, so it goes when its cause does ("" = until dismissed or replaced).
CAUSE_BUSY, CAUSE_OFFLINE, CAUSE_RATE_LIMITED = "busy", "offline", "rate_limited"


@dataclasses.dataclass(frozen=True)
class Request:
    """A request sent and not yet answered. `id` went out as its clientMessageId; the server's reply names it
    (an error's clientMessageId), or names what it was about (`message_id`, `session_id`)."""

    id: str
    action: str
    message_id: str = ""
    session_id: str = ""


@dataclasses.dataclass(frozen=True)
class ChatView:
    """The conversation on screen, the session list, and what the server was found to support."""

    turns: list[Turn] = dataclasses.field(default_factory=list)
    #: The turn being asked or streamed; None between answers.
    live: Turn | None = None
    session_id: str = ""
    sessions: list[SessionItem] = dataclasses.field(default_factory=list)
    notice: str = ""
    #: A CAUSE_* (an answer being written, no link, a rate limit), or "" (a notice with no cause that ends by itself).
    notice_cause: str = ""
    #: What a screen reader hears once an answer is finished (the growing text is not announced delta by delta).
    announcement: str = ""
    loading_session: bool = False
    # Capabilities, from the server's replies to the optional actions (history, feedback, stop, resume).
    history_supported: bool = False
    feedback_supported: bool = False
    stop_supported: bool = False
    resume_supported: bool = True
    capabilities_known: bool = False
    pending: tuple[Request, ...] = ()
    #: Messages left today, from the last ack (or 0 after a `daily_limit` error); None when no allowance applies.
    remaining_today: int | None = None
    #: Help lines for a title the server heard as a crisis (conversationRenamed): shown above the message box
    #: until the person closes them.
    care_resources: list[Resource] = dataclasses.field(default_factory=list)

    # Verse capabilities (verse_view.py): the person's translation ("" until the server said) and those offered.
    translation: str = ""
    translations: list[TranslationItem] = dataclasses.field(default_factory=list)
    daily: DailyVerseItem = dataclasses.field(default_factory=DailyVerseItem)
    #: The Saved list as read so far (newest first), the cursor to more, and whether a page is on its way.
    saved: list[SavedItem] = dataclasses.field(default_factory=list)
    saved_cursor: str = ""
    saved_loading: bool = False
    # Share links (share_view.py): the answer whose Share dialog is open, the link made for it, what went wrong.
    share_message_id: str = ""
    share_link: ShareItem = dataclasses.field(default_factory=ShareItem)
    share_error: str = ""
    share_busy: bool = False
    #: The person's live links as read so far (newest first), the cursor to more, whether a page is on its way.
    shares: list[ShareItem] = dataclasses.field(default_factory=list)
    shares_cursor: str = ""
    shares_loading: bool = False


def allowance_label(remaining: int | None) -> str:
    """What the composer says about today's allowance: nothing until few are left."""
    if remaining is None or remaining > ALLOWANCE_SHOWN_AT:
        return ""
    if remaining == 0:
        return "No messages left today. If you are in crisis, write anyway: you will always be answered."
    return f"{remaining} message{'s' if remaining != 1 else ''} left today"


# -- effects ------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Send:
    """Put this frame (wire JSON, as a dict) on the tab's gateway link."""

    frame: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class ScrollTo:
    """Bring this element into view in the browser."""

    element_id: str


@dataclasses.dataclass(frozen=True)
class RestoreDraft:
    """Give the words back to the message box (the form was cleared on submit, but the message did not go)."""

    text: str


@dataclasses.dataclass(frozen=True)
class Note:
    """A structured INFO log line (never message text)."""

    event: str
    fields: Mapping[str, Any] = dataclasses.field(default_factory=dict)


Effect = Send | ScrollTo | RestoreDraft | Note


# -- changes shared by frames and actions ---------------------------------------------------------
def wire(frame: BaseModel) -> dict[str, Any]:
    return frame.model_dump(by_alias=True, exclude_none=True)


def request(
    view: ChatView, frame: OptionalAction, *, message_id: str = "", session_id: str = ""
) -> tuple[ChatView, Send]:
    """Send an optional action tagged with a fresh request id (as its clientMessageId), and wait for its reply."""
    asked = Request(id=uuid.uuid4().hex, action=frame.action, message_id=message_id, session_id=session_id)
    return (
        dataclasses.replace(view, pending=(*view.pending, asked)),
        Send({**wire(frame), "clientMessageId": asked.id}),
    )


def answered(view: ChatView, action: str, *, message_id: str = "", session_id: str = "") -> ChatView:
    """The first request of that action about that message or session has its reply."""
    for asked in view.pending:
        if asked.action == action and asked.message_id == message_id and asked.session_id == session_id:
            return without(view, asked)
    return view


def without(view: ChatView, asked: Request) -> ChatView:
    return dataclasses.replace(view, pending=tuple(r for r in view.pending if r is not asked))


def is_live(view: ChatView, message_id: str) -> bool:
    return view.live is not None and bool(message_id) and view.live.message_id == message_id


def streaming(view: ChatView) -> bool:
    return view.live is not None and view.live.status in (SENDING, STREAMING)


def tell(view: ChatView, sentence: str, cause: str = "") -> ChatView:
    """Show one notice above the composer (it replaces any other: there is never a pile of them)."""
    return dataclasses.replace(view, notice=sentence, notice_cause=cause)


def resolved(view: ChatView, cause: str) -> ChatView:
    """The notice goes once its cause has: the answer finished, the link is back, a question was accepted."""
    return dataclasses.replace(view, notice="", notice_cause="") if view.notice_cause == cause else view


def finish_live(view: ChatView) -> ChatView:
    """Move the live turn into the transcript (an unfinished one is marked interrupted)."""
    turn = view.live
    if turn is None:
        return view
    if turn.status in (SENDING, STREAMING):
        turn = dataclasses.replace(turn, status=INTERRUPTED, notice=UNFINISHED)
    return resolved(dataclasses.replace(view, turns=[*view.turns, turn], live=None), CAUSE_BUSY)


def fail(view: ChatView, sentence: str) -> ChatView:
    if view.live is None:
        return view
    turn = dataclasses.replace(view.live, status=FAILED, notice=sentence)
    return finish_live(dataclasses.replace(view, live=turn))


def interrupt(view: ChatView) -> ChatView:
    """The answer cannot be followed any more (no resume): it is shown as interrupted, with "Ask again"."""
    if view.live is None:
        return view
    turn = dataclasses.replace(view.live, status=INTERRUPTED, notice=DROPPED)
    return finish_live(dataclasses.replace(view, live=turn))


def start_over(view: ChatView) -> ChatView:
    """A new, empty conversation (the live turn, if any, goes into the old one first)."""
    return dataclasses.replace(finish_live(view), turns=[], session_id="", notice="", notice_cause="")


def forgotten(view: ChatView) -> ChatView:
    """After sign-out: nothing of the conversation stays; what the server supports is found out again."""
    return ChatView(
        history_supported=view.history_supported,
        feedback_supported=view.feedback_supported,
        stop_supported=view.stop_supported,
        resume_supported=view.resume_supported,
    )
