"""Admit stage: safety is heard first, a crisis is never refused, and only the copy that claims a key pays a token."""

from __future__ import annotations

import time
import uuid

import pytest

from shared.protocol import ErrorCode, Safety, SendMessage
from shared.storage import StorageError
from shared.turn.admit import Admitted, Refused, Resent
from tests.unit.fakes import FakeBucket, FakeKeys, Stack

USER = "user-1"
CRISIS = "I'm going to kill myself tonight."


def _send(message: str = "I feel anxious about my exam tomorrow.", **extra: str) -> SendMessage:
    cmid = extra.pop("cmid", str(uuid.uuid4()))
    return SendMessage.model_validate({"message": message, "clientMessageId": cmid, **extra})


def test_an_ordinary_message_is_admitted_into_a_new_conversation_and_takes_one_token() -> None:
    # Given a person with tokens left and no conversation named
    stack = Stack()
    # When they send a message
    entry = stack.admission().admit(_send(), USER)
    # Then it is admitted, in a new conversation of theirs, at the ordinary level, for one token
    assert isinstance(entry, Admitted) and entry.safety.level is Safety.OK
    assert entry.session.user_id == USER and entry.session.recent_turns == ()
    assert stack.bucket.taken == 1


def test_a_resend_never_takes_a_token() -> None:
    # Given a message already admitted
    stack = Stack()
    first = _send()
    admitted = stack.admission().admit(first, USER)
    assert isinstance(admitted, Admitted)
    # When the same message comes again under the same clientMessageId
    again = stack.admission().admit(first, USER)
    # Then it replays the first copy's answer, and only the first copy paid a token
    assert isinstance(again, Resent) and again.message_id == admitted.message_id and again.otherwise is None
    assert stack.bucket.taken == 1


def test_the_same_key_for_other_words_is_refused_without_spending() -> None:
    stack = Stack()
    stack.admission().admit(_send(cmid="k1"), USER)
    # When another message reuses the key
    entry = stack.admission().admit(_send("Something else entirely.", cmid="k1"), USER)
    # Then it is a bad request, and no second token was taken
    assert isinstance(entry, Refused) and entry.error.code is ErrorCode.BAD_REQUEST
    assert stack.bucket.taken == 1


def test_an_unknown_conversation_is_refused_and_gives_back_token_and_key() -> None:
    stack = Stack()
    # When a message names a conversation that is not the person's
    entry = stack.admission().admit(_send(sessionId="not-mine", cmid="k2"), USER)
    # Then it is not found, the token is given back and the key released (a resend may try afresh)
    assert isinstance(entry, Refused) and entry.error.code is ErrorCode.NOT_FOUND
    assert stack.bucket.given_back == 1 and not stack.keys.held(USER, "k2")


def test_a_rate_limited_message_is_refused_with_a_wait_and_releases_its_key() -> None:
    stack = Stack(bucket=FakeBucket(tokens=0))
    entry = stack.admission().admit(_send(cmid="k3"), USER)
    assert isinstance(entry, Refused) and entry.error.code is ErrorCode.RATE_LIMITED
    assert entry.error.retry_after_ms and entry.error.retry_after_ms > 0
    assert not stack.keys.held(USER, "k3")


def test_an_unreadable_session_raises_after_giving_everything_back() -> None:
    # Given storage that cannot read sessions
    stack = Stack()
    stack.conversations.down = True
    # When an ordinary message names a conversation, Then the outage surfaces, with the token and key given back
    with pytest.raises(StorageError):
        stack.admission().admit(_send(sessionId="s1", cmid="k4"), USER)
    assert stack.bucket.given_back == 1 and not stack.keys.held(USER, "k4")


def test_a_crisis_is_admitted_when_rate_limited_without_taking_a_token() -> None:
    stack = Stack(bucket=FakeBucket(tokens=0))
    entry = stack.admission().admit(_send(CRISIS), USER)
    assert isinstance(entry, Admitted) and entry.safety.crisis
    assert stack.bucket.taken == 0


def test_a_crisis_under_a_key_used_for_other_words_gets_an_answer_of_its_own() -> None:
    stack = Stack()
    other = stack.admission().admit(_send("A quiet day.", cmid="k5"), USER)
    assert isinstance(other, Admitted)
    # When a crisis message reuses that key
    entry = stack.admission().admit(_send(CRISIS, cmid="k5"), USER)
    # Then it is answered, under a message id of its own
    assert isinstance(entry, Admitted) and entry.safety.crisis and entry.message_id != other.message_id


def test_a_crisis_naming_an_unknown_conversation_starts_one_of_the_persons_own() -> None:
    stack = Stack()
    entry = stack.admission().admit(_send(CRISIS, sessionId="someone-elses"), USER)
    assert isinstance(entry, Admitted) and entry.safety.crisis
    assert entry.session.session_id != "someone-elses" and entry.session.user_id == USER


@pytest.mark.parametrize("outage", ["slow", "down"])
def test_a_crisis_is_admitted_within_a_second_when_storage_is_slow_or_down(outage: str) -> None:
    # Given keys and sessions that take three seconds, or fail
    stack = Stack(keys=FakeKeys(claim_delay_s=3.0 if outage == "slow" else 0.0, down=outage == "down"))
    stack.conversations.read_delay_s = 3.0 if outage == "slow" else 0.0
    stack.conversations.down = outage == "down"
    # When a crisis message arrives in a conversation
    started = time.monotonic()
    entry = stack.admission().admit(_send(CRISIS, sessionId="s1"), USER)
    # Then it is admitted after at most about a second of waiting
    assert isinstance(entry, Admitted) and entry.safety.crisis
    assert time.monotonic() - started < 2.5


def test_a_crisis_heard_across_the_conversation_is_not_refused_by_the_rate_limit() -> None:
    # Given a conversation whose last message was below the crisis bar, and no tokens left
    stack = Stack(bucket=FakeBucket(tokens=0))
    stack.conversations.seed_session(USER, "s1", ("I can't do this anymore.", "I'm here with you."))
    # When the next message mentions the means
    entry = stack.admission().admit(_send("I've been saving my pills.", sessionId="s1"), USER)
    # Then the two together are a crisis, and it is admitted
    assert isinstance(entry, Admitted) and entry.safety.crisis


def test_a_resent_crisis_replays_its_answer_or_else_is_answered_anew() -> None:
    stack = Stack()
    first = _send(CRISIS)
    admitted = stack.admission().admit(first, USER)
    # When the same crisis message is resent
    again = stack.admission().admit(first, USER)
    # Then the first answer is to be replayed, and there is an answer ready should there be nothing to replay
    assert isinstance(admitted, Admitted) and isinstance(again, Resent)
    assert again.message_id == admitted.message_id
    assert again.otherwise is not None and again.otherwise.safety.crisis


def test_a_crisis_starting_a_conversation_is_admitted_under_the_session_its_key_names() -> None:
    # Given a crisis message that names no conversation
    stack = Stack()
    first = _send(CRISIS)
    admitted = stack.admission().admit(first, USER)
    # When it is resent, Then the replay's session is the one the answer is stored in
    again = stack.admission().admit(first, USER)
    assert isinstance(admitted, Admitted) and isinstance(again, Resent)
    assert again.session_id == admitted.session.session_id
