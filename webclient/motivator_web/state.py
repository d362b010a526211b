"""Reflex state: signing in (Cognito) and the chat (one gateway WebSocket per browser tab, kept by a background event).

Tokens live in backend-only vars (never sent to the browser) and the state manager keeps them in memory only.
The background event holds the state lock only around each update (`async with self:`), never across I/O.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
import uuid
from typing import Any

import reflex as rx
from pydantic import ValidationError

from motivator_web import cognito
from motivator_web.config import settings
from motivator_web.country_state import CountryState
from motivator_web.gateway import LINKS, AuthRejected, GatewayFault, GatewayLink, Inbound, LinkStatus, UnknownFrame
from motivator_web.models import (
    DONE,
    FAILED,
    INTERRUPTED,
    SENDING,
    STOPPED,
    STREAMING,
    SessionItem,
    Turn,
    error_sentence,
    gateway_sentence,
    session_items,
    title_for,
    turns_of,
    with_meta,
)
from shared.protocol import (
    Ack,
    DeleteHistory,
    Delta,
    Done,
    Error,
    ErrorCode,
    Feedback,
    FeedbackRecorded,
    History,
    HistoryPage,
    Meta,
    Resume,
    SendMessage,
    Stop,
    StopReason,
)

log = logging.getLogger("motivator_web.state")

#: Actions whose replies (or `unknown_action` errors) tell whether the server supports the conversation routes.
OPTIONAL_ACTIONS = ("history", "feedback", "stop", "deleteHistory", "resume")
#: How long a tab may be gone (closed, navigated away) before its gateway connection is closed.
BROWSER_GONE_GRACE_S = 120.0


@dataclasses.dataclass
class PasswordRule:
    label: str = ""
    ok: bool = False


class AuthState(rx.State):
    """Sign up, confirm, sign in, forgotten password, sign out."""

    email: str = ""
    #: Held only so the password rules can be checked while typing; cleared after each submit.
    password: str = ""
    auth_error: str = ""
    auth_info: str = ""
    busy: bool = False
    signed_in: bool = False
    user_email: str = ""
    #: Forgotten password: False = ask for the email, True = enter the code and a new password.
    reset_code_sent: bool = False
    #: The pool confirms new accounts itself (MOTIVATOR_AUTO_CONFIRM, the local stack): the UI says so.
    auto_confirm: bool = False

    _access_token: str = ""
    _refresh_token: str = ""
    _expires_at: float = 0.0

    # -- computed -------------------------------------------------------------------------------
    @rx.var
    def password_rules(self) -> list[PasswordRule]:
        checks = cognito.password_checks(self.password)
        return [PasswordRule(label=label, ok=checks[key]) for key, label in cognito.PASSWORD_RULES]

    @rx.var
    def password_ok(self) -> bool:
        return all(cognito.password_checks(self.password).values())

    @rx.var
    def email_ok(self) -> bool:
        return bool(cognito.EMAIL_PATTERN.match(self.email.strip()))

    # -- setters --------------------------------------------------------------------------------
    @rx.event
    def set_email(self, value: str) -> None:
        self.email = value

    @rx.event
    def set_password(self, value: str) -> None:
        self.password = value

    @rx.event
    def reset_forms(self) -> None:
        """on_load of the auth pages: fresh messages, no leftover password."""
        self.password = ""
        self.auth_error = ""
        self.busy = False
        self.auto_confirm = settings().auto_confirm

    def _clear_messages(self) -> None:
        self.auth_error = ""
        self.auth_info = ""

    def _store(self, tokens: cognito.Tokens) -> None:
        self._access_token = tokens.access_token
        self._refresh_token = tokens.refresh_token
        self._expires_at = tokens.expires_at

    # -- sign in / out --------------------------------------------------------------------------
    @rx.event
    async def sign_in(self, form: dict[str, Any]):
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", ""))
        self._clear_messages()
        if not email or not password:
            self.auth_error = "Please enter your email and password."
            return
        self.busy = True
        self.email = email
        yield
        try:
            tokens = await asyncio.to_thread(cognito.sign_in, email, password)
        except cognito.AuthError as exc:
            self.busy = False
            if exc.code == cognito.NOT_CONFIRMED:
                self.auth_info = str(exc)
                yield rx.redirect("/confirm")
                return
            self.auth_error = str(exc)
            return
        self._store(tokens)
        self.busy = False
        self.signed_in = True
        self.user_email = email
        self.password = ""
        yield rx.redirect("/")

    @rx.event
    def sign_out(self):
        LINKS.close(self.router.session.client_token)
        self._access_token = self._refresh_token = ""
        self._expires_at = 0.0
        self.signed_in = False
        self.user_email = ""
        self.password = ""
        self.auth_error = ""
        self.auth_info = "You're signed out. Take care."
        return [ChatState.forget, rx.redirect("/signin")]

    # -- sign up and confirmation ---------------------------------------------------------------
    @rx.event
    async def sign_up(self, form: dict[str, Any]):
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", "")) or self.password
        self._clear_messages()
        self.email = email
        if not cognito.EMAIL_PATTERN.match(email):
            self.auth_error = "Please enter a valid email address."
            return
        if not all(cognito.password_checks(password).values()):
            self.auth_error = "Please choose a password that meets every rule below."
            return
        self.busy = True
        yield
        try:
            confirmed = await asyncio.to_thread(cognito.sign_up, email, password)
            tokens = await asyncio.to_thread(cognito.sign_in, email, password) if confirmed else None
        except cognito.AuthError as exc:
            self.auth_error = str(exc)
            self.busy = False
            return
        self.busy = False
        self.password = ""
        if tokens is None:
            self.auth_info = f"We sent a confirmation code to {email}. Enter it below."
            yield rx.redirect("/confirm")
            return
        self._store(tokens)
        self.signed_in = True
        self.user_email = email
        yield rx.redirect("/")

    @rx.event
    async def confirm(self, form: dict[str, Any]):
        email = str(form.get("email", "")).strip() or self.email
        code = str(form.get("code", "")).strip()
        self._clear_messages()
        if not email or not code:
            self.auth_error = "Please enter your email and the code."
            return
        self.busy = True
        yield
        try:
            await asyncio.to_thread(cognito.confirm_sign_up, email, code)
        except cognito.AuthError as exc:
            self.auth_error = str(exc)
            self.busy = False
            return
        self.busy = False
        self.email = email
        self.auth_info = "Your account is confirmed. Please sign in."
        yield rx.redirect("/signin")

    @rx.event
    async def resend_code(self):
        self._clear_messages()
        if not self.email:
            self.auth_error = "Enter your email first."
            return
        try:
            await asyncio.to_thread(cognito.resend_code, self.email)
        except cognito.AuthError as exc:
            self.auth_error = str(exc)
            return
        self.auth_info = f"We sent a new code to {self.email}."

    # -- forgotten password ---------------------------------------------------------------------
    @rx.event
    async def request_reset(self, form: dict[str, Any]):
        email = str(form.get("email", "")).strip()
        self._clear_messages()
        if not cognito.EMAIL_PATTERN.match(email):
            self.auth_error = "Please enter a valid email address."
            return
        self.busy = True
        self.email = email
        yield
        try:
            await asyncio.to_thread(cognito.forgot_password, email)
        except cognito.AuthError as exc:
            self.auth_error = str(exc)
            self.busy = False
            return
        self.busy = False
        self.reset_code_sent = True
        self.auth_info = f"If an account exists for {email}, a reset code is on its way. Enter it below."

    @rx.event
    async def confirm_reset(self, form: dict[str, Any]):
        code = str(form.get("code", "")).strip()
        password = str(form.get("password", "")) or self.password
        self._clear_messages()
        if not code:
            self.auth_error = "Please enter the code from the email."
            return
        if not all(cognito.password_checks(password).values()):
            self.auth_error = "Please choose a password that meets every rule below."
            return
        self.busy = True
        yield
        try:
            await asyncio.to_thread(cognito.confirm_forgot_password, self.email, code, password)
        except cognito.AuthError as exc:
            self.auth_error = str(exc)
            self.busy = False
            return
        self.busy = False
        self.password = ""
        self.reset_code_sent = False
        self.auth_info = "Your password is changed. Please sign in with the new one."
        yield rx.redirect("/signin")

    @rx.event
    def restart_reset(self) -> None:
        self.reset_code_sent = False
        self._clear_messages()


class ChatState(AuthState):
    """The conversation on screen and its gateway connection."""

    turns: list[Turn] = []
    live: Turn = Turn()
    has_live: bool = False
    session_id: str = ""
    sessions: list[SessionItem] = []
    #: connecting | connected | reconnecting | offline
    connection: str = "offline"
    retry_in: int = 0
    notice: str = ""
    loading_session: bool = False
    sidebar_open: bool = False
    # Capabilities, detected from the server's replies (see OPTIONAL_ACTIONS).
    history_supported: bool = False
    feedback_supported: bool = False
    stop_supported: bool = False

    _resume_supported: bool = True
    _capabilities_known: bool = False
    #: Optional actions sent and not yet answered, oldest first: errors without a clientMessageId belong to them.
    _awaiting: list[str] = []
    #: Sessions whose deletion was asked for; the server confirms with an empty history page of that session.
    _deleting: list[str] = []

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
            return rx.redirect("/signin")
        if LINKS.get(self.router.session.client_token) is None:
            self.connection = "connecting"
            return ChatState.keep_connected
        return None

    @rx.event
    def forget(self) -> None:
        """After sign-out: nothing of the conversation stays in this tab's state."""
        self.turns = []
        self.live = Turn()
        self.has_live = False
        self.session_id = ""
        self.sessions = []
        self.notice = ""
        self.connection = "offline"
        self._awaiting = []
        self._capabilities_known = False

    @rx.event(background=True)
    async def keep_connected(self):
        cfg = settings()
        client_token = self.router.session.client_token
        if LINKS.get(client_token) is not None:
            return

        async def token_source(force_refresh: bool) -> str:
            async with self:
                access, refresh, expires_at = self._access_token, self._refresh_token, self._expires_at
            if not refresh:
                raise AuthRejected
            if not force_refresh and expires_at - time.time() > cfg.refresh_margin_s:
                return access
            try:
                tokens = await asyncio.to_thread(cognito.refresh, refresh)
            except cognito.AuthError as exc:
                if exc.code == "Unreachable":
                    return access  # try again on the next reconnect
                raise AuthRejected from None
            async with self:
                self._store(tokens)
            return tokens.access_token

        link = GatewayLink(cfg.ws_url, token_source, initial_s=cfg.reconnect_initial_s, max_s=cfg.reconnect_max_s)
        LINKS.add(client_token, link)

        # The link runs as a task and hands over what happens; this loop applies each under the lock and may
        # answer with a browser-side effect (scrolling a crisis card into view), which only a yield can send.
        happenings: asyncio.Queue[LinkStatus | Inbound] = asyncio.Queue()

        async def on_status(status: LinkStatus) -> None:
            happenings.put_nowait(status)

        async def on_frame(frame: Inbound) -> None:
            happenings.put_nowait(frame)

        async def keep_fresh() -> None:
            """Refresh the access token before it expires, so a reconnect never waits on it."""
            while True:
                async with self:
                    expires_at = self._expires_at
                await asyncio.sleep(max(5.0, expires_at - time.time() - cfg.refresh_margin_s))
                with contextlib.suppress(AuthRejected):
                    await token_source(False)

        async def watch_browser() -> None:
            gone_since: float | None = None
            while True:
                await asyncio.sleep(15)
                if _browser_attached(client_token):
                    gone_since = None
                elif gone_since is None:
                    gone_since = time.monotonic()
                elif time.monotonic() - gone_since > BROWSER_GONE_GRACE_S:
                    link.close()
                    return

        running = asyncio.create_task(link.run(on_status, on_frame))
        helpers = [asyncio.create_task(keep_fresh()), asyncio.create_task(watch_browser())]
        try:
            while not (running.done() and happenings.empty()):
                getter = asyncio.ensure_future(happenings.get())
                await asyncio.wait({getter, running}, return_when=asyncio.FIRST_COMPLETED)
                if not getter.done():
                    getter.cancel()
                    continue
                happening = getter.result()
                async with self:
                    if isinstance(happening, LinkStatus):
                        self._on_status(happening, link)
                        effect = None
                    else:
                        effect = self._on_frame(happening, link)
                if effect is not None:
                    yield effect
            running.result()  # raises AuthRejected
        except AuthRejected:
            async with self:
                self.signed_in = False
                self._access_token = self._refresh_token = ""
                self.auth_info = "Your session has ended. Please sign in again."
                self.connection = "offline"
            yield rx.redirect("/signin")
        finally:
            link.close()
            for task in [running, *helpers]:
                task.cancel()
            LINKS.discard(client_token, link)

    # -- what the person does ------------------------------------------------------------------
    @rx.event
    async def send(self, form: dict[str, Any]):
        text = str(form.get("message", ""))
        if self.streaming:
            self.notice = "Please let this answer finish first."
            return rx.set_value("message", text)  # the form was reset on submit; give the words back
        key = str(uuid.uuid4())
        country = (await self.get_state(CountryState)).country
        try:
            frame = SendMessage(
                message=text, clientMessageId=key, sessionId=self.session_id or None, country=country or None
            )
        except ValidationError as exc:
            kind = exc.errors()[0]["type"]
            self.notice = (
                "Your message is too long; please keep it under 2,000 characters."
                if kind == "string_too_long"
                else "Write a few words about how you feel, then press Enter."
            )
            return rx.set_value("message", text)
        self.notice = ""
        self.live = Turn(key=key, question=frame.message, session_id=self.session_id, country=country)
        self.has_live = True
        link = LINKS.get(self.router.session.client_token)
        if link is not None:
            link.send(frame)  # if not connected, the turn stays "sending" and goes out on reconnect
        else:
            return ChatState.keep_connected
        return None

    @rx.event
    def retry(self, key: str):
        """Send a failed or interrupted question again, as a new message."""
        turn = next((t for t in self.turns if t.key == key), None)
        if turn is None:
            return None
        self.turns = [t for t in self.turns if t.key != key]
        return ChatState.send({"message": turn.question})

    @rx.event
    def stop(self) -> None:
        if self.has_live and self.live.message_id and self._send(Stop(messageId=self.live.message_id), "stop"):
            self.notice = ""

    @rx.event
    def give_feedback(self, key: str, helpful: bool) -> None:
        turns = list(self.turns)
        for i, turn in enumerate(turns):
            if turn.key == key and turn.message_id:
                choice = "up" if helpful else "down"
                turns[i] = dataclasses.replace(turn, feedback=choice, feedback_saved=False, comment_open=True)
                self._send(
                    Feedback(sessionId=turn.session_id or self.session_id, messageId=turn.message_id, helpful=helpful),
                    "feedback",
                )
        self.turns = turns

    @rx.event
    def send_comment(self, form: dict[str, Any]) -> None:
        key = str(form.get("key", ""))
        comment = str(form.get("comment", "")).strip()
        turns = list(self.turns)
        for i, turn in enumerate(turns):
            if turn.key == key and turn.feedback:
                turns[i] = dataclasses.replace(turn, comment_open=False)
                if comment:
                    self._send(
                        Feedback(
                            sessionId=turn.session_id or self.session_id,
                            messageId=turn.message_id,
                            helpful=turn.feedback == "up",
                            comment=comment[:1000],
                        ),
                        "feedback",
                    )
        self.turns = turns

    @rx.event
    def close_comment(self, key: str) -> None:
        self.turns = [dataclasses.replace(t, comment_open=False) if t.key == key else t for t in self.turns]

    @rx.event
    def new_session(self) -> None:
        self._start_over()

    def _start_over(self) -> None:
        self._finish_live()
        self.turns = []
        self.session_id = ""
        self.notice = ""
        self.sidebar_open = False

    @rx.event
    def open_session(self, session_id: str) -> None:
        self.sidebar_open = False
        if session_id == self.session_id and self.turns:
            return
        if self._send(History(sessionId=session_id, limit=50), "history"):
            self.loading_session = True
            self._finish_live()
            self.session_id = session_id
            self.turns = []
        else:
            self.notice = "You're offline for a moment; please try again when the indicator says Connected."

    @rx.event
    def delete_session(self, session_id: str) -> None:
        if not self._send(DeleteHistory(sessionId=session_id), "deleteHistory"):
            self.notice = "You're offline for a moment; please try again when the indicator says Connected."
            return
        self._deleting = [*self._deleting, session_id]
        self.sessions = [s for s in self.sessions if s.session_id != session_id]
        if session_id == self.session_id:
            self._start_over()

    @rx.event
    def toggle_sidebar(self) -> None:
        self.sidebar_open = not self.sidebar_open

    @rx.event
    def set_sidebar_open(self, value: bool) -> None:
        self.sidebar_open = value

    @rx.event
    def dismiss_notice(self) -> None:
        self.notice = ""

    # -- applying what the gateway says (called under the lock by keep_connected) ----------------
    def _send(self, frame: Any, action: str | None = None) -> bool:
        link = LINKS.get(self.router.session.client_token)
        if link is None or not link.send(frame):
            return False
        if action:
            self._awaiting = [*self._awaiting, action]
        return True

    def _on_status(self, status: LinkStatus, link: GatewayLink) -> None:
        self.connection = "offline" if status.state == "closed" else status.state
        self.retry_in = round(status.retry_in_s)
        if status.state != "connected":
            return
        self._awaiting = []
        # Capability probe (and the session list when supported): one history request per connection.
        self._send(History(limit=20), "history")
        if not self.has_live:
            return
        turn = self.live
        if turn.status == SENDING:
            # Never acknowledged: send it again under the same clientMessageId (the server deduplicates).
            self._send(
                SendMessage(
                    message=turn.question,
                    clientMessageId=turn.key,
                    sessionId=turn.session_id or None,
                    country=turn.country or None,
                )
            )
        elif turn.status == STREAMING and turn.message_id and self._resume_supported:
            self._send(Resume(messageId=turn.message_id, afterSeq=turn.seq), "resume")
        elif turn.status == STREAMING:
            self._interrupt()

    def _on_frame(self, frame: Inbound, link: GatewayLink) -> Any:
        """Apply one frame; returns an event for the browser when one is needed."""
        if isinstance(frame, Ack):
            self._on_ack(frame)
        elif isinstance(frame, Meta):
            if self._is_live(frame.message_id):
                self.live = with_meta(self.live, frame)
        elif isinstance(frame, Delta):
            self._answered("resume")
            if self._is_live(frame.message_id) and frame.seq > self.live.seq:
                self.live = dataclasses.replace(
                    self.live, status=STREAMING, text=self.live.text + frame.text, seq=frame.seq
                )
        elif isinstance(frame, Done):
            self._answered("resume")
            if frame.stop_reason == StopReason.STOPPED:
                self._answered("stop")
            if self._is_live(frame.message_id):
                crisis_key = self.live.key if self.live.crisis else ""
                stopped = frame.stop_reason == StopReason.STOPPED
                self.live = dataclasses.replace(
                    self.live,
                    status=STOPPED if stopped else DONE,
                    fallback=frame.fallback,
                    notice="You stopped this answer." if stopped else "",
                )
                self._finish_live()
                if crisis_key:
                    # The help lines come first: show the top of the crisis card, not the end of the conversation.
                    return rx.scroll_to(f"turn-{crisis_key}")
        elif isinstance(frame, Error):
            self._on_error(frame)
        elif isinstance(frame, GatewayFault):
            if self.has_live and self.live.status in (SENDING, STREAMING):
                self._fail(gateway_sentence(frame.message))
            else:
                self.notice = gateway_sentence(frame.message)
        elif isinstance(frame, HistoryPage):
            self._on_history(frame)
        elif isinstance(frame, FeedbackRecorded):
            self._answered("feedback")
            self.turns = [
                dataclasses.replace(t, feedback_saved=True) if t.message_id == frame.message_id else t
                for t in self.turns
            ]
        elif isinstance(frame, UnknownFrame):
            log.info("frame of an unknown type ignored", extra={"type": frame.type})
        return None

    def _on_ack(self, frame: Ack) -> None:
        if not (self.has_live and self.live.key == frame.client_message_id):
            return
        self.live = dataclasses.replace(
            self.live,
            message_id=frame.message_id,
            session_id=frame.session_id,
            status=STREAMING if self.live.status == SENDING else self.live.status,
        )
        if self.session_id != frame.session_id:
            self.session_id = frame.session_id
        if self.history_supported and all(s.session_id != frame.session_id for s in self.sessions):
            item = SessionItem(session_id=frame.session_id, title=title_for(self.live.question), when="Just now")
            self.sessions = [item, *self.sessions]

    def _on_error(self, frame: Error) -> None:
        sentence = error_sentence(frame.code, frame.message, frame.retry_after_ms)
        belongs_to_live = self.has_live and (
            (frame.client_message_id and frame.client_message_id == self.live.key)
            or (frame.message_id and frame.message_id == self.live.message_id)
        )
        if belongs_to_live:
            if frame.code == ErrorCode.MODEL_UNAVAILABLE and self.live.status == STREAMING:
                return  # the server answers with its offline composer instead; nothing to tell
            self._fail(sentence)
            return
        if self._awaiting and not frame.client_message_id:
            action = self._awaiting[0]
            self._awaiting = self._awaiting[1:]
            if frame.code in (ErrorCode.UNKNOWN_ACTION, ErrorCode.BAD_REQUEST) and action in OPTIONAL_ACTIONS:
                self._unsupported(action)
                return
            if action == "stop":
                return  # the answer had already finished
            if action == "resume":
                if self.has_live and self.live.status == STREAMING:
                    self._interrupt()
                return
            if action == "feedback":
                self.notice = "We couldn't save that feedback just now. Please try again."
                return
            if action in ("history", "deleteHistory"):
                self.loading_session = False
                self._deleting = []
                self.notice = sentence
                return
        if self.has_live and self.live.status == SENDING:
            self._fail(sentence)
        else:
            self.notice = sentence

    def _on_history(self, frame: HistoryPage) -> None:
        if frame.session_id and frame.session_id in self._deleting and not frame.items:
            self._deleting = [s for s in self._deleting if s != frame.session_id]
            self._answered("deleteHistory")
            return
        self._answered("history")
        if not self._capabilities_known:
            self._capabilities_known = True
            self.history_supported = self.feedback_supported = self.stop_supported = True
        if frame.session_id:
            if frame.session_id == self.session_id:
                self.turns = turns_of(frame.session_id, frame.items)
                self.loading_session = False
            return
        self.sessions = session_items(frame.items)

    def _unsupported(self, action: str) -> None:
        """The server has no such route (yet): hide what depends on it."""
        if action == "history":
            self._capabilities_known = True
            self.history_supported = self.feedback_supported = self.stop_supported = False
            self.loading_session = False
        elif action == "feedback":
            self.feedback_supported = False
        elif action == "stop":
            self.stop_supported = False
        elif action == "resume":
            self._resume_supported = False
            if self.has_live and self.live.status == STREAMING:
                self._interrupt()
        log.info("server lacks an optional action", extra={"action": action})

    def _answered(self, action: str) -> None:
        if action in self._awaiting:
            awaiting = list(self._awaiting)
            awaiting.remove(action)
            self._awaiting = awaiting

    def _is_live(self, message_id: str) -> bool:
        return self.has_live and self.live.message_id == message_id

    def _fail(self, sentence: str) -> None:
        self.live = dataclasses.replace(self.live, status=FAILED, notice=sentence)
        self._finish_live()

    def _interrupt(self) -> None:
        self.live = dataclasses.replace(
            self.live,
            status=INTERRUPTED,
            notice="The connection dropped while this answer was being written. You can ask again.",
        )
        self._finish_live()

    def _finish_live(self) -> None:
        """Move the live turn into the transcript (an unfinished one is marked interrupted)."""
        if not self.has_live:
            return
        turn = self.live
        if turn.status in (SENDING, STREAMING):
            turn = dataclasses.replace(turn, status=INTERRUPTED, notice="This answer was left unfinished.")
        self.turns = [*self.turns, turn]
        self.live = Turn()
        self.has_live = False


def _browser_attached(client_token: str) -> bool:
    """Whether a browser tab with this Reflex token is connected to this backend."""
    from motivator_web.motivator_web import app

    namespace = app.event_namespace
    return namespace is None or client_token in namespace.token_to_sid
