"""The handler environment of the local stack: which variables it may change, whichever wiring runs the handlers.

A handler's environment locally is its template's (or, on the fast path, the same names) with three kinds of
additions and nothing else: the loopback endpoint URLs, what Lambda's runtime defines, and the variables that
stand for a service this machine does not run.
"""

from __future__ import annotations

from typing import Any

from shared.metric_names import NAMESPACE, SERVICE
from shared.settings import Settings, env_names

#: Settings field -> environment variable, from the settings model itself (as cdk/stacks/chat_api.py reads it).
SETTINGS_ENV: dict[str, str] = dict(zip(Settings.model_fields, env_names(), strict=True))

#: Endpoint URLs: the only values of a template's environment the local stack overrides (or adds).
ENDPOINT_VARIABLES: tuple[str, ...] = tuple(
    SETTINGS_ENV[field]
    for field in (
        "connections_endpoint_url",
        "dynamodb_endpoint_url",
        "bedrock_endpoint_url",
        "jwks_url",
        "cognito_endpoint_url",
    )
)

#: Defined by Lambda from the function's region and role session, never by the template.
RUNTIME_VARIABLES = (
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
)

#: Stand-ins for what this machine lacks: no X-Ray daemon, so Powertools must not trace.
LOCAL_ONLY: dict[str, str] = {"POWERTOOLS_TRACE_DISABLED": "true"}


def runtime_credentials(region: str, access_key_id: str, secret_access_key: str, token: str | None) -> dict[str, str]:
    """The variables Lambda defines for a function running in `region` with this role session."""
    variables = {
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ACCESS_KEY_ID": access_key_id,
        "AWS_SECRET_ACCESS_KEY": secret_access_key,
    }
    if token:
        variables["AWS_SESSION_TOKEN"] = token
    return variables


def default_handler_env(endpoints: dict[str, Any], connections_url: str, extra: dict[str, str]) -> dict[str, str]:
    """The fast path's handler environment: the names the templates give each function (the parity test holds
    them to it), endpoint URLs on loopback, and what Lambda's runtime would define."""
    return {
        **runtime_credentials(
            endpoints["region"], endpoints["aws_access_key_id"], endpoints["aws_secret_access_key"], None
        ),
        **{SETTINGS_ENV[setting]: name for setting, name in endpoints["tables"].items()},
        SETTINGS_ENV["cognito_user_pool_id"]: endpoints["user_pool_id"],
        SETTINGS_ENV["cognito_client_id"]: endpoints["client_id"],
        SETTINGS_ENV["bedrock_model_id"]: str(Settings.model_fields["bedrock_model_id"].default),
        SETTINGS_ENV["conversation_retention_days"]: str(Settings.model_fields["conversation_retention_days"].default),
        # As cdk.json's dev environment leaves it: the settings model's default.
        SETTINGS_ENV["daily_message_allowance"]: str(Settings.model_fields["daily_message_allowance"].default),
        SETTINGS_ENV["jwks_url"]: endpoints["jwks_url"],
        SETTINGS_ENV["connections_endpoint_url"]: connections_url,
        SETTINGS_ENV["dynamodb_endpoint_url"]: endpoints["dynamodb_url"],
        SETTINGS_ENV["bedrock_endpoint_url"]: endpoints["bedrock_url"],
        SETTINGS_ENV["cognito_endpoint_url"]: endpoints["cognito_url"],
        "POWERTOOLS_SERVICE_NAME": SERVICE,
        "POWERTOOLS_METRICS_NAMESPACE": NAMESPACE,
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
        **LOCAL_ONLY,
        **extra,
    }
