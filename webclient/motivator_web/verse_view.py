"""The verse capabilities in the chat view (pure, like apply.py and actions.py): translation, verse of the day."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from motivator_web.models import ON_OUR_SIDE, Turn
from motivator_web.verse_models import DailyVerseItem, SavedItem, TranslationItem
from motivator_web.view import ChatView, Effect, Note, Request, Send, answered, request, streaming, wire
from shared.limits import HISTORY_PAGE_MAX
from shared.protocol import (
    AnotherVerse,
    ChangeSettings,
    DailyVerse,
    Error,
    ErrorCode,
    History,
    SavedVerses,
    SavedVersesPage,
    SaveVerse,
    SettingsView,
    VerseOfTheDay,
    VerseSaved,
)
from shared.translations import offered

OFFLINE = "You're offline for a moment; please try again when the indicator says Connected."
LET_IT_FINISH = "Please let this answer finish first."
NOT_SAVED_NOW = "That verse couldn't be saved just now. Please try again."
ANSWER_GONE = "That answer couldn't be found. It may have been deleted."
#: The verse capabilities' requests: their errors are handled here, not as a missing optional action.
VERSE_REQUESTS = frozenset({"settings", "verseOfTheDay", "saveVerse", "savedVerses"})
Outcome = tuple[ChatView, list[Effect]]


def probe_settings(view: ChatView) -> Outcome:
    """On every (re)connect: ask for the person's settings and today's verse (a server without these routes
    answers unknown_action, and nothing of them is shown)."""
    view, settings = request(view, ChangeSettings())
    view, daily = request(view, VerseOfTheDay())
    return view, [settings, daily]


def daily_received(view: ChatView, frame: DailyVerse) -> Outcome:
    view = answered(view, "verseOfTheDay")
    verse = frame.verse
    item = DailyVerseItem(day=frame.day, reference=verse.reference, text=verse.text, translation=verse.translation)
    return dataclasses.replace(view, daily=item), []


def choose_translation(view: ChatView, code: str, online: bool) -> Outcome:
    """The person picked a translation in settings: the server keeps it and says so with a `settings` frame."""
    chosen = offered(code)
    if chosen is None or chosen == view.translation:
        return view, []
    if not online:
        return dataclasses.replace(view, notice=OFFLINE), []
    view, send = request(view, ChangeSettings(translation=chosen))
    return view, [send]


def settings_received(view: ChatView, frame: SettingsView) -> Outcome:
    """The person's translation (and the ones offered); when it changed, the open conversation is read again so
    every verse on screen is shown in it."""
    view = answered(view, "settings")
    changed = bool(view.translation) and frame.translation != view.translation
    view = dataclasses.replace(
        view,
        translation=frame.translation,
        translations=[TranslationItem(code=t.code, name=t.name) for t in frame.translations],
    )
    if not changed:
        return view, []
    view, daily = request(view, VerseOfTheDay())
    if not (view.session_id and view.turns and view.live is None):
        return view, [daily]
    session_id = view.session_id
    view, send = request(view, History(sessionId=session_id, limit=HISTORY_PAGE_MAX), session_id=session_id)
    return view, [daily, send]


def another_verse(view: ChatView, key: str, new_key: str, country: str) -> Outcome:
    """ "Another verse" on an answer: the same words answered again, live, beside it (the server picks a verse the
    conversation has not shown, and keeps the first answer in history)."""
    if streaming(view):
        return dataclasses.replace(view, notice=LET_IT_FINISH), []
    turn = next((t for t in view.turns if t.key == key and t.message_id), None)
    if turn is None:
        return view, []
    frame = AnotherVerse(messageId=turn.message_id, clientMessageId=new_key, country=country or None)
    live = Turn(
        key=new_key,
        question=turn.question,
        session_id=turn.session_id or view.session_id,
        country=country,
        sibling_of=turn.message_id,
    )
    return dataclasses.replace(view, notice="", live=live), [Send(wire(frame))]


# -- saved verses ---------------------------------------------------------------------------------
def toggle_saved(view: ChatView, key: str, online: bool) -> Outcome:
    """Save the verse of an answer on screen, or remove it when it is saved (shown at once, confirmed by the server)."""
    turn = next((t for t in view.turns if t.key == key and t.message_id), None)
    if turn is None:
        return view, []
    if not online:
        return dataclasses.replace(view, notice=OFFLINE), []
    saving = not turn.bookmarked
    frame = SaveVerse(messageId=turn.message_id, saved=saving)
    view, send = request(view, frame, message_id=turn.message_id)
    return _marked(view, turn.message_id, saving), [send]


def open_saved(view: ChatView, online: bool) -> Outcome:
    """The Saved list opened: its first page is read afresh (the newest first)."""
    if not online:
        return dataclasses.replace(view, notice=OFFLINE), []
    view, send = request(view, SavedVerses())
    return dataclasses.replace(view, saved_loading=True, saved=[], saved_cursor=""), [send]


def more_saved(view: ChatView) -> Outcome:
    if not view.saved_cursor or view.saved_loading:
        return view, []
    view, send = request(view, SavedVerses(cursor=view.saved_cursor))
    return dataclasses.replace(view, saved_loading=True), [send]


def remove_saved(view: ChatView, message_id: str, online: bool) -> Outcome:
    """A verse deleted from the Saved list (and unmarked on its answer, if it is on screen)."""
    if not online:
        return dataclasses.replace(view, notice=OFFLINE), []
    view, send = request(view, SaveVerse(messageId=message_id, saved=False), message_id=message_id)
    view = dataclasses.replace(view, saved=[s for s in view.saved if s.message_id != message_id])
    return _marked(view, message_id, False), [send]


def verse_saved_received(view: ChatView, frame: VerseSaved) -> Outcome:
    view = answered(view, "saveVerse", message_id=frame.message_id)
    return _marked(view, frame.message_id, frame.saved), []


def saved_page_received(view: ChatView, frame: SavedVersesPage) -> Outcome:
    view = answered(view, "savedVerses")
    items = [
        SavedItem(
            message_id=item.message_id,
            reference=item.verse.reference,
            text=item.verse.text,
            translation=item.verse.translation,
            emotion=item.emotion,
            saved_on=day(item.saved_at),
            answered_on=day(item.answered_at),
        )
        for item in frame.items
    ]
    known = {s.message_id for s in view.saved}
    saved = [*view.saved, *(i for i in items if i.message_id not in known)]
    return dataclasses.replace(view, saved=saved, saved_cursor=frame.cursor or "", saved_loading=False), []


def _marked(view: ChatView, message_id: str, saved: bool) -> ChatView:
    turns = [dataclasses.replace(t, bookmarked=saved) if t.message_id == message_id else t for t in view.turns]
    return dataclasses.replace(view, turns=turns)


def day(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).strftime("%d %b %Y") if epoch_ms else ""


def again(turn: Turn) -> AnotherVerse | None:
    """What a reconnect sends again for an unacknowledged "another verse" (None: the turn is an ordinary question)."""
    if not turn.sibling_of:
        return None
    return AnotherVerse(messageId=turn.sibling_of, clientMessageId=turn.key, country=turn.country or None)


def verse_request_failed(view: ChatView, asked: Request, frame: Error) -> Outcome:
    """A verse request refused: an older server hides the capability quietly; otherwise the person hears why, and an
    optimistic mark is taken back."""
    if frame.code == ErrorCode.UNKNOWN_ACTION or asked.action == "verseOfTheDay":
        return view, [Note("verse capability unavailable", {"action": asked.action, "code": str(frame.code)})]
    match asked.action:
        case "saveVerse":
            turn = next((t for t in view.turns if t.message_id == asked.message_id), None)
            if turn is not None:
                view = _marked(view, asked.message_id, not turn.bookmarked)
            if frame.code == ErrorCode.NOT_FOUND:
                return dataclasses.replace(view, notice=ANSWER_GONE), []
            sentence = frame.message if frame.code == ErrorCode.BAD_REQUEST else NOT_SAVED_NOW
            return dataclasses.replace(view, notice=sentence), []
        case "savedVerses":
            return dataclasses.replace(view, saved_loading=False, notice=ON_OUR_SIDE), []
    sentence = frame.message if frame.code == ErrorCode.BAD_REQUEST else ON_OUR_SIDE
    return dataclasses.replace(view, notice=sentence), []
