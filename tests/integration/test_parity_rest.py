"""The REST API as the CDK templates define it (`motivator dev --from-cdk`): its routes, JWT authorizer and the one
function's role, IAM enforced, are enough for every route."""

from __future__ import annotations

import uuid
from typing import Any

import boto3

from devtools.bootstrap import generate_password
from devtools.stack import LocalStack
from shared.rest import paths
from tests.restclient import rest
from tests.stackclient import token_for


def _person(endpoints: dict[str, Any]) -> str:
    """A new confirmed user of the templates' pool (created with the stack's admin keys); their access token."""
    username, password = f"parity-{uuid.uuid4().hex[:8]}@motivator.local", generate_password()
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=endpoints["cognito_url"],
        region_name=endpoints["region"],
        aws_access_key_id=endpoints["aws_access_key_id"],  # the stack's admin: moto enforces IAM here
        aws_secret_access_key=endpoints["aws_secret_access_key"],
    )
    pool = endpoints["user_pool_id"]
    attributes: Any = [{"Name": "email", "Value": username}, {"Name": "email_verified", "Value": "true"}]
    cognito.admin_create_user(UserPoolId=pool, Username=username, UserAttributes=attributes, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username=username, Password=password, Permanent=True)
    return token_for(endpoints, username, password)


def test_without_its_admin_delete_grant_the_data_goes_but_the_sign_in_stays_and_a_retry_finishes(
    cdk_stack: LocalStack,
) -> None:
    """Given the REST function's role without its DeleteOwnSignIn statement
    When a person deletes their account, then asks again once the grant is back
    Then the first answer is 503 saying the sign-in could not be removed (the grant is needed), the second 200."""
    endpoints = cdk_stack.endpoints
    token = _person(endpoints)
    assert rest(endpoints, "POST", paths.CHAT, token, {"message": "I feel hopeful today."}).status == 200
    assert cdk_stack.provisioned is not None and cdk_stack.provisioned.api.http is not None
    name = cdk_stack.provisioned.api.http.routes[f"DELETE {paths.ACCOUNT}"].local_name
    granted = list(cdk_stack.provisioned.sessions[name].statements)
    cdk_stack.replace_role_statements(name, [s for s in granted if s.get("Sid") != "DeleteOwnSignIn"])
    try:
        refused = rest(endpoints, "DELETE", paths.ACCOUNT, token, {"confirm": "DELETE"})
    finally:
        cdk_stack.replace_role_statements(name, granted)
    again = rest(endpoints, "DELETE", paths.ACCOUNT, token, {"confirm": "DELETE"})
    assert refused.status == 503 and "sign-in could not be removed" in refused.body["message"]
    assert again.status == 200 and again.body["turns"] == 0


def test_every_rest_route_works_under_the_templates_role_and_authorizer(cdk_endpoints: dict[str, Any]) -> None:
    """Given the local stack built from the synthesized templates, each function under its own role
    When a new person chats, gives feedback, exports and deletes their account over the REST API
    Then each succeeds (the role grants what the routes need), and a forged token is refused by the authorizer."""
    endpoints = cdk_endpoints
    token = _person(endpoints)
    chat = rest(endpoints, "POST", paths.CHAT, token, {"message": "I feel anxious about my exam."})
    assert chat.status == 200, chat.body
    feedback = rest(endpoints, "POST", paths.FEEDBACK, token, {"session_id": chat.body["session_id"], "helpful": True})
    assert feedback.status == 200, feedback.body
    export = rest(endpoints, "GET", paths.ACCOUNT_EXPORT, token)
    assert export.status == 200
    deleted = rest(endpoints, "DELETE", paths.ACCOUNT, token, {"confirm": "DELETE"})
    assert deleted.status == 200 and deleted.body["turns"] == 1, deleted.body
    assert rest(endpoints, "GET", paths.HEALTH).status == 200
    assert rest(endpoints, "POST", paths.CHAT, "forged.token.here", {"message": "hello"}).status == 401
