"""Creates the DynamoDB tables and the Cognito user pool (with a confirmed demo user) on the local moto server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from typing import Any

import boto3

from cdk.constants import USER_POOL_POLICY as POOL
from shared.dashboard import OPERATORS_GROUP
from shared.tables import ALL_TABLES, TableDefinition

LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
DEMO_USERNAME = "demo@motivator.local"
#: A member of the operators group (the pool's, as cdk/components/user_pool.py declares it): may open /ops.
OPERATOR_USERNAME = "operator@motivator.local"
#: The pool's password policy, as CDK declares it (cdk.constants.USER_POOL_POLICY, DESIGN.md section 1).
PASSWORD_POLICY = {
    "MinimumLength": POOL.min_length,
    "RequireUppercase": POOL.require_uppercase,
    "RequireLowercase": POOL.require_lowercase,
    "RequireNumbers": POOL.require_digits,
    "RequireSymbols": POOL.require_symbols,
    "TemporaryPasswordValidityDays": POOL.temp_password_validity_days,
}


@dataclass(frozen=True)
class Bootstrapped:
    tables: dict[str, str]
    user_pool_id: str
    client_id: str
    #: The web tier's app client is confidential (cdk.constants.USER_POOL_POLICY.web_client_has_secret).
    client_secret: str
    demo_username: str
    demo_password: str
    operator_username: str = OPERATOR_USERNAME
    operator_password: str = ""


def table_name(definition: TableDefinition, prefix: str) -> str:
    return f"{prefix}-{definition.logical_name.lower()}"


def client(service: str, endpoint_url: str, region: str) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"],
        aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"],
    )


def generate_password() -> str:
    """A fresh password meeting the pool policy; the demo password is never stored in the repository."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(14))
    return f"Dm{core}7x"


def create_tables(endpoint_url: str, region: str, prefix: str) -> dict[str, str]:
    dynamodb = client("dynamodb", endpoint_url, region)
    names: dict[str, str] = {}
    existing = set(dynamodb.list_tables().get("TableNames", []))
    for definition in ALL_TABLES:
        name = table_name(definition, prefix)
        names[definition.setting] = name
        if name in existing:
            continue
        dynamodb.create_table(**definition.create_table_kwargs(name))
        if definition.ttl_attribute:
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": definition.ttl_attribute},
            )
    return names


def create_user_pool(endpoint_url: str, region: str, prefix: str) -> tuple[str, str, str]:
    """The pool and the web tier's app client as CDK declares them: (pool id, client id, client secret or "")."""
    cognito = client("cognito-idp", endpoint_url, region)
    pool = cognito.create_user_pool(
        PoolName=f"{prefix}-users",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Policies={"PasswordPolicy": PASSWORD_POLICY},
        UsernameConfiguration={"CaseSensitive": POOL.sign_in_case_sensitive},
        AccountRecoverySetting={
            "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}] if POOL.recovery_by_email_only else []
        },
        Schema=[{"Name": "email", "AttributeDataType": "String", "Required": POOL.email_required, "Mutable": True}],
    )["UserPool"]
    app = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=f"{prefix}-web",
        GenerateSecret=POOL.web_client_has_secret,
        EnablePropagateAdditionalUserContextData=POOL.web_client_has_secret,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED" if POOL.prevent_user_existence_errors else "LEGACY",
    )["UserPoolClient"]
    return pool["Id"], app["ClientId"], app.get("ClientSecret", "")


def create_user(endpoint_url: str, region: str, pool_id: str, username: str, password: str) -> None:
    """A confirmed user with a verified email and a permanent password."""
    cognito = client("cognito-idp", endpoint_url, region)
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[{"Name": "email", "Value": username}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)


def create_groups(endpoint_url: str, region: str, pool_id: str) -> None:
    """The pool's groups as cdk/components/user_pool.py declares them: the operators group."""
    cognito = client("cognito-idp", endpoint_url, region)
    cognito.create_group(UserPoolId=pool_id, GroupName=OPERATORS_GROUP, Description="May open the ops dashboard")


def create_operator(endpoint_url: str, region: str, pool_id: str) -> str:
    """OPERATOR_USERNAME, a member of the operators group; returns the operator's fresh password."""
    password = generate_password()
    create_user(endpoint_url, region, pool_id, OPERATOR_USERNAME, password)
    cognito = client("cognito-idp", endpoint_url, region)
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=OPERATOR_USERNAME, GroupName=OPERATORS_GROUP)
    return password


def bootstrap(endpoint_url: str, region: str, prefix: str = "motivator-local") -> Bootstrapped:
    tables = create_tables(endpoint_url, region, prefix)
    pool_id, client_id, client_secret = create_user_pool(endpoint_url, region, prefix)
    password = generate_password()
    create_user(endpoint_url, region, pool_id, DEMO_USERNAME, password)
    create_groups(endpoint_url, region, pool_id)
    operator_password = create_operator(endpoint_url, region, pool_id)
    return Bootstrapped(
        tables, pool_id, client_id, client_secret, DEMO_USERNAME, password, OPERATOR_USERNAME, operator_password
    )


def secret_hash(client_secret: str, client_id: str, username: str) -> str:
    """Cognito's SECRET_HASH: Base64(HMAC-SHA256(key=client secret, message=username + client id))."""
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def sign_in(
    cognito_url: str, region: str, client_id: str, username: str, password: str, client_secret: str = ""
) -> dict[str, Any]:
    """USER_PASSWORD_AUTH against the pool (with SECRET_HASH for a confidential client); returns the tokens."""
    cognito = client("cognito-idp", cognito_url, region)
    parameters = {"USERNAME": username, "PASSWORD": password}
    if client_secret:
        parameters["SECRET_HASH"] = secret_hash(client_secret, client_id, username)
    response = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters)
    result: dict[str, Any] = response["AuthenticationResult"]
    return result
