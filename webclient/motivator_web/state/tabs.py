"""Tabs of one browser keep in step: a sign-out in one signs the others out, a new conversation shows in all.

Each signed-in chat tab runs one watcher (a background event) that looks every WATCH_S seconds at what the person's
tabs have said (session.py: in the shared cache, or this process's memory) and holds the state lock only to apply it.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from motivator_web import session
from motivator_web.apply import request
from motivator_web.gateway import LINKS
from motivator_web.state.chat import ChatState, _browser_attached
from motivator_web.view import ChatView, Effect, forgotten
from shared.limits import HISTORY_PAGE_DEFAULT
from shared.protocol import History

#: How often a tab looks (a sign-out elsewhere shows here within this; two small cache reads a look).
WATCH_S = 2.0
SIGNED_OUT_ELSEWHERE = "You signed out in another tab. Take care."


#: Tabs (Reflex client tokens) this process watches: one watcher per tab and process. Not state: after a reconnect
#: to another task, on_load runs again there and starts that task's watcher (a flag in the shared state would
#: outlive a task that was killed).
_WATCHING: set[str] = set()


class TabsState(ChatState):
    #: Conversations this tab has told the others about, and the newest one it asked the history for.
    _announced: tuple[str, ...] = ()
    _asked_for: str = ""

    @rx.event(background=True)
    async def watch(self):
        """on_load of the chat: one watcher per tab, while the tab is there and signed in."""
        token = self.router.session.client_token
        if token in _WATCHING:
            return
        _WATCHING.add(token)
        try:
            while _browser_attached(token):
                await asyncio.sleep(WATCH_S)
                async with self:
                    if not self.signed_in:
                        return
                    username, since = self._username, self._signed_in_at
                if not username:
                    continue
                if await session.signed_out_since(username, since):
                    async with self:
                        self._sign_out_here()
                    yield rx.redirect("/signin")
                    return
                newest = await session.newest_conversation(username)
                async with self:
                    events, announce = self._keep_history(newest)
                if announce:
                    await session.started_conversation(username, announce)
                for event in events:
                    yield event
        finally:
            _WATCHING.discard(token)

    def _sign_out_here(self) -> None:
        """As the chat's own sign-out, without revoking again: the link closes, nothing of the conversation stays."""
        LINKS.close(self.router.session.client_token)
        self._change(forgotten)
        self.connection = "offline"
        self._signed_out(SIGNED_OUT_ELSEWHERE)
        self.user_email = self.password = self.auth_error = ""

    def _keep_history(self, newest: str) -> tuple[list, str]:
        """(events that ask for the history list when another tab started a conversation this one does not list,
        the conversation this tab started and should announce, or "")."""
        known = [item.session_id for item in self.sessions]
        started_here = self.session_id and known[:1] == [self.session_id] and self.session_id != newest
        if started_here and self.session_id not in self._announced:
            self._announced = (*self._announced[-9:], self.session_id)
            return [], self.session_id
        if newest and newest not in known and newest != self._asked_for and self._online():
            self._asked_for = newest
            return self._change(_ask_history), ""
        return [], ""


def _ask_history(view: ChatView) -> tuple[ChatView, list[Effect]]:
    view, ask = request(view, History(limit=HISTORY_PAGE_DEFAULT))
    return view, [ask]
