"""Reflex state of the chat: stores the ChatView, runs the pure changes of apply.py and actions.py, carries out effects.

One gateway link per browser tab, kept by a background event that holds the state lock only around each update. The
link lives in this process's registry (gateway.LINKS), never in the state: with the state in Redis, whichever backend
next handles an event of the tab opens it again, and `connected` resumes the answer from the seq the state recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.istate.proxy import MutableProxy
from reflex.utils import prerequisites

from motivator_web import actions, cognito, share_view, verse_view
from motivator_web.apply import apply, connected
from motivator_web.config import settings
from motivator_web.country_state import CountryState
from motivator_web.gateway import LINKS, AuthRejected, GatewayLink, Happening, LinkStatus
from motivator_web.models import SENDING, STREAMING, SessionItem, Turn
from motivator_web.safety import Resource
from motivator_web.state.auth import AuthState
from motivator_web.state.ui import DetailState
from motivator_web.verse_models import DailyVerseItem, SavedItem, ShareItem, TranslationItem
from motivator_web.view import (
    ChatView,
    Effect,
    Note,
    Request,
    RestoreDraft,
    ScrollTo,
    Send,
    allowance_label,
    forgotten,
    start_over,
)

log = logging.getLogger("motivator_web.state")

#: ChatView fields held in a backend-only var (never sent to the browser); every other field is held in the state var
#: of its own name (`live` is held as `live` and `has_live`).
_PRIVATE = {"notice_cause", "resume_supported", "capabilities_known", "pending", "share_message_id"}
#: ChatView field -> the state var holding it.
_HELD = {
    f.name: f"_{f.name}" if f.name in _PRIVATE else f.name for f in dataclasses.fields(ChatView) if f.name != "live"
}


class ChatState(AuthState):
    """The conversation on screen (a ChatView, var by var, so each update sends only what changed) and its link."""

    turns: list[Turn] = []
    live: Turn = Turn()
    has_live: bool = False
    session_id: str = ""
    sessions: list[SessionItem] = []
    #: connecting | connected | reconnecting | offline
    connection: str = "offline"
    retry_in: int = 0
    notice: str = ""
    announcement: str = ""
    loading_session: bool = False
    sidebar_open: bool = False
    #: The element the page should scroll to next (a crisis card's turn); the page's scroller (components/chat.py)
    #: mounts anew for each value and scrolls there itself, so no script is sent from the server (no eval: CSP).
    scroll_target: str = ""
    history_supported: bool = False
    feedback_supported: bool = False
    stop_supported: bool = False
    #: The person's translation ("" until the server said) and the ones offered (verse_view.py).
    translation: str = ""
    translations: list[TranslationItem] = []
    daily: DailyVerseItem = DailyVerseItem()
    saved: list[SavedItem] = []
    saved_cursor: str = ""
    saved_loading: bool = False
    saved_open: bool = False
    #: Share links (share_view.py): the open Share dialog's link and error, and the Shared links list.
    share_open: bool = False
    share_link: ShareItem = ShareItem()
    share_error: str = ""
    share_busy: bool = False
    shares: list[ShareItem] = []
    shares_cursor: str = ""
    shares_loading: bool = False
    _share_message_id: str = ""

    remaining_today: int | None = None
    care_resources: list[Resource] = []

    _notice_cause: str = ""
    _resume_supported: bool = True
    _capabilities_known: bool = False
    _pending: tuple[Request, ...] = ()

    @rx.var
    def allowance_label(self) -> str:
        return allowance_label(self.remaining_today)

    @rx.var
    def streaming(self) -> bool:
        return self.has_live and self.live.status in (SENDING, STREAMING)

    @rx.var
    def connection_label(self) -> str:
        return {
            "connected": "Connected",
            "connecting": "Connecting…",
            "reconnecting": "Reconnecting…",
        }.get(self.connection, "Offline")

    # -- page lifecycle ------------------------------------------------------------------------
    @rx.event
    def open_chat(self):
        """on_load of the chat page: sign-in guard, then make sure this tab's connection is running."""
        if not self.signed_in:
            return rx.redirect("/welcome")  # a first visit meets the landing page, not "Welcome back"
        self.sidebar_open = False  # a page (re)load shows the conversation; the phone's drawer opens when asked
        if self._link() is None:
            self.connection = "connecting"
            return ChatState.keep_connected
        return None

    @rx.event
    async def sign_out(self):
        await self._end_session()  # every tab of this person signs out, the cookie goes (AuthState)
        LINKS.close(self.router.session.client_token)
        self._change(forgotten)
        self.connection = "offline"
        self._signed_out("You're signed out. Take care.")
        self.user_email = self.password = self.auth_error = ""
        return rx.redirect("/signin")

    @rx.event
    async def signed_out_after_deletion(self):
        """The account is deleted (state/account.py): end the link and sign out, saying so."""
        redirect = await self.sign_out()
        self.email = ""  # the address belongs to no account any more: not left on the sign-in form
        self.auth_info = "Your account and everything in it have been deleted. Take care."
        return redirect

    @rx.event(background=True)
    async def keep_connected(self):
        async with self:
            link = self._new_link()
        if link is None:
            return  # this tab has its link already
        try:
            async with contextlib.aclosing(link.run()) as happenings:
                async for happening in happenings:
                    async with self:
                        events = self._take(happening)
                    for event in events:
                        yield event
        except AuthRejected:
            async with self:
                self._signed_out("Your session has ended. Please sign in again.")
                self.connection = "offline"
            yield rx.redirect("/signin")
        finally:
            LINKS.discard(self.router.session.client_token, link)

    # -- what the person does ------------------------------------------------------------------
    @rx.event
    async def send(self, form: dict[str, Any]):
        country = (await self.get_state(CountryState)).country
        text, key = str(form.get("message", "")), str(uuid.uuid4())
        events = self._change(lambda view: actions.ask(view, text, key, country))
        if self._link() is None and self.has_live:
            events.append(ChatState.keep_connected)  # the question waits as "sending" and goes out once connected
        return events

    @rx.event
    def retry(self, key: str):
        """Send a failed or interrupted question again, as a new message."""
        view, question = actions.retry(self._view(), key)
        self._adopt(view)
        if question is None:
            return None
        # A Reflex event handler called with its argument (pyproject's mypy override names motivator_web.state only).
        return ChatState.send({"message": question})

    @rx.event
    def stop(self):
        return self._change(actions.stop)

    @rx.event
    def give_feedback(self, key: str, helpful: bool):
        return self._change(lambda view: actions.give_feedback(view, key, helpful))

    @rx.event
    def send_comment(self, form: dict[str, Any]):
        key, comment = str(form.get("key", "")), str(form.get("comment", ""))
        return self._change(lambda view: actions.send_comment(view, key, comment))

    @rx.event
    def close_comment(self, key: str) -> None:
        self._change(lambda view: actions.close_comment(view, key))

    @rx.event
    def new_session(self) -> None:
        self._change(start_over)
        self.sidebar_open = False

    @rx.event
    def open_session(self, session_id: str):
        self.sidebar_open = False
        return self._change(lambda view: actions.open_session(view, session_id, self._online()))

    @rx.event
    def delete_session(self, session_id: str):
        online = self._online()
        if online and session_id == self.session_id:
            self.sidebar_open = False  # the open conversation goes: a new, empty one takes its place
        return self._change(lambda view: actions.delete_session(view, session_id, online))

    @rx.event
    async def rename_session(self, form: dict[str, Any]):
        """The rename dialog's form (Enter or Save): the open dialog's conversation gets the typed title."""
        session_id = (await self.get_state(DetailState)).renamed_session()
        title = str(form.get("title", ""))
        country = (await self.get_state(CountryState)).country
        return self._change(lambda view: actions.rename_session(view, session_id, title, self._online(), country))

    @rx.event
    def toggle_sidebar(self) -> None:
        self.sidebar_open = not self.sidebar_open

    @rx.event
    def set_sidebar_open(self, value: bool) -> None:
        self.sidebar_open = value

    @rx.event
    async def another_verse(self, key: str):
        country = (await self.get_state(CountryState)).country
        new_key = str(uuid.uuid4())
        return self._change(lambda view: verse_view.another_verse(view, key, new_key, country))

    @rx.event
    def toggle_saved(self, key: str):
        return self._change(lambda view: verse_view.toggle_saved(view, key, self._online()))

    @rx.event
    def set_saved_open(self, value: bool):
        self.saved_open = value
        if not value:
            return None
        return [
            *self._change(lambda view: verse_view.open_saved(view, self._online())),
            *self._change(lambda view: share_view.open_shares(view, self._online())),
        ]

    @rx.event
    def open_share(self, message_id: str):
        self.share_open = True
        return self._change(lambda view: share_view.open_share(view, message_id))

    @rx.event
    def set_share_open(self, value: bool) -> None:
        self.share_open = value

    @rx.event
    def create_share(self, form: dict[str, Any]):
        return self._change(lambda view: share_view.create_share(view, str(form.get("line", "")), self._online()))

    @rx.event
    def more_shares(self):
        return self._change(share_view.more_shares)

    @rx.event
    def revoke_share(self, share_id: str):
        return self._change(lambda view: share_view.revoke(view, share_id, self._online()))

    @rx.event
    def more_saved(self):
        return self._change(verse_view.more_saved)

    @rx.event
    def remove_saved(self, message_id: str):
        return self._change(lambda view: verse_view.remove_saved(view, message_id, self._online()))

    @rx.event
    def choose_translation(self, code: str):
        return self._change(lambda view: verse_view.choose_translation(view, code, self._online()))

    @rx.event
    def dismiss_notice(self) -> None:
        self.notice, self._notice_cause = "", ""

    @rx.event
    def dismiss_care(self) -> None:
        self.care_resources = []

    # -- the view, the link, the effects --------------------------------------------------------
    def _view(self) -> ChatView:
        held = {name: _unwrapped(getattr(self, var)) for name, var in _HELD.items()}
        return ChatView(live=_unwrapped(self.live) if self.has_live else None, **held)

    def _adopt(self, view: ChatView) -> None:
        """Store a new view, setting only the vars that changed (each set var is sent to the browser)."""
        if view.care_resources and not self.care_resources:
            self.sidebar_open = False  # help lines for a title: the phone's drawer must not cover them
        for name, var in _HELD.items():
            value = getattr(view, name)
            if value != _unwrapped(getattr(self, var)):
                setattr(self, var, value)
        if view.live is None:
            if self.has_live:
                self.live, self.has_live = Turn(), False
        elif not self.has_live or view.live != _unwrapped(self.live):
            self.live, self.has_live = view.live, True

    def _change(self, change: Callable[[ChatView], ChatView | tuple[ChatView, list[Effect]]]) -> list[Any]:
        """Run one pure change (a view, or a view and its effects); returns the browser events it asks for."""
        outcome = change(self._view())
        view, effects = outcome if isinstance(outcome, tuple) else (outcome, [])
        self._adopt(view)
        return self._carry_out(effects)

    def _carry_out(self, effects: list[Effect]) -> list[Any]:
        link, events = self._link(), []
        for effect in effects:
            match effect:
                case Send(frame=frame):
                    if link is not None:
                        link.send(frame)  # not connected: the view resends what matters on reconnect
                    elif self.signed_in and ChatState.keep_connected not in events:
                        # This backend has no link for the tab yet (its socket moved here): open one.
                        events.append(ChatState.keep_connected)
                case ScrollTo(element_id=element_id):
                    self.scroll_target = element_id
                case RestoreDraft(text=text):
                    events.append(rx.set_value("message", text))
                case Note(event=event, fields=fields):
                    log.info(event, extra=dict(fields))
        return events

    def _take(self, happening: Happening) -> list[Any]:
        """Apply what the link reports (called under the lock by keep_connected)."""
        match happening:
            case LinkStatus(state=state, retry_in_s=retry_in_s):
                self.connection = "offline" if state == "closed" else state
                self.retry_in = round(retry_in_s)
                return (
                    [*self._change(connected), *self._change(verse_view.probe_settings)] if state == "connected" else []
                )
            case cognito.Tokens():
                self._store(happening)
                return []
        return self._change(lambda view: apply(view, happening))

    def _link(self) -> GatewayLink | None:
        return LINKS.get(self.router.session.client_token)

    def _online(self) -> bool:
        link = self._link()
        return link is not None and link.connected

    def _new_link(self) -> GatewayLink | None:
        """This tab's link, registered; None when it has one already."""
        client_token = self.router.session.client_token
        if LINKS.get(client_token) is not None:
            return None
        cfg = settings()
        link = GatewayLink(
            cfg.ws_url,
            self._tokens(),
            functools.partial(_refreshed, self._tokens().username),
            present=functools.partial(_browser_attached, client_token),
            refresh_margin_s=cfg.refresh_margin_s,
            initial_s=cfg.reconnect_initial_s,
            max_s=cfg.reconnect_max_s,
        )
        LINKS.add(client_token, link)
        return link


def _unwrapped(value: Any) -> Any:
    """The value itself, not Reflex's change-tracking proxy around it (the pure functions compare and copy it)."""
    while isinstance(value, MutableProxy):
        value = value.__wrapped__
    return value


async def _refreshed(username: str, refresh_token: str) -> cognito.Tokens | None:
    """The link's Refresh: new tokens; None when the pool is unreachable; AuthRejected when it refuses."""
    try:
        return await asyncio.to_thread(cognito.refresh, refresh_token, username)
    except cognito.AuthError as exc:
        if exc.code == cognito.UNREACHABLE:
            return None
        raise AuthRejected from None


@functools.cache
def _app() -> rx.App:
    # Once per process: get_app() puts the working directory on sys.path each time it is called.
    app: rx.App = prerequisites.get_app().app
    return app


def _browser_attached(client_token: str) -> bool:
    """Whether a browser tab with this Reflex token is connected to this backend."""
    namespace = _app().event_namespace
    return namespace is None or client_token in namespace.token_to_sid
