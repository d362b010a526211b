"""The deterministic crisis detector run on every message before any model call, and the crisis answer."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Final

from shared.engine.emotions import FALLBACK, EmotionResult, normalise

# Rules, in words (the tests and tests/data/crisis*.jsonl hold examples of each):
# - Crisis: the writer shows suicidal intent or wishes (direct or indirect: "everyone would be better off
#   without me", "I don't want to wake up"), plans or means ("I have pills saved up", goodbye letters,
#   giving things away "because I won't need them"), or self-harm ("I cut myself again").
# - Crisis too (category "someone_else"): another person is in danger NOW ("my sister says she wants to
#   kill herself"); the crisis resources help the one who is worried, and 988 takes such calls.
# - Not crisis: idioms ("this traffic is killing me", "dying to see it", "dead tired"), accidents ("I cut
#   myself while cooking"), negated statements ("I would never kill myself", "I'm not suicidal"), someone
#   else's past ("my friend attempted suicide last year"), the writer's own distant past with no sign it
#   is back ("I used to self-harm years ago"), and talk about the topic ("a sermon on suicide prevention").

SUICIDAL: Final = "suicidal"
SELF_HARM: Final = "self_harm"
SOMEONE_ELSE: Final = "someone_else"

#: A crisis message that names no feeling is heard as pain, not as "seeking": its verse comes from the
#: comfort for a broken heart, not from the verses about purpose.
CRISIS_FALLBACK_EMOTION: Final = "sad"


def crisis_emotion(heard: EmotionResult) -> str:
    return CRISIS_FALLBACK_EMOTION if heard.emotion == FALLBACK else heard.emotion


_CRISIS_OPENINGS = (
    "I'm really glad you told me, and I'm so sorry you're carrying this much pain right now.",
    "Thank you for trusting me with something this heavy; what you're feeling matters, and so do you.",
    "I hear how much you're hurting, and I'm grateful you reached out instead of staying alone with it.",
    "I'm so sorry it has become this hard; you don't have to face this moment by yourself.",
    "What you shared matters deeply, and you matter deeply too.",
)
_CRISIS_CLOSINGS = (
    "Please reach out right now to one of the people listed with this message: "
    "you can call or text 988 any time, or call 911 if you are in immediate danger.",
    "Please talk with someone now: call or text 988 (in the US), find a local helpline from the list "
    "with this message, or call emergency services if you might act on these thoughts.",
    "Right now, please contact one of the helplines listed with this message; they are kind, they are free, "
    "and they are there for exactly this moment. If you are in danger, call 911 or your local emergency number.",
)


@dataclass(frozen=True)
class SafetyAssessment:
    """Whether a message needs the crisis answer, and why; never holds the message text."""

    crisis: bool
    category: str | None = None


_OK: Final = SafetyAssessment(False, None)

_WHO = (
    r"(?:my |our |a |his |her )?(?:best )?(?:friend|brother|sister|son|daughter|mom|mother|dad|father|husband|"
    r"wife|partner|boyfriend|girlfriend|roommate|kid|child|cousin|classmate|coworker|co-worker|niece|nephew|"
    r"grandson|granddaughter|teen|teenager|student|neighbor|uncle|aunt|fiance|fiancee|bf|gf)"
)
_OTHER_SELF = r"(?:himself|herself|themselves|themself)"
_OTHER_LIFE = r"(?:his|her|their) (?:own )?life"
_PILLS = r"(?:pills|meds|medication|medications|tablets|sleeping pills|painkillers|pain pills|insulin|tylenol)"

# (pattern, category). First-person patterns; the subject and negation checks below refine them.
_FIRST_PERSON: tuple[tuple[str, str], ...] = (
    (r"\b(?:kill|killing|kms|end|ending|take|taking|took) (?:myself|my (?:own )?life)\b", SUICIDAL),
    (
        r"\b(?:i'm|i am|i feel|feeling|i've been|been|i get|i got|i was|getting) (?:(?!not\b|never\b)\w+ ){0,2}"
        r"suicidal\b",
        SUICIDAL,
    ),
    (r"\bsuicidal (?:thoughts|thinking|feelings|urges|ideation|again)\b", SUICIDAL),
    (
        r"\b(?:thinking|thought|think|thoughts|dream|dreaming|fantasi[sz]e|fantasi[sz]ing) "
        r"(?:a lot |so much |constantly )?"
        r"(?:about|of) (?:suicide|killing myself|ending (?:it all|my life|everything|things)|dying|jumping|overdosing|"
        r"hanging myself|cutting|taking (?:all )?(?:my |the )?pills|not (?:being here|"
        r"existing|waking up)|death)\b",
        SUICIDAL,
    ),
    (r"\b(?:commit|committing|attempt|attempting) suicide\b", SUICIDAL),
    (r"\bsuicide (?:note|letter|plan|attempt)\b", SUICIDAL),
    (r"\b(?:want|wanna|wanted|wish|wishing|ready|deserve|longing|plan|planning) (?:to )?die\b", SUICIDAL),
    (r"\b(?:just )?(?:let me|i should|i deserve to|i need to|i ought to) (?:just )?die\b", SUICIDAL),
    (
        rf"\b(?:looked up|look up|looking up|searched|searching|googled|googling|researched|researching) (?:how|ways|"
        rf"the best way) (?:many {_PILLS}|much|to (?:die|kill myself|overdose|end (?:it|my life)|hang myself))\b",
        SUICIDAL,
    ),
    (
        r"\bwish (?:i was|i were|i'd be|to be|i could be) (?:dead|gone|not alive|not here|never born|asleep forever)\b",
        SUICIDAL,
    ),
    (r"\bwish (?:i had never been|i'd never been|i was never|i were never|i hadn't been) born\b", SUICIDAL),
    (r"\bwish i (?:didn't|did not|could stop|could just stop) (?:exist|existing|being alive|wake up)\b", SUICIDAL),
    (r"\bbetter off dead\b", SUICIDAL),
    (
        r"\b(?:don't|do not|no longer|dont|never) (?:want|wanna|wish) (?:to )?(?:live|be alive|exist|go on|keep living|"
        r"keep going|wake up|be here anymore|be here any more|be on this earth|be in this world)\b",
        SUICIDAL,
    ),
    (
        r"\bdon't (?:think|know if) i (?:want|wanna|can) (?:to )?(?:live|go on|keep going|be alive|keep living)\b",
        SUICIDAL,
    ),
    (r"\b(?:hope|wish|pray) (?:that )?i (?:don't|do not|never|won't) wake up\b", SUICIDAL),
    (r"\b(?:sleep|go to sleep|fall asleep) and (?:never|not) wake up\b", SUICIDAL),
    (
        r"\b(?:no|any|what's the|what is the) (?:reason|point) (?:to|in|of) "
        r"(?:keep living|go on living|keep going|live|living|going on|being alive|"
        r"life|existing|staying alive|carrying on)\b",
        SUICIDAL,
    ),
    (
        r"\b(?:don't|do not|dont|can't|cannot|can not) (?:see|find|think of|come up with|have) (?:any|a|one|a single) "
        r"(?:reason|point) (?:to|in|of|for) (?:keep living|go on living|keep going|live|living|going on|being alive|"
        r"life|existing|staying alive|carrying on|staying)\b(?! (?:in|at|near|by|on|here|there|together|abroad)\b)",
        SUICIDAL,
    ),
    (
        r"\b(?:i'd|i would|i'd much|i would much) rather (?:be dead|die|not (?:be alive|exist|live|wake up|be here))\b",
        SUICIDAL,
    ),
    (
        r"\b(?:going to|want to|ready to|about to|i'll|i will|time to|decided to|need to) end it(?: all| now| tonight)?"
        r"\s*(?:,|$)",
        SUICIDAL,
    ),
    (
        r"\b(?:wrote|written|writing|left|leaving) (?:a |my |some )?(?:last |final )?(?:notes?|letters?) (?:for|to) "
        r"(?:my (?:family|kids|children|parents|wife|husband|mom|dad|mother|father|partner)|everyone|everybody)\b"
        r"[^.!?]{0,40}\b(?:i'm done|i am done|it's over|goodbye|forgive me|i'm sorry for everything|i'm gone)\b",
        SUICIDAL,
    ),
    (r"\blife (?:is not|isn't|is no longer|ain't|doesn't feel|does not feel) worth (?:living|it)\b", SUICIDAL),
    (r"\bnot worth living\b|\bnothing (?:left )?to live for\b|\bno will to live\b", SUICIDAL),
    (r"\b(?:tired|sick) of (?:living|being alive|life|existing)\b", SUICIDAL),
    (r"\bdone with (?:life|living|being alive)\b", SUICIDAL),
    (r"\bcan't (?:go on|keep going|keep living|do life|live like this) any ?(?:more|longer)\b", SUICIDAL),
    (r"\bcan't (?:keep|go on) living\b|\b(?:stop|quit) existing\b|\bnot exist any ?more\b", SUICIDAL),
    (r"\bcan't go on living\b|\bcan't live (?:like this|with this) anymore\b", SUICIDAL),
    (r"\bend it all\b|\bend everything\b|\bending it all\b", SUICIDAL),
    (r"\bend (?:it|things) (?:tonight|today|for good|forever|permanently|once and for all)\b", SUICIDAL),
    (
        r"\b(?:would|will|'d|might) (?:all )?be (?:better|happier) (?:off )?(?:without me|"
        r"if i (?:was|were|wasn't|weren't)"
        r" (?:gone|dead|not here|never born|here|around|alive))\b",
        SUICIDAL,
    ),
    (r"\bbetter off without me\b", SUICIDAL),
    (
        r"\b(?:no one|nobody|no-one) (?:would|will) (?:even )?(?:miss|notice|care)(?: me)? if i (?:was|were|died|"
        r"disappeared|was gone|were gone|killed myself|wasn't here)\b",
        SUICIDAL,
    ),
    (r"\b(?:no one|nobody) (?:would|will) (?:even )?miss me\b", SUICIDAL),
    (r"\bwon't be (?:around|here|alive) (?:much longer|anymore|any more|for long|by|next)\b", SUICIDAL),
    (
        r"\b(?:i'm|i am|i feel like) (?:just )?a burden (?:to|on) (?:everyone|everybody|my family|them|the people)\b",
        SUICIDAL,
    ),
    (r"\b(?:disappear|vanish|sleep|go to sleep) forever\b", SUICIDAL),
    (
        r"\b(?:don't|dont|do not|can't|cannot|no longer) see (?:the |any )?point (?:in |of )?(?:living|life|"
        r"going on|being alive|being here|staying alive|carrying on|trying anymore|anything anymore)\b",
        SUICIDAL,
    ),
    (r"\b(?:planning|plan|planned|considering|contemplating|thinking about) (?:my )?suicide\b", SUICIDAL),
    # plans and means
    (
        rf"\b(?:took|swallowed|have taken|just took|taken) (?:a bunch of|a lot of|lots of|too many|so many|a handful "
        rf"of|handfuls of|all (?:of )?(?:my|the)|extra) {_PILLS}\b",
        SUICIDAL,
    ),
    (
        r"\b(?:bought|got|buying|getting) (?:a |some )?(?:rope|gun|razor blades?)\b(?! for\b)",
        SUICIDAL,
    ),
    (
        r"\b(?:letters?|notes?|messages?)\b[^.!?]{0,50}\bsaying (?:my )?goodbyes?\b",
        SUICIDAL,
    ),
    (rf"\b{_PILLS} (?:saved|stashed|stockpiled|hoarded|collected|lined up|counted out)\b", SUICIDAL),
    (
        rf"\b(?:sav(?:e|ed|ing)|stockpil(?:e|ed|ing)|hoard(?:ed|ing)?|collect(?:ed|ing)|stash(?:ed|ing)|"
        rf"count(?:ed|ing)) (?:up )?(?:all )?(?:of )?(?:my |some |the |enough |a lot of )?{_PILLS}\b",
        SUICIDAL,
    ),
    (
        rf"\b{_PILLS}\b[^.!?]{{0,60}}\bin case i (?:ever )?(?:decide|want|choose) to (?:use|take|swallow) "
        rf"(?:them|it|all of them)\b",
        SUICIDAL,
    ),
    (rf"\benough {_PILLS} to\b|\b(?:the )?whole bottle of {_PILLS}\b", SUICIDAL),
    (
        rf"\b(?:take|taking|took|swallow|swallowed|swallowing) (?:all|every one) (?:of )?(?:my |the )?{_PILLS}\b",
        SUICIDAL,
    ),
    (r"\b(?:take|taking|took|thinking about|planning|plan|want) (?:to )?(?:an )?overdose\b", SUICIDAL),
    (rf"\boverdos(?:e|ing) on (?:my |the |all my )?{_PILLS}\b", SUICIDAL),
    (
        r"\b(?:hang|hanging|shoot|shooting|drown|drowning|poison|poisoning|stab|stabbing) myself\b(?! in the foot)",
        SUICIDAL,
    ),
    (r"\b(?:tie|tied|tying|made|making|bought) (?:a )?noose\b", SUICIDAL),
    (
        r"\b(?:jump|jumping|throw myself|step|stepping) (?:off|from|in front of) (?:a |the |that )?(?:bridge|building|"
        r"roof|cliff|train|balcony|truck|bus|window|overpass|car)\b",
        SUICIDAL,
    ),
    (r"\b(?:slit|slash|slice|cut) (?:my|both) (?:wrists?|throat)\b", SUICIDAL),
    (
        r"\b(?:drive|driving|drove) (?:my car )?(?:into|off) (?:a |the )?(?:tree|wall|river|traffic|cliff|bridge)\b",
        SUICIDAL,
    ),
    # goodbyes and giving things away
    (r"\b(?:goodbye|farewell) (?:letters?|notes?|messages?|videos?|texts?)\b", SUICIDAL),
    (r"\b(?:letters?|notes?|messages?) (?:saying|to say) (?:my )?goodbye\b", SUICIDAL),
    (r"\b(?:said|saying|say|made|making) my (?:final |last )?goodbyes\b", SUICIDAL),
    (r"\bthis is (?:my )?(?:final |last )?goodbye\b|\bgoodbye (?:forever|world|everyone)\b", SUICIDAL),
    (r"\bthis is my last (?:message|post|night|day)\b|\b(?:tonight|today) is my last (?:night|day)\b", SUICIDAL),
    (
        r"\b(?:scratch|scratching|scratched|cut|cutting|burn|burning|hit|hitting) my (?:arms?|wrists?|legs?|skin|"
        r"thighs?|stomach|body) (?:until|till|so) (?:they|it|i) (?:bleed|bled|bruise|hurt)\b",
        SELF_HARM,
    ),
    (
        r"\b(?:giv(?:e|ing|en)|gave) away (?:all )?(?:of )?my (?:things|stuff|belongings|possessions|valuables|"
        r"prized|favorite|favourite|most|pets?|dog|cat)\b",
        SUICIDAL,
    ),
    (
        r"\bwon't (?:need|be needing) (?:them|it|these|this|my \w+|anything|any of it|any of this) "
        r"(?:anymore|any more|much longer|where i'm going|after (?:tonight|tomorrow|this week))\b",
        SUICIDAL,
    ),
    # self-harm
    (
        r"\b(?:cut|cutting|cuts|burn|burning|burned|burnt|carve|carving|carved|scratch|scratching|harm|harming|"
        r"starve|starving|starved) myself\b",
        SELF_HARM,
    ),
    (
        r"\b(?:hurt|hurting|hit|hitting|punch|punched|punching|bang|banged|banging|slap|slapped|slapping) myself\b",
        SELF_HARM,
    ),
    (r"\bself[- ]?harm(?:ing|ed)?\b|\bself[- ]?injur(?:y|ing|e)\b", SELF_HARM),
    (r"\b(?:urge|urges|want|wanting) to (?:cut|burn|hurt myself|bleed)\b", SELF_HARM),
    (
        r"\bmake myself bleed\b|"
        r"\brazors? (?:blades? )?(?:on|to|against) my (?:arm|arms|skin|wrist|wrists|legs?|thighs?)\b",
        SELF_HARM,
    ),
    (r"\brelapsed? (?:on |into )?(?:cutting|self[- ]?harm)\b|\bstarted cutting again\b", SELF_HARM),
    (
        r"\b(?:been|started|keep|kept|i'm|i am|back to) cutting\b(?! (?:back|down|out|carbs|sugar|costs|hair|wood|"
        r"the|class|classes|corners|ties|it close|grass|paper|onions|vegetables))",
        SELF_HARM,
    ),
)

# Another person in danger now (present or future intent).
_SOMEONE_ELSE: tuple[str, ...] = (
    rf"\b(?:kill|killing|end|ending|take|taking) (?:{_OTHER_SELF}|{_OTHER_LIFE})\b",
    rf"\b(?:cut|cutting|burn|burning|harm|harming|hurt|hurting|starv(?:e|ing)) {_OTHER_SELF}\b",
    r"\b(?:is|are|'s|seems|been) (?:\w+ )?(?:suicidal|self[- ]?harming)\b",
    r"\b(?:wants|want|is going|are going|plans|planning|is planning|threatening|threatens|talks about|"
    r"talking about|keeps talking about|said|says) (?:to )?(?:die|suicide|commit suicide|end it all)\b",
    r"\b(?:threatening|threatened|threatens) suicide\b",
    rf"\b(?:has|have|got|bought) (?:a )?(?:gun|noose|rope|{_PILLS}) (?:and|to)\b",
)
_THIRD_PERSON_SUBJECT = re.compile(
    rf"\b(?:he|she|they|he's|she's|they're|someone|somebody|{_WHO}|people|his|her|their|this guy|this girl|"
    r"a guy|a girl|a man|a woman|the character|a character)\b"
)
_FIRST_PERSON_SUBJECT = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|myself)\b")
_NEGATORS = frozenset(
    [
        "not",
        "never",
        "no",
        "don't",
        "doesn't",
        "didn't",
        "won't",
        "wouldn't",
        "isn't",
        "aren't",
        "wasn't",
        "can't",
        "cannot",
        "couldn't",
        "shouldn't",
        "nor",
        "nothing",
        "hardly",
    ]
)
_BREAKERS = frozenset(
    ["stop", "help", "but", "i", "i'm", "i've", "i'd", "i'll", "because", "and", "or", "if", "why", "sometimes"]
)
_WORD = re.compile(r"[a-z']+")
_PAST = re.compile(
    r"\b(?:years ago|a year ago|months ago|last year|last summer|in high school|in college|in middle school|"
    r"when (?:i|he|she|they|we) (?:was|were) (?:young|younger|little|a kid|a teen|a teenager|in \w+|\d+)|"
    r"as a (?:teen|teenager|kid|child)|growing up|back in|long ago|a long time ago|used to|in the past|"
    r"(?:years|months) clean|clean for|sober for|survived|attempted|died by|committed|took (?:his|her|their) own|"
    r"passed away|killed (?:himself|herself|themselves)|tried to)\b"
)
_STILL = re.compile(
    r"\b(?:again|still|now|tonight|today|lately|these days|relapse|relapsed|urge|urges|want|back|last night|"
    r"yesterday|this morning|this week|earlier|just|hours ago|an hour ago|days ago)\b"
)
_EARLY = re.compile(r"^\s*(?:early|so early|at \d|at dawn|for (?:work|school|class|church|the)|before)")
_NEEDS_INTENT = frozenset(
    [
        "hurt",
        "hurting",
        "hit",
        "hitting",
        "punch",
        "punched",
        "punching",
        "bang",
        "banged",
        "banging",
        "slap",
        "slapped",
        "slapping",
    ]
)
_ACCIDENT = re.compile(
    r"\b(?:shaving|cooking|chopping|slicing|peeling|opening|by accident|accidentally|accident|while|when i|"
    r"in the kitchen|at work|at the gym|playing|lifting|running|skiing|hiking|falling|fell|tripped|slipped|"
    r"on (?:a|the|some|my) (?:knife|glass|paper|stove|oven|iron|pan|fence|nail|can|tin|blade|edge|corner)|"
    r"with (?:a|the) (?:knife|kitchen|bread|paper|scissors)|paper cut|workout|exercise|training|sunburn|sun)\b"
)
_HURT_INTENT = re.compile(
    r"\b(?:want|wanna|urge|urges|going to|gonna|thinking about|thought about|feel like|keep|kept|again|"
    r"on purpose|deserve|"
    r"to feel|to punish|punish|make it stop|numb|can't stop|relapse|relapsed)\b"
)
_IDIOM = re.compile(
    r"\b(?:die|died|dying) (?:of|from|with) (?:embarrassment|laughter|laughing|boredom|shame|cringe|cuteness|"
    r"happiness|excitement|jealousy|envy|curiosity)\b|\brather die than\b|\bkilling myself (?:laughing|to|at|"
    r"trying|over|for|with|working|studying)\b|\b(?:dying|die) to (?:see|know|try|get|meet|go|hear|tell|eat)\b"
)
#: Things a person ends without ending their life: "this meeting is dragging, I'm going to end it".
_ENDABLE = re.compile(
    r"\b(?:meeting|call|game|show|series|subscription|relationship|friendship|marriage|engagement|chapter|story|"
    r"book|project|season|streak|contract|lease|conversation|argument|fight|debate|stream|video|class|lesson|"
    r"speech|essay|song|movie|party|trip|diet|fast|vacation|job|membership|account|thread|chat|podcast)\b"
)
_RELATIONSHIP_END = re.compile(r"\b(?:with (?:him|her|them|my \w+)|relationship|friendship|marriage|contract|lease)\b")
_GIVING_BENIGN = re.compile(
    r"\b(?:charity|donat\w*|goodwill|thrift|garage sale|yard sale|moving|move|declutter\w*|minimalis\w*|"
    r"downsiz\w*|outgrew|outgrown|too small|spring clean\w*|cleaning out|to my (?:niece|nephew|cousin|kids))\b"
)
_GOODBYE_BENIGN = re.compile(
    r"\b(?:moved|moving|move|leaving|left|retir\w*|graduat\w*|trip|vacation|camp|new job|deploy\w*|abroad)\b"
)
_TOPIC_TALK = re.compile(
    r"^\s*(?:awareness|prevention|training|seminar|workshop|statistics|rates?|hotline|month|week|day|"
    r"support group|research|education)\b"
)
_SPLIT = re.compile(r"[.!?;\n]+|\bbut\b|\bhowever\b")
_SLANG = (
    (re.compile(r"\bwanna\b"), "want to"),
    (re.compile(r"\bgonna\b"), "going to"),
    (re.compile(r"\bunalive\b"), "kill"),
    (re.compile(r"\bkms\b"), "kill myself"),
    (re.compile(r"\bi'm gonna\b"), "i'm going to"),
    (re.compile(r"\s+"), " "),
)
_FIRST_COMPILED = tuple((re.compile(p), c) for p, c in _FIRST_PERSON)
_OTHER_COMPILED = tuple(re.compile(p) for p in _SOMEONE_ELSE)


def _negated(before: str) -> bool:
    words = _WORD.findall(before)[-5:]
    for word in reversed(words):
        if word in _BREAKERS:
            return False
        if word in _NEGATORS or word.endswith("n't"):
            return True
    return False


def _subject_is_other(before: str) -> bool:
    """Whether the nearest subject before the match is someone other than the writer."""
    other = [m.end() for m in _THIRD_PERSON_SUBJECT.finditer(before)]
    mine = [m.end() for m in _FIRST_PERSON_SUBJECT.finditer(before)]
    return bool(other) and (not mine or max(other) > max(mine))


def _first_person(clause: str, message: str) -> str | None:
    for pattern, category in _FIRST_COMPILED:
        for match in pattern.finditer(clause):
            before, after = clause[: match.start()], clause[match.end() :]
            text = match.group(0)
            if _negated(before) and not text.startswith(
                ("don't", "do not", "no longer", "dont", "never", "no ", "can't", "cannot", "can not")
            ):
                continue
            if _subject_is_other(before) and not _FIRST_PERSON_SUBJECT.search(text) and " my " not in f" {text} ":
                continue  # "my friend wants to die" is handled by the someone-else rules
            if "wake up" in text and _EARLY.search(after[:25]):
                continue
            if _IDIOM.search(clause[max(0, match.start() - 20) : match.end() + 25]):
                continue
            if "end" in text and _RELATIONSHIP_END.search(after):
                continue
            if "end it" in text and _ENDABLE.search(clause):
                continue
            if text.endswith(("keep going", "going on", "carrying on", "staying")) and _ENDABLE.search(after):
                continue  # "no reason to keep going with this diet"
            if text.startswith(("giv", "gave")) and _GIVING_BENIGN.search(clause):
                continue
            if "goodbye" in text and _GOODBYE_BENIGN.search(clause):
                continue  # a farewell to someone who is moving away
            if _TOPIC_TALK.search(after[:30]):
                continue  # "a talk on self-harm awareness"
            if category == SELF_HARM and _ACCIDENT.search(after[:60]) and not _HURT_INTENT.search(clause):
                continue
            if text.split()[0] in _NEEDS_INTENT and (not _HURT_INTENT.search(clause)):
                continue
            if _PAST.search(clause) and not _STILL.search(message.replace(text, " ")):
                continue  # the writer's own past, with nothing saying it is back
            return category
    return None


def _someone_else(clause: str) -> bool:
    for pattern in _OTHER_COMPILED:
        for match in pattern.finditer(clause):
            before = clause[: match.start()]
            if not _THIRD_PERSON_SUBJECT.search(before) and not re.search(_OTHER_SELF, match.group(0)):
                continue
            if _negated(before) or _PAST.search(clause):
                continue
            return True
    return False


def assess(text: str) -> SafetyAssessment:
    """Decide whether a message needs the crisis answer. Deterministic; the text is neither kept nor logged."""
    message = normalise(text)
    for pattern, replacement in _SLANG:
        message = pattern.sub(replacement, message)
    clauses = [c.strip() for c in _SPLIT.split(message) if c and c.strip()]
    for clause in clauses:
        category = _first_person(clause, message)
        if category:
            return SafetyAssessment(True, category)
    for clause in clauses:
        if _someone_else(clause):
            return SafetyAssessment(True, SOMEONE_ELSE)
    return _OK


def crisis_message(seed: int = 0) -> str:
    """A short, warm crisis answer (two sentences) that points to the resources, chosen by seed."""
    rng = random.Random(f"crisis:{seed}")
    return f"{rng.choice(_CRISIS_OPENINGS)} {rng.choice(_CRISIS_CLOSINGS)}"
