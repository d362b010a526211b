"""The turn's safety level, heard first: the message, the session's recent messages, a crisis still open."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from shared.engine.safety import SafetyAssessment, assess, assess_conversation, says_safe
from shared.protocol import Safety

#: How many of the session's earlier messages count towards the risk of this one.
EARLIER_MESSAGES = 6


@dataclass(frozen=True)
class TurnSafety:
    """What the turn must do for the person's safety; never holds message text."""

    level: Safety = Safety.OK
    language: str | None = None
    categories: tuple[str, ...] = ()
    #: The session stays in crisis care after this turn: later answers keep the resources visible.
    crisis_open: bool = False

    @property
    def crisis(self) -> bool:
        return self.level is Safety.CRISIS

    @property
    def concern(self) -> bool:
        """Concern or crisis: verses stay gentle and the resources are shown."""
        return self.level is not Safety.OK

    def raised_to(self, level: Safety) -> TurnSafety:
        """Only ever raised (the model's second opinion can add care, never take it away)."""
        higher = self.level.at_least(level)
        return replace(self, level=higher, crisis_open=self.crisis_open or higher is Safety.CRISIS)


def of_message(message: str) -> TurnSafety:
    """The message alone, with nothing read from storage: enough to never refuse a crisis."""
    return _from(assess(message), was_open=False, message=message)


def of_turn(message: str, earlier: Sequence[str], *, crisis_open: bool) -> TurnSafety:
    """The message heard with the session's earlier messages (oldest first) and whether a crisis is open in it."""
    recent = _since_safe([*list(earlier)[-EARLIER_MESSAGES:], message])
    assessment = assess_conversation(message, recent[:-1]) if len(recent) > 1 else assess(message)
    return _from(assessment, was_open=crisis_open, message=message)


def _since_safe(messages: list[str]) -> list[str]:
    """The messages from the last one where the person said they are safe: what came before it no longer adds up."""
    for index in range(len(messages) - 1, -1, -1):
        if says_safe(messages[index]):
            return messages[index:]
    return messages


def _from(assessment: SafetyAssessment, *, was_open: bool, message: str) -> TurnSafety:
    level = assessment.level
    if level is Safety.CRISIS:
        still_open = True
    elif was_open and says_safe(message):
        still_open = False
    else:
        still_open = was_open
    if still_open:
        level = level.at_least(Safety.CONCERN)
    return TurnSafety(level, assessment.language, assessment.categories, still_open)
