"""English guards that reduce a cue (negation, idioms, topic talk, the past, accidents, another subject) and ENGLISH."""

from __future__ import annotations

import re

from shared.engine.safety_lexicon_en import EXPLICIT_CUES, INTENT_CUES
from shared.engine.safety_lexicon_en_acts import IMMINENCE_CUES, MEANS_CUES, SELF_HARM_CUES, SOMEONE_ELSE_CUES
from shared.engine.safety_lexicon_en_hope import HOPELESSNESS_CUES, RELIGIOUS_CUES
from shared.engine.safety_signals import Lexicon, words

_WHO = (
    r"(?:my |our |a |his |her )?(?:best )?(?:friend|brother|sister|son|daughter|mom|mother|dad|father|husband|"
    r"wife|partner|boyfriend|girlfriend|roommate|kid|child|cousin|classmate|coworker|co-worker|niece|nephew|"
    r"grandson|granddaughter|teen|teenager|student|neighbor|uncle|aunt|fiance|fiancee|bf|gf)"
)
OTHER_SUBJECT = re.compile(
    rf"\b(?:he|she|they|he's|she's|they're|someone|somebody|{_WHO}|people|his|her|their|this guy|this girl|"
    r"a guy|a girl|a man|a woman|the character|a character)\b"
)
OWN_SUBJECT = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself)\b")
NEGATORS = frozenset(
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
BREAKERS = frozenset(
    ["stop", "help", "but", "i", "i'm", "i've", "i'd", "i'll", "because", "and", "or", "if", "why", "sometimes"]
)
PAST = re.compile(
    r"\b(?:years ago|a year ago|months ago|last year|last summer|in high school|in college|in middle school|"
    r"when (?:i|he|she|they|we) (?:was|were) (?:young|younger|little|a kid|a teen|a teenager|in \w+|\d+|\w+teen|ten|"
    r"eleven|twelve|five|six|seven|eight|nine)|"
    r"as a (?:teen|teenager|kid|child)|growing up|back in|long ago|a long time ago|used to|in the past|"
    r"(?:years|months) clean|clean for|sober for|survived|attempted|died by|committed|took (?:his|her|their) own|"
    r"passed away|killed (?:himself|herself|themselves)|tried to|in the \d0s|in (?:19|20)\d\d)\b"
)
STILL = re.compile(
    r"\b(?:again|still|now|tonight|today|lately|these days|relapse|relapsed|urge|urges|want|back|last night|"
    r"yesterday|this morning|this week|earlier|just|hours ago|an hour ago|days ago)\b"
)
ACCIDENT = re.compile(
    r"\b(?:shaving|cooking|chopping|slicing|peeling|opening|baking|making (?:dinner|cookies|lunch|breakfast)|"
    r"by accident|accidentally|accident|while|when i|in the kitchen|at work|at the gym|playing|lifting|running|"
    r"skiing|hiking|falling|fell|tripped|slipped|on (?:a|the|some|my) (?:knife|glass|paper|stove|oven|iron|pan|"
    r"tray|fence|nail|can|tin|blade|edge|corner)|with (?:a|the) (?:knife|kitchen|bread|paper|scissors)|paper cut|"
    r"workout|exercise|training|sunburn|sun)\b"
)
HURT_INTENT = re.compile(
    r"\b(?:want|urge|urges|going to|thinking about|thought about|feel like|keep|kept|again|on purpose|deserve|"
    r"to feel|to punish|punish|make it stop|numb|can't stop|relapse|relapsed)\b"
)
IDIOMS = re.compile(
    r"\b(?:die|died|dying) (?:of|from|with) (?:embarrassment|laughter|laughing|boredom|shame|cringe|cuteness|"
    r"happiness|excitement|jealousy|envy|curiosity)\b|\brather die than\b|\b(?:kill|killed|killing) myself "
    r"(?:laughing|to|at|trying|over|for|with|working|studying)\b|\b(?:dying|die) to (?:see|know|try|get|meet|go|hear|"
    r"tell|eat)\b|\bto die for *$|\bis to die for\b|\bshot (?:myself|himself|herself|themselves) in the foot\b|"
    # dying to oneself is the Christian life, not a death ("die to self and live for Christ")
    r"\bdie to (?:self|myself|sin|the flesh|my (?:old )?self)\b|"
    # games: "I killed myself in minecraft by digging into lava"
    r"\b(?:minecraft|fortnite|roblox|gta|valorant|in the game|this game|in game|my character|respawn|lava|boss fight|"
    r"the boss|speedrun)\b"
)
#: Talk about the topic, just before the cue with no "I" in between ("a novel where the character kills himself").
TOPIC = re.compile(
    r"\b(?:book|novel|movie|film|show|series|episode|documentary|article|paper|essay|report|study|research|class|"
    r"lecture|sermon|talk|podcast|song|lyrics?|play|poem|story|character|news|statistics|awareness|prevention|"
    r"talked about|discussed|spoke about|preached (?:on|about)|lesson on|"
    r"what does the bible say|what the bible says|is it a sin|is it true|hotline|romeo|the ending|scene|"
    r"prevention|training|seminar|workshop|rates?|support group|education|judas|saul|samson|the bible|scripture|"
    r"matthew|in (?:teens|teenagers|adolescents|"
    r"young people|the news|movies|media|books|veterans)|among)\b"
)

ENGLISH = Lexicon(
    language="en",
    markers=words(
        "i i'm im the and to my is it you of that just want this have be not don't dont can't cant with for was all "
        "like what feel myself really anymore about at on he she they we are do if know so"
    ),
    cues=(
        *EXPLICIT_CUES,
        *INTENT_CUES,
        *MEANS_CUES,
        *IMMINENCE_CUES,
        *HOPELESSNESS_CUES,
        *RELIGIOUS_CUES,
        *SELF_HARM_CUES,
        *SOMEONE_ELSE_CUES,
    ),
    negators=NEGATORS,
    breakers=BREAKERS,
    idioms=IDIOMS,
    topic=TOPIC,
    past=PAST,
    still=STILL,
    accident=ACCIDENT,
    hurt_intent=HURT_INTENT,
    other_subject=OTHER_SUBJECT,
    own_subject=OWN_SUBJECT,
)
