"""The REST API as the CDK templates define it (`motivator dev --from-cdk`): its routes, JWT authorizer and the one
function's role, IAM enforced, are enough for every route."""

from __future__ import annotations

import uuid
from typing import Any

import boto3

from devtools.bootstrap import generate_password
from shared.rest import paths
from tests.restclient import rest
from tests.stackclient import token_for


def test_every_rest_route_works_under_the_templates_role_and_authorizer(cdk_endpoints: dict[str, Any]) -> None:
    """Given the local stack built from the synthesized templates, each function under its own role
    When a new person chats, gives feedback, exports and deletes their account over the REST API
    Then each succeeds (the role grants what the routes need), and a forged token is refused by the authorizer."""
    username, password = f"parity-{uuid.uuid4().hex[:8]}@motivator.local", generate_password()
    endpoints = cdk_endpoints
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
    token = token_for(endpoints, username, password)
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
