"""Auth stack: email sign-in, the product's password policy, the web app client, threat protection."""

from __future__ import annotations

import pytest

from cdk.constants import AUTH_STACK

from .conftest import ENVIRONMENTS, Synth, resources_of


def _pool(synth: Synth, env: str) -> dict:
    (pool,) = resources_of(synth.stack(env, AUTH_STACK), "AWS::Cognito::UserPool").values()
    return pool["Properties"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_user_pool_signs_in_by_verified_email_with_the_password_policy(synth: Synth, env: str) -> None:
    # Given the user pool
    pool = _pool(synth, env)
    # Then users sign in by email, which is verified, under 8+ chars with upper, lower and digit
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 8,
        "RequireLowercase": True,
        "RequireUppercase": True,
        "RequireNumbers": True,
        "RequireSymbols": False,
        "TemporaryPasswordValidityDays": 3,
    }
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_web_client_is_confidential_with_the_three_flows(synth: Synth, env: str) -> None:
    # Given the app client of the web tier and the Auth stack's secret
    template = synth.stack(env, AUTH_STACK)
    ((client_id, client),) = resources_of(template, "AWS::Cognito::UserPoolClient").items()
    (secret,) = resources_of(template, "AWS::SecretsManager::Secret").values()
    props = client["Properties"]
    # Then it has a secret, kept in Secrets Manager straight from CloudFormation's attribute (never in the template),
    # and passes the person's context (IP address) on to threat protection
    assert props["GenerateSecret"] is True
    assert props["EnablePropagateAdditionalUserContextData"] is True
    assert secret["Properties"]["SecretString"] == {"Fn::GetAtt": [client_id, "ClientSecret"]}
    # and password + SRP + refresh flows and the configured access token validity
    assert set(props["ExplicitAuthFlows"]) == {
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    assert props["AccessTokenValidity"] == synth.config(env).access_token_validity_minutes == 60
    assert props["TokenValidityUnits"]["AccessToken"] == "minutes"
    assert props["PreventUserExistenceErrors"] == "ENABLED"


@pytest.mark.parametrize(
    ("env", "tier", "mode"),
    [("dev", "ESSENTIALS", None), ("staging", "PLUS", "AUDIT"), ("prod", "PLUS", "ENFORCED")],
)
def test_threat_protection_follows_the_environment(synth: Synth, env: str, tier: str, mode: str | None) -> None:
    # Given the user pool of each environment
    pool = _pool(synth, env)
    # Then its feature plan and advanced security mode are the environment's
    assert pool["UserPoolTier"] == tier
    assert pool.get("UserPoolAddOns", {}).get("AdvancedSecurityMode") == mode
