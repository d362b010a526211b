"""boto3 clients, created once per container (Lambda) or process (local stack) and injected everywhere."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from shared.settings import Settings, get_settings

if TYPE_CHECKING:
    from mypy_boto3_apigatewaymanagementapi import ApiGatewayManagementApiClient
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBServiceResource

#: Connections each client keeps open for reuse. A Lambda container runs one invocation at a time and uses a few;
#: a process that runs many handlers at once (the local gateway, a worker) shares one client between them all, and
#: botocore's default of 10 would open and drop a connection for most calls (each a new TCP handshake, and a new
#: thread in the local @connections server). Connections are only opened when needed, so this costs Lambda nothing.
POOL_CONNECTIONS = 256
_POSTER_CONFIG = Config(
    connect_timeout=2,
    read_timeout=5,
    retries={"mode": "standard", "max_attempts": 3},
    max_pool_connections=POOL_CONNECTIONS,
)


def _url(value: Any) -> str | None:
    return str(value).rstrip("/") if value else None


@lru_cache(maxsize=1)
def dynamodb(settings: Settings | None = None) -> DynamoDBServiceResource:
    settings = settings or get_settings()
    return boto3.resource(
        "dynamodb",
        region_name=settings.aws_region,
        endpoint_url=_url(settings.dynamodb_endpoint_url),
        config=Config(max_pool_connections=POOL_CONNECTIONS),
    )


@lru_cache(maxsize=1)
def management_api(settings: Settings | None = None) -> ApiGatewayManagementApiClient:
    settings = settings or get_settings()
    return boto3.client(
        "apigatewaymanagementapi",
        region_name=settings.aws_region,
        endpoint_url=_url(settings.connections_endpoint_url),
        config=_POSTER_CONFIG,
    )


@lru_cache(maxsize=1)
def cognito_idp(settings: Settings | None = None) -> CognitoIdentityProviderClient:
    settings = settings or get_settings()
    return boto3.client(
        "cognito-idp", region_name=settings.aws_region, endpoint_url=_url(settings.cognito_endpoint_url)
    )


@lru_cache(maxsize=1)
def bedrock_runtime(settings: Settings | None = None) -> BedrockRuntimeClient:
    settings = settings or get_settings()
    config = Config(
        connect_timeout=2,
        read_timeout=max(10, int(settings.model_first_token_budget_s) + 5),
        # `total_max_attempts` counts every call; `max_attempts` would count retries only (one call more).
        retries={"mode": "standard", "total_max_attempts": settings.model_total_attempts},
        max_pool_connections=POOL_CONNECTIONS,
    )
    return boto3.client(
        "bedrock-runtime",
        region_name=settings.aws_region,
        endpoint_url=_url(settings.bedrock_endpoint_url),
        config=config,
    )
