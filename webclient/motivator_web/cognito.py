"""Cognito user-pool calls of the web client (sign up, confirm, sign in, refresh, reset), with kind error sentences.

boto3 is blocking: callers run these functions with asyncio.to_thread. Nothing here logs a password or a token.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from motivator_web.config import settings

#: The pool's password policy (DESIGN.md section 1; devtools.bootstrap.PASSWORD_POLICY creates the local pool).
PASSWORD_RULES: tuple[tuple[str, str], ...] = (
    ("length", "At least 8 characters"),
    ("upper", "An uppercase letter"),
    ("lower", "A lowercase letter"),
    ("digit", "A number"),
)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def password_checks(password: str) -> dict[str, bool]:
    return {
        "length": len(password) >= 8,
        "upper": any(c.isupper() for c in password),
        "lower": any(c.islower() for c in password),
        "digit": any(c.isdigit() for c in password),
    }


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    #: Unix time when the access token expires.
    expires_at: float
    #: The ID token: who the person is, and their groups (`cognito:groups`, read by the /ops page's state).
    id_token: str = ""

    def __repr__(self) -> str:  # never print a token by accident
        return f"Tokens(expires_at={self.expires_at:.0f})"


class AuthError(Exception):
    """A Cognito refusal, as a sentence for the person; `code` is Cognito's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


NOT_CONFIRMED = "UserNotConfirmedException"
#: The code of an AuthError when the pool could not be reached at all (no answer, not a refusal).
UNREACHABLE = "Unreachable"

_SENTENCES = {
    "NotAuthorizedException": "That email and password don't match. Please check them and try again.",
    "UserNotFoundException": "That email and password don't match. Please check them and try again.",
    NOT_CONFIRMED: "Your account isn't confirmed yet. Enter the code we sent you.",
    "UsernameExistsException": "An account with this email already exists. Try signing in instead.",
    "InvalidPasswordException": "That password doesn't meet the rules shown below the field.",
    "CodeMismatchException": "That code isn't right. Please check it and try again.",
    "ExpiredCodeException": "That code has expired. Ask for a new one and try again.",
    "LimitExceededException": "Too many attempts for now. Please wait a few minutes and try again.",
    "TooManyRequestsException": "Too many attempts for now. Please wait a moment and try again.",
    "TooManyFailedAttemptsException": "Too many attempts for now. Please wait a few minutes and try again.",
    "InvalidParameterException": "Please check the email address and try again.",
}
_UNREACHABLE = "We couldn't reach the sign-in service. Please check your connection and try again."


def _error(exc: ClientError | BotoCoreError) -> AuthError:
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "Unknown")
        return AuthError(code, _SENTENCES.get(code, "Something went wrong while signing you in. Please try again."))
    return AuthError(UNREACHABLE, _UNREACHABLE)


@lru_cache(maxsize=1)
def _public_client() -> Any:
    """The user-pool API a browser would call: no AWS credentials, requests unsigned."""
    cfg = settings()
    return boto3.client(
        "cognito-idp",
        region_name=cfg.region,
        endpoint_url=cfg.cognito_url,
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 2, "mode": "standard"}),
    )


@lru_cache(maxsize=1)
def _admin_client() -> Any:
    """Only for auto_confirm (the local stack): signed with the process's credentials."""
    cfg = settings()
    return boto3.client("cognito-idp", region_name=cfg.region, endpoint_url=cfg.cognito_url)


def _tokens(result: dict[str, Any], refresh_token: str | None = None) -> Tokens:
    return Tokens(
        access_token=result["AccessToken"],
        refresh_token=result.get("RefreshToken") or refresh_token or "",
        expires_at=time.time() + float(result.get("ExpiresIn", 3600)),
        id_token=result.get("IdToken", ""),
    )


def sign_in(email: str, password: str) -> Tokens:
    try:
        response = _public_client().initiate_auth(
            ClientId=settings().client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from None
    if "AuthenticationResult" not in response:
        # A challenge (e.g. NEW_PASSWORD_REQUIRED) this client does not handle.
        raise AuthError("Challenge", "This account needs a step we can't do here yet. Please reset your password.")
    return _tokens(response["AuthenticationResult"])


def refresh(refresh_token: str) -> Tokens:
    try:
        response = _public_client().initiate_auth(
            ClientId=settings().client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from None
    return _tokens(response["AuthenticationResult"], refresh_token)


def sign_up(email: str, password: str) -> bool:
    """Creates the account; True when it is already confirmed (auto_confirm), False when a code must be entered."""
    cfg = settings()
    try:
        response = _public_client().sign_up(
            ClientId=cfg.client_id,
            Username=email,
            Password=password,
            UserAttributes=[{"Name": "email", "Value": email}],
        )
        if response.get("UserConfirmed"):
            return True
        if cfg.auto_confirm and cfg.user_pool_id:
            _admin_client().admin_confirm_sign_up(UserPoolId=cfg.user_pool_id, Username=email)
            return True
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from None
    return False


def confirm_sign_up(email: str, code: str) -> None:
    try:
        _public_client().confirm_sign_up(ClientId=settings().client_id, Username=email, ConfirmationCode=code)
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from None


def resend_code(email: str) -> None:
    try:
        _public_client().resend_confirmation_code(ClientId=settings().client_id, Username=email)
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from None


def forgot_password(email: str) -> None:
    try:
        _public_client().forgot_password(ClientId=settings().client_id, Username=email)
    except ClientError as exc:
        # Do not reveal whether an account exists: an unknown email looks like a sent code.
        if exc.response.get("Error", {}).get("Code") not in {"UserNotFoundException"}:
            raise _error(exc) from None
    except BotoCoreError as exc:
        raise _error(exc) from None


def confirm_forgot_password(email: str, code: str, password: str) -> None:
    try:
        _public_client().confirm_forgot_password(
            ClientId=settings().client_id, Username=email, ConfirmationCode=code, Password=password
        )
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from None
