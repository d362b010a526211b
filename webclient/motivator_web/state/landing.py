"""Reflex state of the landing page: today's verse, and an example first message chosen before signing in that
starts the chat after it."""

from __future__ import annotations

import asyncio

import reflex as rx
from pydantic import ValidationError

from motivator_web import daily_verse
from motivator_web.config import settings
from motivator_web.state.auth import AuthState
from motivator_web.state.chat import ChatState
from motivator_web.verse_models import DailyVerseItem

#: Three first messages a newcomer can start with, one tap each (the landing page and the empty chat show them).
EXAMPLES = (
    "I feel anxious about tomorrow and can't settle my mind.",
    "I've been lonely since I moved to a new city.",
    "I'm grateful for today and want to give thanks.",
)


class LandingState(rx.State):
    """The example message a signed-out person picked; it is sent once they are signed in (same tab)."""

    _starter: str = ""
    #: Today's verse from the REST API ("" everywhere when it could not be had: the page shows without it).
    daily: DailyVerseItem = DailyVerseItem()

    @rx.event(background=True)
    async def load_verse(self) -> None:
        """on_load of the landing page: today's verse, fetched server-side off the event loop, once a UTC day. In the
        background, so a slow API never holds up the page's other events (an example tapped meanwhile)."""
        try:
            base_url = settings().http_api_url
        except ValidationError:
            base_url = None
        found = await asyncio.to_thread(daily_verse.todays_verse, base_url)
        if found is None:
            return
        verse = found.verse
        async with self:
            self.daily = DailyVerseItem(
                day=found.day.isoformat(), reference=verse.reference, text=verse.text, translation=verse.translation
            )

    @rx.event
    async def start_with(self, index: int):
        """An example tapped: signed in, the chat opens with it; otherwise it waits through sign-up or sign-in."""
        if not 0 <= index < len(EXAMPLES):
            return None
        self._starter = EXAMPLES[index]
        auth = await self.get_state(AuthState)
        return rx.redirect("/" if auth.signed_in else "/signup")

    @rx.event
    async def begin(self):
        """on_load of the chat page, after the sign-in guard: the waiting example goes out as the first message."""
        auth = await self.get_state(AuthState)
        if not auth.signed_in or not self._starter:
            return None
        text, self._starter = self._starter, ""
        return ChatState.send({"message": text})
