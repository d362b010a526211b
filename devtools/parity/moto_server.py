"""moto in server mode, with DynamoDB's IAM checked per table and Cognito's per user pool, as AWS checks them.

moto's IAM-like access control (on once `/moto-api/reset-auth` is posted 0) evaluates every DynamoDB call
against the resource `*`, so a least-privilege policy (`dynamodb:PutItem` on one table) refuses everything, and a
refusal comes back as IAM's XML, which botocore cannot read for a JSON service. Here each call is checked against
the ARN of every table (or index) it names, and a refusal is DynamoDB's own `AccessDeniedException`.

Run as `python -m devtools.parity.moto_server -H 127.0.0.1 -p PORT` (the arguments of `moto.server`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import (
    AccessDeniedError,
    InvalidClientTokenIdError,
    JsonRESTError,
    SignatureDoesNotMatchError,
)
from moto.dynamodb.responses import DynamoHandler
from moto.server import main as moto_main

#: moto's IAM errors and the code DynamoDB answers them with.
_DYNAMODB_ERRORS = {
    AccessDeniedError: "AccessDeniedException",
    InvalidClientTokenIdError: "UnrecognizedClientException",
    SignatureDoesNotMatchError: "InvalidSignatureException",
}
_REFUSALS = (AccessDeniedError, InvalidClientTokenIdError, SignatureDoesNotMatchError)


def table_arns(region: str, account_id: str, body: dict[str, Any]) -> list[str]:
    """The resources a DynamoDB request acts on: its table, the index it queries, or every table of a batch."""

    def arn(name: str, index: str | None = None) -> str:
        table = name if name.startswith("arn:") else f"arn:aws:dynamodb:{region}:{account_id}:table/{name}"
        return f"{table}/index/{index}" if index else table

    if "TableName" in body:
        return [arn(body["TableName"], body.get("IndexName"))]
    if "RequestItems" in body:
        return [arn(name) for name in body["RequestItems"]]
    if "TransactItems" in body:
        return [arn(part["TableName"]) for item in body["TransactItems"] for part in item.values()]
    return ["*"]


def _authorize_per_table(self: DynamoHandler, resource: str = "*") -> None:
    body = self.body if isinstance(self.body, dict) else {}
    for arn in table_arns(self.region, self.current_account, body):
        try:
            ActionAuthenticatorMixin._authenticate_and_authorize_normal_action(self, arn)
        except _REFUSALS as refused:
            message = refused.message
            if isinstance(refused, AccessDeniedError):
                action = message.rpartition(" ")[2]
                message += f" on resource: {arn} because no identity-based policy allows the {action} action"
            raise JsonRESTError(_DYNAMODB_ERRORS[type(refused)], message) from None


def pool_arns(region: str, account_id: str, body: dict[str, Any]) -> list[str]:
    """The user pool a Cognito request acts on (admin calls name it); `*` for the public, token-signed calls."""
    pool = body.get("UserPoolId")
    return [f"arn:aws:cognito-idp:{region}:{account_id}:userpool/{pool}"] if isinstance(pool, str) else ["*"]


def _authorize_per_pool(self: CognitoIdpResponse, resource: str = "*") -> None:
    try:
        body = json.loads(self.body) if isinstance(self.body, str | bytes) and self.body else {}
    except ValueError:
        body = {}
    for arn in pool_arns(self.region, self.current_account, body if isinstance(body, dict) else {}):
        try:
            ActionAuthenticatorMixin._authenticate_and_authorize_normal_action(self, arn)
        except AccessDeniedError as refused:
            raise JsonRESTError("AccessDeniedException", f"{refused.message} on resource: {arn}") from None


def install() -> None:
    DynamoHandler._authenticate_and_authorize_normal_action = _authorize_per_table  # type: ignore[method-assign, assignment]
    CognitoIdpResponse._authenticate_and_authorize_normal_action = _authorize_per_pool  # type: ignore[method-assign, assignment]


def main(argv: list[str] | None = None) -> None:
    install()
    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
