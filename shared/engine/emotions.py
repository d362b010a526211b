"""The offline emotion classifier: a deterministic lexicon with negation, intensity and contrast handling."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from shared.engine.emotion_lexicon import IDIOMS, LEXICON

#: The taxonomy. "seeking" is the fallback for messages about faith or with no clear feeling.
EMOTIONS: Final[tuple[str, ...]] = (
    "anxious",
    "afraid",
    "sad",
    "grieving",
    "lonely",
    "angry",
    "guilty",
    "ashamed",
    "overwhelmed",
    "stressed",
    "confused",
    "hopeful",
    "grateful",
    "joyful",
    "relieved",
    "seeking",
)
FALLBACK: Final = "seeking"
POSITIVE: Final = frozenset({"hopeful", "grateful", "joyful", "relieved"})

_INTENSIFIERS = frozenset(
    [
        "so",
        "really",
        "very",
        "extremely",
        "incredibly",
        "super",
        "deeply",
        "terribly",
        "completely",
        "totally",
        "absolutely",
        "utterly",
        "too",
        "unbelievably",
        "insanely",
        "crazy",
        "truly",
        "awfully",
        "beyond",
        "seriously",
        "especially",
        "most",
    ]
)
_SOFTENERS = frozenset(["bit", "little", "slightly", "somewhat", "kinda", "sorta", "mildly"])
_NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
        "won't",
        "can't",
        "cannot",
        "nothing",
        "without",
        "hardly",
        "barely",
        "nor",
        "ain't",
    ]
)
_NEGATION_BREAKERS = frozenset(["stop", "help", "but", "and", "because"])
#: Words that put a good feeling at a distance: "I thought I'd be happy", "everyone tells me to be grateful".
#: After a negator ("I never thought I'd be this happy") they mean surprise instead, and the feeling stands.
_HYPOTHETICAL = frozenset(
    ["should", "supposed", "wish", "pretend", "pretending", "telling", "told", "tells", "thought", "expected"]
)
# In "A but B" the feeling in B usually leads ("exhausted but grateful"); "though I'm tired" is the aside.
_LEADING, _CONCEDED, _ASIDE = 1.5, 0.8, 0.8
_BUT = re.compile(r"\b(?:but|however|(?<!not )(?<!n't )yet(?=\s+[a-z])(?!\s+but\b))\b")
_THOUGH = re.compile(r"\b(?:even though|although|though|even if)\b")
_SUBJECT = re.compile(r"\s*(?:i|i'm|i've|it|it's|we|we're|he|she|they|things|that|this|there|my|the)\b")
_FOCUS = re.compile(r"\b(?:mostly|mainly|above all|more than anything|most of all|really just)\b")
_CLAUSES = re.compile(r"[.!?;\n]+")
_WORD = re.compile(r"[a-z']+")
_FIXES = (
    (re.compile(r"[\u2018\u2019\u02bc`]"), "'"),
    (re.compile(r"\b(don|can|won|isn|aren|wasn|weren|doesn|didn|couldn|shouldn|wouldn)t\b"), r"\1't"),
    (re.compile(r"\bim\b"), "i'm"),
    (re.compile(r"\bive\b"), "i've"),
)
# More repairs for the lexicon only; the crisis detector shares normalise() and is tuned on its output.
_LEXICON_FIXES = ((re.compile(r"\b(haven|hasn|hadn)t\b"), r"\1't"),)


@dataclass(frozen=True)
class EmotionResult:
    """The dominant emotion, how sure the classifier is (0..1) and every emotion's share of the evidence."""

    emotion: str
    confidence: float
    scores: Mapping[str, float]


@dataclass(frozen=True)
class _Match:
    emotion: str
    start: int
    end: int
    weight: float


def normalise(text: str) -> str:
    """Lower-case text with straight apostrophes and the common apostrophe-less contractions repaired."""
    out = text.lower()
    for pattern, replacement in _FIXES:
        out = pattern.sub(replacement, out)
    return out


def _modifiers(before: str) -> tuple[bool, float, bool]:
    """Whether the words just before a match negate it, the intensity they apply, and whether they distance it.

    Only the words since the last comma count: in "I'm not grateful, I'm exhausted" the "not" is spent.
    """
    words = _WORD.findall(before.rsplit(",", 1)[-1])[-4:]
    negated = distanced = False
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        if word in _NEGATION_BREAKERS:
            break
        if word in _HYPOTHETICAL:
            # "I thought I'd be happy" keeps the feeling at arm's length; "I never thought I'd be this happy" doesn't
            earlier = words[index - 1] if index > 0 else ""
            distanced = not (earlier in _NEGATORS or earlier.endswith("n't"))
            break
        if word in _NEGATORS or word.endswith("n't"):
            negated = True
            break
    near = words[-2:]
    factor = 1.0
    if any(w in _INTENSIFIERS for w in near):
        factor = 1.5
    elif any(w in _SOFTENERS for w in near):
        factor = 0.6
    return negated, factor, distanced


