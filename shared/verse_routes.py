"""The verse capabilities' WebSocket routes (issue 17): settings, daily verse, another verse, saved verses."""

from __future__ import annotations

from shared import limits
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import (
    AnotherVerse,
    ChangeSettings,
    DailyVerse,
    Error,
    ErrorCode,
    SavedVerses,
    SavedVersesPage,
    SavedVerseView,
    SaveVerse,
    SettingsView,
    Verse,
    VerseOfTheDay,
    VerseSaved,
)
from shared.router import Call, message_route
from shared.routes import ANSWER_NOT_FOUND, BAD_CURSOR, answering
from shared.saved_verses import TooMany
from shared.storage import InvalidCursor, NotFound
from shared.verses import verse_of

NOT_SAVED = Error(code=ErrorCode.NOT_FOUND, message="That verse is not among your saved verses.")
TOO_MANY_SAVED = Error(
    code=ErrorCode.BAD_REQUEST,
    message=f"You have saved {limits.SAVED_VERSES_MAX} verses; remove one to save another.",
)


@message_route(ChangeSettings)
def settings(request: ChangeSettings, call: Call) -> None:
    """Read, or change and read back, the person's translation; every verse is shown in it from then on."""
    profiles = call.deps.profiles
    if request.translation is None:
        chosen = profiles.translation(call.user)
    else:
        chosen = profiles.set_translation(call.user, request.translation)
        logger.info("translation chosen", user_id=call.user, translation=chosen)
    call.reply(SettingsView(translation=chosen))


@message_route(VerseOfTheDay)
def verse_of_the_day(request: VerseOfTheDay, call: Call) -> None:
    """Today's verse (UTC), in the translation asked for or the person's own."""
    from shared.engine.daily import today
    from shared.engine.daily import verse_of_the_day as daily

    translation = request.translation or call.deps.profiles.translation(call.user)
    day = today()
    verse = daily(day, translation)
    shown = Verse(reference=verse.reference, text=verse.text, translation=verse.translation)
    call.reply(DailyVerse(day=day.isoformat(), verse=shown))


@message_route(AnotherVerse)
def another_verse(request: AnotherVerse, call: Call) -> None:
    """The same message answered again with a verse its conversation has not shown; streamed like sendMessage."""
    metrics.add_metric(name=MetricName.MESSAGES_RECEIVED, unit="Count", value=1)
    logger.info("another verse asked", connection_id=call.connection_id, message_id=request.message_id)
    out = call.deps.turns.another(request, call.user, call.poster, call.deadline)
    if out.gone:
        call.gone(stage="streaming")


@message_route(SaveVerse)
def save_verse(request: SaveVerse, call: Call) -> None:
    """Save (or remove) the verse of one of the person's own answers."""
    saved = call.deps.saved_verses
    if not request.saved:
        if not saved.remove(call.user, request.message_id):
            call.reply(answering(NOT_SAVED, request))
            return
        call.reply(VerseSaved(messageId=request.message_id, saved=False))
        return
    turn = call.deps.conversations.owned_turn(call.user, request.message_id)
    try:
        if turn is None:
            raise NotFound(request.message_id)
        kept = saved.save(call.user, turn)
    except NotFound:
        call.reply(answering(ANSWER_NOT_FOUND, request))
        return
    except TooMany:
        call.reply(answering(TOO_MANY_SAVED, request))
        return
    logger.info("verse saved", message_id=request.message_id)
    call.reply(VerseSaved(messageId=request.message_id, saved=True, savedAt=kept.saved_at))


@message_route(SavedVerses)
def saved_verses(request: SavedVerses, call: Call) -> None:
    """A page of the person's saved verses, newest first, each in their current translation."""
    translation = call.deps.profiles.translation(call.user)
    try:
        found, cursor = call.deps.saved_verses.page(call.user, request.limit, request.cursor)
    except InvalidCursor:
        call.reply(answering(BAD_CURSOR, request))
        return
    items = []
    for saved in found:
        verse = verse_of(saved.reference, translation)
        if verse is None:
            continue  # every catalogue reference resolves in every offered translation (tests/unit/engine)
        items.append(
            SavedVerseView(
                messageId=saved.message_id,
                sessionId=saved.session_id,
                verse=verse,
                emotion=saved.emotion,
                savedAt=saved.saved_at,
                answeredAt=saved.answered_at,
            )
        )
    call.reply(SavedVersesPage(items=items, cursor=cursor))
