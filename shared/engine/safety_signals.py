"""The crisis detector's vocabulary: signal categories, cue and lexicon types, and the text normalisation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

# The signal categories: independent kinds of evidence that add up (the labelled sets use the same names).
EXPLICIT: Final = "explicit"  # suicide, killing oneself, wanting to die, in any inflection or language
INTENT: Final = "intent"  # a decision, a plan, goodbyes, putting things in order
MEANS: Final = "means"  # medicines and overdose, weapons, heights and places, ligatures, vehicles
IMMINENCE: Final = "imminence"  # now, tonight, being at the place ("I'm on the bridge")
HOPELESSNESS: Final = "hopelessness"  # no way out, a burden, not being around much longer
RELIGIOUS: Final = "religious"  # an ending framed as faith: forgiveness for what one is about to do, going home
SELF_HARM: Final = "self_harm"  # cutting, burning, hitting oneself
SOMEONE_ELSE: Final = "someone_else"  # another person in danger now
CATEGORIES: Final = (EXPLICIT, INTENT, MEANS, IMMINENCE, HOPELESSNESS, RELIGIOUS, SELF_HARM, SOMEONE_ELSE)

#: Evidence adds up to these bars; a cue weighs 1.0 when it is a crisis on its own.
CRISIS_BAR: Final = 1.0
CONCERN_BAR: Final = 0.4


@dataclass(frozen=True)
class Cue:
    """One piece of evidence: a pattern on normalised text, what it is evidence of, and how much.

    `benign` (searched in the clause) and `benign_after` (just after the match) name ordinary contexts that reduce
    it ("end it" + "meeting"); `needs` (searched in the message) is context without which it weighs much less
    ("hit myself" without "on purpose"). A `personal` cue is about the writer: said of someone else, it becomes
    evidence that someone else is in danger. Patterns are multi-line, so "^" and "$" hold at a clause's edges.
    """

    pattern: re.Pattern[str]
    category: str
    weight: float
    benign: re.Pattern[str] | None = None
    benign_after: re.Pattern[str] | None = None
    needs: re.Pattern[str] | None = None
    personal: bool = True


def cue(
    pattern: str,
    category: str,
    weight: float,
    *,
    benign: str | None = None,
    after: str | None = None,
    needs: str | None = None,
    personal: bool = True,
) -> Cue:
    """A cue from regular-expression source (compiled once, at import)."""
    return Cue(
        re.compile(pattern, re.MULTILINE),
        category,
        weight,
        re.compile(benign) if benign else None,
        re.compile(rf"^\W*(?:{after})") if after else None,
        re.compile(needs) if needs else None,
        personal,
    )


@dataclass(frozen=True)
class Lexicon:
    """One language's cues and guards. Guards reduce a cue's weight; they never veto the other cues."""

    language: str
    #: Words that show a message is in this language (only distinctive ones: not "me", "no", "die").
    markers: frozenset[str]
    cues: tuple[Cue, ...]
    negators: frozenset[str]
    #: Words that end a negation's reach ("I don't know why but I want to die").
    breakers: frozenset[str] = frozenset()
    idioms: re.Pattern[str] | None = None
    topic: re.Pattern[str] | None = None
    past: re.Pattern[str] | None = None
    still: re.Pattern[str] | None = None
    accident: re.Pattern[str] | None = None
    hurt_intent: re.Pattern[str] | None = None
    other_subject: re.Pattern[str] | None = None
    own_subject: re.Pattern[str] | None = None


# ---------------------------------------------------------------------------------------------------------------
# Normalisation: what the person meant to type, so the cues can stay few and readable.
# ---------------------------------------------------------------------------------------------------------------
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u00b4`]")
_SPECIAL = str.maketrans({"ß": "ss", "œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "¿": " ", "¡": " "})
_LEET_TOKEN = re.compile(r"(?<![\w@$])(?=[\w@$]*[a-z])(?=[\w@$]*[0-9@$])[\w@$]+")
_UNIT = re.compile(r"^\d+(?:am|pm|st|nd|rd|th|s|k|mg|ml|g|kg|lbs?|h|hrs?|mins?|x|yo|yrs?|m|km|ft|d|w|ish)$")
_LEET = str.maketrans({"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "9": "g", "@": "a", "$": "s", "1": "i"})
#: "k!ll", "su!c!de": an exclamation mark inside a short word, not "help!please".
_BANG_WORD = re.compile(r"\b[a-z]{1,3}![a-z!]*[a-z]")
#: Words where a "1" stood for an "l" rather than an "i" ("se1f", "ki1l").
_L_WORDS = frozenset(["self", "kill", "killed", "killing", "pills", "pill", "life", "alive", "live", "living", "all"])
#: Texting words that mix digits and letters and are not digits standing for letters.
_TEXTING: Final = {"b4": "before", "2nite": "tonight", "2night": "tonight", "2moro": "tomorrow", "2day": "today"}
_REPEATS = re.compile(r"([a-z])\1{2,}")
_WORD_FIXES: Final = {
    "im": "i'm",
    "ive": "i've",
    "dont": "don't",
    "dnt": "don't",
    "cant": "can't",
    "wont": "won't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "arent": "aren't",
    "werent": "weren't",
    "wouldnt": "wouldn't",
    "couldnt": "couldn't",
    "shouldnt": "shouldn't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "aint": "ain't",
    "thats": "that's",
    "whats": "what's",
    "theres": "there's",
    "tonights": "tonight's",
    "youll": "you'll",
    "theyll": "they'll",
    "youre": "you're",
    "theyre": "they're",
    "shes": "she's",
    "hes": "he's",
    "everyones": "everyone's",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "kms": "kill myself",
    "unalive": "kill",
    "tonite": "tonight",
    "nite": "night",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "rn": "right now",
    "u": "you",
    "ur": "your",
    "wud": "would",
    "ppl": "people",
    "myslef": "myself",
    "mysefl": "myself",
    "myslf": "myself",
    "mysef": "myself",
    "mysel": "myself",
    "mysself": "myself",
    "kil": "kill",
    "kiled": "killed",
    "killd": "killed",
    "kiling": "killing",
    "kilin": "killing",
    "killin": "killing",
    "suicde": "suicide",
    "sucide": "suicide",
    "suiside": "suicide",
    "suicid": "suicide",
    "sucicide": "suicide",
    "suicdie": "suicide",
    "suicie": "suicide",
    "suicdal": "suicidal",
    "sucidal": "suicidal",
    "suisidal": "suicidal",
    "suicidle": "suicidal",
    "pils": "pills",
    "ded": "dead",
    "dieing": "dying",
    "dyin": "dying",
    "cuttin": "cutting",
    "goodby": "goodbye",
    "selfharm": "self harm",
    "stil": "still",
}
_WORD_FIX = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _WORD_FIXES), key=len, reverse=True)) + r")\b")
_PHRASE_FIXES = (
    (re.compile(r"\bmy self\b"), "myself"),
    (re.compile(r"\bgood bye\b"), "goodbye"),
    (re.compile(r"\bno one\b|\bno-one\b"), "no one"),
    (re.compile(r"\s+"), " "),
)
_TOKEN = re.compile(r"[a-z]+")
#: Not "mais" or "mas": "more" in Portuguese and (once accents are folded) in Spanish.
_CLAUSE = re.compile(r"[.!?;\n]+|\b(?:but|however|pero|aber|porem)\b")


def _unleet(token: str) -> str:
    if _UNIT.match(token) or token.isdigit():
        return token
    if token in _TEXTING:
        return _TEXTING[token]
    out = token.replace("11", "ll").translate(_LEET)
    if "1" in token:
        as_l = token.replace("1", "l").translate(_LEET)
        if as_l in _L_WORDS and out not in _L_WORDS:
            return as_l
    return out


def fold(text: str) -> str:
    """Lower case, straight apostrophes, accents folded, digits read as letters and long repeats squeezed."""
    out = _APOSTROPHES.sub("'", text.lower())
    if not out.isascii():
        out = unicodedata.normalize("NFKD", out.translate(_SPECIAL))
        out = "".join(ch for ch in out if not unicodedata.combining(ch))
    out = _BANG_WORD.sub(lambda m: m.group(0).replace("!", "i"), out)
    out = _LEET_TOKEN.sub(lambda m: _unleet(m.group(0)), out)
    return _REPEATS.sub(r"\1", out)


def english(folded: str) -> str:
    """Repair the texting spellings of English: missing apostrophes, slang and common misspellings."""
    out = _WORD_FIX.sub(lambda m: _WORD_FIXES[m.group(0)], folded)
    for pattern, replacement in _PHRASE_FIXES:
        out = pattern.sub(replacement, out)
    return out.strip()


def words(text: str) -> frozenset[str]:
    """A lexicon's word list written as one string."""
    return frozenset(text.split())


def tokens(folded: str) -> list[str]:
    return _TOKEN.findall(folded)


def clauses(normalised: str) -> list[str]:
    """Sentences, also split at "but": a negation or an ordinary context reaches no further than its clause."""
    return [c.strip() for c in _CLAUSE.split(normalised) if c and c.strip()]
