"""The web client's configuration: MOTIVATOR_* variables set by `motivator dev` locally and by the container in AWS."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

NonEmpty = Annotated[str, Field(min_length=1)]


class WebSettings(BaseSettings):
    """Where the gateway and the user pool are; validated on first use, not at import (the image build has none)."""

    model_config = SettingsConfigDict(env_prefix="MOTIVATOR_", case_sensitive=False, extra="ignore", frozen=True)

    #: The gateway's WebSocket URL (wss://{api}.execute-api.{region}.amazonaws.com/{stage} in AWS).
    ws_url: NonEmpty
    #: The Cognito app client of the web tier: confidential, so Cognito accepts the person's IP (UserContextData).
    client_id: NonEmpty
    #: Its secret (Secrets Manager through ECS in AWS; the local pool's locally). None: a public client.
    client_secret: str | None = None
    region: NonEmpty
    #: The REST API's base URL (https://{api}.execute-api.{region}.amazonaws.com in AWS): exporting and deleting the
    #: account, and the landing page's verse of the day. Without it the settings offer neither and the landing page
    #: shows no verse.
    http_api_url: str | None = None
    #: Set only when Cognito lives elsewhere than AWS (the moto server of the local stack).
    cognito_url: str | None = None
    #: Needed only with auto_confirm.
    user_pool_id: str | None = None
    #: Confirm new accounts right after sign-up with AdminConfirmSignUp (the local stack, where no email is sent).
    #: Needs admin credentials, so it stays off in AWS, where Cognito emails the code.
    auto_confirm: bool = False
    #: Refresh the access token when it has less than this many seconds left.
    refresh_margin_s: Annotated[float, Field(ge=10)] = 300.0
    #: Reconnect backoff: first delay and ceiling, in seconds.
    reconnect_initial_s: Annotated[float, Field(gt=0)] = 0.5
    reconnect_max_s: Annotated[float, Field(gt=0)] = 15.0
    #: The local stack's handler log (EMF lines) the /ops page reads; unset in AWS, where operators open the
    #: CloudWatch dashboard the same definition draws (shared/dashboard.py).
    ops_log: str | None = None
    #: The alarm thresholds of shared.dashboard.Thresholds that cdk.json sets for the environment shown on /ops.
    ops_thresholds: dict[str, int] = Field(default_factory=dict)


#: Reflex's own variable for its state manager's Redis (the shared cache in AWS, an ECS secret): the web client's
#: throttle and sign-in cookie codes use the same cache (throttle.py, session.py); the Web stack sets it.
REDIS_URL_VARIABLE = "REFLEX_REDIS_URL"

#: Field -> the environment variable it is read from: the one list of names the ECS task definition (CDK) and
#: `motivator dev` (devtools/web.py) give the web client.
ENV_NAMES: dict[str, str] = {
    name: f"{WebSettings.model_config.get('env_prefix', '')}{name}".upper() for name in WebSettings.model_fields
}


def environment(**values: str) -> dict[str, str]:
    """The environment that makes WebSettings read `values` (field name -> value); an unknown field raises."""
    unknown = sorted(set(values) - set(ENV_NAMES))
    if unknown:
        raise ValueError(f"WebSettings has no field {', '.join(unknown)}")
    return {ENV_NAMES[name]: value for name, value in values.items()}


@lru_cache(maxsize=1)
def settings() -> WebSettings:
    return WebSettings()  # type: ignore[call-arg]  # fields come from the environment
