"""The offline emotion classifier: a deterministic lexicon with negation, intensity and contrast handling."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

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
    "seeking",
)
FALLBACK: Final = "seeking"
POSITIVE: Final = frozenset({"hopeful", "grateful", "joyful"})

# (regular expression, weight). Matched on lower-cased text with straight apostrophes, at word boundaries.
_LEXICON: dict[str, tuple[tuple[str, float], ...]] = {
    "anxious": (
        (
            r"chest (?:is |feels )?tight|tight chest|"
            r"mind keeps racing|keeps racing|on pins and needles|can't calm down",
            1.5,
        ),
        (r"anxious|anxiety|anxieties", 2.0),
        (r"worr(?:y|ied|ies|ying)", 1.6),
        (r"nervous|jittery|on edge|uneasy|restless|antsy", 1.5),
        (r"panic(?:king|ked|ky)?|panic attacks?", 2.0),
        (r"overthink(?:ing)?|can't stop thinking|mind (?:is )?racing|racing thoughts|what ifs?", 1.5),
        (r"butterflies|knot in my stomach|can't sleep|couldn't sleep|can't relax|heart (?:is )?pounding", 1.0),
        (r"apprehensive|tense about|dreading", 1.3),
        (r"(?:stomach|gut) (?:is |in )?(?:in )?knots|in knots|knots in my (?:stomach|gut)", 1.4),
    ),
    "afraid": (
        (r"afraid|scared|frightened|fearful|terrified|petrified|terrifying|frightening", 2.0),
        (r"fears?|scary|spooked", 1.5),
        (r"unsafe|not safe|(?:don't|do not|doesn't|never) feel safe|in danger|threatened|nightmares?", 1.4),
        (r"shaking with fear|too scared|freaked out|freaking out", 1.4),
        (r"scares? me|scaring me|frightens? me", 1.8),
    ),
    "sad": (
        (r"sad|sadness|unhappy|miserable|depressed|depression|down in the dumps|feeling down|feel down", 2.0),
        (r"heartbroken|broken ?hearted|heartache|crushed|devastated|gutted", 1.8),
        (r"cry(?:ing)?|cried|tears|weep(?:ing)?|sob(?:bing)?", 1.3),
        (r"blue|low|gloomy|empty inside|empty|numb|hopeless|despair|sorrow|hurting|hurt", 1.2),
        (r"broke up|breakup|break up|dumped|divorce|rejected by", 1.3),
        (r"gr[ae]y|heavy heart|feels? heavy|so heavy", 1.0),
        (r"bad day|rough day|awful day|terrible day", 0.9),
        (r"(?:feel|feeling|felt) (?:\w+ )?down|down lately|down all", 1.6),
    ),
    "grieving": (
        (
            r"since (?:mom|dad|mum|my \w+|grandma|grandpa|"
            r"he|she) (?:passed|died)|passed\b|lost (?:him|her) (?:last|this)",
            2.0,
        ),
        (r"grie(?:f|ving|ve|ved)|mourn(?:ing)?|bereaved|bereavement", 2.4),
        (
            r"passed away|passed on|died|dying|death of|loss of|lost my (?:mom|mother|dad|father|husband|wife|"
            r"son|daughter|"
            r"brother|sister|baby|grandma|grandmother|grandpa|grandfather|friend|best friend|dog|cat|child|uncle|aunt)",
            2.2,
        ),
        (r"funeral|memorial service|burial|buried|widow(?:ed|er)?|miscarriage|gone forever|no longer with us", 2.0),
        (r"anniversary of (?:her|his|their|my \w+'s) death|since (?:she|he|they) died|miss (?:her|him) so", 1.8),
        (r"miss (?:her|him|my (?:mom|dad|mother|father|husband|wife|grandma|grandpa))", 1.2),
    ),
    "lonely": (
        (
            r"(?:no one|nobody) (?:ever )?(?:texts|calls|visits|invites|"
            r"reaches out|asks)|(?:have|got) no one|no one to turn to|by myself all the time",
            1.8,
        ),
        (r"lonely|loneliness|lonesome|isolated|isolation", 2.2),
        (r"alone|all by myself|by myself|on my own", 1.4),
        (
            r"no friends|no one to talk to|nobody to talk to|no one cares|nobody cares|no one understands|"
            r"nobody understands|no one calls|nobody calls|no one checks on me|nobody notices",
            1.8,
        ),
        (r"left out|excluded|abandoned|forgotten|invisible|disconnected|unwanted|ignored", 1.5),
        (r"miss (?:my )?(?:friends|family|home|people)|homesick|new city|moved away", 1.2),
    ),
    "angry": (
        (r"angry|anger|mad|furious|enraged|rage|livid|irate|pissed(?: off)?", 2.2),
        (r"annoyed|irritated|irritating|frustrat(?:ed|ing|ion)|fed up|sick of|had enough of", 1.5),
        (
            r"resent(?:ful|ment)?|bitter(?:ness)?|hate (?:him|her|them|it|my boss|this|that)|so unfair|unfair|"
            r"betrayed|lied to me|disrespected|boiling",
            1.4,
        ),
        (r"want to scream|wanted to scream|yelled|yelling|shouting|lost my temper|temper", 1.3),
    ),
    "guilty": (
        (r"guilty|guilt", 2.4),
        (r"my fault|blam(?:e|ing) myself|i regret|regret(?:s|ting)?|should(?:n't| not) have|should have", 1.6),
        (r"(?:i|i've) (?:lied|cheated|stole|sinned|hurt (?:her|him|them|my \w+)|messed up|screwed up|betrayed)", 1.8),
        (r"can't forgive myself|forgive me|need forgiveness|so sorry for|i'm sorry for|sin(?:s|ned)?|conscience", 1.4),
        (r"let (?:him|her|them|everyone|my \w+) down", 1.3),
        (
            r"(?:feel|felt) (?:terrible|awful|horrible|so bad|really bad) (?:about|for|that)|"
            r"i (?:yelled|snapped|screamed) at",
            1.6,
        ),
    ),
    "ashamed": (
        (r"ashamed|shame(?:ful)?|embarrass(?:ed|ing|ment)|humiliat(?:ed|ing|ion)|mortified", 2.4),
        (
            r"worthless|unworthy|not good enough|failure|a loser|pathetic|disgusting|disgusted with myself|"
            r"hate myself|hate who i am|dirty|disgrace",
            1.7,
        ),
        (r"can't face|can't look (?:at )?(?:anyone|them|myself)|hide my face|everyone (?:saw|knows|laughed)", 1.4),
    ),
    "overwhelmed": (
        (
            r"running on fumes|can't keep up|cannot keep up|drowning in|"
            r"too much on my plate|spread (?:too )?thin|at my limit|buried (?:in|under)",
            1.6,
        ),
        (r"overwhelm(?:ed|ing)?|too much|so much (?:is )?(?:going on|to do|on my plate)|swamped|buried in", 2.2),
        (r"exhausted|drained|burn(?:ed|t) out|burnout|worn out|weary|running on empty|tired|so tired|fatigued", 1.6),
        (
            r"can't cope|can't keep up|can't handle|drowning|falling apart|at my limit|breaking point|"
            r"can't do this anymore|crushing me|crushed under",
            1.8,
        ),
    ),
    "stressed": (
        (r"stress(?:ed|ful|ing)?", 2.2),
        (r"pressure|deadlines?|workload|overworked|hectic|frazzled|stretched thin|under the gun", 1.5),
        (
            r"exams?|finals|bills|rent|debt|money problems|interview|presentation|project|work|job|boss|"
            r"busy|no time|juggling|errands",
            0.8,
        ),
        (r"tense|wound up|on my last nerve|my head is spinning", 1.2),
    ),
    "confused": (
        (r"can't figure out|cannot figure out|can't make sense|don't know what i'm doing|don't get why", 1.8),
        (r"confus(?:ed|ing|ion)|puzzled|baffled|bewildered|mixed up|perplexed", 2.2),
        (
            r"don't know what to do|do not know what to do|not sure what to do|no idea what to do|"
            r"don't know which|don't know where|don't know how|don't know if|which way|which path|what should i do|"
            r"what to do",
            1.8,
        ),
        (
            r"unsure|uncertain|torn between|torn|can't decide|indecisive|decision|crossroads|lost|"
            r"don't understand|doesn't make sense|makes no sense|nothing makes sense|no sense|doubt(?:s|ing)?|"
            r"why would god|why did god",
            1.4,
        ),
        (r"not sure|questioning|direction|clarity|guidance", 1.0),
    ),
    "hopeful": (
        (r"hopeful|optimistic|encouraged|hope (?:that|for|to|it)|i hope|hoping", 2.2),
        (r"good feeling about|feel good about (?:the|this|my) (?:future|treatment|plan|chances)", 1.8),
        (
            r"looking forward|getting better|things are looking up|turning around|turn around|fresh start|"
            r"new beginning|new chapter|brighter|light at the end|on the mend|healing|recover(?:ing|y)",
            1.6,
        ),
        (
            r"(?:starting to |beginning to )?look(?:ing)? up|better (?:today|now|this week)|feel better|"
            r"feeling better|doing better|believe (?:it|things) will|"
            r"trust (?:that|god)|can do this|will get through|going to be okay|gonna be okay|will be okay|"
            r"will be fine|tomorrow",
            1.2,
        ),
    ),
    "grateful": (
        (r"grateful|thankful|gratitude|thank (?:you|god|the lord|jesus)|thanks to|thank", 2.4),
        (r"blessed|blessings?|appreciate(?:d)?|appreciative|count(?:ing)? my blessings|provided|provision", 1.5),
    ),
    "joyful": (
        (r"joy(?:ful|ous)?|happy|happiest|overjoyed|thrilled|elated|ecstatic|delighted|rejoic(?:e|ing)", 2.2),
        (
            r"excited|so excited|great news|good news|wonderful|amazing|awesome|fantastic|celebrat(?:e|ing|ion)|"
            r"glad|cheerful|on top of the world|over the moon|can't stop smiling|smiling|laughing|best day",
            1.5,
        ),
        (
            r"never (?:been|felt) (?:so )?(?:happier|better)|couldn't be happier|got engaged|got married|"
            r"got the job|passed (?:my|the) (?:exam|test)|had a baby|baby was born|"
            r"got (?:a|the) promotion|got promoted",
            1.8,
        ),
    ),
    "seeking": (
        (
            r"closer to god|know god|find god|seek(?:ing)? god|relationship with (?:god|jesus)|"
            r"grow (?:in|my) faith|pray(?:er|ing)?|how (?:do|can) i pray|read(?:ing)? the bible",
            1.6,
        ),
        (r"(?:want|long|longing|desire|trying) to (?:grow|get|be|draw|come) closer to (?:god|jesus|the lord)", 2.4),
        (r"faith", 1.0),
        (r"god|jesus|the lord|christ|holy spirit|church|bible|scripture|spiritual|believe in", 0.7),
        (r"purpose|meaning|meaningful|calling|why am i here|what is my purpose|seeking|searching for", 1.3),
    ),
}

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
_CONTRAST = re.compile(r"\b(?:but|though|although|however|yet)\b")
_FOCUS = re.compile(r"\b(?:mostly|mainly|above all|more than anything|most of all|really just)\b")
_CLAUSES = re.compile(r"[.!?;\n]+")
_WORD = re.compile(r"[a-z']+")
_FIXES = (
    (re.compile(r"[\u2018\u2019\u02bc`]"), "'"),
    (re.compile(r"\b(don|can|won|isn|aren|wasn|weren|doesn|didn|couldn|shouldn|wouldn)t\b"), r"\1't"),
    (re.compile(r"\bim\b"), "i'm"),
    (re.compile(r"\bive\b"), "i've"),
)

_COMPILED: dict[str, tuple[tuple[re.Pattern[str], float], ...]] = {
    emotion: tuple((re.compile(rf"\b(?:{pattern})\b"), weight) for pattern, weight in entries)
    for emotion, entries in _LEXICON.items()
}


@dataclass(frozen=True)
class EmotionResult:
    """The dominant emotion, how sure the classifier is (0..1) and every emotion's share of the evidence."""

    emotion: str
    confidence: float
    scores: Mapping[str, float]


