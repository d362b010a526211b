"""The web client's view of today's allowance: what is left shows only when few are left; the limit's sentence."""

from __future__ import annotations

from motivator_web.apply import apply
from motivator_web.view import allowance_label

from shared.limits import ALLOWANCE_SHOWN_AT
from shared.protocol import Ack, Error, ErrorCode
from tests.unit.test_webclient_apply import asking, wire


def test_an_ack_with_few_left_shows_how_many_and_many_left_shows_nothing() -> None:
    """Given a question just sent
    When the ack says 3 are left, or 40
    Then the composer says "3 messages left today", and nothing for 40."""
    few, _ = apply(asking(), wire(Ack(clientMessageId="k1", messageId="m1", sessionId="s1", remainingToday=3)))
    many, _ = apply(asking(), wire(Ack(clientMessageId="k1", messageId="m1", sessionId="s1", remainingToday=40)))
    assert allowance_label(few.remaining_today) == "3 messages left today"
    assert allowance_label(many.remaining_today) == ""
    assert allowance_label(1) == "1 message left today"
    assert allowance_label(ALLOWANCE_SHOWN_AT + 1) == "" and allowance_label(None) == ""


def test_the_daily_limit_error_says_when_it_resets_and_that_a_crisis_is_always_answered() -> None:
    """Given a question just sent
    When the server refuses it with `daily_limit`
    Then the question fails with the server's sentence (when it resets), and none are shown as left."""
    sentence = (
        "You've used today's 50 messages. Your allowance resets at 00:00 UTC; if you are in crisis, write anyway."
    )
    error = Error(code=ErrorCode.DAILY_LIMIT, message=sentence, clientMessageId="k1", resetsAt=1, retryAfterMs=5)
    view, _ = apply(asking(), wire(error))
    failed = view.live or view.turns[-1]
    assert failed.notice == sentence
    assert view.remaining_today == 0
    assert "crisis" in allowance_label(view.remaining_today)
