"""Reflex state of signing in: sign up, confirm, sign in, forgotten password (Cognito through boto3, off the loop).

Tokens live in backend-only vars (never sent to the browser); the state manager keeps them in memory only.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx

from motivator_web import cognito
from motivator_web.config import settings

T = TypeVar("T")

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

    _access_token: str = ""
    _refresh_token: str = ""
    _expires_at: float = 0.0
    _id_token: str = ""

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

    # -- helpers --------------------------------------------------------------------------------
    def _clear_messages(self) -> None:
        self.auth_error = ""
        self.auth_info = ""

    async def _cognito(self, call: Callable[..., T], *args: Any) -> T | cognito.AuthError:
        """One Cognito exchange off the event loop; a refusal is returned, its sentence already on the form."""
        try:
            return await asyncio.to_thread(call, *args)
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
        self._id_token = tokens.id_token

    def _tokens(self) -> cognito.Tokens:
        return cognito.Tokens(self._access_token, self._refresh_token, self._expires_at, self._id_token)

    def _signed_in(self, email: str, tokens: cognito.Tokens) -> None:
        self._store(tokens)
        self.signed_in = True
        self.user_email = email
        self.password = ""

    def _signed_out(self, info: str) -> None:
        self._access_token = self._refresh_token = self._id_token = ""
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
        self.busy = True
        self.email = email
        yield
        tokens = await self._cognito(cognito.sign_in, email, password)
        if isinstance(tokens, cognito.AuthError):
            if tokens.code == cognito.NOT_CONFIRMED:
                yield rx.redirect("/confirm")
            return
        self._signed_in(email, tokens)
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
        self.busy = True
        self.email = email
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


def _sign_up_and_in(email: str, password: str) -> cognito.Tokens | None:
    """Create the account; signed in at once when the pool confirmed it, else None (a code must be entered)."""
    return cognito.sign_in(email, password) if cognito.sign_up(email, password) else None


def _return_to(page: str | None) -> str:
    return page if page in RETURN_PAGES else "/"
