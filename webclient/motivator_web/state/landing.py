"""Reflex state of the landing page: an example first message chosen before signing in starts the chat after it."""

from __future__ import annotations

import reflex as rx

from motivator_web.state.auth import AuthState
from motivator_web.state.chat import ChatState

#: Three first messages a newcomer can start with, one tap each (the landing page and the empty chat show them).
EXAMPLES = (
    "I feel anxious about tomorrow and can't settle my mind.",
    "I've been lonely since I moved to a new city.",
    "I'm grateful for today and want to give thanks.",
)


class LandingState(rx.State):
    """The example message a signed-out person picked; it is sent once they are signed in (same tab)."""

    _starter: str = ""

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
