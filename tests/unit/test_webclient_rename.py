"""Renaming a conversation in the web client: the frame it sends, what the list shows, and what it says on refusal."""

from __future__ import annotations

import dataclasses

from motivator_web.actions import OFFLINE, rename_session
from motivator_web.apply import RENAME_NOT_SAVED, apply
from motivator_web.models import SessionItem, session_items
from motivator_web.view import ChatView, Send

from shared.limits import TITLE_MAX_CHARS
from shared.protocol import ConversationRenamed, Error, ErrorCode, HistoryPage, SessionSummary


def _view() -> ChatView:
    return ChatView(
        sessions=[SessionItem(session_id="s2", title="Work"), SessionItem(session_id="s1", title="A hard moment")],
        history_supported=True,
    )


def test_a_renamed_title_goes_out_trimmed_and_shows_once_confirmed() -> None:
    # Given the sidebar of two conversations
    view = _view()
    # When the person renames the older one
    view, effects = rename_session(view, "s1", "  Work  ", online=True)
    # Then one renameConversation goes out, trimmed, tagged as a request, and the list waits for the server
    (send,) = effects
    assert isinstance(send, Send)
    assert {k: send.frame[k] for k in ("action", "sessionId", "title")} == {
        "action": "renameConversation",
        "sessionId": "s1",
        "title": "Work",
    }
    assert [p.action for p in view.pending] == ["renameConversation"]
    # When the server confirms it
    view, _ = apply(view, ConversationRenamed(sessionId="s1", title="Work"))
    # Then both rows read "Work" (the person chose it: not numbered apart), and nothing waits any more
    assert [(s.title, s.renamed) for s in view.sessions] == [("Work", False), ("Work", True)]
    assert view.pending == ()


def test_a_list_with_a_typed_title_numbers_only_the_derived_ones() -> None:
    """Given a history page where the person typed a title alike two derived ones, When it becomes the sidebar, Then
    the typed title is shown as typed (even past the 48 characters a derived title is cut to) and not counted: only
    the derived titles are numbered apart, among themselves."""
    long_title = "y" * TITLE_MAX_CHARS
    page = HistoryPage(
        items=[
            SessionSummary(sessionId="s4", title=long_title, lastActivityAt=4, renamed=True),
            SessionSummary(sessionId="s3", title="Work", lastActivityAt=3),
            SessionSummary(sessionId="s2", title="Work", lastActivityAt=2, renamed=True),
            SessionSummary(sessionId="s1", title="Work", lastActivityAt=1),
        ]
    )
    titles = [s.title for s in session_items(page.items)]
    assert titles == [long_title, "Work (2)", "Work", "Work"]


def test_a_title_the_server_would_refuse_is_refused_here_with_its_sentence() -> None:
    # Given the sidebar, When the person saves an empty title, a too long one, or one with a tab
    for typed, words in (("   ", "at least one letter"), ("x" * 61, "60 characters"), ("a\tb", "control characters")):
        view, effects = rename_session(_view(), "s1", typed, online=True)
        # Then nothing goes out and the notice says why, in the server's own words
        assert effects == [] and words in view.notice, (typed, view.notice)


def test_offline_or_unchanged_nothing_goes_out() -> None:
    # Given the sidebar offline, When the person renames, Then the notice says to wait for the connection
    view, effects = rename_session(_view(), "s1", "Exam week", online=False)
    assert (effects, view.notice) == ([], OFFLINE)
    # Given a title the person already chose, When they save it again, Then nothing goes out
    view = dataclasses.replace(_view(), sessions=[SessionItem(session_id="s1", title="Exam week", renamed=True)])
    assert rename_session(view, "s1", " Exam week ", online=True) == (view, [])


def test_a_refused_rename_says_so_and_keeps_the_title() -> None:
    # Given a rename on its way
    view, _ = rename_session(_view(), "s1", "Exam week", online=True)
    asked = view.pending[0]
    # When the server answers not_found (deleted on another device)
    refused, _ = apply(view, Error(code=ErrorCode.NOT_FOUND, message="x", clientMessageId=asked.id))
    # Then the notice says so, the title is unchanged, and the features stay on
    assert "couldn't be found" in refused.notice
    assert [s.title for s in refused.sessions] == ["Work", "A hard moment"] and refused.history_supported
    # When an older server does not know the action
    unknown, _ = apply(view, Error(code=ErrorCode.UNKNOWN_ACTION, message="x", clientMessageId=asked.id))
    assert unknown.notice == RENAME_NOT_SAVED and unknown.history_supported


def test_a_title_heard_as_a_crisis_brings_the_help_lines_above_the_message_box() -> None:
    """Given a rename from the UK on its way, When the server confirms it heard as a crisis with the help lines,
    Then the title is kept and the help lines are held to show above the message box, each ready to tap; an
    ordinary confirmation brings none."""
    from shared.protocol import Resource, Safety

    view, effects = rename_session(_view(), "s1", "I can't go on", online=True, country="GB")
    (send,) = effects
    assert isinstance(send, Send) and send.frame["country"] == "GB"
    lines = [Resource(name="Samaritans", description="Someone to talk to", phone="116 123")]
    view, _ = apply(
        view, ConversationRenamed(sessionId="s1", title="I can't go on", safety=Safety.CRISIS, resources=lines)
    )
    assert [s.title for s in view.sessions if s.session_id == "s1"] == ["I can't go on"]
    assert [(r.name, r.tel_href) for r in view.care_resources] == [("Samaritans", "tel:116123")]
    plain, _ = apply(_view(), ConversationRenamed(sessionId="s2", title="Work week"))
    assert plain.care_resources == []