def normalise(text: str) -> str:
    """Lower-case text with straight apostrophes and the common apostrophe-less contractions repaired."""
    out = text.lower()
    for pattern, replacement in _FIXES:
        out = pattern.sub(replacement, out)
    return out


def _modifiers(before: str) -> tuple[bool, float]:
    """Whether the words just before a match negate it, and the intensity factor they apply."""
    words = _WORD.findall(before)[-4:]
    negated = False
    for word in reversed(words):
        if word in _NEGATION_BREAKERS:
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
    return negated, factor


def _clause_weights(text: str) -> list[tuple[str, float]]:
    """Sentences, split again at contrast words; what follows "but" weighs more than what precedes it."""
    pieces: list[tuple[str, float]] = []
    for sentence in _CLAUSES.split(text):
        parts = _CONTRAST.split(sentence)
        for index, part in enumerate(parts):
            if part.strip():
                weight = 1.4 if index > 0 else 1.0
                if _FOCUS.search(part):
                    weight *= 1.3
                pieces.append((part, weight))
    return pieces


def classify(text: str) -> EmotionResult:
    """Classify one message; deterministic, offline, never stores or logs the text."""
    raw: dict[str, float] = dict.fromkeys(EMOTIONS, 0.0)
    for clause, clause_weight in _clause_weights(normalise(text)):
        for emotion, patterns in _COMPILED.items():
            taken: list[tuple[int, int]] = []  # one piece of text counts once per emotion
            for pattern, weight in patterns:
                for match in pattern.finditer(clause):
                    if any(match.start() < end and start < match.end() for start, end in taken):
                        continue
                    taken.append(match.span())
                    negated, factor = _modifiers(clause[: match.start()])
                    value = weight * factor * clause_weight
                    if not negated:
                        raw[emotion] += value
                    elif emotion in POSITIVE:
                        raw["sad"] += 0.6 * value  # "not happy", "not hopeful at all"
                    elif emotion != FALLBACK:
                        raw["hopeful"] += 0.3 * value  # "not anxious anymore" is relief
    total = sum(raw.values())
    if total <= 0:
        scores = {e: (1.0 if e == FALLBACK else 0.0) for e in EMOTIONS}
        return EmotionResult(FALLBACK, 0.3, MappingProxyType(scores))
    best = max(EMOTIONS, key=lambda e: (raw[e], -EMOTIONS.index(e)))
    share = raw[best] / total
    strength = 1.0 - math.exp(-raw[best] / 2.0)
    confidence = round(min(0.99, max(0.05, 0.15 + 0.85 * share * strength)), 3)
    scores = {e: round(raw[e] / total, 4) for e in EMOTIONS}
    return EmotionResult(best, confidence, MappingProxyType(scores))
