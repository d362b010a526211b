"""Signs a replay in as the recorded user (or `--as USER`) in the local user pool, never with a production secret."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from devtools import bootstrap


class UserError(Exception):
    """The replay cannot sign in as the user it needs; the message says which line and what to do."""


@dataclass
class SignIn:
    """Finds users in the local pool and gets their access tokens, once per user per replay."""

    endpoints: dict[str, Any]
    as_user: str | None = None
    create: bool = False
    _tokens: dict[str, str] = field(default_factory=dict)
    #: Recorded user id -> the local username it was replayed as (for the report).
    chosen: dict[str, str] = field(default_factory=dict)

    def _cognito(self) -> Any:
        e = self.endpoints
        return bootstrap.client("cognito-idp", e["cognito_url"], e["region"])

    def _find(self, attribute: str, value: str) -> str | None:
        users = self._cognito().list_users(
            UserPoolId=self.endpoints["user_pool_id"], Filter=f'{attribute} = "{value}"', Limit=2
        )["Users"]
        if not users:
            return None
        # Sign-in takes the email in an email-username pool; the stored Username may be the sub.
        email = next((a["Value"] for a in users[0].get("Attributes", []) if a["Name"] == "email"), None)
        return str(email or users[0]["Username"])

    def username_for(self, recorded_user: str | None, where: str) -> str:
        """The local username to sign in as for a conversation whose user was `recorded_user`."""
        if self.as_user:
            found = self._find("username", self.as_user) or self._find("email", self.as_user)
            if found:
                return found
            if not self.create:
                raise UserError(
                    f"{where}: --as {self.as_user}: no such user in the local pool; add --create-user to create it"
                )
            return self._create(self.as_user)
        if not recorded_user:
            raise UserError(f"{where}: the log does not say who the user was; replay it with --as USER")
        found = self._find("sub", recorded_user) or self._find("username", recorded_user)
        if found:
            return found
        if self.create:
            return self._create(f"replay-{recorded_user[:12]}@motivator.local")
        raise UserError(
            f"{where}: the recorded user {recorded_user} does not exist in the local user pool "
            "(deleted, or recorded elsewhere); replay with --as USER, or --create-user to create a stand-in"
        )

    def _create(self, username: str) -> str:
        e = self.endpoints
        existing = self._find("email", username)
        if existing:
            return existing
        bootstrap.create_user(e["cognito_url"], e["region"], e["user_pool_id"], username, bootstrap.generate_password())
        return self._find("email", username) or username

    def token(self, recorded_user: str | None, where: str) -> str:
        username = self.username_for(recorded_user, where)
        if recorded_user and (self.as_user or self.create):
            self.chosen[recorded_user] = username
        if username not in self._tokens:
            self._tokens[username] = self._sign_in(username)
        return self._tokens[username]

    def _sign_in(self, username: str) -> str:
        e = self.endpoints
        demo = e.get("demo_username")
        if username == demo:
            password = str(e["demo_password"])
        else:
            # A fresh password set through the local pool's admin API: the user's real one is never needed.
            password = bootstrap.generate_password()
            self._cognito().admin_set_user_password(
                UserPoolId=e["user_pool_id"], Username=username, Password=password, Permanent=True
            )
        try:
            result = bootstrap.sign_in(
                e["cognito_url"], e["region"], e["client_id"], username, password, e.get("client_secret", "")
            )
        except ClientError as exc:
            message = exc.response.get("Error", {}).get("Message", "refused")
            raise UserError(f"signing in as {username} failed: {message}") from None
        return str(result["AccessToken"])
