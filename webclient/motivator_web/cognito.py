"""Cognito user-pool calls of the web client (sign up, confirm, sign in, refresh, reset), with kind error sentences.

The web tier's app client is confidential: every call carries SECRET_HASH, and the person's IP address goes along as
UserContextData so threat protection sees them, not the task's NAT address (docs/security.md: Sign-in). boto3 is
blocking: callers run these functions with asyncio.to_thread. Nothing here logs a password or a token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
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
    #: The pool's name for the person (the access token's `username` claim): a refresh's SECRET_HASH is over it.
    username: str = ""
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
#: Refusals that mean a wrong email or password (what sign-in throttling counts).
WRONG_CREDENTIALS = frozenset({"NotAuthorizedException", "UserNotFoundException"})
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


def pool_username(access_token: str) -> str:
    """The `username` claim of a Cognito access token (read, not verified: Cognito just handed it to us)."""
    try:
        payload = access_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return ""
    return str(claims.get("username", "")) if isinstance(claims, dict) else ""


def _tokens(result: dict[str, Any], refresh_token: str | None = None) -> Tokens:
    return Tokens(
        access_token=result["AccessToken"],
        refresh_token=result.get("RefreshToken") or refresh_token or "",
        expires_at=time.time() + float(result.get("ExpiresIn", 3600)),
        username=pool_username(result["AccessToken"]),
        id_token=result.get("IdToken", ""),
    )


def secret_hash(username: str) -> str | None:
    """SECRET_HASH for the confidential client: Base64(HMAC-SHA256(client secret, username + client id))."""
    cfg = settings()
    if not cfg.client_secret:
        return None
    digest = hmac.new(cfg.client_secret.encode(), (username + cfg.client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _identify(username: str, ip: str) -> dict[str, Any]:
    """ClientId, SecretHash and UserContextData for the calls that take them (SignUp, ConfirmSignUp, ForgotPassword…).

    Only the IP address is sent: EncodedData (the device fingerprint) comes from Amazon's JavaScript collector, which
    cannot be bundled offline and needs eval(); Cognito then judges risk on the IP and the account's history."""
    extra: dict[str, Any] = {"ClientId": settings().client_id}
    if (hashed := secret_hash(username)) is not None:
        extra["SecretHash"] = hashed
    if ip:
        extra["UserContextData"] = {"IpAddress": ip}
    return extra


def _initiate(flow: str, parameters: dict[str, str], hash_over: str, ip: str) -> dict[str, Any]:
    """InitiateAuth with SECRET_HASH in the parameters (where that flow wants it) and the person's context."""
    call = _identify(hash_over, ip)
    if "SecretHash" in call:
        parameters = {**parameters, "SECRET_HASH": call.pop("SecretHash")}
    response: dict[str, Any] = _public_client().initiate_auth(AuthFlow=flow, AuthParameters=parameters, **call)
    return response


def sign_in(email: str, password: str, ip: str = "") -> Tokens:
    try:
        response = _initiate("USER_PASSWORD_AUTH", {"USERNAME": email, "PASSWORD": password}, email, ip)
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from None
    if "AuthenticationResult" not in response:
        # A challenge (e.g. NEW_PASSWORD_REQUIRED) this client does not handle.
        raise AuthError("Challenge", "This account needs a step we can't do here yet. Please reset your password.")
    return _tokens(response["AuthenticationResult"])


def refresh(refresh_token: str, username: str = "", ip: str = "") -> Tokens:
    """New tokens; `username` is the pool's name for the person (Tokens.username), which the SECRET_HASH is over."""
    try:
        response = _initiate("REFRESH_TOKEN_AUTH", {"REFRESH_TOKEN": refresh_token}, username, ip)
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from None
    return _tokens(response["AuthenticationResult"], refresh_token)


def sign_out(access_token: str) -> None:
    """GlobalSignOut: every refresh token of the person stops working (their other tabs and devices sign out too;
    moto has no RevokeToken, and one call that works everywhere keeps the two paths one)."""
    try:
        _public_client().global_sign_out(AccessToken=access_token)
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from None


def sign_up(email: str, password: str, ip: str = "") -> bool:
    """Creates the account; True when it is already confirmed (auto_confirm), False when a code must be entered."""
    cfg = settings()
    try:
        response = _public_client().sign_up(
            Username=email,
            Password=password,
            UserAttributes=[{"Name": "email", "Value": email}],
            **_identify(email, ip),
        )
        if response.get("UserConfirmed"):
            return True
        if cfg.auto_confirm and cfg.user_pool_id:
            _admin_client().admin_confirm_sign_up(UserPoolId=cfg.user_pool_id, Username=email)
            return True
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from None
    return False


def confirm_sign_up(email: str, code: str, ip: str = "") -> None:
    try:
        _public_client().confirm_sign_up(Username=email, ConfirmationCode=code, **_identify(email, ip))
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from None


def resend_code(email: str, ip: str = "") -> None:
    try:
        _public_client().resend_confirmation_code(Username=email, **_identify(email, ip))
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from None


def forgot_password(email: str, ip: str = "") -> None:
    try:
        _public_client().forgot_password(Username=email, **_identify(email, ip))
    except ClientError as exc:
        # Do not reveal whether an account exists: an unknown email looks like a sent code.
        if exc.response.get("Error", {}).get("Code") not in {"UserNotFoundException"}:
            raise _error(exc) from None
    except BotoCoreError as exc:
        raise _error(exc) from None


def confirm_forgot_password(email: str, code: str, password: str, ip: str = "") -> None:
    try:
        _public_client().confirm_forgot_password(
            Username=email, ConfirmationCode=code, Password=password, **_identify(email, ip)
        )
    except (ClientError, BotoCoreError) as exc:
        raise _error(exc) from None
