"""The Cognito user pool (email sign-in) and the web client's app client."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, SecretValue
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from cdk.config import ThreatProtection
from cdk.constants import APP_NAME
from cdk.constants import USER_POOL_POLICY as POLICY
from cdk.nag import suppress
from shared.dashboard import OPERATORS_GROUP

_THREAT_MODES = {
    ThreatProtection.OFF: (cognito.FeaturePlan.ESSENTIALS, None),
    ThreatProtection.AUDIT: (cognito.FeaturePlan.PLUS, cognito.StandardThreatProtectionMode.AUDIT_ONLY),
    ThreatProtection.ENFORCED: (cognito.FeaturePlan.PLUS, cognito.StandardThreatProtectionMode.FULL_FUNCTION),
}


class ChatUserPool(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        access_token_validity: Duration,
        threat_protection: ThreatProtection,
        retain: bool,
        email_from: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        feature_plan, threat_mode = _THREAT_MODES[threat_protection]
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            sign_in_aliases=cognito.SignInAliases(email=True, username=False),
            sign_in_case_sensitive=POLICY.sign_in_case_sensitive,
            self_sign_up_enabled=True,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            keep_original=cognito.KeepOriginalAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=POLICY.email_required, mutable=True)
            ),
            password_policy=cognito.PasswordPolicy(
                min_length=POLICY.min_length,
                require_lowercase=POLICY.require_lowercase,
                require_uppercase=POLICY.require_uppercase,
                require_digits=POLICY.require_digits,
                require_symbols=POLICY.require_symbols,
                temp_password_validity=Duration.days(POLICY.temp_password_validity_days),
            ),
            account_recovery=(
                cognito.AccountRecovery.EMAIL_ONLY
                if POLICY.recovery_by_email_only
                else cognito.AccountRecovery.EMAIL_AND_PHONE_WITHOUT_MFA
            ),
            # SES (the address must be a verified SES identity in this region); Cognito's own sender otherwise.
            email=cognito.UserPoolEmail.with_ses(from_email=email_from, from_name=APP_NAME) if email_from else None,
            feature_plan=feature_plan,
            standard_threat_protection_mode=threat_mode,
            deletion_protection=retain,
            removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
        )
        # Members may open the web client's /ops page (the page checks the ID token's cognito:groups).
        self.operators = cognito.CfnUserPoolGroup(
            self, "Operators", user_pool_id=self.user_pool.user_pool_id, group_name=OPERATORS_GROUP,
            description="May open the ops dashboard",
        )  # fmt: skip
        self.client = self.user_pool.add_client(
            "WebClient",
            # Confidential: the Reflex server signs in for the browser, and only a client with a secret may pass the
            # person's IP address to threat protection (UserContextData, EnablePropagateAdditionalUserContextData).
            generate_secret=POLICY.web_client_has_secret,
            enable_propagate_additional_user_context_data=POLICY.web_client_has_secret,
            # USER_PASSWORD_AUTH for the web tier, the CLI and tests, SRP kept for other clients; refresh always.
            auth_flows=cognito.AuthFlow(user_password=True, user_srp=True),
            access_token_validity=access_token_validity,
            id_token_validity=access_token_validity,
            refresh_token_validity=Duration.days(POLICY.refresh_token_validity_days),
            prevent_user_existence_errors=POLICY.prevent_user_existence_errors,
            enable_token_revocation=True,
        )
        # CloudFormation returns the generated secret as an attribute; the template holds only that reference.
        cfn_client = self.client.node.default_child
        assert isinstance(cfn_client, cognito.CfnUserPoolClient)
        self.client_secret = secretsmanager.Secret(
            self,
            "WebClientSecret",
            description="Motivator web tier: the Cognito app client's secret (SECRET_HASH)",
            secret_string_value=SecretValue.resource_attribute(cfn_client.attr_client_secret),
            removal_policy=RemovalPolicy.DESTROY,
        )
        suppress(
            self.client_secret,
            "AwsSolutions-SMG4",
            "Cognito generates the app client secret and CloudFormation cannot rotate it in place; rotating it means "
            "a new app client (a deployment), after which this secret follows the new client's.",
        )
