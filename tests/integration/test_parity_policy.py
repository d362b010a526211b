"""The pieces the template-driven stack judges with: the policy evaluator, SigV4 callers, and intrinsic functions.

No servers: these run in milliseconds (they live beside the parity tests that use the same pieces end to end).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from devtools.parity.iam import NotAuthenticated, Principal, Principals, UnsupportedPolicy, allows, check_supported
from devtools.parity.templates import Resolver, Templates, Unresolvable

_CONNECTIONS = "arn:aws:execute-api:us-west-2:123456789012:abc123/dev/POST/@connections/*"


def test_an_allow_covers_what_its_wildcards_match_and_nothing_else() -> None:
    # Given PostToOwnConnections as the template writes it
    statements = [{"Effect": "Allow", "Action": "execute-api:ManageConnections", "Resource": _CONNECTIONS}]
    on = "arn:aws:execute-api:us-west-2:123456789012:abc123/{stage}/{method}/@connections/R1kmxc2VNjMCFIA="

    # Then it allows posting to any connection of its stage, in any letter case of the action
    assert allows(statements, "execute-api:ManageConnections", on.format(stage="dev", method="POST"))
    assert allows(statements, "Execute-API:manageconnections", on.format(stage="dev", method="POST"))
    # And not another stage, another method, or another action
    assert not allows(statements, "execute-api:ManageConnections", on.format(stage="prod", method="POST"))
    assert not allows(statements, "execute-api:ManageConnections", on.format(stage="dev", method="DELETE"))
    assert not allows(statements, "execute-api:Invoke", on.format(stage="dev", method="POST"))


def test_a_deny_wins_and_not_action_inverts() -> None:
    # Given an allow of everything, a deny of one table, and a NotAction allow
    table = "arn:aws:dynamodb:us-west-2:123456789012:table/T"
    statements = [
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "dynamodb:DeleteItem", "Resource": table},
        {"Effect": "Allow", "NotAction": "s3:*", "Resource": "arn:aws:sqs:*"},
    ]

    # Then the deny beats the allow on that table only, and NotAction allows every action but the named ones
    assert not allows(statements, "dynamodb:DeleteItem", table)
    assert allows(statements, "dynamodb:DeleteItem", table + "2")
    assert allows(statements, "sqs:SendMessage", "arn:aws:sqs:us-west-2:1:q")
    assert not allows(statements, "s3:GetObject", "arn:aws:sqs:us-west-2:1:q")


def test_a_statement_with_a_condition_is_refused_not_ignored() -> None:
    # Given a statement whose Condition the evaluator does not model
    statement = {
        "Effect": "Allow",
        "Action": "*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}},
    }

    # Then the stack refuses to start on it rather than allow more than AWS would
    with pytest.raises(UnsupportedPolicy):
        check_supported([statement])


def _signed(principal: Principal, body: bytes) -> AWSRequest:
    request = AWSRequest(method="POST", url="http://127.0.0.1:9/dev/@connections/abc%3D", data=body)
    credentials = Credentials(principal.access_key_id, principal.secret_access_key, principal.session_token)
    SigV4Auth(credentials, "execute-api", "us-west-2").add_auth(request)
    request.headers["Host"] = "127.0.0.1:9"
    return request


def test_the_caller_is_the_key_that_signed_and_a_changed_body_is_refused() -> None:
    # Given a role session and a request botocore signed with it
    principal = Principal("arn:aws:sts::1:assumed-role/R/F", "ASIAEXAMPLE", "secret", "token")
    principals = Principals("123456789012")
    principals.add(principal)
    request = _signed(principal, b'{"hello": 1}')
    headers = list(request.headers.items())

    # Then the request is that principal's
    assert principals.caller("POST", "/dev/@connections/abc%3D", headers, b'{"hello": 1}') == principal
    # And the same signature over another body, or with another session token, is refused
    with pytest.raises(NotAuthenticated):
        principals.caller("POST", "/dev/@connections/abc%3D", headers, b'{"hello": 2}')
    forged = [(k, "other" if k == "X-Amz-Security-Token" else v) for k, v in headers]
    with pytest.raises(NotAuthenticated):
        principals.caller("POST", "/dev/@connections/abc%3D", forged, b'{"hello": 1}')


def _assembly(folder: Path, stacks: dict[str, dict[str, Any]]) -> Templates:
    artifacts = {}
    for name, template in stacks.items():
        (folder / f"{name}.template.json").write_text(json.dumps(template))
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "environment": "aws://unknown-account/us-west-2",
            "properties": {"templateFile": f"{name}.template.json"},
        }
    (folder / "manifest.json").write_text(json.dumps({"artifacts": artifacts}))
    return Templates(folder)


def test_intrinsics_resolve_to_the_local_names_across_stacks(tmp_path: Path) -> None:
    # Given a pool exported by one stack and imported, joined and substituted by another
    auth = {
        "Resources": {"Pool": {"Type": "AWS::Cognito::UserPool", "Properties": {}}},
        "Outputs": {"PoolOut": {"Value": {"Ref": "Pool"}, "Export": {"Name": "Auth:Pool"}}},
    }
    api = {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {}}}}
    templates = _assembly(tmp_path, {"Auth": auth, "Api": api})
    resolver = Resolver(templates, "123456789012")
    resolver.bind(templates.resource("Auth", "Pool"), "us-west-2_local", Arn="arn:aws:cognito-idp:pool")

    # Then each resolves to what the local stack made, with the stack's region and the local account
    assert resolver.resolve({"Fn::ImportValue": "Auth:Pool"}, "Api") == "us-west-2_local"
    joined = {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}]]}
    assert resolver.resolve(joined, "Api") == "arn:aws:us-west-2:123456789012"
    assert resolver.resolve({"Fn::Sub": "${Pool.Arn}/x"}, "Auth") == "arn:aws:cognito-idp:pool/x"
    # And a reference to something the local stack did not make names it instead of passing a placeholder
    with pytest.raises(Unresolvable, match=r"Ref Fn \(AWS::Lambda::Function in Api\)"):
        resolver.resolve({"Ref": "Fn"}, "Api")
