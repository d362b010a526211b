"""Score a message's crisis evidence: language, cues per clause, guards that reduce them, totals per category."""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from shared.engine.safety_lexicon_de import GERMAN
from shared.engine.safety_lexicon_en_guards import ENGLISH
from shared.engine.safety_lexicon_es import SPANISH
from shared.engine.safety_lexicon_fr import FRENCH
from shared.engine.safety_lexicon_pt import PORTUGUESE
from shared.engine.safety_signals import (
    CATEGORIES,
    CRISIS_BAR,
    EXPLICIT,
    HOPELESSNESS,
    IMMINENCE,
    INTENT,
    MEANS,
    RELIGIOUS,
    SELF_HARM,
    SOMEONE_ELSE,
    Cue,
    Lexicon,
    clauses,
    english,
    fold,
    tokens,
)

FOREIGN: Final = (SPANISH, PORTUGUESE, FRENCH, GERMAN)
#: A message too short to show its language by its words ("suicidarme") takes it from this much evidence.
FOREIGN_EVIDENCE: Final = 0.4

# How much each guard leaves of a cue. They reduce rather than veto: other evidence in the message still counts.
NEGATED: Final = 0.15
IDIOM: Final = 0.1
BENIGN: Final = 0.1
TOPIC: Final = 0.2
PAST: Final = 0.25
ACCIDENT: Final = 0.15
UNSUPPORTED: Final = 0.3
#: A cue about the writer, said of someone else, is evidence that someone else is in danger.
REDIRECTED: Final = 1.0
#: Cues that carry their own negation ("don't want to live", "no way out ... except dying").
_SELF_NEGATING = re.compile(
    r"^(?:don't|do not|doesn't|does not|no |not |never|can't|cannot|except|but to|other than|besides|nao |ne |nicht)"
)
#: A cue this light that is not about anyone in particular is a mention ("pills", "tonight", "suicide"): it
#: counts only where no other cue already judged the same words, guards included.
MENTION: Final = 0.3
#: All of a message's mentions together count for at most this, below CONCERN_BAR: bare words ("the bridge",
#: "right now") only ever add to evidence, they are never evidence on their own.
MENTIONS_AT_MOST: Final = 0.35


#: Wanting to die or seeing no way out, and the means or the place: each raises the weight of the other.
DISTRESS: Final = (EXPLICIT, HOPELESSNESS, INTENT, RELIGIOUS)
CAPABILITY: Final = (MEANS, IMMINENCE)
INTERACTION_FLOOR: Final = 0.35
#: A category named in an assessment carries at least this much (a lone "tonight" names nothing).
FIRED: Final = 0.2


def risk(weights: Mapping[str, float]) -> float:
    """The evidence added up, plus the weaker of distress and capability when both are clearly there."""
    distress = sum(weights.get(c, 0.0) for c in DISTRESS)
    capability = sum(weights.get(c, 0.0) for c in CAPABILITY)
    both = min(distress, capability) if min(distress, capability) >= INTERACTION_FLOOR else 0.0
    return sum(weights.values()) + both


@dataclass(frozen=True)
class Evidence:
    """A message's evidence per category (each 0..1) and its language when it is not English."""

    weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    language: str | None = None

    @property
    def total(self) -> float:
        return risk(self.weights)

    @property
    def crisis(self) -> bool:
        return self.total >= CRISIS_BAR


def fired(weights: Mapping[str, float]) -> tuple[str, ...]:
    """The categories that carry real evidence, in the fixed order of CATEGORIES."""
    return tuple(c for c in CATEGORIES if weights.get(c, 0.0) >= FIRED)


def detect_language(folded: str) -> tuple[str | None, list[Lexicon]]:
    """The message's language when it is not English, and the foreign lexicons worth scanning."""
    words = tokens(folded)
    english_count = sum(w in ENGLISH.markers for w in words)
    counts = [(sum(w in lexicon.markers for w in words), lexicon) for lexicon in FOREIGN]
    # one stray word ("que", "mit") in an English message is not worth a lexicon's scan
    present = [lexicon for count, lexicon in counts if count >= 2 or (count and count >= english_count)]
    best_count, best = max(counts, key=lambda pair: pair[0])
    language = best.language if best_count and best_count > english_count else None
    return language, present


