"""Choose stage: the feeling heard and the verse shown (curated, or the model's proposal when it is real and fits)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from shared import translations
from shared.engine.catalogue import CatalogueEntry
from shared.engine.emotions import EMOTIONS, EmotionResult, classify
from shared.engine.prompt import ModelHeader
from shared.engine.resources import resources_for
from shared.engine.safety import crisis_emotion
from shared.engine.scripture import ScriptureCatalogue, VerseChoice
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import Meta, Verse
from shared.records import Exchange, Session
from shared.turn_safety import TurnSafety


def seed_of(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")


@dataclass(frozen=True)
class Choice:
    """What the answer starts from: the feeling heard, the context it is written in, and its seed."""

    emotion: EmotionResult
    #: Seeded by the words and the turn's place in the session, so a replay gives the same answer.
    seed: int
    #: The earlier messages and answers the model sees, oldest first.
    history: tuple[Exchange, ...]
    #: Verses this session has already shown.
    used: tuple[str, ...]
    #: The translation the person reads verses in (their setting; shared.translations).
    translation: str = translations.DEFAULT


@dataclass(frozen=True)
class Picked:
    """The feeling and the verse the answer shows."""

    emotion: str
    confidence: float
    verse: VerseChoice


class Chooser:
    """Hears the feeling and picks the verse; scripture only ever comes from the catalogue."""

    def __init__(self, catalogue: ScriptureCatalogue, context_turns: int) -> None:
        self._catalogue = catalogue
        self._context_turns = context_turns

    def choose(self, message: str, session: Session, translation: str = translations.DEFAULT) -> Choice:
        history = session.recent_turns[-self._context_turns :] if self._context_turns else ()
        seed = seed_of(message, str(len(history)))
        return Choice(classify(message), seed, history, session.used_references, translation)

    def candidates(self, choice: Choice, safety: TurnSafety) -> tuple[CatalogueEntry, ...]:
        """The verses the model may propose (gentle ones only when the person may be at risk)."""
        return self._catalogue.entries(choice.emotion.emotion, gentle=safety.concern)

    def curated(self, choice: Choice, safety: TurnSafety) -> Picked:
        """A curated verse for the feeling heard (the composer's answer)."""
        emotion = choice.emotion
        verse = self._catalogue.choose(
            emotion.emotion, used=choice.used, seed=choice.seed, gentle=safety.concern, translation=choice.translation
        )
        return Picked(emotion.emotion, emotion.confidence, verse)

    def for_crisis(self, choice: Choice) -> Picked:
        """A verse of comfort, hope, strength, peace or mercy, never conviction, beside the crisis resources."""
        heard = crisis_emotion(choice.emotion)
        verse = self._catalogue.choose(
            heard, used=choice.used, seed=choice.seed, gentle=True, translation=choice.translation
        )
        return Picked(heard, choice.emotion.confidence, verse)

    def from_header(self, choice: Choice, header: ModelHeader | None, safety: TurnSafety, message_id: str) -> Picked:
        """The model's emotion and verse when they are real and suitable, else the engine's own."""
        emotion = choice.emotion
        chosen, confidence = emotion.emotion, emotion.confidence
        if header and header.emotion in EMOTIONS and header.emotion != emotion.emotion:
            chosen = header.emotion
            confidence = float(emotion.scores.get(chosen, 0.0)) or 0.5
        verse, substituted = self._catalogue.validate_proposal(
            header.reference if header else None,
            chosen,
            used=choice.used,
            seed=choice.seed,
            gentle=safety.concern,
            translation=choice.translation,
        )
        if substituted:
            metrics.add_metric(name=MetricName.VERSE_SUBSTITUTIONS, unit="Count", value=1)
            logger.info("verse substituted", message_id=message_id, emotion=chosen, had_header=header is not None)
        return Picked(chosen, confidence, verse)


def meta_of(message_id: str, picked: Picked, safety: TurnSafety, country: str | None) -> Meta:
    """The `meta` frame: what was heard and chosen, and the resources whenever the person may be at risk."""
    verse = picked.verse
    return Meta(
        messageId=message_id,
        emotion=picked.emotion,
        confidence=round(min(1.0, max(0.0, picked.confidence)), 3),
        verse=Verse(reference=verse.reference, text=verse.text, translation=verse.translation),
        safety=safety.level,
        resources=resources_for(country, safety.language) if safety.concern else None,
    )