def _split_though(part: str, weight: float) -> list[tuple[str, float]]:
    """Weigh down the clause that "though" concedes, wherever it stands."""
    found = _THOUGH.search(part)
    if not found:
        return [(part, weight)]
    before, after = part[: found.start()], part[found.end() :]
    if not before.strip():  # "Though I'm tired, I'm grateful"
        aside, comma, main = after.partition(",")
        return [(aside, weight * _ASIDE), (main, weight * _LEADING)] if comma else [(after, weight)]
    if _SUBJECT.match(after):  # "I'm grateful, though I'm tired"
        return [(before, weight), (after, weight * _ASIDE)]
    return [(before, weight * _CONCEDED), (after, weight * _LEADING)]  # "tired though grateful" reads as "but"


def _clause_weights(text: str) -> list[tuple[str, float]]:
    """Sentences, split again at contrast words; what follows "but" weighs more than what precedes it."""
    pieces: list[tuple[str, float]] = []
    for sentence in _CLAUSES.split(text):
        parts = _BUT.split(sentence)
        for index, part in enumerate(parts):
            weight = 1.0 if len(parts) == 1 else (_LEADING if index == len(parts) - 1 else _CONCEDED)
            for piece, piece_weight in _split_though(part, weight):
                if piece.strip():
                    pieces.append((piece, piece_weight * (1.3 if _FOCUS.search(piece) else 1.0)))
    return pieces


def _compile(table: Mapping[str, tuple[tuple[str, float], ...]]) -> tuple[tuple[str, re.Pattern[str], float], ...]:
    return tuple(
        (emotion, re.compile(rf"\b(?:{pattern})\b"), weight)
        for emotion, entries in table.items()
        for pattern, weight in entries
    )


_COMPILED_IDIOMS = _compile(IDIOMS)
_COMPILED = _compile(LEXICON)


def _longest_first(found: list[_Match], kept: list[_Match], *, per_emotion: bool) -> list[_Match]:
    """Add to kept the matches that overlap none kept before them (of the same emotion only, if per_emotion)."""
    for match in sorted(found, key=lambda m: (m.start - m.end, m.start)):
        rivals = (k for k in kept if k.emotion == match.emotion) if per_emotion else iter(kept)
        if all(match.end <= k.start or k.end <= match.start for k in rivals):
            kept.append(match)
    return kept


def _matches(clause: str) -> list[_Match]:
    """The phrases in the clause: idioms claim their text first, then each emotion counts a piece of text once."""
    idioms = [_Match(e, m.start(), m.end(), w) for e, pattern, w in _COMPILED_IDIOMS for m in pattern.finditer(clause)]
    claimed = _longest_first(idioms, [], per_emotion=False)
    found = [
        _Match(e, m.start(), m.end(), w)
        for e, pattern, w in _COMPILED
        for m in pattern.finditer(clause)
        if all(m.end() <= c.start or c.end <= m.start() for c in claimed)
    ]
    return claimed + _longest_first(found, [], per_emotion=True)


def _evidence(text: str) -> dict[str, float]:
    """The weight of evidence for each emotion in the message."""
    raw: dict[str, float] = dict.fromkeys(EMOTIONS, 0.0)
    clean = normalise(text)
    for pattern, replacement in _LEXICON_FIXES:
        clean = pattern.sub(replacement, clean)
    for clause, clause_weight in _clause_weights(clean):
        for match in _matches(clause):
            negated, factor, distanced = _modifiers(clause[: match.start])
            value = match.weight * factor * clause_weight
            if match.emotion in POSITIVE and distanced:
                value *= 0.3
            if not negated:
                raw[match.emotion] += value
            elif match.emotion in POSITIVE:
                raw["sad"] += 0.6 * value  # "not happy", "not hopeful at all"
            elif match.emotion != FALLBACK:
                raw["relieved"] += 0.3 * value  # "not anxious anymore"
    return raw


def classify(text: str) -> EmotionResult:
    """Classify one message; deterministic, offline, never stores or logs the text."""
    raw = _evidence(text)
    total = sum(raw.values())
    if total <= 0:
        scores = {e: (1.0 if e == FALLBACK else 0.0) for e in EMOTIONS}
        return EmotionResult(FALLBACK, 0.3, MappingProxyType(scores))
    best = max(EMOTIONS, key=lambda e: (raw[e], -EMOTIONS.index(e)))
    share = raw[best] / total  # a mixed message spreads the evidence, so it is heard with less confidence
    strength = 1.0 - math.exp(-raw[best] / 2.0)
    confidence = round(min(0.99, max(0.05, 0.15 + 0.85 * share * strength)), 3)
    scores = {e: round(raw[e] / total, 4) for e in EMOTIONS}
    return EmotionResult(best, confidence, MappingProxyType(scores))
