"""Storage under pressure, against DynamoDB on the local moto server: buckets, big answers, outages."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import ClientError

from shared.conversations import ConversationRepository, TurnStatus
from shared.ratelimit import RateLimiter
from shared.recorder import TurnRecorder
from tests.stackclient import dynamodb_table


def test_fifty_concurrent_sends_against_a_bucket_of_ten_admit_exactly_ten(endpoints: dict[str, Any]) -> None:
    # Given a bucket of ten that refills only one token an hour
    limiter = RateLimiter(dynamodb_table(endpoints, "rate_limit_table"), capacity=10, per_minute=1 / 60)
    user = f"bucket-{uuid.uuid4().hex}"
    # When fifty sends take a token at the same moment
    barrier = threading.Barrier(50)

    def send(_: int) -> bool:
        barrier.wait()
        return limiter.take(user).allowed

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(send, range(50)))
    # Then exactly ten are admitted, and the rest are told how long to wait
    assert results.count(True) == 10
    refused = limiter.take(user)
    assert not refused.allowed and refused.retry_after_ms > 60_000


def test_a_bucket_spent_by_another_container_is_not_overspent(endpoints: dict[str, Any]) -> None:
    # Given two containers sharing a bucket of three, and one of them remembering the bucket it last wrote
    table = dynamodb_table(endpoints, "rate_limit_table")
    first, second = (RateLimiter(table, capacity=3, per_minute=1 / 60) for _ in range(2))
    user = f"bucket-{uuid.uuid4().hex}"
    taken = [first.take(user).allowed, first.take(user).allowed]

    # When the other container takes the last token, and the first one then asks again
    taken += [second.take(user).allowed, first.take(user).allowed]

    # Then the first container's memory of one token left does not count: exactly three were admitted
    assert taken == [True, True, True, False]


def test_a_bucket_reset_in_storage_is_not_refused_from_memory(endpoints: dict[str, Any]) -> None:
    # Given a container that spent a user's whole bucket
    table = dynamodb_table(endpoints, "rate_limit_table")
    limiter = RateLimiter(table, capacity=2, per_minute=1 / 60)
    user = f"bucket-{uuid.uuid4().hex}"
    assert [limiter.take(user).allowed for _ in range(3)] == [True, True, False]

    # When an operator deletes the bucket
    table.delete_item(Key={"pk": f"USER#{user}"})

    # Then the next message is admitted
    assert limiter.take(user).allowed


def test_a_token_given_back_can_be_taken_again(endpoints: dict[str, Any]) -> None:
    # Given a bucket of two, both spent
    limiter = RateLimiter(dynamodb_table(endpoints, "rate_limit_table"), capacity=2, per_minute=1 / 60)
    user = f"bucket-{uuid.uuid4().hex}"
    assert limiter.take(user).allowed and limiter.take(user).allowed

    # When one is given back (its message was a resend)
    limiter.give_back(user)

    # Then exactly one more message is admitted
    assert [limiter.take(user).allowed, limiter.take(user).allowed] == [True, False]


def test_an_answer_larger_than_the_item_limit_is_stored_and_read_back(endpoints: dict[str, Any]) -> None:
    # Given an answer of about 600 KB, more than DynamoDB's 400 KB item limit
    repo = ConversationRepository(dynamodb_table(endpoints, "conversations_table"))
    ids: dict[str, Any] = {"user_id": "big-user", "session_id": str(uuid.uuid4()), "message_id": str(uuid.uuid4())}
    repo.start_turn(client_message_id="c", message="tell me everything", **ids)
    recorder = TurnRecorder(repo, **ids).start()
    parts = [f"word{i:06d} " * 100 for i in range(600)]
    for seq, part in enumerate(parts, start=1):
        recorder.record(seq, part)
    # When the turn finishes
    assert recorder.finish(TurnStatus.COMPLETE, {"messageId": ids["message_id"], "seq": len(parts)})
    # Then it is stored whole: the full text reads back and resume-style reads see every seq
    turn = repo.get_turn(ids["message_id"])
    assert turn is not None and turn.status is TurnStatus.COMPLETE and turn.last_seq == 600
    assert repo.full_answer(turn) == "".join(parts)
    assert [seq for seq, _ in repo.chunks_after(ids["message_id"], 598)] == [599, 600]


class FlakyTable:
    """The real table, with writes failing while `down` is set (DynamoDB throttling or an outage)."""

    def __init__(self, table: Any) -> None:
        self._table = table
        self.down = True
        self.failures = 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._table, name)
        if name not in {"put_item", "update_item"}:
            return attr

        def call(**kwargs: Any) -> Any:
            if self.down:
                self.failures += 1
                raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, name)
            return attr(**kwargs)

        return call


def test_storage_outage_while_streaming_is_retried_until_the_turn_is_written(endpoints: dict[str, Any]) -> None:
    # Given storage that fails while an answer streams
    flaky = FlakyTable(dynamodb_table(endpoints, "conversations_table"))
    good = ConversationRepository(dynamodb_table(endpoints, "conversations_table"))
    ids: dict[str, Any] = {"user_id": "flaky-user", "session_id": str(uuid.uuid4()), "message_id": str(uuid.uuid4())}
    good.start_turn(client_message_id="c", message="hello", **ids)
    recorder = TurnRecorder(ConversationRepository(flaky), **ids).start()  # type: ignore[arg-type]
    for seq in range(1, 6):
        recorder.record(seq, f"part {seq}. ")
    # When storage recovers shortly before the answer ends
    threading.Timer(0.3, lambda: setattr(flaky, "down", False)).start()
    stored = recorder.finish(TurnStatus.COMPLETE, {"messageId": ids["message_id"], "seq": 5})
    # Then the failures were retried and the whole turn was written
    assert stored and flaky.failures > 0
    turn = good.get_turn(ids["message_id"])
    assert turn is not None and turn.status is TurnStatus.COMPLETE
    assert good.full_answer(turn) == "".join(f"part {i}. " for i in range(1, 6))
