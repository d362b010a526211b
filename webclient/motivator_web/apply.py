"""How each frame from the gateway, and each (re)connect, changes the chat view: apply(view, frame) -> (view, effects).

Pure: no Reflex, no I/O. Errors belong to the request or question their clientMessageId (or messageId) names.
"""

from __future__ import annotations

import dataclasses

from motivator_web.gateway import GatewayFault, Inbound, UnknownFrame
from motivator_web.models import (
    DONE,
    INTERRUPTED,
    ON_OUR_SIDE,
    SENDING,
    STOPPED,
    STREAMING,
    SessionItem,
    Turn,
    distinct,
    error_sentence,
    session_items,
    title_for,
    turns_of,
    with_meta,
)
from motivator_web.safety import safety_view
from motivator_web.share_view import (
    SHARE_REQUESTS,
    revoked_received,
    share_received,
    share_request_failed,
    shares_page_received,
)
from motivator_web.verse_view import (
    VERSE_REQUESTS,
    again,
    daily_received,
    saved_page_received,
    settings_received,
    verse_request_failed,
    verse_saved_received,
)
from motivator_web.view import (
    CAUSE_OFFLINE,
    CAUSE_RATE_LIMITED,
    ChatView,
    Effect,
    Note,
    Request,
    RestoreDraft,
    ScrollTo,
    Send,
    answered,
    fail,
    finish_live,
    interrupt,
    is_live,
    request,
    resolved,
    streaming,
    tell,
    wire,
    without,
)
from shared.conversation_items import CRISIS_TITLE
from shared.limits import HISTORY_PAGE_DEFAULT
from shared.protocol import (
    GATEWAY_TIMEOUT_MESSAGE,
    Ack,
    ConversationRenamed,
    DailyVerse,
    Delta,
    Done,
    Error,
    ErrorCode,
    FeedbackRecorded,
    History,
    HistoryPage,
    Meta,
    Pong,
    Resume,
    Safety,
    SavedVersesPage,
    SendMessage,
    SettingsView,
    SharedVersesPage,
    ShareRevoked,
    StopReason,
    VerseSaved,
    VerseShared,
)

#: API Gateway's own frame when a route's integration passes 29 s while its Lambda goes on streaming: informational.
GATEWAY_TIMEOUT = GATEWAY_TIMEOUT_MESSAGE
STOPPED_NOTE = "You stopped this answer."
#: A `done` with stopReason "error": the model's stream broke off; what came is shown, marked, with "Ask again".
CUT_OFF = "This answer was cut off before it was finished. You can ask again."
DELETED = "The conversation was deleted."
FEEDBACK_NOT_SAVED = "We couldn't save that feedback just now. Please try again."
RENAME_NOT_SAVED = "Conversations can't be renamed just now; the title stays as it was."

Outcome = tuple[ChatView, list[Effect]]


def apply(view: ChatView, frame: Inbound) -> Outcome:
    """The view after one frame, and what else must happen (a scroll, a log line)."""
    match frame:
        case Ack():
            return _ack(view, frame), []
        case Meta() if is_live(view, frame.message_id):
            return _meta(view, frame), []
        case Delta():
            return _delta(view, frame), []
        case Done():
            return _done(view, frame)
        case Error():
            return _error(view, frame)
        case HistoryPage():
            return _history(view, frame), []
        case FeedbackRecorded():
            return _feedback_recorded(view, frame), []
        case ConversationRenamed():
            return _renamed(view, frame), []
        case SettingsView():
            return settings_received(view, frame)
        case DailyVerse():
            return daily_received(view, frame)
        case VerseSaved():
            return verse_saved_received(view, frame)
        case SavedVersesPage():
            return saved_page_received(view, frame)
        case VerseShared():
            return share_received(view, frame)
        case SharedVersesPage():
            return shares_page_received(view, frame)
        case ShareRevoked():
            return revoked_received(view, frame)
        case GatewayFault(message=message) if message == GATEWAY_TIMEOUT:
            # The handler goes on and its frames still come: nothing fails, nothing for the person to do.
            return view, [Note("gateway integration timed out; the answer goes on")]
        case GatewayFault():  # "Internal server error": a handler failed
            return (fail(view, ON_OUR_SIDE) if streaming(view) else tell(view, ON_OUR_SIDE)), []
        case UnknownFrame():
            return view, [Note("frame of an unknown type ignored", {"type": frame.type})]
        case Meta() | Pong():
            return view, []  # a meta of an answer no longer live; the keep-alive's reply
    return view, []


