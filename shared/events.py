"""API Gateway WebSocket events as the handlers receive them: the Powertools models plus the authorizer block."""

from __future__ import annotations

from typing import Any, Literal

from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayWebSocketConnectEventModel,
    APIGatewayWebSocketConnectEventRequestContext,
    APIGatewayWebSocketDisconnectEventModel,
    APIGatewayWebSocketDisconnectEventRequestContext,
    APIGatewayWebSocketMessageEventModel,
    APIGatewayWebSocketMessageEventRequestContext,
)
from pydantic import BaseModel, Field


class _WithAuthorizer(BaseModel):
    #: principalId and the authorizer's context keys (strings), present on connections we authorized.
    authorizer: dict[str, Any] | None = None

    @property
    def user_id(self) -> str | None:
        if not self.authorizer:
            return None
        value = self.authorizer.get("userId") or self.authorizer.get("principalId")
        return str(value) if value else None


class ConnectContext(APIGatewayWebSocketConnectEventRequestContext, _WithAuthorizer):
    pass


class MessageContext(APIGatewayWebSocketMessageEventRequestContext, _WithAuthorizer):
    pass


class DisconnectContext(APIGatewayWebSocketDisconnectEventRequestContext, _WithAuthorizer):
    pass


class ConnectEvent(APIGatewayWebSocketConnectEventModel):
    request_context: ConnectContext = Field(alias="requestContext")
    query_string_parameters: dict[str, str] | None = Field(default=None, alias="queryStringParameters")


class MessageEvent(APIGatewayWebSocketMessageEventModel):
    request_context: MessageContext = Field(alias="requestContext")
    body: str | None = Field(default=None, alias="body")


class DisconnectEvent(APIGatewayWebSocketDisconnectEventModel):
    request_context: DisconnectContext = Field(alias="requestContext")


class AuthorizerEvent(APIGatewayWebSocketConnectEventModel):
    """The REQUEST authorizer's event: the $connect event plus type, methodArn and query maps."""

    type: Literal["REQUEST"]
    method_arn: str = Field(alias="methodArn")
    query_string_parameters: dict[str, str] | None = Field(default=None, alias="queryStringParameters")
    is_base64_encoded: bool = Field(default=False, alias="isBase64Encoded")

    def header(self, name: str) -> str | None:
        """A request header by case-insensitive name, as API Gateway headers keep the client's casing."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)
