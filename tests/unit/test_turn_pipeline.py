"""The turn pipeline end to end on in-memory storage: admit, choose, write, record, and replays of resends."""

from __future__ import annotations

import uuid
from typing import Any

from shared.deadline import Deadline
from shared.protocol import ErrorCode, Safety, SendMessage, TurnStatus, _ServerFrame
from tests.unit.fakes import Client, FakeBucket, FakeConversations, Stack

USER = "user-1"
CRISIS = "I'm going to kill myself tonight."


def _send(message: str = "I feel anxious about my exam tomorrow.", **extra: Any) -> SendMessage:
    return SendMessage(message=message, clientMessageId=extra.pop("cmid", str(uuid.uuid4())), **extra)


def _answer(stack: Stack, request: SendMessage, client: Client | None = None) -> Client:
    client = client or Client()
    stack.service().send(request, USER, client, Deadline.within(60))
    return client


class StoredWhenDone(Client):
    """A client that notes, as `done` arrives, whether the turn is already stored whole."""

    def __init__(self, conversations: FakeConversations) -> None:
        super().__init__()
        self._conversations = conversations
        self.stored_at_done: TurnStatus | None = None

    def send(self, frame: _ServerFrame) -> None:
        if getattr(frame, "type", None) == "done":
            turn = self._conversations.get_turn(frame.message_id)  # type: ignore[attr-defined]
            self.stored_at_done = turn.status if turn else None
        super().send(frame)


def test_an_answer_is_ack_meta_deltas_then_done_once_it_is_stored() -> None:
    stack = Stack()
    client = _answer(stack, _send(), StoredWhenDone(stack.conversations))
    assert client.types[:2] == ["ack", "meta"] and client.types[-1] == "done"
    assert set(client.types[2:-1]) == {"delta"}
    assert isinstance(client, StoredWhenDone) and client.stored_at_done is TurnStatus.COMPLETE
    assert client.of("done")[0].stored is None


def test_the_next_message_finds_this_answer_as_context_and_its_verse_as_used() -> None:
    stack = Stack()
    first = _answer(stack, _send())
    session_id = first.of("ack")[0].session_id
    _answer(stack, _send("And I'm tired too.", sessionId=session_id))
    # Then the model's second call carried the first exchange, and the session remembers both verses
    context = stack.model.calls[1]
    assert context[0]["content"][0]["text"] == "I feel anxious about my exam tomorrow."
    assert context[1]["content"][0]["text"] == first.text
    session = stack.conversations.sessions[(USER, session_id)]
    assert session.used_references[0] == first.of("meta")[0].verse.reference and len(session.used_references) == 2


def test_a_resend_replays_the_stored_answer_without_a_second_model_call() -> None:
    stack = Stack()
    request = _send()
    first = _answer(stack, request)
    again = _answer(stack, request)
    assert len(stack.model.calls) == 1
    assert again.of("ack")[0].message_id == first.of("ack")[0].message_id and again.text == first.text
    assert again.types[-1] == "done"


def test_a_resend_of_a_refused_message_is_answered_once_there_is_a_token() -> None:
    # Given a first copy refused by the rate limit (it gave its key back)
    stack = Stack(bucket=FakeBucket(tokens=0))
    request = _send()
    refused = _answer(stack, request)
    assert refused.of("error")[0].code is ErrorCode.RATE_LIMITED
    # When a token is back and the message is resent, Then it is answered
    stack.bucket.tokens = 1
    answered = _answer(stack, request)
    assert answered.types[-1] == "done" and len(stack.model.calls) == 1


def test_a_crisis_is_answered_when_storage_is_down_and_done_says_it_was_not_stored() -> None:
    stack = Stack()
    stack.conversations.down = True
    stack.keys.down = True
    client = _answer(stack, _send(CRISIS, sessionId="s1"))
    assert client.of("meta")[0].safety is Safety.CRISIS and "988" in client.text
    assert client.of("done")[0].stored is False


def test_a_crisis_resent_after_its_answer_replays_it_under_the_session_it_is_stored_in() -> None:
    # Given a crisis message that started a conversation, answered and stored
    stack = Stack()
    request = _send(CRISIS)
    first = _answer(stack, request)
    stored = stack.conversations.get_turn(first.of("ack")[0].message_id)
    # When it is resent (a reconnecting client)
    again = _answer(stack, request)
    # Then the same answer is replayed, and both acks name the conversation it is stored in
    assert stored is not None and again.text == first.text
    assert first.of("ack")[0].session_id == again.of("ack")[0].session_id == stored.session_id


def test_an_unknown_conversation_is_refused_with_not_found() -> None:
    client = _answer(Stack(), _send(sessionId="not-mine"))
    assert client.types == ["error"] and client.of("error")[0].code is ErrorCode.NOT_FOUND


def _another(stack: Stack, message_id: str, cmid: str | None = None) -> Client:
    from shared.protocol import AnotherVerse

    client = Client()
    request = AnotherVerse(messageId=message_id, clientMessageId=cmid or str(uuid.uuid4()))
    stack.service().another(request, USER, client, Deadline.within(60))
    return client


def test_another_verse_answers_the_same_message_with_a_verse_not_shown_beside_the_first() -> None:
    # Given an answer in a conversation
    stack = Stack()
    first = _answer(stack, _send())
    first_id, session_id = first.of("ack")[0].message_id, first.of("ack")[0].session_id
    # When the person asks for another verse, twice
    second = _another(stack, first_id)
    third = _another(stack, first_id)
    # Then each is a new answer in the same conversation, beside the first, with a verse not shown before
    acks = [c.of("ack")[0] for c in (second, third)]
    assert all(a.session_id == session_id and a.sibling_of == first_id for a in acks)
    verses = [c.of("meta")[0].verse.reference for c in (first, second, third)]
    assert len(set(verses)) == 3, verses
    stored = stack.conversations.turns[acks[0].message_id]
    assert stored.sibling_of == first_id and stored.message == "I feel anxious about my exam tomorrow."
    assert stored.to_view(second.text).sibling_of == first_id


def test_another_verse_for_a_crisis_answer_is_again_gentle_with_the_resources() -> None:
    # Given a crisis answer
    stack = Stack()
    first = _answer(stack, _send(CRISIS))
    # When another verse is asked for it
    again = _another(stack, first.of("ack")[0].message_id)
    # Then the new answer is the crisis answer again: resources, a gentle verse, a different one
    meta = again.of("meta")[0]
    assert meta.safety is Safety.CRISIS and meta.resources
    assert meta.verse.reference != first.of("meta")[0].verse.reference


def test_another_verse_resent_replays_and_an_unknown_answer_is_not_found() -> None:
    # Given an answer and a request for another verse under a key
    stack = Stack()
    first = _answer(stack, _send())
    once = _another(stack, first.of("ack")[0].message_id, cmid="again-1")
    calls = len(stack.model.calls)
    # When the same request comes again (a resend after a dropped connection)
    twice = _another(stack, first.of("ack")[0].message_id, cmid="again-1")
    # Then the same answer is replayed without another model call
    assert twice.of("ack")[0].message_id == once.of("ack")[0].message_id and twice.text == once.text
    assert len(stack.model.calls) == calls
    # And another verse for an answer that does not exist (or is someone else's) is not_found, for that request
    missing = _another(stack, "no-such-answer", cmid="again-2")
    (error,) = missing.of("error")
    assert error.code is ErrorCode.NOT_FOUND and (error.client_message_id, error.message_id) == (
        "again-2",
        "no-such-answer",
    )
