"""The web client reads history pages exactly as the server writes them (one set of models on both sides)."""

from __future__ import annotations

from motivator_web.gateway import parse_frame
from motivator_web.models import DONE, INTERRUPTED, session_items, turns_of

from shared.engine.resources import resources_for
from shared.engine.scripture import get_catalogue
from shared.protocol import FeedbackView, HistoryPage, Safety, SessionSummary, TurnStatus, TurnView, Verse


def test_a_session_list_page_becomes_the_sidebar() -> None:
    # Given the server's page of two sessions, on the wire
    page = HistoryPage(
        items=[
            SessionSummary(sessionId="s2", title="I feel anxious about my exam", lastActivityAt=1_764_000_000_000),
            SessionSummary(sessionId="s1", title="", lastActivityAt=1_763_000_000_000, turnCount=3),
        ],
        cursor="abc",
    )

    # When the web client parses it
    frame = parse_frame(page.to_wire())
    assert isinstance(frame, HistoryPage)
    sessions = session_items(frame.items)

    # Then the sidebar lists both, newest first, with a title and a time for each
    assert [(s.session_id, s.title) for s in sessions] == [
        ("s2", "I feel anxious about my exam"),
        ("s1", "Conversation"),
    ]
    assert all(s.when for s in sessions)


def test_titles_met_again_are_told_apart_oldest_first() -> None:
    """Given three conversations titled alike and one other, When the list becomes the sidebar, Then the oldest keeps
    the plain title and the later ones are numbered, so no two rows read the same."""
    page = [
        SessionSummary(sessionId=sid, title=title, lastActivityAt=at)
        for sid, title, at in (
            ("s4", "A hard moment", 4_000),
            ("s3", "I feel tired", 3_000),
            ("s2", "A hard moment", 2_000),
            ("s1", "A hard moment", 1_000),
        )
    ]
    assert [s.title for s in session_items(page)] == [
        "A hard moment (3)",
        "I feel tired",
        "A hard moment (2)",
        "A hard moment",
    ]


def test_a_session_page_becomes_its_turns_with_verse_feedback_and_status() -> None:
    # Given the server's page of one session: a crisis answer rated helpful, and an answer cut short by a crash
    chosen = get_catalogue().resolve("Psalm 34:18")  # scripture comes from the bundled translation
    assert chosen is not None
    verse = Verse(reference=chosen.reference, text=chosen.text, translation=chosen.translation)
    page = HistoryPage(
        sessionId="s1",
        items=[
            TurnView(
                messageId="m1",
                message="I can't go on",
                answer="You matter.",
                status=TurnStatus.COMPLETE,
                emotion="sad",
                confidence=0.8,
                verse=verse,
                safety=Safety.CRISIS,
                resources=list(resources_for()),
                feedback=FeedbackView(helpful=True),
            ),
            TurnView(messageId="m2", message="Are you there?", answer="I am", status=TurnStatus.INCOMPLETE),
        ],
    )

    # When the web client parses it
    frame = parse_frame(page.to_wire())
    assert isinstance(frame, HistoryPage)
    first, second = turns_of("s1", frame.items)

    # Then the turns carry what the chat shows
    assert (first.question, first.text, first.status, first.reference, first.verse) == (
        "I can't go on",
        "You matter.",
        DONE,
        "Psalm 34:18",
        verse.text,
    )
    assert first.crisis and [r.name for r in first.resources] == [r.name for r in resources_for()]
    assert (first.feedback, first.feedback_saved) == ("up", True)
    assert (second.status, second.text, second.feedback) == (INTERRUPTED, "I am", "")
    assert second.notice == "This answer was left unfinished."
