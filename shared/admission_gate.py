"""One round trip before the model: a message's key claimed and its rate-limit token taken in one transaction.

A resend must never spend a token, so the token may only be taken where the key is claimed. Both writes go in
one `TransactWriteItems`; when it is cancelled nothing was written and `CancellationReasons` says which condition
failed, with the item as stored (`ReturnValuesOnConditionCheckFailure`): the claim's means another copy holds the
key (replay it, no token spent), the bucket's means the bucket was not as this container guessed (try again from
the stored bucket) or is empty.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from shared.idempotency import Claim, IdempotencyStore, fingerprint, held_claim
from shared.ratelimit import BucketWrite, Decision, RateLimiter, plain_item
from shared.storage import StorageError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_CANCELLED = "TransactionCanceledException"
_CONDITION_FAILED = "ConditionalCheckFailed"


class AdmissionGate:
    """Claims a message's key and takes its user's token together, or neither."""

    def __init__(self, keys: IdempotencyStore, limiter: RateLimiter, client: DynamoDBClient) -> None:
        self._keys = keys
        self._limiter = limiter
        self._client = client

    def claim_and_take(
        self,
        user_id: str,
        client_message_id: str,
        message: str,
        session_hint: str | None,
        message_id: str,
        session_id: str,
    ) -> tuple[Claim, Decision | None]:
        """The claim, and the token when the claim is fresh (None: another copy holds the key, nothing spent).

        A fresh claim with a refused decision holds the key (claimed on its own, after the bucket said no), so the
        caller gives it back, or answers a crisis under it.
        """
        digest = fingerprint(message, session_hint)
        claim_put = self._keys.claim_request(f"{user_id}#{client_message_id}", digest, message_id, session_id)
        held: list[Claim] = []

        def write(update: dict[str, Any]) -> BucketWrite:
            return self._transact(claim_put, update, digest, held)

        try:
            decision = self._limiter.take_with(user_id, write)
        except StorageError:
            # The outcome is unknown (a timeout may come after the commit): give back the key if it is ours.
            with contextlib.suppress(StorageError):
                self._keys.release_own(user_id, client_message_id, message_id)
            raise
        if decision is None:
            return held[0], None
        if decision.allowed:
            return Claim(True, message_id, session_id), decision
        # Refused: nothing was written. Whether this is a resend still decides the answer, so claim the key alone.
        claim = self._keys.claim(user_id, client_message_id, message, session_hint, message_id, session_id)
        return claim, decision if claim.fresh else None

    def _transact(
        self, claim_put: dict[str, Any], update: dict[str, Any], digest: str, held: list[Claim]
    ) -> BucketWrite:
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {"Put": _in_transaction(self._keys.table_name, claim_put)},
                    {"Update": _in_transaction(self._limiter.table_name, update)},
                ]
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code != _CANCELLED:
                raise StorageError(f"admission transaction failed: {code}") from exc
            return _cancelled(exc.response.get("CancellationReasons") or [], digest, held)
        except BotoCoreError as exc:
            raise StorageError(f"admission transaction failed: {type(exc).__name__}") from exc
        return BucketWrite(True)


def _cancelled(reasons: list[Any], digest: str, held: list[Claim]) -> BucketWrite:
    """What a cancelled transaction means: [claim's reason, bucket's reason]."""
    claim_reason, bucket_reason = [*reasons, {}, {}][:2]
    claimed = plain_item(claim_reason.get("Item"))
    if claim_reason.get("Code") == _CONDITION_FAILED and claimed:
        held.append(held_claim(claimed, digest))
        return BucketWrite(False, abandoned=True)
    if bucket_reason.get("Code") == _CONDITION_FAILED:
        return BucketWrite(False, stored=plain_item(bucket_reason.get("Item")))
    # Another transaction was on one of the items at that moment (TransactionConflict): the same write again.
    codes = [reason.get("Code") for reason in (claim_reason, bucket_reason)]
    if "TransactionConflict" in codes:
        return BucketWrite(False, conflict=True)
    raise StorageError(f"admission transaction cancelled: {codes}")


def _in_transaction(table_name: str, request: dict[str, Any]) -> Any:
    """A resource-style request as one item of a transaction (the resource's client serializes plain values)."""
    return {"TableName": table_name, **request, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
