"""The admission gate on the local moto server: a key claimed and a token taken in one real transaction."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from shared.admission_gate import AdmissionGate
from shared.idempotency import IdempotencyStore
from shared.ratelimit import RateLimiter
from tests.stackclient import dynamodb_table

MESSAGE = "I feel anxious about tomorrow."


def _gate(endpoints: dict[str, Any], capacity: int = 3) -> tuple[AdmissionGate, RateLimiter, IdempotencyStore]:
    keys = IdempotencyStore(dynamodb_table(endpoints, "idempotency_table"))
    buckets = dynamodb_table(endpoints, "rate_limit_table")
    limiter = RateLimiter(buckets, capacity=capacity, per_minute=1 / 60)
    return AdmissionGate(keys, limiter, buckets.meta.client), limiter, keys


def _tat(endpoints: dict[str, Any], user: str) -> Any:
    item = dynamodb_table(endpoints, "rate_limit_table").get_item(Key={"pk": f"USER#{user}"}).get("Item") or {}
    return item.get("tat")


def test_a_fresh_message_claims_its_key_and_takes_one_token_together(endpoints: dict[str, Any]) -> None:
    # Given a person with a full bucket
    gate, _, keys = _gate(endpoints)
    user = f"gate-{uuid.uuid4().hex}"
    # When their message passes the gate
    claim, decision = gate.claim_and_take(user, "c1", MESSAGE, None, "m1", "s1")
    # Then it is theirs to answer, the key is held and a token was spent
    assert claim.fresh and claim.message_id == "m1" and decision is not None and decision.allowed
    assert keys.held(user, "c1") and _tat(endpoints, user) is not None


def test_a_resend_is_told_the_first_copy_and_spends_no_token(endpoints: dict[str, Any]) -> None:
    # Given a message that passed the gate
    gate, _, _ = _gate(endpoints)
    user = f"gate-{uuid.uuid4().hex}"
    gate.claim_and_take(user, "c1", MESSAGE, None, "m1", "s1")
    spent = _tat(endpoints, user)
    # When the same message comes again (a new container, so nothing is remembered)
    again, _, _ = _gate(endpoints)
    claim, decision = again.claim_and_take(user, "c1", MESSAGE, None, "m2", "s2")
    # Then it replays the first copy's answer, and the bucket is exactly as the first copy left it
    assert not claim.fresh and not claim.conflict and (claim.message_id, claim.session_id) == ("m1", "s1")
    assert decision is None and _tat(endpoints, user) == spent


def test_other_words_under_a_used_key_are_a_conflict_and_spend_nothing(endpoints: dict[str, Any]) -> None:
    gate, _, _ = _gate(endpoints)
    user = f"gate-{uuid.uuid4().hex}"
    gate.claim_and_take(user, "c1", MESSAGE, None, "m1", "s1")
    spent = _tat(endpoints, user)
    # When other words come under the same key
    claim, decision = gate.claim_and_take(user, "c1", "Something else entirely.", None, "m2", "s2")
    # Then it is a conflict and no token was taken
    assert claim.conflict and decision is None and _tat(endpoints, user) == spent


def test_an_empty_bucket_refuses_with_a_wait_and_a_resend_is_still_replayed(endpoints: dict[str, Any]) -> None:
    # Given a bucket of one, spent by a first message
    gate, _, keys = _gate(endpoints, capacity=1)
    user = f"gate-{uuid.uuid4().hex}"
    gate.claim_and_take(user, "c1", MESSAGE, None, "m1", "s1")
    # When a second message comes, and then the first one again
    claim, refused = gate.claim_and_take(user, "c2", "And another thing.", None, "m2", "s2")
    resent, none = gate.claim_and_take(user, "c1", MESSAGE, None, "m3", "s3")
    # Then the second is refused with a wait (its key held for the caller to give back or answer a crisis under)
    assert refused is not None and not refused.allowed and refused.retry_after_ms > 60_000
    assert claim.fresh and keys.held(user, "c2")
    # And the first is replayed, not rate limited
    assert not resent.fresh and resent.message_id == "m1" and none is None


def test_twenty_concurrent_messages_against_a_bucket_of_five_admit_exactly_five(endpoints: dict[str, Any]) -> None:
    # Given a bucket of five shared by four containers
    gates = [_gate(endpoints, capacity=5)[0] for _ in range(4)]
    user = f"gate-{uuid.uuid4().hex}"
    barrier = threading.Barrier(20)

    def send(i: int) -> bool:
        barrier.wait()
        _, decision = gates[i % 4].claim_and_take(user, f"c{i}", MESSAGE, None, f"m{i}", "s")
        return bool(decision and decision.allowed)

    # When twenty different messages pass the gates at the same moment
    with ThreadPoolExecutor(max_workers=20) as pool:
        admitted = list(pool.map(send, range(20)))
    # Then exactly five are admitted (a cancelled transaction never undoes another's token)
    assert admitted.count(True) == 5
