"""Each function's execution role, created in moto's IAM from its template, and the role session Lambda would
give the function; plus the developer's own administrator user, as an AWS profile would be."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from devtools.parity.api import TemplateApi, TemplateFunction
from devtools.parity.iam import Principal, check_supported
from devtools.parity.templates import Resolver

POLICY_VERSION = "2012-10-17"
#: The name of each role's inline policy (the template's AWS::IAM::Policy resources, merged).
POLICY_NAME = "template-policy"
ADMIN_USER = "local-developer"


def resolved_statements(function: TemplateFunction, resolver: Resolver) -> tuple[dict[str, Any], ...]:
    statements = tuple(resolver.resolve(dict(s), function.role.stack) for s in function.statements)
    check_supported(statements)
    return statements


def create_role_session(iam: Any, sts: Any, function: TemplateFunction, resolver: Resolver) -> Principal:
    """The role with its inline policy, then AssumeRole: the keys the function runs with."""
    trust = resolver.resolve(function.role.properties["AssumeRolePolicyDocument"], function.role.stack)
    role = iam.create_role(RoleName=function.role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    resolver.bind(function.role, function.role_name, Arn=role["Arn"], RoleId=role["RoleId"])
    statements = resolved_statements(function, resolver)
    put_statements(iam, function, list(statements))
    session = sts.assume_role(RoleArn=role["Arn"], RoleSessionName=function.local_name[:64])
    credentials = session["Credentials"]
    return Principal(
        arn=session["AssumedRoleUser"]["Arn"],
        access_key_id=credentials["AccessKeyId"],
        secret_access_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
        statements=statements,
    )


def put_statements(iam: Any, function: TemplateFunction, statements: list[dict[str, Any]]) -> None:
    """The role's one inline policy, now holding these statements (none: no policy at all)."""
    if statements:
        document = {"Version": POLICY_VERSION, "Statement": statements}
        iam.put_role_policy(RoleName=function.role_name, PolicyName=POLICY_NAME, PolicyDocument=json.dumps(document))
    else:
        with contextlib.suppress(iam.exceptions.NoSuchEntityException):
            iam.delete_role_policy(RoleName=function.role_name, PolicyName=POLICY_NAME)


def create_role_sessions(iam: Any, sts: Any, api: TemplateApi, resolver: Resolver) -> dict[str, Principal]:
    """Function (local name) -> its role session."""
    return {name: create_role_session(iam, sts, function, resolver) for name, function in api.functions().items()}


def create_admin(iam: Any) -> dict[str, str]:
    """Every action on every resource: what tests and tools sign with once moto enforces IAM."""
    iam.create_user(UserName=ADMIN_USER)
    everything = {"Version": POLICY_VERSION, "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.put_user_policy(UserName=ADMIN_USER, PolicyName="everything", PolicyDocument=json.dumps(everything))
    key = iam.create_access_key(UserName=ADMIN_USER)["AccessKey"]
    return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}
