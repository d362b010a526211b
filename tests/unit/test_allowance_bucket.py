"""The key, the burst token and today's allowance taken together: a refusal by either costs the person nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from shared.allowance import AllowanceGate, Counted, Exhausted, refusal, remaining
from shared.protocol import ErrorCode
from shared.ratelimit import Decision
from tests.unit.fakes import FakeBucket, FakeGate, FakeKeys

USER = "user-1"
MIDNIGHT_MS = 1_800_000_000_000


@dataclass
class FakeDay:
    """An allowance of `per_day`, counting what was spent and given back."""

    per_day: int = 3
    used: int = 0

    def spend(self, user_id: str) -> Counted | Exhausted:
        if self.used >= self.per_day:
            return Exhausted(False, retry_after_ms=1000, allowance=self.per_day, resets_at_ms=MIDNIGHT_MS)
        self.used += 1
        return Counted(True, remaining=self.per_day - self.used, resets_at_ms=MIDNIGHT_MS)

    def give_back(self, user_id: str) -> None:
        self.used -= 1


def _gate(burst: FakeBucket, day: FakeDay, keys: FakeKeys | None = None) -> AllowanceGate:
    return AllowanceGate(FakeGate(keys or FakeKeys(), burst), burst, day, ThreadPoolExecutor(2))


def _take(gate: AllowanceGate, key: str = "c1") -> Decision | None:
    _, decision = gate.claim_and_take(USER, key, "I feel tired", None, "m-" + key, "s1")
    return decision


def test_a_message_spends_one_of_each_and_says_how_many_are_left() -> None:
    """Given a burst of ten and an allowance of three
    When a message is taken
    Then it is allowed, one of each is spent, and two are left today."""
    burst, day = FakeBucket(tokens=10), FakeDay()
    decision = _take(_gate(burst, day))
    assert decision is not None and decision.allowed and remaining(decision) == 2
    assert (burst.taken, day.used) == (1, 1)


def test_the_burst_limit_refusing_gives_todays_message_back() -> None:
    """Given an empty burst bucket
    When a message is taken
    Then it is refused as rate limited (no daily_limit error) and today's count is unchanged."""
    burst, day = FakeBucket(tokens=0), FakeDay()
    decision = _take(_gate(burst, day))
    assert decision is not None and not decision.allowed and refusal(decision, "c1") is None
    assert day.used == 0


def test_a_used_up_day_gives_the_burst_token_back_and_says_when_it_resets() -> None:
    """Given today's three messages spent
    When another is taken
    Then it is refused with `daily_limit` and resetsAt, and the burst token is given back."""
    burst, day = FakeBucket(tokens=10), FakeDay(used=3)
    decision = _take(_gate(burst, day))
    assert decision is not None
    error = refusal(decision, "c1")
    assert error is not None and error.code is ErrorCode.DAILY_LIMIT and error.resets_at == MIDNIGHT_MS
    assert error.client_message_id == "c1" and (burst.taken, burst.given_back) == (1, 1)


def test_an_allowance_of_zero_is_off() -> None:
    """Given the allowance set to 0
    When messages are taken
    Then only the burst limit applies and no count is reported."""
    burst, day = FakeBucket(tokens=10), FakeDay(per_day=0)
    decision = _take(_gate(burst, day))
    assert decision is not None and decision.allowed and remaining(decision) is None and day.used == 0


def test_a_resend_pays_neither_token_nor_todays_message() -> None:
    """Given a message already taken under its clientMessageId
    When the same message is sent again with that key
    Then no decision is made for it (its first copy paid), and neither count moved."""
    burst, day, keys = FakeBucket(tokens=10), FakeDay(), FakeKeys()
    gate = _gate(burst, day, keys)
    _take(gate, "same")
    assert _take(gate, "same") is None
    assert (burst.taken, day.used) == (1, 1)


def test_giving_back_an_allowed_message_returns_both() -> None:
    """Given an allowed message (a crisis heard across the conversation, or one not answered after all)
    When it is given back
    Then the burst token and today's message are both returned."""
    burst, day = FakeBucket(tokens=10), FakeDay()
    gate = _gate(burst, day)
    _take(gate)
    gate.give_back(USER)
    assert (burst.given_back, day.used) == (1, 0)


def test_a_crisis_heard_across_the_conversation_gives_back_what_it_took() -> None:
    """Given a conversation whose last message was below the crisis bar, and tokens and allowance left
    When the next message mentions the means (a crisis only together with the first)
    Then it is admitted as a crisis and neither the burst token nor today's message is spent."""
    from shared.protocol import SendMessage
    from shared.turn.admit import Admission, Admitted
    from tests.unit.fakes import Stack

    stack, day = Stack(bucket=FakeBucket(tokens=10)), FakeDay()
    stack.conversations.seed_session(USER, "s1", ("I can't do this anymore.", "I'm here with you."))
    gate = _gate(stack.bucket, day, stack.keys)
    admission = Admission(stack.conversations, stack.keys, gate, gate, ThreadPoolExecutor(4))
    send = SendMessage.model_validate(
        {"message": "I've been saving my pills.", "clientMessageId": "c9", "sessionId": "s1"}
    )
    entry = admission.admit(send, USER)
    assert isinstance(entry, Admitted) and entry.safety.crisis
    assert stack.bucket.tokens == 10 and day.used == 0
