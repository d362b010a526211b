"""Account stack (one per account and region the environments deploy to): API Gateway's account-wide settings."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from constructs import Construct

from cdk.components.websocket_api import ApiGatewayAccountLogging


class AccountStack(Stack):
    """API Gateway's CloudWatch Logs role is a setting of the account and region, not of one API: declared here
    once, deployed before any environment whose WebSocket stage writes access logs (a stage cannot enable them
    until the role is set)."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.logging = ApiGatewayAccountLogging(self, "ApiGatewayAccountLogging")
