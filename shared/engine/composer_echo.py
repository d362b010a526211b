"""The composer's echo grammar: find a clean noun phrase in a message ("your husband's job") or find none."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# The grammar is deliberately tiny: determiner + optional adjectives + optional "person's" + optional
# modifier + a noun from a closed list. Anything it does not recognise is not echoed; a missed echo
# costs nothing, a broken one ("about her in confidence") reads as a machine that was not listening.


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: People a possessive may name ("your husband's job") and that may be echoed themselves ("your mom").
PEOPLE: Final = _set(
    "mom mum mother dad father parents husband wife partner boyfriend girlfriend fiance fiancee son daughter "
    "kids children child baby babies brother sister siblings family friend friends grandma grandmother grandpa "
    "grandfather grandparents aunt uncle cousin nephew niece boss manager coworker coworkers colleague colleagues "
    "teacher roommate neighbor neighbour pastor dog cat pet ex ex-husband ex-wife stepdad stepmom in-laws"
)
#: Things and events people write about. Plurals are listed: the grammar does not inflect.
THINGS: Final = _set(
    "exam exams test tests finals interview interviews surgery operation appointment diagnosis biopsy results "
    "scan treatment chemo recovery health job work career promotion shift business marriage divorce relationship "
    "wedding funeral pregnancy move house home apartment rent mortgage bills debt finances car studies degree "
    "school class classes grades project presentation deadline deadlines application visa hearing church "
    "ministry faith prayers future plans birthday anniversary trip friendship team retirement graduation "
    "thesis audition money layoff illness news"
)
NOUNS: Final = PEOPLE | THINGS
#: Words that only modify a following noun ("your knee surgery", "the math exam").
MODIFIERS: Final = _set("knee hip back heart cancer blood math driving school college court medical") | NOUNS
ADJECTIVES: Final = _set(
    "new old first final big little younger older elder oldest youngest best late whole upcoming next"
)
#: Where a noun phrase may stop: the next word starts something else, so the phrase is complete.
_FOLLOWERS: Final = _set(
    "is was were are am has have had will would can could should might may must won't can't isn't wasn't "
    "aren't weren't doesn't didn't don't hasn't haven't keeps kept got gets went goes came comes seems seemed "
    "feels felt looks looked makes made starts started ended ends left says said needs needed wants called "
    "told passed died moved broke changed "
    "on at in to from for with after before since until during because but so when while if "
    "tomorrow today tonight yesterday soon again anymore lately"
)
_TIME_NOUNS: Final = _set(
    "week weekend morning afternoon evening night month year monday tuesday wednesday thursday friday saturday sunday"
)
#: After "and"/"or" only a new clause may follow ("my exam and I can't sleep"), never a second noun.
_CLAUSE_STARTS: Final = _set("i i'm i've it it's he she they we you that this there")
#: Words after which a phrase is what the feeling is about ("worried about my exam").
_ABOUT: Final = _set("about over around regarding concerning")
#: Words after which a phrase is part of the story but not surely what the feeling is about.
_NEAR: Final = _set("with for since")
#: Only the opening sentences say what a message is about; a later "My wife is kind about it" is a detail.
_TOPIC_SENTENCES: Final = 2
_OWNERS: Final = {"my": "your", "our": "your"}
_SENTENCE_ENDS: Final = frozenset(".!?")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*|[^\sA-Za-z]")


def _parse(words: list[str], start: int) -> int | None:
    """The index just past a noun phrase body starting at `start` (after the determiner), or None."""
    k = start
    while k < len(words) and words[k] in ADJECTIVES:
        k += 1
    if k < len(words) and words[k].endswith("'s") and words[k][:-2] in PEOPLE:
        k += 1
        while k < len(words) and words[k] in ADJECTIVES:
            k += 1
    if k + 1 < len(words) and words[k] in MODIFIERS and words[k + 1] in NOUNS:
        return k + 2
    if k < len(words) and words[k] in NOUNS:
        return k + 1
    return None


def _complete(words: list[str], end: int) -> bool:
    """Whether the phrase ending before `end` is complete: what follows cannot still belong to it."""
    if end >= len(words):
        return True
    follower = words[end]
    if not follower[0].isalpha():
        return follower in _SENTENCE_ENDS or follower in ',;:)"-'
    if follower in ("this", "next", "last"):
        return end + 1 < len(words) and words[end + 1] in _TIME_NOUNS
    if follower in ("and", "or"):
        return end + 1 < len(words) and words[end + 1] in _CLAUSE_STARTS
    return follower in _FOLLOWERS


def is_clean_noun_phrase(phrase: str) -> bool:
    """Whether `phrase` is one grammatical noun phrase the composer may echo: "your exam", "the surgery".

    Lower case only (a lower-cased name or day, like "monday", is refused), no trailing words.
    """
    words = phrase.split()
    if len(words) < 2 or words[0] not in ("your", "the") or phrase != phrase.lower():
        return False
    return _parse(words, 1) == len(words)


def _words(message: str) -> list[str]:
    """The message's tokens, lower-cased, with straight apostrophes ("My Mom" is still "my mom")."""
    return _TOKEN.findall(message.lower().replace("\u2019", "'").replace("\u2018", "'"))


@dataclass(frozen=True)
class Echo:
    """A clean noun phrase of the message, and whether the feeling is said to be about it."""

    phrase: str
    about: bool


def find_echo(message: str) -> Echo | None:
    """The noun phrase of the message worth reflecting back ("your exam"), or None when none is clean.

    Only three places in the first two sentences count: after "about"/"over"/... (the feeling is about
    it), after "with"/"for"/"since", and at the start of a sentence ("My mom passed away", "The biopsy
    came back clean"). Anywhere else ("I don't want my parents to know") it may be beside the point.
    """
    words = _words(message)
    found: list[Echo] = []
    sentence = 0
    for i, word in enumerate(words):
        before = words[i - 1] if i else "."
        if word in _SENTENCE_ENDS and before not in _SENTENCE_ENDS:
            sentence += 1
        if sentence >= _TOPIC_SENTENCES:
            break
        if (word not in _OWNERS and word != "the") or not (before in _ABOUT | _NEAR or before in _SENTENCE_ENDS):
            continue
        end = _parse(words, i + 1)
        if end is None or not _complete(words, end):
            continue
        phrase = " ".join([_OWNERS.get(word, word), *words[i + 1 : end]])
        if is_clean_noun_phrase(phrase):
            found.append(Echo(phrase, about=before in _ABOUT))
    return next((echo for echo in found if echo.about), found[0] if found else None)
