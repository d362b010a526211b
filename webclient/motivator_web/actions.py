"""What the person's actions change in the chat view, and the frames they send: pure, like apply.py."""

from __future__ import annotations

import dataclasses
import json

from pydantic import ValidationError

from motivator_web.models import Turn
from motivator_web.view import (
    CAUSE_BUSY,
    CAUSE_OFFLINE,
    ChatView,
    Effect,
    RestoreDraft,
    Send,
    finish_live,
    request,
    start_over,
    streaming,
    tell,
    wire,
)
from shared.limits import FEEDBACK_COMMENT_MAX_CHARS, HISTORY_PAGE_MAX, MESSAGE_MAX_CHARS
from shared.protocol import DeleteHistory, Feedback, History, ProtocolError, RenameConversation, SendMessage, Stop
from shared.protocol_parse import parse_client_frame

Outcome = tuple[ChatView, list[Effect]]

LET_IT_FINISH = "Please let this answer finish first."
TOO_LONG = f"Your message is too long; please keep it under {MESSAGE_MAX_CHARS:,} characters."
EMPTY = "Write a few words about how you feel, then press Enter."
OFFLINE = "You're offline for a moment; please try again when the indicator says Connected."


def ask(view: ChatView, text: str, key: str, country: str) -> Outcome:
    """A question becomes the live turn and goes out; while offline it waits as "sending" and goes on reconnect."""
    if streaming(view):
        return tell(view, LET_IT_FINISH, CAUSE_BUSY), [RestoreDraft(text)]
    try:
        frame = SendMessage(
            message=text, clientMessageId=key, sessionId=view.session_id or None, country=country or None
        )
    except ValidationError as exc:
        notice = TOO_LONG if exc.errors()[0]["type"] == "string_too_long" else EMPTY
        return tell(view, notice), [RestoreDraft(text)]
    live = Turn(key=key, question=frame.message, session_id=view.session_id, country=country)
    return dataclasses.replace(tell(view, ""), live=live, announcement=""), [Send(wire(frame))]


def retry(view: ChatView, key: str) -> tuple[ChatView, str | None]:
    """Take a failed or interrupted turn out of the transcript; its question is asked again as a new message."""
    turn = next((t for t in view.turns if t.key == key), None)
    if turn is None:
        return view, None
    return dataclasses.replace(view, turns=[t for t in view.turns if t.key != key]), turn.question


def stop(view: ChatView) -> Outcome:
    turn = view.live
    if turn is None or not turn.message_id:
        return view, []
    view, send = request(view, Stop(messageId=turn.message_id), message_id=turn.message_id)
    return tell(view, ""), [send]


def give_feedback(view: ChatView, key: str, helpful: bool) -> Outcome:
    turns, effects = list(view.turns), list[Effect]()
    for i, turn in enumerate(turns):
        if turn.key == key and turn.message_id:
            choice = "up" if helpful else "down"
            turns[i] = dataclasses.replace(turn, feedback=choice, feedback_saved=False, comment_open=True)
            frame = Feedback(sessionId=turn.session_id or view.session_id, messageId=turn.message_id, helpful=helpful)
            view, send = request(view, frame, message_id=turn.message_id)
            effects.append(send)
    return dataclasses.replace(view, turns=turns), effects


def send_comment(view: ChatView, key: str, comment: str) -> Outcome:
    turns, effects = list(view.turns), list[Effect]()
    comment = comment.strip()[:FEEDBACK_COMMENT_MAX_CHARS]
    for i, turn in enumerate(turns):
        if turn.key == key and turn.feedback:
            turns[i] = dataclasses.replace(turn, comment_open=False)
            if comment:
                turns[i] = dataclasses.replace(turns[i], commented=True, feedback_saved=False)
                frame = Feedback(
                    sessionId=turn.session_id or view.session_id,
                    messageId=turn.message_id,
                    helpful=turn.feedback == "up",
                    comment=comment,
                )
                view, send = request(view, frame, message_id=turn.message_id)
                effects.append(send)
    return dataclasses.replace(view, turns=turns), effects


def close_comment(view: ChatView, key: str) -> ChatView:
    return dataclasses.replace(
        view, turns=[dataclasses.replace(t, comment_open=False) if t.key == key else t for t in view.turns]
    )


def open_session(view: ChatView, session_id: str, online: bool) -> Outcome:
    if session_id == view.session_id and view.turns:
        return view, []
    if not online:
        return tell(view, OFFLINE, CAUSE_OFFLINE), []
    view, send = request(view, History(sessionId=session_id, limit=HISTORY_PAGE_MAX), session_id=session_id)
    view = finish_live(view)
    return dataclasses.replace(view, loading_session=True, session_id=session_id, turns=[]), [send]


def delete_session(view: ChatView, session_id: str, online: bool) -> Outcome:
    if not online:
        return tell(view, OFFLINE, CAUSE_OFFLINE), []
    view, send = request(view, DeleteHistory(sessionId=session_id), session_id=session_id)
    view = dataclasses.replace(view, sessions=[s for s in view.sessions if s.session_id != session_id])
    return (start_over(view) if session_id == view.session_id else view), [send]


def rename_session(view: ChatView, session_id: str, title: str, online: bool, country: str = "") -> Outcome:
    """The person's own title for a conversation goes out; the list shows it once the server confirms it. A title
    the server would refuse is refused here with the server's own sentence (the protocol's model checks both)."""
    current = next((s for s in view.sessions if s.session_id == session_id), None)
    if current is None:
        return view, []
    try:
        frame = parse_client_frame(
            json.dumps(
                {"action": "renameConversation", "sessionId": session_id, "title": title}
                | ({"country": country} if country else {})
            )
        )
    except ProtocolError as exc:
        return tell(view, exc.frame.message), []
    assert isinstance(frame, RenameConversation)
    if current.renamed and frame.title == current.title:
        return view, []  # nothing changed
    if not online:
        return tell(view, OFFLINE, CAUSE_OFFLINE), []
    view, send = request(view, frame, session_id=session_id)
    return view, [send]