def _negated(lexicon: Lexicon, before: str) -> bool:
    """A negator among the last five words, within the same phrase ("ya no quiero estar aqui, quiero morirme")."""
    for word in reversed(re.findall(r"[a-z']+", before.rsplit(",", 1)[-1])[-5:]):
        if word in lexicon.breakers:
            return False
        if word in lexicon.negators or word.endswith("n't"):
            return True
    return False


def _said_of_someone_else(lexicon: Lexicon, before: str, text: str) -> bool:
    if lexicon.other_subject is None or lexicon.own_subject is None or lexicon.own_subject.search(text):
        return False
    other = [m.end() for m in lexicon.other_subject.finditer(before)]
    mine = [m.end() for m in lexicon.own_subject.finditer(before)]
    return bool(other) and (not mine or max(other) > max(mine))


def _topic_talk(lexicon: Lexicon, before: str, after: str) -> bool:
    if lexicon.topic is None:
        return False
    window = before[-40:]
    ends = [m.end() for m in lexicon.topic.finditer(window)]
    if ends and not (lexicon.own_subject and lexicon.own_subject.search(window[ends[-1] :])):
        return True
    return bool(lexicon.topic.match(after.lstrip(" ,:-")[:30]))


@dataclass(frozen=True)
class Finding:
    """One cue that matched, for diagnosing a miss or a false alarm: where, as what, and which guards cut it.

    Holds offsets into the normalised message, never its text."""

    language: str
    category: str
    start: int
    end: int
    cue_weight: float
    weight: float
    guards: tuple[str, ...]
    mention: bool


def _weigh(
    lexicon: Lexicon, cue: Cue, clause: str, start: int, end: int, message: str
) -> tuple[str, float, tuple[str, ...]]:
    """The category the match at clause[start:end] is evidence of, its weight after the guards, and the guards."""
    text, before, after = clause[start:end], clause[:start], clause[end:]
    category, weight = cue.category, cue.weight
    guards: list[str] = []
    if cue.personal and _said_of_someone_else(lexicon, before, text):
        category, weight = SOMEONE_ELSE, weight * REDIRECTED
        guards.append("said_of_someone_else")
    elif (
        category == SOMEONE_ELSE
        and lexicon.other_subject is not None
        and not lexicon.other_subject.search(before)
        and not lexicon.other_subject.search(text)
    ):
        return category, 0.0, ("nobody_else_named",)  # "been suicidal" with nobody else named: the writer's own cue
    for guard, factor, applies in (
        ("negated", NEGATED, _negated(lexicon, before) and not _SELF_NEGATING.match(text)),
        ("idiom", IDIOM, lexicon.idioms is not None and lexicon.idioms.search(clause[max(0, start - 20) : end + 25])),
        (
            "benign_context",
            BENIGN,
            (cue.benign is not None and cue.benign.search(clause))
            or (cue.benign_after is not None and cue.benign_after.match(after)),
        ),
        ("unsupported", UNSUPPORTED, cue.needs is not None and not cue.needs.search(message)),
        ("topic_talk", TOPIC, _topic_talk(lexicon, before, after)),
        *_past_and_accident(lexicon, category, clause, after, text, message),
    ):
        if applies:
            weight *= factor
            guards.append(guard)
    return category, weight, tuple(guards)


def _past_and_accident(
    lexicon: Lexicon, category: str, clause: str, after: str, text: str, message: str
) -> tuple[tuple[str, float, bool], ...]:
    past = lexicon.past is not None and bool(lexicon.past.search(clause.replace(text, " ")))
    now = lexicon.still.search(message.replace(text, " ")) if lexicon.still is not None else None
    accident = (
        category == SELF_HARM
        and lexicon.accident is not None
        and bool(lexicon.accident.search(after[:60]))
        and not (lexicon.hurt_intent is not None and lexicon.hurt_intent.search(clause))
    )
    # Someone else's past, or the writer's own with nothing saying it is back.
    return ("past", PAST, past and (category == SOMEONE_ELSE or not now)), ("accident", ACCIDENT, accident)