def connected(view: ChatView) -> Outcome:
    """A fresh connection: probe the optional actions once, send an unacknowledged question again under the same
    clientMessageId (the server deduplicates), and resume a streaming answer from its last seq."""
    view = resolved(view, CAUSE_OFFLINE)  # "You're offline for a moment" goes as the link comes back
    view, probe = request(dataclasses.replace(view, pending=()), History(limit=HISTORY_PAGE_DEFAULT))
    effects: list[Effect] = [probe]
    turn = view.live
    if turn is None:
        return view, effects
    if turn.status == SENDING:
        question = again(turn) or SendMessage(
            message=turn.question,
            clientMessageId=turn.key,
            sessionId=turn.session_id or None,
            country=turn.country or None,
        )
        effects.append(Send(wire(question)))
    elif turn.status == STREAMING and turn.message_id and view.resume_supported:
        view, resume = request(view, Resume(messageId=turn.message_id, afterSeq=turn.seq), message_id=turn.message_id)
        effects.append(resume)
    elif turn.status == STREAMING:
        view = interrupt(view)
    return view, effects


# -- one function per frame type ------------------------------------------------------------------
def _live(view: ChatView) -> Turn:
    assert view.live is not None
    return view.live


def _answer_streaming(view: ChatView) -> bool:
    """Acknowledged and being written (a resume can follow it; an unacknowledged question is resent instead)."""
    return view.live is not None and view.live.status == STREAMING


def _ack(view: ChatView, frame: Ack) -> ChatView:
    turn = view.live
    if turn is None or turn.key != frame.client_message_id:
        return view
    turn = dataclasses.replace(
        turn,
        message_id=frame.message_id,
        session_id=frame.session_id,
        status=STREAMING if turn.status == SENDING else turn.status,
    )
    sessions = view.sessions
    if view.history_supported and all(s.session_id != frame.session_id for s in sessions):
        item = SessionItem(session_id=frame.session_id, title=title_for(turn.question), when="Just now")
        sessions = distinct([item, *sessions])
    view = resolved(view, CAUSE_RATE_LIMITED)  # a question was accepted: the wait is over
    left = frame.remaining_today
    return dataclasses.replace(view, live=turn, session_id=frame.session_id, sessions=sessions, remaining_today=left)


def _meta(view: ChatView, frame: Meta) -> ChatView:
    view = dataclasses.replace(view, live=with_meta(_live(view), frame))
    if frame.safety != Safety.CRISIS or view.turns:
        return view
    # The first message of a new conversation was a crisis: the history shows the server's neutral title instead.
    session_id = _live(view).session_id
    sessions = [dataclasses.replace(s, title=CRISIS_TITLE) if s.session_id == session_id else s for s in view.sessions]
    return dataclasses.replace(view, sessions=distinct(sessions))


def _delta(view: ChatView, frame: Delta) -> ChatView:
    view = answered(view, "resume", message_id=frame.message_id)
    if not is_live(view, frame.message_id):
        return view
    turn = _live(view)
    if frame.seq <= turn.seq:
        return view  # already shown: a resume replays from the last seq it was told, and may overlap
    turn = dataclasses.replace(turn, status=STREAMING, text=turn.text + frame.text, seq=frame.seq)
    return dataclasses.replace(view, live=turn)


def _done(view: ChatView, frame: Done) -> Outcome:
    view = answered(view, "resume", message_id=frame.message_id)
    stopped, broken = frame.stop_reason == StopReason.STOPPED, frame.stop_reason == StopReason.ERROR
    if stopped:
        view = answered(view, "stop", message_id=frame.message_id)
    if not is_live(view, frame.message_id):
        return view, []
    status, notice = (STOPPED, STOPPED_NOTE) if stopped else (INTERRUPTED, CUT_OFF) if broken else (DONE, "")
    turn = dataclasses.replace(
        _live(view), status=status, fallback=frame.fallback, notice=notice, saved=frame.stored is not False
    )
    view = finish_live(dataclasses.replace(view, live=turn, announcement=announcement(turn)))
    # The help lines come first in a crisis card: show its top, not the end of the conversation.
    return view, [ScrollTo(f"turn-{turn.key}")] if turn.crisis else []


def announcement(turn: Turn) -> str:
    """The finished answer as one polite announcement: what it is, the verse with its reference, the words."""
    lead = "Help lines are shown first in this answer. " if turn.crisis else "The answer is ready. "
    verse = f"{turn.reference}: {turn.verse} " if turn.reference else ""
    end = f" {turn.notice}" if turn.notice else ""
    return f"{lead}{verse}{turn.text}{end}".strip()


def _history(view: ChatView, frame: HistoryPage) -> ChatView:
    session_id = frame.session_id or ""
    if session_id and not frame.items:
        deleted = answered(view, "deleteHistory", session_id=session_id)
        if deleted is not view:
            return tell(deleted, DELETED)  # the server confirms a deletion with an empty page of that session
    view = answered(view, "history", session_id=session_id)
    if not view.capabilities_known:
        view = _capabilities(view, supported=True)
    if not session_id:
        return dataclasses.replace(view, sessions=session_items(frame.items))
    if session_id != view.session_id:
        return view  # a page of a conversation the person has since left
    return dataclasses.replace(view, turns=turns_of(session_id, frame.items), loading_session=False)


