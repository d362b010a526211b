"""The Conversations table's indexes carry what their queries read, and nothing a list does not show."""

from __future__ import annotations

from dataclasses import replace

from shared.conversation_items import session_key, turn_key, turn_of
from shared.tables import CONNECTIONS, CONVERSATIONS, CONVERSATIONS_TTL_ATTRIBUTE


def _stored_turn() -> dict[str, object]:
    """A finished turn item as the pipeline writes it, feedback and a stop request included."""
    return {
        **turn_key("m1"),
        "messageId": "m1",
        "sessionId": "s1",
        "userId": "u1",
        "clientMessageId": "c1",
        "message": "I feel tired.",
        "sessionKey": session_key("s1"),
        "turnAt": 1_000,
        "updatedAt": 2_000,
        "status": "stopped",
        "lastSeq": 3,
        "meta": {
            "messageId": "m1",
            "emotion": "tired",
            "confidence": 0.8,
            "verse": {"reference": "Matthew 11:28", "text": "Come to me.", "translation": "WEB"},
            "safety": "ok",
        },
        "done": {"stopReason": "stopped", "usage": {"inputTokens": 10, "outputTokens": 3}, "fallback": False},
        "answer": "Rest is near.",
        "feedback": {"helpful": True, "comment": None, "at": 3_000},
        "stopRequested": True,
        CONVERSATIONS_TTL_ATTRIBUTE: 1_900_000_000,
    }


def _projected(item: dict[str, object], index_name: str) -> dict[str, object]:
    """The item as a query of that index returns it: table and index keys plus the projected attributes."""
    index = next(i for i in CONVERSATIONS.indexes if i.name == index_name)
    assert index.include is not None
    keys = {CONVERSATIONS.partition_key[0], index.partition_key[0]}
    keys |= {k[0] for k in (CONVERSATIONS.sort_key, index.sort_key) if k}
    return {name: value for name, value in item.items() if name in keys or name in index.include}


def test_a_turn_read_from_the_session_index_shows_exactly_what_the_stored_turn_shows() -> None:
    """Given a finished turn with feedback, stored in full
    When a session's turn list reads it through the bySession index, which projects only some attributes
    Then the history view of it is the same as of the full item, and the stop flag and expiry stay out."""
    item = _stored_turn()
    projected = _projected(item, "bySession")
    assert "stopRequested" not in projected and CONVERSATIONS_TTL_ATTRIBUTE not in projected
    full, listed = turn_of(item), turn_of(projected)
    assert listed == replace(full, stop_requested=False)
    assert listed.to_view(listed.answer or "") == full.to_view(full.answer or "")


def test_no_index_is_kept_that_no_query_reads() -> None:
    """Given the table definitions
    Then connections have no index (they are read by id only) and every conversations index projects a list."""
    assert CONNECTIONS.indexes == ()
    assert all(index.include is not None for index in CONVERSATIONS.indexes)
