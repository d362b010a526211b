"""The composer: a deterministic writer of 2-5 warm sentences for a message, its emotion and a curated verse."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Final

from shared.engine.composer_answers import answers, questions
from shared.engine.composer_echo import find_echo
from shared.engine.composer_phrases import HARD_PHRASES, Phrases
from shared.engine.composer_phrases_bright import BRIGHT_PHRASES
from shared.engine.composer_pools import FAMILY_OF, FAMILY_PHRASES, PLAIN_BRIDGES, THEME_BRIDGES, TONE_BRIDGES
from shared.engine.emotions import EmotionResult
from shared.engine.scripture import VerseChoice

#: Each emotion's own sentences; an emotion the composer has none for borrows FALLBACK's.
PHRASES: Final[dict[str, Phrases]] = {**HARD_PHRASES, **BRIGHT_PHRASES}
FALLBACK: Final = "seeking"
#: How many questions of one message get their own answer sentence, by length bucket.
_MAX_ANSWERS: Final = {"short": 1, "ordinary": 1, "long": 2}

_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_MESSAGE_SENTENCE = re.compile(r"[^.!?\n]*\w[^.!?\n]*(?:[.!?]+|\n|$)")
_WORD = re.compile(r"\w+(?:'\w+)?")
_SPACES = re.compile(r"\s+")


def sentences(text: str) -> int:
    """How many sentences a composed answer has (they all end in . ! or ?)."""
    return len(_SENTENCE_END.findall(text))


def length_bucket(message: str) -> str:
    """The message's length class, which sets the answer's: "short" (a line), "ordinary" or "long" (several)."""
    words = len(_WORD.findall(message))
    if words <= 12:
        return "short"
    if words >= 60 or (len(_MESSAGE_SENTENCE.findall(message)) >= 3 and words >= 35):
        return "long"
    return "ordinary"


def _middles(message: str, bucket: str, replies: int) -> int:
    """Middle sentences: none for short and ordinary messages; a long one gets 4-5 sentences in all."""
    if bucket != "long":
        return 0
    long = len(_WORD.findall(message)) >= 150 or len(_MESSAGE_SENTENCE.findall(message)) >= 6
    return max(0, (2 if long else 1) - replies)


def _stable(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()[:8], "big")


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u2019", "'")).strip().casefold()


class _Picker:
    """Chooses sentences that appear neither in this answer nor in any earlier answer of the session."""

    def __init__(self, previous: Sequence[str], key: tuple[object, ...]) -> None:
        self._seen = " \x1f ".join(_normal(text) for text in previous)
        self._taken: set[str] = set()
        self._key = key

    def pick(self, slot: str, *groups: Sequence[str]) -> str:
        """The first unused sentence, trying each group in order from a stable starting point; or ""."""
        for index, group in enumerate(groups):
            if not group:
                continue
            start = _stable(*self._key, slot, index) % len(group)
            for step in range(len(group)):
                sentence = group[(start + step) % len(group)]
                normal = _normal(sentence)
                if normal not in self._taken and normal not in self._seen:
                    self._taken.add(normal)
                    return sentence
        return ""


def _bridges(verse: VerseChoice) -> tuple[tuple[str, ...], ...]:
    """Sentences naming the verse: with its curated theme when it has one, otherwise describing nothing."""
    plain = tuple(t.format(ref=verse.reference) for t in PLAIN_BRIDGES)
    theme = verse.theme.strip().rstrip(".").strip()
    if not theme:
        return (plain,)
    toned = tuple(t.format(ref=verse.reference, theme=theme) for t in TONE_BRIDGES.get(verse.tone, ()))
    themed = tuple(t.format(ref=verse.reference, theme=theme) for t in THEME_BRIDGES)
    return (toned + themed, plain)


def compose(
    message: str, *, emotion: EmotionResult, verse: VerseChoice, seed: int = 0, previous: Sequence[str] = ()
) -> str:
    """Write 2-5 warm sentences answering the message and naming the verse; the same inputs give the same words.

    `previous` is every earlier answer of the session, oldest first: no sentence of theirs is used again.
    A short message gets 2 sentences, an ordinary one 3, a long one 4-5; a question adds its answer.
    """
    # A caller still passing only the last answer (a string, or None) has it read as one answer.
    previous = (previous,) if isinstance(previous, str) else tuple(previous or ())
    name = emotion.emotion if emotion.emotion in PHRASES else FALLBACK
    own, family = PHRASES[name], FAMILY_PHRASES[FAMILY_OF[name]]
    bucket = length_bucket(message)
    asked = questions(message)[: _MAX_ANSWERS[bucket]]
    middles = [(f"middle{i}", (own.middles, family.middles)) for i in range(_middles(message, bucket, len(asked)))]
    # In order: opening, answers to the questions, a middle, the verse, a second middle, the closing.
    slots: list[tuple[str, tuple[Sequence[str], ...]]] = [
        ("opening", (_echoes(message, previous, own.echoes, family.echoes), own.openings, family.openings)),
        *((f"answer{i}", answers(question)) for i, question in enumerate(asked)),
        *middles[:1],
        ("bridge", _bridges(verse)),
        *middles[1:],
        *([("closing", (own.closings, family.closings))] if bucket != "short" else []),
    ]
    picker = _Picker(previous, (seed, name, message))
    return " ".join(sentence for slot, groups in slots if (sentence := picker.pick(slot, *groups)))


def _echoes(message: str, previous: Sequence[str], own: Sequence[str], family: Sequence[str]) -> tuple[str, ...]:
    """Openings that reflect the message's own noun phrase back, or none.

    The emotion's echoes ("Worry about your exam ...") only when the feeling is about the phrase; and no
    echo right after an answer that already named it: "your exam" in every reply reads like a template.
    """
    echo = find_echo(message)
    if echo is None or (previous and _normal(echo.phrase) in _normal(previous[-1])):
        return ()
    return tuple(template.format(topic=echo.phrase) for template in (*(own if echo.about else ()), *family))