def _renamed(view: ChatView, frame: ConversationRenamed) -> ChatView:
    """The server kept the person's title: the list shows it as typed (from this frame, so every tab agrees)."""
    view = answered(view, "renameConversation", session_id=frame.session_id)
    sessions = [
        dataclasses.replace(s, title=frame.title, renamed=True) if s.session_id == frame.session_id else s
        for s in view.sessions
    ]
    care = safety_view(frame.safety, frame.resources)
    if care.crisis:  # a title that sounds like a crisis: the help lines, as a crisis answer shows them
        view = dataclasses.replace(view, care_resources=care.resources)
    return dataclasses.replace(view, sessions=distinct(sessions))


def _feedback_recorded(view: ChatView, frame: FeedbackRecorded) -> ChatView:
    view = answered(view, "feedback", message_id=frame.message_id)
    turns = [dataclasses.replace(t, feedback_saved=True) if t.message_id == frame.message_id else t for t in view.turns]
    return dataclasses.replace(view, turns=turns)


# -- errors ---------------------------------------------------------------------------------------
def _error(view: ChatView, frame: Error) -> Outcome:
    sentence = error_sentence(frame.code, frame.message, frame.retry_after_ms)
    if frame.code == ErrorCode.DAILY_LIMIT:
        view = dataclasses.replace(view, remaining_today=0)
    owner = _owner(view, frame)
    if isinstance(owner, Request) and owner.action in SHARE_REQUESTS:
        return share_request_failed(without(view, owner), owner, frame)
    if isinstance(owner, Request) and owner.action in VERSE_REQUESTS:
        return verse_request_failed(without(view, owner), owner, frame)
    if isinstance(owner, Request):
        return _request_failed(without(view, owner), owner, frame.code, sentence)
    if isinstance(owner, Turn):
        if frame.code == ErrorCode.MODEL_UNAVAILABLE and owner.status == STREAMING:
            return view, []  # the server goes on with its offline composer: nothing to tell
        if frame.code == ErrorCode.RATE_LIMITED and owner.status == SENDING:
            # One notice, updated with the wait, and the words back in the box: no pile of "Try again" cards.
            return tell(dataclasses.replace(view, live=None), sentence, CAUSE_RATE_LIMITED), [
                RestoreDraft(owner.question)
            ]
        return fail(view, sentence), []
    return tell(view, sentence), []


def _owner(view: ChatView, frame: Error) -> Request | Turn | None:
    """What the error answers: the request or question its clientMessageId names, else what its messageId names.

    The conversation routes' own errors (not_found, storage) carry neither id yet; such an error can only answer
    something still waiting, so it is given to that one when exactly one thing waits, and is a notice otherwise.
    """
    live = view.live
    if frame.client_message_id:
        asked = next((r for r in view.pending if r.id == frame.client_message_id), None)
        return asked or (live if live is not None and live.key == frame.client_message_id else None)
    if frame.message_id:
        asked = next((r for r in view.pending if r.message_id == frame.message_id), None)
        return asked or (live if is_live(view, frame.message_id) else None)
    waiting: list[Request | Turn] = [*view.pending]
    if live is not None and live.status == SENDING:
        waiting.append(live)
    return waiting[0] if len(waiting) == 1 else None


def _request_failed(view: ChatView, asked: Request, code: ErrorCode, sentence: str) -> Outcome:
    if asked.action == "renameConversation":
        return tell(view, RENAME_NOT_SAVED if code == ErrorCode.UNKNOWN_ACTION else sentence), []
    if code in (ErrorCode.UNKNOWN_ACTION, ErrorCode.BAD_REQUEST):
        return _unsupported(view, asked.action), [Note("server lacks an optional action", {"action": asked.action})]
    match asked.action:
        case "stop":
            return view, []  # the answer had already finished
        case "resume":
            return (interrupt(view) if _answer_streaming(view) else view), []
        case "feedback":
            return tell(view, FEEDBACK_NOT_SAVED), []
    return dataclasses.replace(tell(view, sentence), loading_session=False), []


def _unsupported(view: ChatView, action: str) -> ChatView:
    """The server has no such route (yet): hide what depends on it."""
    match action:
        case "history":
            return dataclasses.replace(_capabilities(view, supported=False), loading_session=False)
        case "feedback":
            return dataclasses.replace(view, feedback_supported=False)
        case "stop":
            return dataclasses.replace(view, stop_supported=False)
        case "resume":
            view = dataclasses.replace(view, resume_supported=False)
            return interrupt(view) if _answer_streaming(view) else view
    return view


def _capabilities(view: ChatView, *, supported: bool) -> ChatView:
    return dataclasses.replace(
        view,
        capabilities_known=True,
        history_supported=supported,
        feedback_supported=supported,
        stop_supported=supported,
    )
