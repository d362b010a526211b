"""The bench bills the index entries DynamoDB writes with an item, as AWS does: per index, at the entry's size."""

from __future__ import annotations

from devtools.bench.itemsize import index_entries, item_size, updated_attributes
from shared.conversations import session_item_key, turn_key
from shared.tables import CONVERSATIONS


def _item(key: dict[str, str], **fields: str | int) -> dict[str, dict[str, str]]:
    """An item in DynamoDB's wire format: strings as S, numbers as N."""
    typed = {name: {"N": str(v)} if isinstance(v, int) else {"S": v} for name, v in fields.items()}
    return {"pk": {"S": key["pk"]}, "sk": {"S": key["sk"]}, **typed}


def _turn(answer: str) -> dict[str, dict[str, str]]:
    return _item(turn_key("m-1"), messageId="m-1", sessionKey="SESSION#s-1", turnAt=1, status="complete",
                 answer=answer, expiresAt=2)  # fmt: skip


def _session(context: str) -> dict[str, dict[str, str]]:
    key = session_item_key("u-1", "s-1")
    return _item(key, sessionId="s-1", activityKey="USER#u-1", lastActivityAt=5, title="A long day", turnCount=3,
                 recentTurns=context)  # fmt: skip


def test_a_new_turn_writes_its_list_entry_with_the_answer_it_carries() -> None:
    # Given a turn item with a 3,000-character answer, put as a new item
    turn = _turn("x" * 3000)
    # When the index entries of that put are counted
    entries = index_entries(turn, CONVERSATIONS)
    # Then the session's turn list (bySession) gets one entry, about as large as the item (it carries the answer)
    assert len(entries) == 1
    assert 3000 < entries[0] <= item_size(turn)


def test_a_session_update_moving_it_in_the_list_writes_two_small_entries_without_its_context() -> None:
    # Given a session item with 5,000 characters of context, updated with a new activity time
    session = _session("c" * 5000)
    written = updated_attributes("SET recentTurns = :r, lastActivityAt = :at ADD turnCount :one")
    # When the index entries of that update are counted
    entries = index_entries(session, CONVERSATIONS, written)
    # Then the activity list's entry moves (a delete and a put), each without the context it does not carry
    assert len(entries) == 2
    assert all(size < 200 for size in entries)


def test_an_update_of_what_no_index_carries_writes_no_entry() -> None:
    # Given the session's context rewritten alone
    session = _session("c" * 5000)
    written = updated_attributes("SET recentTurns = :r, usedReferences = :u")
    # Then no index entry is written
    assert index_entries(session, CONVERSATIONS, written) == []


def test_updated_attributes_reads_every_clause_and_substitutes_names() -> None:
    # Given an expression with SET (a function with commas inside), REMOVE and ADD, and a placeholder name
    expression = "SET #s = :s, title = if_not_exists(title, :t), meta.verse = :v REMOVE #y ADD turnCount :one"
    # Then every attribute written at the top level is named
    assert updated_attributes(expression, {"#s": "status", "#y": "d0"}) == {
        "status",
        "title",
        "meta",
        "d0",
        "turnCount",
    }
