"""Auth stack: the Cognito user pool and the web client's app client."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from constructs import Construct

from cdk.components.user_pool import ChatUserPool
from cdk.config import EnvironmentConfig, ThreatProtection
from cdk.nag import suppress


class AuthStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: EnvironmentConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.pool = ChatUserPool(
            self,
            "Users",
            access_token_validity=Duration.minutes(config.access_token_validity_minutes),
            threat_protection=config.threat_protection,
            retain=config.retain_data,
            email_from=config.email_from,
        )
        CfnOutput(self, "UserPoolId", value=self.pool.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.pool.client.user_pool_client_id)
        suppress(
            self.pool.user_pool,
            "AwsSolutions-COG2",
            "Product decision: a free encouragement chat asks for email and password only; MFA would turn "
            "away the people it is for. Email is verified and the password policy is enforced.",
        )
        suppress(
            self.pool.user_pool,
            "AwsSolutions-COG1",
            "The product's password policy is 8+ characters with upper case, lower case and a digit (DESIGN.md); "
            "symbols are not required (NIST SP 800-63B advises against composition rules).",
        )
        if config.threat_protection is ThreatProtection.OFF:
            suppress(
                self.pool.user_pool,
                "AwsSolutions-COG8",
                f"{config.name} runs on the Essentials plan without threat protection to keep its cost at zero; "
                "staging audits and prod enforces threat protection on the Plus plan.",
            )
