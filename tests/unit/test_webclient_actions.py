"""What the person's actions do to the chat view, and the frames they send (motivator_web.actions, pure)."""

from __future__ import annotations

from motivator_web import actions
from motivator_web.models import DONE, SENDING, STREAMING, Turn
from motivator_web.view import ChatView, RestoreDraft, Send

from shared.limits import FEEDBACK_COMMENT_MAX_CHARS, MESSAGE_MAX_CHARS
from shared.protocol import CLIENT_FRAME, SendMessage


def test_a_question_becomes_the_live_turn_and_goes_out_with_its_country() -> None:
    # Given an empty chat, When the person writes how they feel (the country setting says GB)
    view, effects = actions.ask(ChatView(), "  I feel anxious about tomorrow ", "k1", "GB")
    # Then it is the live turn, waiting as "sending", and a valid sendMessage goes out with its key
    assert view.live is not None and (view.live.question, view.live.status) == (
        "I feel anxious about tomorrow",
        SENDING,
    )
    (send,) = effects
    assert isinstance(send, Send)
    frame = CLIENT_FRAME.validate_python(send.frame)
    assert isinstance(frame, SendMessage) and (frame.client_message_id, frame.country) == ("k1", "GB")


def test_a_message_too_long_or_empty_is_refused_with_the_words_given_back() -> None:
    # Given an empty chat, When the message is one character over the limit, or blank
    long_text = "a" * (MESSAGE_MAX_CHARS + 1)
    too_long, effects = actions.ask(ChatView(), long_text, "k1", "")
    blank, _ = actions.ask(ChatView(), "   ", "k2", "")
    # Then nothing goes out, a notice says why (with the limit), and the words go back in the box
    assert too_long.live is None and effects == [RestoreDraft(long_text)]
    assert too_long.notice == "Your message is too long; please keep it under 2,000 characters."
    assert blank.notice == "Write a few words about how you feel, then press Enter."


def test_a_second_question_waits_until_the_answer_finishes() -> None:
    # Given an answer being written, When the person sends another message, Then they are asked to wait
    view = ChatView(live=Turn(key="k1", message_id="m1", status=STREAMING))
    after, effects = actions.ask(view, "And another thing", "k2", "")
    assert after.live == view.live and after.notice == "Please let this answer finish first."
    assert effects == [RestoreDraft("And another thing")]


def test_a_comment_is_cut_to_the_limit_and_sent_as_feedback() -> None:
    # Given an answer rated helpful, When a comment longer than the limit is sent
    rated = ChatView(turns=[Turn(key="k0", message_id="m0", session_id="s1", status=DONE, feedback="up")])
    view, effects = actions.send_comment(rated, "k0", " " + "x" * (FEEDBACK_COMMENT_MAX_CHARS + 50))
    # Then the comment box closes and the feedback frame carries the first 1,000 characters
    (send,) = effects
    assert isinstance(send, Send)
    assert len(send.frame["comment"]) == FEEDBACK_COMMENT_MAX_CHARS and send.frame["helpful"] is True
    assert not view.turns[0].comment_open and [r.action for r in view.pending] == ["feedback"]
    # And its confirmation will say a comment was sent (once the server records it)
    assert view.turns[0].commented and not view.turns[0].feedback_saved


def test_opening_or_deleting_a_conversation_offline_says_so_and_changes_nothing_else() -> None:
    # Given the link is not connected, When the person opens or deletes a conversation
    view = ChatView(session_id="s1", turns=[Turn(key="k0", status=DONE)])
    opened, sent = actions.open_session(view, "s2", online=False)
    deleted, also_sent = actions.delete_session(view, "s1", online=False)
    # Then nothing is sent and each says to try again when connected
    assert sent == also_sent == []
    assert opened.notice == deleted.notice == actions.OFFLINE
    assert (opened.session_id, deleted.turns) == ("s1", view.turns)
