"""The turn's safety level: heard from the message, the session's earlier messages and a crisis still open."""

from __future__ import annotations

from shared.protocol import Safety
from shared.turn_safety import TurnSafety, of_message, of_turn


def test_a_crisis_message_alone_is_a_crisis_and_opens_the_session() -> None:
    # When a message says the person is going to end their life, with nothing read from storage
    heard = of_message("I'm going to kill myself tonight.")
    # Then it is a crisis, and the session stays in crisis care afterwards
    assert heard.crisis and heard.crisis_open


def test_after_a_crisis_ordinary_messages_stay_in_concern_until_the_person_is_safe() -> None:
    # Given a session where a crisis is still open
    earlier = ["I want to end my life."]
    # When the person writes something ordinary, then says they are safe
    ordinary = of_turn("Thanks. Work was long today.", earlier, crisis_open=True)
    safe = of_turn("I'm safe now, I called 988 and talked to someone.", earlier, crisis_open=True)
    # Then the ordinary one keeps the resources (concern) and the crisis open; the safe one closes it
    assert ordinary.level is Safety.CONCERN and ordinary.crisis_open
    assert not safe.crisis_open and safe.level is not Safety.CRISIS


def test_risk_builds_up_across_the_sessions_messages() -> None:
    # Given a session whose earlier message was below the crisis bar
    earlier = ["I can't do this anymore."]
    # When the next one mentions the means
    heard = of_turn("I've been saving my pills.", earlier, crisis_open=False)
    # Then the two together are a crisis
    assert heard.crisis


def test_the_models_opinion_only_ever_raises_the_level() -> None:
    # Given an ordinary turn
    turn = TurnSafety()
    # When the model says concern, then none
    raised = turn.raised_to(Safety.CONCERN)
    kept = raised.raised_to(Safety.OK)
    # Then the level goes up and never back down, and a crisis opens the session
    assert raised.level is Safety.CONCERN and kept.level is Safety.CONCERN
    assert turn.raised_to(Safety.CRISIS).crisis_open and not raised.crisis_open
