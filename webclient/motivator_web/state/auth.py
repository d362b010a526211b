"""Reflex state of signing in: sign up, confirm, sign in, forgotten password (Cognito through boto3, off the loop).

Tokens live in backend-only vars (never sent to the browser). Every attempt is throttled per client IP and email
first (throttle.py); the person's address goes to Cognito with each call (cognito.py). A signed-in tab has the backend
set the sign-in cookie, and another tab of the browser signs in from it (session.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx
from reflex.config import get_config

from motivator_web import cognito, session, throttle
from motivator_web.config import settings

T = TypeVar("T")
log = logging.getLogger("motivator_web.auth")

#: Pages a sign-in may return to (`/signin?next=/ops`); anything else goes to the chat, so no link can send a
#: person elsewhere.
RETURN_PAGES = ("/ops",)
RULES_UNMET = "Please choose a password that meets every rule below."
BAD_EMAIL = "Please enter a valid email address."


@dataclasses.dataclass
class PasswordRule:
    label: str = ""
    ok: bool = False


class AuthState(rx.State):
    """Sign up, confirm, sign in, forgotten password; signing out is the chat's (it closes the tab's link)."""

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
    #: Seconds until a throttled form may be sent again (counts down on the page).
    wait_s: int = 0
    #: The backend URL the page asks (an image) to set or clear the sign-in cookie; "" when there is nothing to do.
    cookie_url: str = ""

    _access_token: str = ""
    _refresh_token: str = ""
    _expires_at: float = 0.0
    _username: str = ""
    _counting: bool = False
    _id_token: str = ""
    #: When this tab signed in: a sign-out in another tab after it signs this one out (session.py).
    _signed_in_at: float = 0.0

    # -- computed -------------------------------------------------------------------------------
    @rx.var
    def password_rules(self) -> list[PasswordRule]:
        checks = cognito.password_checks(self.password)
        return [PasswordRule(label=label, ok=checks[key]) for key, label in cognito.PASSWORD_RULES]

    @rx.var
    def password_ok(self) -> bool:
        return all(cognito.password_checks(self.password).values())

    @rx.var
    def wait_message(self) -> str:
        return throttle.wait_sentence(self.wait_s) if self.wait_s > 0 else ""

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

    # -- helpers --------------------------------------------------------------------------------
    def _clear_messages(self) -> None:
        self.auth_error = ""
        self.auth_info = ""

    def _client_ip(self) -> str:
        """The person's address: Reflex takes it from X-Forwarded-For past REFLEX_TRUSTED_PROXY_HOPS proxies."""
        return self.router.session.client_ip

    async def _throttled(self, action: str, email: str) -> bool:
        """Count this attempt; when the address or email has used its window up, say how long to wait."""
        verdict = await throttle.admit(action, ip=self._client_ip(), email=email)
        if verdict.allowed:
            return False
        self.wait_s = verdict.retry_after_s
        return True

    @rx.event(background=True)
    async def count_down(self):
        """Tick the wait down once a second (one ticker per tab: a second one ends at once)."""
        async with self:
            if self._counting:
                return
            self._counting = True
        try:
            while True:
                await asyncio.sleep(1)
                async with self:
                    self.wait_s = max(0, self.wait_s - 1)
                    if self.wait_s == 0:
                        return
        finally:
            async with self:
                self._counting = False

    async def _cognito(self, call: Callable[..., T], *args: Any) -> T | cognito.AuthError:
        """One Cognito exchange off the event loop, with the person's address; a refusal is returned, its sentence
        already on the form."""
        try:
            return await asyncio.to_thread(call, *args, ip=self._client_ip())
        except cognito.AuthError as exc:
            if exc.code == cognito.NOT_CONFIRMED:
                self.auth_info = str(exc)  # not a mistake: the next step is the code
            else:
                self.auth_error = str(exc)
            return exc
        finally:
            self.busy = False

    def _store(self, tokens: cognito.Tokens) -> None:
        self._access_token = tokens.access_token
        self._refresh_token = tokens.refresh_token
        self._expires_at = tokens.expires_at
        self._username = tokens.username or self._username
        self._id_token = tokens.id_token or self._id_token

    def _tokens(self) -> cognito.Tokens:
        return cognito.Tokens(
            self._access_token, self._refresh_token, self._expires_at, username=self._username, id_token=self._id_token
        )

    def _signed_in(self, email: str, tokens: cognito.Tokens) -> None:
        self._store(tokens)
        self.signed_in = True
        self.user_email = email
        self.password = ""
        self._signed_in_at = time.time()

    async def _remember(self) -> None:
        """Have the page fetch the sign-in cookie: a one-time code for the backend route, never the token itself."""
        remembered = session.Remembered(self._refresh_token, self._username, self.user_email)
        code = await session.issue_code(remembered)
        self.cookie_url = f"{_backend()}{session.SESSION_PATH}?code={code}"

    async def _end_session(self) -> None:
        """Sign-out: every refresh token ends (GlobalSignOut), the other tabs are told, the page clears the cookie."""
        if self._access_token:
            try:
                await asyncio.to_thread(cognito.sign_out, self._access_token)
            except cognito.AuthError as exc:  # already ended, or the pool is away: the tabs still sign out
                log.info("global sign-out refused", extra={"code": exc.code})
        if self._username:
            await session.signed_out(self._username)
        self.cookie_url = f"{_backend()}{session.SIGN_OUT_PATH}"

    @rx.event
    async def resume_session(self):
        """on_load of the chat: a tab of a browser signed in elsewhere signs in from the cookie its socket sent."""
        if self.signed_in:
            return
        remembered = session.from_cookie_header(self.router.headers.cookie)
        if remembered is None:
            return
        try:
            tokens = await asyncio.to_thread(
                cognito.refresh, remembered.refresh_token, remembered.username, self._client_ip()
            )
        except cognito.AuthError as exc:
            if exc.code != cognito.UNREACHABLE:
                self.cookie_url = f"{_backend()}{session.SIGN_OUT_PATH}"  # revoked or expired: forget it
            return
        self._signed_in(remembered.email, tokens)
        self.email = remembered.email

    def _signed_out(self, info: str) -> None:
        self._access_token = self._refresh_token = self._username = self._id_token = ""
        self._expires_at = 0.0
        self.signed_in = False
        self.auth_info = info

    # -- sign in --------------------------------------------------------------------------------
    @rx.event
    async def sign_in(self, form: dict[str, Any]):
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", ""))
        self._clear_messages()
        if not email or not password:
            self.auth_error = "Please enter your email and password."
            return
        self.email = email
        if await self._throttled("sign_in", email):
            yield AuthState.count_down
            return
        self.busy = True
        yield
        tokens = await self._cognito(cognito.sign_in, email, password)
        if isinstance(tokens, cognito.AuthError) and tokens.code in cognito.WRONG_CREDENTIALS:
            await throttle.failed("sign_in", ip=self._client_ip(), email=email)
        if isinstance(tokens, cognito.AuthError):
            if tokens.code == cognito.NOT_CONFIRMED:
                yield rx.redirect("/confirm")
            return
        self._signed_in(email, tokens)
        await self._remember()
        yield rx.redirect(_return_to(self.router.url.query_parameters.get("next")))

    # -- sign up and confirmation ---------------------------------------------------------------
    @rx.event
    async def sign_up(self, form: dict[str, Any]):
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", "")) or self.password
        self._clear_messages()
        self.email = email
        if not cognito.EMAIL_PATTERN.match(email):
            self.auth_error = BAD_EMAIL
            return
        if not all(cognito.password_checks(password).values()):
            self.auth_error = RULES_UNMET
            return
        if await self._throttled("sign_up", email):
            yield AuthState.count_down
            return
        self.busy = True
        yield
        tokens = await self._cognito(_sign_up_and_in, email, password)
        if isinstance(tokens, cognito.AuthError):
            return
        self.password = ""
        if tokens is None:
            self.auth_info = f"We sent a confirmation code to {email}. Enter it below."
            yield rx.redirect("/confirm")
            return
        self._signed_in(email, tokens)
        await self._remember()
        yield rx.redirect("/")

    @rx.event
    async def confirm(self, form: dict[str, Any]):
        email = str(form.get("email", "")).strip() or self.email
        code = str(form.get("code", "")).strip()
        self._clear_messages()
        if not email or not code:
            self.auth_error = "Please enter your email and the code."
            return
        if await self._throttled("sign_up", email):
            yield AuthState.count_down
            return
        self.busy = True
        yield
        if isinstance(await self._cognito(cognito.confirm_sign_up, email, code), cognito.AuthError):
            return
        self.email = email
        self.auth_info = "Your account is confirmed. Please sign in."
        yield rx.redirect("/signin")

    @rx.event
    async def resend_code(self):
        self._clear_messages()
        if not self.email:
            self.auth_error = "Enter your email first."
            return
        if await self._throttled("sign_up", self.email):
            yield AuthState.count_down
            return
        if isinstance(await self._cognito(cognito.resend_code, self.email), cognito.AuthError):
            return
        self.auth_info = f"We sent a new code to {self.email}."

    # -- forgotten password ---------------------------------------------------------------------
    @rx.event
    async def request_reset(self, form: dict[str, Any]):
        email = str(form.get("email", "")).strip()
        self._clear_messages()
        if not cognito.EMAIL_PATTERN.match(email):
            self.auth_error = BAD_EMAIL
            return
        self.email = email
        if await self._throttled("reset", email):
            yield AuthState.count_down
            return
        self.busy = True
        yield
        if isinstance(await self._cognito(cognito.forgot_password, email), cognito.AuthError):
            return
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
            self.auth_error = RULES_UNMET
            return
        if await self._throttled("reset", self.email):
            yield AuthState.count_down
            return
        self.busy = True
        yield
        changed = await self._cognito(cognito.confirm_forgot_password, self.email, code, password)
        if isinstance(changed, cognito.AuthError):
            return
        self.password = ""
        self.reset_code_sent = False
        self.auth_info = "Your password is changed. Please sign in with the new one."
        yield rx.redirect("/signin")

    @rx.event
    def restart_reset(self) -> None:
        self.reset_code_sent = False
        self._clear_messages()


def _sign_up_and_in(email: str, password: str, ip: str = "") -> cognito.Tokens | None:
    """Create the account; signed in at once when the pool confirmed it, else None (a code must be entered)."""
    return cognito.sign_in(email, password, ip) if cognito.sign_up(email, password, ip) else None


def _backend() -> str:
    """The Reflex backend's own URL (the page's origin in AWS; another port locally)."""
    return str(get_config().api_url).rstrip("/")


def _return_to(page: str | None) -> str:
    return page if page in RETURN_PAGES else "/"
