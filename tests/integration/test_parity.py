"""Production parity: `make dev`'s fast wiring and the wiring built from the synthesized CDK templates are the same
(routes, handlers, limits, environment names, tables, user pool), and the template-driven stack is the templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from websockets.exceptions import InvalidStatus

from devtools.gateway.wiring import Wiring, default_wiring
from devtools.parity.environment import RUNTIME_VARIABLES
from devtools.stack import WIRING_FILE, LocalStack
from tests.stackclient import open_ws, token_for

#: Defined by Lambda's runtime (or by the sandbox for it), never by a template or the fast path.
_RUNTIME = set(RUNTIME_VARIABLES)


def _client(endpoints: dict[str, Any], service: str) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=endpoints["dynamodb_url"],
        region_name=endpoints["region"],
        aws_access_key_id=endpoints["aws_access_key_id"],
        aws_secret_access_key=endpoints["aws_secret_access_key"],
    )


def _template_wiring(cdk_stack: LocalStack) -> Wiring:
    return Wiring.load(cdk_stack.state_dir / WIRING_FILE)


def _routes(wiring: Wiring) -> dict[str, tuple[str, float, int]]:
    """Route (and the authorizer) -> (handler, timeout, memory)."""
    shape = {route: (f.handler, f.timeout_s, f.memory_mb) for route, f in wiring.routes.items()}
    if wiring.authorizer:
        f = wiring.authorizer.function
        shape["(authorizer)"] = (f.handler, f.timeout_s, f.memory_mb)
    return shape


def test_every_route_runs_the_same_handler_with_the_same_timeout_and_memory(cdk_stack: LocalStack) -> None:
    # Given the fast path's wiring (shared/route_table.py) and the one read from the templates
    fast, templates = default_wiring(), _template_wiring(cdk_stack)

    # Then each route reaches the same handler with the same Timeout and MemorySize, routed on the same field
    assert _routes(fast) == _routes(templates)
    assert fast.route_selection_expression == templates.route_selection_expression
    # And the authorizer asks for the same identity sources
    assert fast.authorizer and templates.authorizer
    assert fast.authorizer.identity_sources == templates.authorizer.identity_sources


def test_every_function_gets_the_environment_names_of_the_fast_path(stack: LocalStack, cdk_stack: LocalStack) -> None:
    # Given the fast path's handler environment and each template function's own
    fast = set(stack.handler_env) - _RUNTIME
    functions = _template_wiring(cdk_stack).functions()

    # Then every function reads exactly the same variables (Lambda's own aside)
    differences = {}
    for name, function in functions.items():
        names = set(function.environment) - _RUNTIME
        if names != fast:
            differences[name] = {"fast path only": sorted(fast - names), "template only": sorted(names - fast)}
    assert differences == {}


def _index_shape(index: dict[str, Any]) -> dict[str, Any]:
    return {"name": index["IndexName"], "keys": index["KeySchema"], "projection": index["Projection"]}


def _table_shape(endpoints: dict[str, Any], setting: str) -> dict[str, Any]:
    dynamodb = _client(endpoints, "dynamodb")
    name = endpoints["tables"][setting]
    table = dynamodb.describe_table(TableName=name)["Table"]
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    return {
        "keys": table["KeySchema"],
        "attributes": sorted(table["AttributeDefinitions"], key=lambda a: a["AttributeName"]),
        "indexes": sorted((_index_shape(i) for i in table.get("GlobalSecondaryIndexes", [])), key=str),
        "ttl": ttl.get("AttributeName") if ttl["TimeToLiveStatus"] == "ENABLED" else None,
        "stream": table.get("StreamSpecification", {"StreamEnabled": False}),
        "billing": table["BillingModeSummary"]["BillingMode"],
    }


def test_the_tables_have_the_same_keys_indexes_ttl_and_streams(
    endpoints: dict[str, Any], cdk_endpoints: dict[str, Any]
) -> None:
    # Given the tables each stack created, by the setting that names them
    assert set(endpoints["tables"]) == set(cdk_endpoints["tables"])

    # Then each has the same keys, indexes with their projections, TTL attribute, stream and billing
    for setting in endpoints["tables"]:
        assert _table_shape(endpoints, setting) == _table_shape(cdk_endpoints, setting), setting


#: Cognito's defaults for what a pool or client leaves unset (CreateUserPool / CreateUserPoolClient references).
_UNSET = {"AccessTokenValidity": 60, "IdTokenValidity": 60, "RefreshTokenValidity": 30 * 24 * 60}
_MINUTES = {"seconds": 1 / 60, "minutes": 1, "hours": 60, "days": 24 * 60}
_DEFAULT_UNITS = {"AccessTokenValidity": "hours", "IdTokenValidity": "hours", "RefreshTokenValidity": "days"}


def _pool_shape(endpoints: dict[str, Any]) -> dict[str, Any]:
    cognito = _client(endpoints, "cognito-idp")
    pool = cognito.describe_user_pool(UserPoolId=endpoints["user_pool_id"])["UserPool"]
    return {
        "password policy": pool["Policies"]["PasswordPolicy"],
        "sign-in": pool.get("UsernameAttributes"),
        "verified": pool.get("AutoVerifiedAttributes"),
        "username case sensitive": pool.get("UsernameConfiguration", {}).get("CaseSensitive", True),
        "account recovery": pool.get("AccountRecoverySetting"),
        "self sign-up": not pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"],
        # `sub` is always required (moto drops it from a pool created with a Schema of its own).
        "required attributes": sorted(
            a["Name"] for a in pool["SchemaAttributes"] if a.get("Required") and a["Name"] != "sub"
        ),
    }


def _client_shape(endpoints: dict[str, Any]) -> dict[str, Any]:
    cognito = _client(endpoints, "cognito-idp")
    app = cognito.describe_user_pool_client(UserPoolId=endpoints["user_pool_id"], ClientId=endpoints["client_id"])
    client = app["UserPoolClient"]
    units = client.get("TokenValidityUnits", {})
    validity = {
        key: client[key] * _MINUTES[units.get(key.removesuffix("Validity"), _DEFAULT_UNITS[key])]
        if key in client
        else unset
        for key, unset in _UNSET.items()
    }
    return {
        "auth flows": sorted(client.get("ExplicitAuthFlows", [])),
        "secret": "ClientSecret" in client,
        "token validity (minutes)": validity,
        "user existence errors": client.get("PreventUserExistenceErrors", "LEGACY"),
        "token revocation": client.get("EnableTokenRevocation", True),
    }


def test_the_user_pools_have_the_same_password_policy_and_sign_in(
    endpoints: dict[str, Any], cdk_endpoints: dict[str, Any]
) -> None:
    # Given the pool each stack created
    # Then both refuse the same passwords and sign people in the same way
    assert _pool_shape(endpoints) == _pool_shape(cdk_endpoints)


def test_the_app_clients_have_the_same_auth_flows_and_token_validity(
    endpoints: dict[str, Any], cdk_endpoints: dict[str, Any]
) -> None:
    # Given the app client each stack created
    # Then both allow the same sign-in flows and hand out tokens valid for as long
    assert _client_shape(endpoints) == _client_shape(cdk_endpoints)


def test_the_template_driven_tables_are_as_declared(cdk_stack: LocalStack, cdk_endpoints: dict[str, Any]) -> None:
    # Given every table the templates declare
    assert cdk_stack.provisioned is not None
    templates = cdk_stack.provisioned.templates
    dynamodb = _client(cdk_endpoints, "dynamodb")
    for declared in templates.resources("AWS::DynamoDB::Table"):
        props = declared.properties
        table = dynamodb.describe_table(TableName=props["TableName"])["Table"]
        ttl = dynamodb.describe_time_to_live(TableName=props["TableName"])["TimeToLiveDescription"]
        backups = dynamodb.describe_continuous_backups(TableName=props["TableName"])["ContinuousBackupsDescription"]

        # Then moto holds it with those keys, indexes, projections, TTL, encryption and recovery settings
        assert table["KeySchema"] == props["KeySchema"]
        assert table["AttributeDefinitions"] == props["AttributeDefinitions"]
        indexes = [
            {k: i[k] for k in ("IndexName", "KeySchema", "Projection")} for i in table.get("GlobalSecondaryIndexes", [])
        ]
        assert indexes == props.get("GlobalSecondaryIndexes", [])
        assert (ttl["AttributeName"], ttl["TimeToLiveStatus"]) == (
            props["TimeToLiveSpecification"]["AttributeName"],
            "ENABLED",
        )
        assert table.get("SSEDescription", {}).get("Status") == (
            "ENABLED" if props["SSESpecification"]["SSEEnabled"] else None
        )
        recovery = backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
        assert recovery == (
            "ENABLED" if props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] else "DISABLED"
        )
        assert table["DeletionProtectionEnabled"] == props["DeletionProtectionEnabled"]


def test_the_template_driven_pool_and_client_are_as_declared(
    cdk_stack: LocalStack, cdk_endpoints: dict[str, Any]
) -> None:
    # Given the pool and app client the templates declare
    assert cdk_stack.provisioned is not None
    templates = cdk_stack.provisioned.templates
    pool_props = templates.one("AWS::Cognito::UserPool").properties
    client_props = templates.one("AWS::Cognito::UserPoolClient").properties
    cognito = _client(cdk_endpoints, "cognito-idp")
    pool = cognito.describe_user_pool(UserPoolId=cdk_endpoints["user_pool_id"])["UserPool"]
    app = cognito.describe_user_pool_client(
        UserPoolId=cdk_endpoints["user_pool_id"], ClientId=cdk_endpoints["client_id"]
    )
    client = app["UserPoolClient"]

    # Then moto holds every setting as declared (moto itself enforces only the password policy)
    for key in ("Policies", "UsernameAttributes", "AutoVerifiedAttributes", "UsernameConfiguration",
                "AccountRecoverySetting", "AdminCreateUserConfig", "UserPoolTier", "DeletionProtection"):  # fmt: skip
        assert pool.get(key) == pool_props.get(key), key
    for key in ("ExplicitAuthFlows", "AccessTokenValidity", "IdTokenValidity", "RefreshTokenValidity",
                "TokenValidityUnits", "PreventUserExistenceErrors", "EnableTokenRevocation"):  # fmt: skip
        assert client.get(key) == client_props.get(key), key
    assert ("ClientSecret" in client) == client_props["GenerateSecret"]


@pytest.mark.parametrize(
    "password",
    ["Short1a", "alllowercase1", "ALLUPPERCASE1", "NoDigitsHere"],
    ids=["too short", "no upper case", "no lower case", "no digit"],
)
def test_the_template_driven_pool_refuses_passwords_its_policy_refuses(
    cdk_endpoints: dict[str, Any], password: str
) -> None:
    # Given the pool built from the template (8+ characters, upper, lower and a digit)
    cognito = _client(cdk_endpoints, "cognito-idp")

    # When someone signs up with a password that misses one rule
    with pytest.raises(ClientError) as refused:
        cognito.sign_up(ClientId=cdk_endpoints["client_id"], Username="weak@motivator.local", Password=password)

    # Then the pool refuses it
    assert refused.value.response["Error"]["Code"] == "InvalidPasswordException"


@pytest.mark.parametrize("wiring", ["stack", "cdk_stack"], ids=["fast path", "from the templates"])
async def test_a_connect_without_the_identity_source_is_refused_before_the_authorizer(
    request: pytest.FixtureRequest, wiring: str
) -> None:
    # Given a valid token, offered only as the `token` query parameter (the identity source is the Authorization
    # header)
    local: LocalStack = request.getfixturevalue(wiring)
    token = token_for(local.endpoints)
    log = Path(local.endpoints["event_log"])
    before = len(log.read_text().splitlines())

    # When a client connects that way
    with pytest.raises(InvalidStatus) as refused:
        await open_ws(local.endpoints, token, via="query")

    # Then API Gateway's own 401 answers it, and the authorizer was never invoked
    assert refused.value.response.status_code == 401
    events = [json.loads(line) for line in log.read_text().splitlines()[before:]]
    assert [e for e in events if e.get("route") == "$authorizer"] == []


def test_both_pools_have_the_operators_group_with_the_local_operator_in_it(
    endpoints: dict[str, Any], cdk_endpoints: dict[str, Any]
) -> None:
    """Given the pool each stack created (the fast path's from shared names, the other from the templates' groups),
    When the local operator signs in to each,
    Then both pools have exactly the operators group, and the operator's ID token says it belongs to it."""
    import jwt

    from devtools.bootstrap import sign_in
    from shared.dashboard import OPERATORS_GROUP

    for stack in (endpoints, cdk_endpoints):
        cognito = _client(stack, "cognito-idp")
        groups = [g["GroupName"] for g in cognito.list_groups(UserPoolId=stack["user_pool_id"])["Groups"]]
        assert groups == [OPERATORS_GROUP]
        result = sign_in(stack["cognito_url"], stack["region"], stack["client_id"], stack["operator_username"],
                         stack["operator_password"])  # fmt: skip
        claims = jwt.decode(result["IdToken"], options={"verify_signature": False})
        assert claims["cognito:groups"] == [OPERATORS_GROUP]
