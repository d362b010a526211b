"""Handler configuration: one pydantic model read from the environment and validated at cold start."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import Field, HttpUrl, computed_field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared import limits

NonEmpty = Annotated[str, Field(min_length=1)]


class Settings(BaseSettings):
    """Every variable a handler reads. CDK sets them in AWS; `motivator dev` sets them locally."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", frozen=True)

    aws_region: NonEmpty = Field(validation_alias="AWS_REGION")

    # DynamoDB tables (definitions in shared.tables).
    connections_table: NonEmpty
    conversations_table: NonEmpty
    rate_limit_table: NonEmpty
    idempotency_table: NonEmpty

    # Cognito: the authorizer checks tokens against this pool and app client.
    cognito_user_pool_id: NonEmpty
    cognito_client_id: NonEmpty
    #: Where the JWKS is fetched from. In AWS it follows from the pool; locally it is the moto server.
    jwks_url: HttpUrl | None = None

    # The @connections management API of this stage, e.g. https://{api}.execute-api.{region}.amazonaws.com/prod
    connections_endpoint_url: HttpUrl

    # Bedrock.
    bedrock_model_id: NonEmpty = "anthropic.claude-3-haiku-20240307-v1:0"
    bedrock_guardrail_id: str | None = None
    bedrock_guardrail_version: str = "DRAFT"
    bedrock_max_tokens: Annotated[int, Field(ge=16, le=4096)] = 400
    bedrock_temperature: Annotated[float, Field(ge=0.0, le=1.0)] = 0.7
    #: The model must produce its first token within this budget, or the offline composer answers.
    model_first_token_budget_s: Annotated[float, Field(gt=0, le=60)] = 8.0
    #: Bedrock calls per turn, the first one included (botocore's `total_max_attempts`): 4 means 1 call + 3 retries.
    model_total_attempts: Annotated[int, Field(ge=1, le=10)] = 4
    context_turns: Annotated[int, Field(ge=0, le=20)] = 6

    #: Days a conversation is kept (the TTL every item of it carries); CDK sets it from `conversationRetentionDays`.
    conversation_retention_days: Annotated[int, Field(ge=1, le=3650)] = limits.CONVERSATION_RETENTION_DAYS

    # Optional endpoint overrides: set only when AWS parts live elsewhere (the local stack on loopback).
    dynamodb_endpoint_url: HttpUrl | None = None
    bedrock_endpoint_url: HttpUrl | None = None
    cognito_endpoint_url: HttpUrl | None = None

    # Rate limit (token bucket per user).
    rate_limit_burst: Annotated[int, Field(ge=1)] = 5
    rate_limit_per_minute: Annotated[float, Field(gt=0)] = 10.0
    #: Messages a person may send a UTC day beyond the burst limit (shared.allowance); crises never count; 0: off.
    daily_message_allowance: Annotated[int, Field(ge=0)] = 50

    #: Log inbound message text in the event record (never by default; replay notes redactions).
    log_message_text: bool = False

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cognito_issuer(self) -> str:
        return cognito_issuer(self.aws_region, self.cognito_user_pool_id)

    @property
    def jwks_location(self) -> str:
        return str(self.jwks_url) if self.jwks_url else f"{self.cognito_issuer}/.well-known/jwks.json"


def cognito_issuer(region: str, user_pool_id: str) -> str:
    """The `iss` of a Cognito user pool's tokens (the $connect authorizer and the REST JWT authorizer check it)."""
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this container, read once; raises pydantic.ValidationError naming what is missing."""
    return Settings()  # type: ignore[call-arg]  # read from the environment


def env_names() -> list[str]:
    """The environment variable names Settings reads (for CDK wiring and the local supervisor)."""
    names = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.append(alias.upper() if isinstance(alias, str) else name.upper())
    return names
