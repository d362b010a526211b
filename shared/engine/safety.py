"""The crisis detector run on every message before any model call (two tiers, across turns), and the crisis answer."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from shared.engine.emotions import FALLBACK, POSITIVE, EmotionResult
from shared.engine.safety_score import Finding, evidence, fired, risk
from shared.engine.safety_signals import (
    CATEGORIES,
    CONCERN_BAR,
    CRISIS_BAR,
    EXPLICIT,
    HOPELESSNESS,
    IMMINENCE,
    INTENT,
    MEANS,
    RELIGIOUS,
    SELF_HARM,
    SOMEONE_ELSE,
    english,
    fold,
)
from shared.protocol import Safety

__all__ = [
    "CATEGORIES",
    "EXPLICIT",
    "HOPELESSNESS",
    "IMMINENCE",
    "INTENT",
    "MEANS",
    "RELIGIOUS",
    "SELF_HARM",
    "SOMEONE_ELSE",
    "SafetyAssessment",
    "assess",
    "assess_conversation",
    "concern_line",
    "crisis_emotion",
    "crisis_message",
    "says_safe",
]

# How it decides (shared.engine.safety_score does the scoring, the safety_lexicon_* modules hold the cues):
# - The message is normalised (accents, "k1ll", "sooo", "im", "myslef") and split into clauses.
# - Cues are independent evidence in eight categories, each weighted: 1.0 is a crisis alone ("I want to kill
#   myself"), less needs more evidence with it ("tonight" 0.25, "the pills" 0.2, "I can't do this anymore" 0.5).
#   Guards reduce a cue, never veto the rest: negation, idioms, accidents, someone else's past, topic talk.
# - The evidence adds up: at CRISIS_BAR the crisis answer, at CONCERN_BAR the ordinary answer with the resources
#   beside it. Recall first: whatever may be a crisis is at least a concern.
# - Distress (explicit, hopelessness, intent, religious) beside capability (means, being at the place) weighs more
#   than either: the weaker of the two is added again when both are clear (safety_score.risk).
# - Across turns, earlier messages count for less the older they are, and a category's turns combine without ever
#   reaching a crisis alone: "I can't do this anymore" then "I've been saving my pills" is a crisis; three idioms
#   stay three idioms.

#: A crisis message that names no feeling is heard as pain, not as "seeking": its verse comes from the
#: comfort for a broken heart, not from the verses about purpose.
CRISIS_FALLBACK_EMOTION: Final = "sad"

#: What an earlier message still counts for, by how many messages ago it was sent (1 = the one just before).
TURN_DECAY: Final = (0.85, 0.7, 0.55, 0.45, 0.35, 0.3)


def crisis_emotion(heard: EmotionResult) -> str:
    """The feeling a crisis answer speaks to: pain, whatever hopeful or grateful words the message used."""
    if heard.emotion == FALLBACK or heard.emotion in POSITIVE:
        return CRISIS_FALLBACK_EMOTION
    return heard.emotion


@dataclass(frozen=True)
class SafetyAssessment:
    """How much a message needs the crisis resources, and which kinds of evidence said so; never holds its text."""

    level: Safety
    categories: tuple[str, ...] = ()
    #: "es", "pt", "fr" or "de" when the message is in that language; None for English.
    language: str | None = None

    @property
    def crisis(self) -> bool:
        return self.level is Safety.CRISIS

    @property
    def concern(self) -> bool:
        return self.level is not Safety.OK


def explain(text: str) -> tuple[Finding, ...]:
    """Every cue that matched the message, with the guards (negated, idiom, past, …) that cut its weight.

    For diagnosing a miss or a false alarm from a test failure; holds offsets, never the message's text."""
    trace: list[Finding] = []
    evidence(text, trace)
    return tuple(trace)


def _level(total: float) -> Safety:
    if total >= CRISIS_BAR:
        return Safety.CRISIS
    return Safety.CONCERN if total >= CONCERN_BAR else Safety.OK


def _assessment(weights: Mapping[str, float], language: str | None) -> SafetyAssessment:
    level = _level(risk(weights))
    if level is Safety.OK:
        return SafetyAssessment(level, (), language)
    return SafetyAssessment(level, fired(weights), language)


def assess(text: str) -> SafetyAssessment:
    """The safety level of one message. Deterministic; the text is neither kept nor logged."""
    heard = evidence(text)
    return _assessment(heard.weights, heard.language)


def assess_conversation(message: str, earlier: Sequence[str]) -> SafetyAssessment:
    """The level of a message heard with the session's earlier user messages (oldest first, the last few count)."""
    current = evidence(message)
    if current.crisis:
        return _assessment(current.weights, current.language)
    # Per category the turns combine like independent witnesses, 1 - (1 - a)(1 - b)...: saying it again adds
    # less each time and never reaches 1.0, so repetition alone (or a run of idioms) never makes a crisis.
    untouched = {category: 1.0 - weight for category, weight in current.weights.items()}
    for age, text in enumerate(reversed(list(earlier)[-len(TURN_DECAY) :])):
        for category, weight in evidence(text).weights.items():
            untouched[category] = untouched.get(category, 1.0) * (1.0 - weight * TURN_DECAY[age])
    return _assessment({c: 1.0 - left for c, left in untouched.items()}, current.language)


