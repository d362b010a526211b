"""History pages cut to fit one WebSocket message, with cursors that lead through the whole conversation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared import limits
from shared.history import TooLarge, sessions_page, turns_page
from shared.protocol import Done, ErrorCode, StopReason, Timings, TurnStatus
from shared.records import Chunk
from shared.storage import NotFound
from tests.unit.fakes import FakeConversations

USER = "user-1"


def _conversation(turns: int, answer_chars: int) -> FakeConversations:
    store = FakeConversations()
    for i in range(turns):
        message_id = f"m{i:03d}"
        store.start_turn(
            user_id=USER, session_id="s1", message_id=message_id, client_message_id=message_id, message=f"q{i}"
        )
        store.append_chunk(message_id, Chunk(1, [(1, "x" * answer_chars)]))
        done = Done(messageId=message_id, seq=1, stopReason=StopReason.END_TURN, metrics=Timings(totalMs=1.0))
        store.finish_turn(
            message_id=message_id, session_id="s1", user_id=USER, status=TurnStatus.COMPLETE, done=done, answer=""
        )
        # Distinct times, so the order is the order written.
        store.turns[message_id] = replace(store.turns[message_id], created_at=i)
    return store


def test_fifty_long_answers_come_in_pages_under_the_budget_and_cursors_reach_every_one() -> None:
    # Given a conversation of fifty answers of 5 000 characters (about 250 KB in all)
    store = _conversation(50, 5_000)
    # When the person pages through it fifty at a time
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = turns_page(store, USER, "s1", limits.HISTORY_PAGE_MAX, cursor)
        pages += 1
        # Then every page fits in one message as sent
        assert len(page.to_wire()) <= limits.WS_POST_MAX_BYTES
        seen += [item.message_id for item in page.items]  # type: ignore[union-attr]
        cursor = page.cursor
        if cursor is None:
            break
    # And the pages hold every turn once, in order
    assert seen == [f"m{i:03d}" for i in range(50)] and pages >= 3


def test_short_pages_are_cut_by_count_only() -> None:
    store = _conversation(5, 100)
    page = turns_page(store, USER, "s1", 2, None)
    assert [item.message_id for item in page.items] == ["m000", "m001"]  # type: ignore[union-attr]
    assert page.cursor is not None


def test_one_answer_larger_than_a_message_is_refused_as_too_large() -> None:
    store = _conversation(1, limits.WS_POST_MAX_BYTES + 1)
    with pytest.raises(TooLarge) as refused:
        turns_page(store, USER, "s1", 20, None)
    assert refused.value.frame.code is ErrorCode.TOO_LARGE and refused.value.frame.message


def test_someone_elses_conversation_is_not_found() -> None:
    store = _conversation(2, 10)
    with pytest.raises(NotFound):
        turns_page(store, "someone-else", "s1", 20, None)


def test_the_session_list_is_a_page_too() -> None:
    store = _conversation(1, 10)
    page = sessions_page(store, USER, 20, None)
    assert [item.session_id for item in page.items] == ["s1"]  # type: ignore[union-attr]
