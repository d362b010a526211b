"""The verse capabilities' WebSocket routes (issue 17), called by thin handlers: settings, daily verse, another."""

from __future__ import annotations

from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import AnotherVerse, ChangeSettings, DailyVerse, SettingsView, Verse, VerseOfTheDay
from shared.router import Call, message_route


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