def _is_mention(cue: Cue) -> bool:
    return not cue.personal and cue.weight <= MENTION and cue.category != SOMEONE_ELSE


#: Each lexicon's cues, mentions last, each with whether it is a mention.
_ORDERED: Final = {
    lexicon.language: tuple((c, _is_mention(c)) for c in sorted(lexicon.cues, key=_is_mention))
    for lexicon in (ENGLISH, *FOREIGN)
}


def _scan(
    lexicon: Lexicon,
    parts: list[str],
    message: str,
    totals: dict[str, float],
    mentions: dict[str, float],
    trace: list[Finding] | None = None,
) -> None:
    """Add each cue's strongest match per category; mentions go last and skip words already judged."""
    # One pass per cue over all the clauses, one a line: cues are multi-line patterns that never match a line
    # break, so "^" and "$" hold at every clause's edges and each match lies within one clause.
    joined = "\n".join(parts)
    offsets = [0]
    for part in parts[:-1]:
        offsets.append(offsets[-1] + len(part) + 1)
    judged: list[tuple[int, int]] = []
    for cue, mention in _ORDERED[lexicon.language]:
        best: dict[str, float] = {}
        for match in cue.pattern.finditer(joined):
            start, end = match.span()
            if mention and any(s < end and start < e for s, e in judged):
                continue
            if not mention:
                judged.append((start, end))
            index = bisect_right(offsets, start) - 1
            base = offsets[index]
            category, weight, guards = _weigh(lexicon, cue, parts[index], start - base, end - base, message)
            if trace is not None:
                trace.append(Finding(lexicon.language, category, start, end, cue.weight, weight, guards, mention))
            if weight > best.get(category, 0.0):
                best[category] = weight
        into = mentions if mention else totals
        for category, weight in best.items():
            into[category] = into.get(category, 0.0) + weight


#: Within `hearing()`: the evidence of each text heard so far (one turn's checks hear the same messages).
_HEARD: ContextVar[dict[str, Evidence] | None] = ContextVar("heard", default=None)


@contextlib.contextmanager
def hearing() -> Iterator[None]:
    """A block in which each text's evidence is worked out once, however many checks ask for it.

    One turn hears its message alone, with the conversation, and for whether it says the person is safe now, and
    each earlier message twice: without this, a 1,000-character message was scanned three times (3 ms each). The
    texts are kept only until the block ends."""
    token = _HEARD.set({})
    try:
        yield
    finally:
        _HEARD.reset(token)


def evidence(text: str, trace: list[Finding] | None = None) -> Evidence:
    """Every category's evidence in one message. Deterministic; the text is neither kept nor logged (within
    `hearing()`, kept until that block ends).

    With `trace`, every cue that matched is appended to it (see `Finding`), so a test can say why."""
    heard = _HEARD.get()
    if heard is None or trace is not None:
        return _evidence(text, trace)
    found = heard.get(text)
    if found is None:
        found = heard[text] = _evidence(text, None)
    return found


def _evidence(text: str, trace: list[Finding] | None) -> Evidence:
    folded = fold(text)
    language, present = detect_language(folded)
    message = english(folded) if language is None else re.sub(r"\s+", " ", folded).strip()
    parts = clauses(message)
    totals: dict[str, float] = {}
    mentions: dict[str, float] = {}
    _scan(ENGLISH, parts, message, totals, mentions, trace)
    for lexicon in present:
        before = sum(totals.values())
        _scan(lexicon, parts, message, totals, mentions, trace)
        if language is None and sum(totals.values()) - before >= FOREIGN_EVIDENCE:
            language = lexicon.language
    scale = min(1.0, MENTIONS_AT_MOST / max(sum(mentions.values()), MENTIONS_AT_MOST))
    for category, weight in mentions.items():
        totals[category] = totals.get(category, 0.0) + weight * scale
    return Evidence(MappingProxyType({c: min(1.0, w) for c, w in totals.items() if w > 0.0}), language)
