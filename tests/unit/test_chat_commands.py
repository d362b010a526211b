"""The terminal chat's commands and replies: what /rename sends, and what a person reads back."""

from __future__ import annotations

from devtools.chat_commands import ChatContext, command_frame, describe_reply


def test_rename_sends_the_title_as_typed_with_the_persons_country() -> None:
    # Given a conversation under way, from the UK; When the person types /rename with a title
    frame = command_frame("/rename Exam week", ChatContext(session_id="s1", country="GB"))
    # Then one renameConversation goes out with the title as typed and the country for any help lines
    assert isinstance(frame, dict)
    assert {k: frame[k] for k in ("action", "sessionId", "title", "country")} == {
        "action": "renameConversation",
        "sessionId": "s1",
        "title": "Exam week",
        "country": "GB",
    }


def test_a_title_heard_as_a_crisis_is_answered_with_the_help_lines_first() -> None:
    # Given the server's confirmation of a title heard as a crisis, with a help line
    line = {"name": "Samaritans", "description": "Someone to talk to", "phone": "116 123"}
    reply = {"type": "conversationRenamed", "sessionId": "s1", "title": "t", "safety": "crisis", "resources": [line]}
    # When the terminal prints it; Then the help line comes first, ready to call, then the confirmation
    printed = describe_reply(reply) or ""
    assert printed.index("call 116 123") < printed.index("now called")
    # And an ordinary confirmation is one line
    assert describe_reply({"type": "conversationRenamed", "sessionId": "s1", "title": "t"}) == (
        "  This conversation is now called \u201ct\u201d."
    )


def test_today_asks_for_the_verse_of_the_day_and_prints_it_with_its_day() -> None:
    # Given the terminal chat; When the person types /today
    frame = command_frame("/today", ChatContext())
    # Then one verseOfTheDay goes out (in their own translation), and its answer is printed with the day
    assert isinstance(frame, dict) and frame["action"] == "verseOfTheDay"
    verse = {"reference": "Psalm 1:1", "text": "words", "translation": "KJV"}
    printed = describe_reply({"type": "verseOfTheDay", "day": "2026-12-01", "verse": verse}) or ""
    assert printed.startswith("  Today's verse (2026-12-01): Psalm 1:1 (KJV)") and "\u201cwords\u201d" in printed