_NOT_SAFE = re.compile(
    r"\b(?:not|don't feel|do not feel|never) (?:\w+ )?(?:safe|okay|ok|alright|fine)\b|\bunsafe\b|"
    r"\bno (?:estoy|me siento) (?:a salvo|segur[ao]|bien)\b|\bnao (?:estou|me sinto) (?:segur[ao]|bem)\b|"
    r"\bne suis pas en securite\b|\bnicht (?:in sicherheit|sicher)\b"
)
_SAFE = re.compile(
    r"\b(?:i'm|i am|i feel|feeling|i'll be|i will be) (?:\w+ )?(?:safe|okay|ok|alright|fine|better) (?:now|tonight|for "
    r"now|again)\b|\b(?:i'm|i am|i feel) safe\b|\b(?:i )?(?:called|texted|rang|talked to|spoke to|reached) (?:988|"
    r"911|the (?:hotline|crisis line|helpline)|a (?:counselor|counsellor|therapist|crisis)|someone|my (?:therapist|"
    r"counselor|counsellor|doctor|pastor|mom|dad|friend|sister|brother|wife|husband|partner))\b|"
    r"\b(?:i )?(?:won't|will not|am not going to|i'm not going to) (?:do anything|hurt myself|act on it)\b|"
    r"\bthe (?:urge|feeling|thought)s? (?:has|have) passed\b|\b(?:i'm|i am) (?:now )?with (?:my \w+|someone|a friend|"
    r"family)\b|\b(?:is|are) (?:here )?with me (?:now|tonight)\b|"
    r"\bestoy a salvo\b|\b(?:ya )?estoy (?:mejor|bien)\b|\bhable (?:con alguien|al 988)\b|"
    r"\bestou (?:segur[ao]|bem|melhor)\b|\bje suis en securite\b|\bje vais mieux\b|"
    r"\bich bin (?:in sicherheit|sicher)\b|\bmir geht es (?:besser|gut)\b"
)


#: Evidence that keeps a crisis open even beside "I'm safe" ("I'm okay now but I still have the pills").
_STILL_AT_RISK: Final = frozenset([EXPLICIT, INTENT, MEANS, IMMINENCE, SELF_HARM])


def says_safe(text: str) -> bool:
    """Whether the person says they are safe now (the caller closes an open crisis only then)."""
    heard = assess(text)
    if heard.crisis or _STILL_AT_RISK.intersection(heard.categories):
        return False
    message = english(fold(text))
    return not _NOT_SAFE.search(message) and bool(_SAFE.search(message))


_CRISIS_OPENINGS = (
    "I'm really glad you told me, and I'm so sorry you're carrying this much pain right now.",
    "Thank you for trusting me with something this heavy; what you're feeling matters, and so do you.",
    "I hear how much you're hurting, and I'm grateful you reached out instead of staying alone with it.",
    "I'm so sorry it has become this hard; you don't have to face this moment by yourself.",
    "What you shared matters deeply, and you matter deeply too.",
)
_CRISIS_CLOSINGS = (
    "Please reach out right now to one of the people listed with this message: "
    "in the US you can call or text 988 any time, or call your local emergency number if you are in immediate "
    "danger.",
    "Please talk with someone now: call or text 988 (in the US), find a local helpline from the list "
    "with this message, or call emergency services if you might act on these thoughts.",
    "Right now, please contact one of the helplines listed with this message; they are kind, they are free, "
    "and they are there for exactly this moment. In the US, call or text 988; if you are in danger, call your local "
    "emergency number.",
)
_CRISIS_OPENINGS_ES = (
    "Gracias por contármelo; siento mucho que estés cargando con tanto dolor ahora mismo.",
    "Lo que estás viviendo importa, y tú también importas.",
    "Me alegra que hayas escrito en lugar de quedarte a solas con esto; no tienes que pasar este momento sin ayuda.",
)
_CRISIS_CLOSINGS_ES = (
    "Por favor, habla ahora con alguien de la lista que acompaña este mensaje: llama al 988 y marca 2 para hablar "
    "en español, o llama al 911 o al número de emergencias de tu país si estás en peligro inmediato.",
    "Por favor, busca ayuda ahora mismo: la línea 988 atiende en español (llama al 988 y marca 2), y si corres "
    "peligro, llama a los servicios de emergencia (911 o el número local).",
)
_CONCERN_LINES = (
    "If things feel heavier than you can carry alone, the people listed with this message are there to listen, "
    "any time.",
    "You don't have to hold this by yourself; reaching out to one of the people listed with this message is a "
    "good next step whenever you're ready.",
    "If it would help to talk with someone today, the people listed with this message are kind, free, and ready "
    "to listen.",
    "Please be gentle with yourself, and if the weight grows, the people listed with this message are one call "
    "or text away.",
)
_CONCERN_LINES_ES = (
    "Si esto pesa más de lo que puedes cargar a solas, las personas que aparecen junto a este mensaje están para "
    "escucharte, a cualquier hora.",
    "No tienes que cargar con esto a solas; hablar con alguien de la lista junto a este mensaje puede ser un buen "
    "paso cuando quieras.",
)


def crisis_message(seed: int = 0, language: str | None = None) -> str:
    """A short, warm crisis answer (two sentences) that points to the resources, chosen by seed."""
    rng = random.Random(f"crisis:{seed}")
    if language == "es":
        return f"{rng.choice(_CRISIS_OPENINGS_ES)} {rng.choice(_CRISIS_CLOSINGS_ES)}"
    return f"{rng.choice(_CRISIS_OPENINGS)} {rng.choice(_CRISIS_CLOSINGS)}"


def concern_line(seed: int = 0, language: str | None = None) -> str:
    """One gentle line after an ordinary answer in the concern tier, inviting the person to reach out."""
    lines = _CONCERN_LINES_ES if language == "es" else _CONCERN_LINES
    return random.Random(f"concern:{seed}").choice(lines)
