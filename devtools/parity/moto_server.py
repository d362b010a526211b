"""moto in server mode, with DynamoDB's transactions atomic, and its IAM checked per table (DynamoDB) and per user
pool (Cognito), as AWS checks them.

moto applies a `TransactWriteItems` item by item and, when one condition fails, puts back a copy of each table
taken before it began; in its threaded server a write made by another request meanwhile is lost with that copy,
and a reader may see a write that is then undone. AWS applies a transaction all at once. Here DynamoDB requests
are served one at a time, so a transaction is atomic and isolated as in AWS (moto is bound by the GIL anyway).

moto's IAM-like access control (on once `/moto-api/reset-auth` is posted 0) evaluates every DynamoDB call
against the resource `*`, so a least-privilege policy (`dynamodb:PutItem` on one table) refuses everything, and a
refusal comes back as IAM's XML, which botocore cannot read for a JSON service. Here each call is checked against
the ARN of every table (or index) it names, and a refusal is DynamoDB's own `AccessDeniedException`.

A transaction is authorized as AWS authorizes it: each of its items by its own action (`Put` needs
`dynamodb:PutItem`, `Update` `dynamodb:UpdateItem`, ...) on its own table; there is no transaction action.

Run as `python -m devtools.parity.moto_server -H 127.0.0.1 -p PORT` (the arguments of `moto.server`); `motivator
dev` always does, and turns the IAM checks on only with `--from-cdk`.
"""

from __future__ import annotations

import json
import sys
import threading
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

from devtools import moto_cognito

#: moto's IAM errors and the code DynamoDB answers them with.
_DYNAMODB_ERRORS = {
    AccessDeniedError: "AccessDeniedException",
    InvalidClientTokenIdError: "UnrecognizedClientException",
    SignatureDoesNotMatchError: "InvalidSignatureException",
}
_REFUSALS = (AccessDeniedError, InvalidClientTokenIdError, SignatureDoesNotMatchError)
#: The IAM action each kind of transaction item is authorized as.
_TRANSACTION_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}
_ONE_AT_A_TIME = threading.RLock()


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
    if "TransactItems" in body:
        for item in body["TransactItems"]:
            for kind, part in item.items():
                action = _TRANSACTION_ACTIONS.get(kind, kind)
                _authorize(self, table_arns(self.region, self.current_account, part)[0], action)
        return
    for arn in table_arns(self.region, self.current_account, body):
        _authorize(self, arn)


def _authorize(self: DynamoHandler, arn: str, action: str | None = None) -> None:
    """One IAM check of this request on `arn`, as `action` (default: the request's own) would be checked."""
    if action is not None:
        self._get_action = lambda: action  # type: ignore[method-assign]
    try:
        ActionAuthenticatorMixin._authenticate_and_authorize_normal_action(self, arn)
    except _REFUSALS as refused:
        message = refused.message
        if isinstance(refused, AccessDeniedError):
            action_name = message.rpartition(" ")[2]
            message += f" on resource: {arn} because no identity-based policy allows the {action_name} action"
        raise JsonRESTError(_DYNAMODB_ERRORS[type(refused)], message) from None
    finally:
        if action is not None:
            del self._get_action


_call_action = DynamoHandler.call_action


def _one_at_a_time(self: DynamoHandler) -> Any:
    with _ONE_AT_A_TIME:
        return _call_action(self)


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
    DynamoHandler.call_action = _one_at_a_time  # type: ignore[method-assign]
    CognitoIdpResponse._authenticate_and_authorize_normal_action = _authorize_per_pool  # type: ignore[method-assign, assignment]


def main(argv: list[str] | None = None) -> None:
    install()
    moto_cognito.install()  # a refresh's SECRET_HASH checked as AWS checks it
    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
