"""The DynamoDB tables and the Cognito user pool of the templates, created in moto exactly as declared.

Each CloudFormation property is either applied or named here as one the local stack deliberately skips; an
unknown property stops the stack, so a new setting in cdk/ cannot be silently missing locally.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devtools.parity.templates import Resolver, Resource, Templates, Unresolvable

#: Passed to CreateTable as they are (CloudFormation and the API name them alike).
_TABLE_AS_IS = (
    "TableName", "KeySchema", "AttributeDefinitions", "BillingMode", "ProvisionedThroughput",
    "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "TableClass",
    "DeletionProtectionEnabled", "Tags",
)  # fmt: skip
#: Applied after CreateTable, by their own calls.
_TABLE_AFTER = ("TimeToLiveSpecification", "PointInTimeRecoverySpecification", "StreamSpecification")
#: Named differently by CloudFormation: SSESpecification's SSEEnabled is the API's Enabled.
_TABLE_RENAMED = ("SSESpecification",)
#: Skipped: nothing local reads them.
_TABLE_SKIPPED = ("ContributorInsightsSpecification", "ResourcePolicy", "WarmThroughput")

#: CreateUserPool parameters that CloudFormation names alike.
_POOL_AS_IS = (
    "Policies", "AutoVerifiedAttributes", "UsernameAttributes", "AliasAttributes", "UsernameConfiguration",
    "AccountRecoverySetting", "AdminCreateUserConfig", "EmailVerificationMessage", "EmailVerificationSubject",
    "SmsVerificationMessage", "SmsAuthenticationMessage", "VerificationMessageTemplate", "UserAttributeUpdateSettings",
    "UserPoolTags", "UserPoolTier", "DeletionProtection", "MfaConfiguration", "UserPoolAddOns", "DeviceConfiguration",
    "EmailConfiguration", "SmsConfiguration", "LambdaConfig", "Schema",
)  # fmt: skip
_CLIENT_AS_IS = (
    "GenerateSecret", "RefreshTokenValidity", "AccessTokenValidity", "IdTokenValidity", "TokenValidityUnits",
    "ReadAttributes", "WriteAttributes", "ExplicitAuthFlows", "SupportedIdentityProviders", "CallbackURLs",
    "LogoutURLs", "DefaultRedirectURI", "AllowedOAuthFlows", "AllowedOAuthScopes", "AllowedOAuthFlowsUserPoolClient",
    "PreventUserExistenceErrors", "EnableTokenRevocation", "EnablePropagateAdditionalUserContextData",
    "AuthSessionValidity",
)  # fmt: skip


def _unknown(resource: Resource, known: tuple[str, ...]) -> None:
    unknown = sorted(set(resource.properties) - set(known))
    if unknown:
        raise Unresolvable(f"{resource.type} {resource.logical_id}: the local stack does not model {unknown}")


def table_requests(resource: Resource, resolver: Resolver) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """(CreateTable arguments, the calls that follow it) for one AWS::DynamoDB::Table."""
    _unknown(resource, _TABLE_AS_IS + _TABLE_AFTER + _TABLE_RENAMED + _TABLE_SKIPPED)
    props = resolver.resolve(resource.properties, resource.stack)
    if "TableName" not in props:
        raise Unresolvable(f"{resource.logical_id} has no TableName; the handlers' environment needs a literal one")
    create = {key: props[key] for key in _TABLE_AS_IS if key in props}
    name = props["TableName"]
    if "SSESpecification" in props:
        sse = dict(props["SSESpecification"])
        create["SSESpecification"] = {"Enabled": sse.pop("SSEEnabled", False), **sse}
    stream = props.get("StreamSpecification")
    if stream:
        create["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    then: list[tuple[str, dict[str, Any]]] = []
    if "TimeToLiveSpecification" in props:
        then.append(
            ("update_time_to_live", {"TableName": name, "TimeToLiveSpecification": props["TimeToLiveSpecification"]})
        )
    recovery = props.get("PointInTimeRecoverySpecification")
    if recovery:
        then.append(("update_continuous_backups", {"TableName": name, "PointInTimeRecoverySpecification": recovery}))
    return create, then


def create_tables(dynamodb: Any, templates: Templates, resolver: Resolver) -> dict[str, str]:
    """Every table of the templates; returns logical ID -> table name, and binds each for Ref and Fn::GetAtt."""
    names: dict[str, str] = {}
    for resource in templates.resources("AWS::DynamoDB::Table"):
        create, then = table_requests(resource, resolver)
        described = dynamodb.create_table(**create)["TableDescription"]
        for call, arguments in then:
            getattr(dynamodb, call)(**arguments)
        resolver.bind(
            resource, create["TableName"], Arn=described["TableArn"], StreamArn=described.get("LatestStreamArn", "")
        )
        names[resource.logical_id] = create["TableName"]
    return names


@dataclass(frozen=True)
class UserPool:
    pool_id: str
    client_id: str
    client_secret: str = ""


def _pool_request(resource: Resource, resolver: Resolver) -> dict[str, Any]:
    _unknown(resource, (*_POOL_AS_IS, "UserPoolName"))
    props = resolver.resolve(resource.properties, resource.stack)
    request = {key: props[key] for key in _POOL_AS_IS if key in props}
    request["PoolName"] = props.get("UserPoolName") or f"{resource.stack}-{resource.logical_id}"
    return request


def create_user_pool(cognito: Any, templates: Templates, resolver: Resolver) -> UserPool:
    """The one user pool and its one app client, bound for Ref and Fn::GetAtt."""
    pool_resource = templates.one("AWS::Cognito::UserPool")
    pool = cognito.create_user_pool(**_pool_request(pool_resource, resolver))["UserPool"]
    resolver.bind(pool_resource, pool["Id"], Arn=pool["Arn"], ProviderName=pool["Id"], UserPoolId=pool["Id"])
    client_resource = templates.one("AWS::Cognito::UserPoolClient")
    _unknown(client_resource, (*_CLIENT_AS_IS, "UserPoolId", "ClientName"))
    props = resolver.resolve(client_resource.properties, client_resource.stack)
    client = cognito.create_user_pool_client(
        UserPoolId=props["UserPoolId"],
        ClientName=props.get("ClientName") or f"{client_resource.stack}-{client_resource.logical_id}",
        **{key: props[key] for key in _CLIENT_AS_IS if key in props},
    )["UserPoolClient"]
    resolver.bind(client_resource, client["ClientId"], ClientId=client["ClientId"])
    for group in templates.resources("AWS::Cognito::UserPoolGroup"):
        _unknown(group, ("UserPoolId", "GroupName", "Description"))
        declared = resolver.resolve(group.properties, group.stack)
        cognito.create_group(
            **{key: declared[key] for key in ("UserPoolId", "GroupName", "Description") if key in declared}
        )
    return UserPool(pool["Id"], client["ClientId"], client.get("ClientSecret", ""))
