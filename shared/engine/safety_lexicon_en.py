"""English crisis cues, explicit and intent, and the word lists the other English cues share; 1.0 is a crisis alone."""

from __future__ import annotations

from shared.engine.safety_signals import EXPLICIT, INTENT, Cue, cue

# Matched on normalised text (shared.engine.safety_signals): lower case, "i'm", "don't", "want to", "going to".
PILLS = (
    r"(?:pills|pill|meds|medication|medications|medicine|medicines|tablets|sleeping pills|painkillers|pain pills|"
    r"insulin|tylenol|acetaminophen|paracetamol|ibuprofen|advil|aspirin|oxy|oxys|oxycodone|oxycontin|percocet|"
    r"vicodin|hydrocodone|xanax|valium|klonopin|ambien|benadryl|sertraline|zoloft|prozac|fluoxetine|lexapro|"
    r"wellbutrin|seroquel|lithium|antidepressants|opioids|fentanyl|heroin|prescription pills)"
)
WEAPON = r"(?:gun|guns|pistol|handgun|revolver|rifle|shotgun|firearm|glock)"
BLADE = r"(?:knife|knives|blade|blades|razor|razors|razor blades?|box cutter)"
HEIGHT = (
    r"(?:bridge|roof|rooftop|ledge|cliff|overpass|balcony|railing|tracks|train tracks|railway|parking garage|"
    r"top floor|tall building)"
)
LIGATURE = r"(?:rope|noose|belt|cord|ligature)"
_FAMILY = r"(?:family|kids|children|parents|wife|husband|mom|dad|mother|father|partner|sister|brother|son|daughter)"
# Ordinary contexts, named once and used by several cues.
_ENDABLE = (
    r"\b(?:meeting|call|game|show|series|subscription|relationship|friendship|marriage|engagement|chapter|story|book|"
    r"project|season|streak|contract|lease|conversation|argument|fight|debate|stream|video|class|lesson|speech|essay|"
    r"song|movie|party|trip|diet|fast|vacation|job|membership|account|thread|chat|podcast|"
    r"with (?:him|her|them|my \w+))\b"
)
_EARLY = r"early|so early|at \d|at dawn|for (?:work|school|class|church|the)|before|to (?:this|that|the|my|class)"
_GIVING_BENIGN = (
    r"\b(?:charity|donat\w*|goodwill|thrift|garage sale|yard sale|moving|move|declutter\w*|minimalis\w*|downsiz\w*|"
    r"outgrew|outgrown|too small|spring clean\w*|cleaning out|vacation|trip|while i'm away|"
    r"to my (?:niece|nephew|cousin))\b"
)
_FAREWELL_BENIGN = (
    r"\b(?:moved|moving|move|leaving for|left for|retir\w*|graduat\w*|trip|vacation|holiday|camp|new job|last day|"
    r"deploy\w*|abroad|airport|coworkers|co-workers|team|class|semester|party|wedding|birthday|gift|help today|"
    r"the house|old house|apartment)\b"
)

EXPLICIT_CUES: tuple[Cue, ...] = (
    cue(r"\b(?:kill|killing|killed|kills|off|offing) myself\b", EXPLICIT, 1.0),
    cue(r"\b(?:kill|killing|end|ending|ended|take|taking|took) my (?:own )?life\b", EXPLICIT, 1.0),
    cue(
        r"\b(?:i'm|i am|i feel|feeling|i've been|been|i get|i got|i was|getting|i've become) "
        r"(?:(?!not\b|never\b)\w+ ){0,2}suicidal\b",
        EXPLICIT,
        1.0,
    ),
    cue(r"\bsuicidal (?:thoughts|thinking|feelings|urges|ideation|again|tonight|today|lately)\b", EXPLICIT, 1.0),
    cue(
        r"\b(?:thinking|thought|thoughts|think|dream|dreaming|fantasi[sz]e|fantasi[sz]ing|obsessing|picturing|"
        r"imagining|imagine) "
        r"(?:\w+ ){0,2}(?:about|of) (?:suicide|killing myself|ending (?:it all|my life|everything|things)|dying|"
        r"jumping|overdosing|hanging myself|cutting|taking (?:all )?(?:my |the )?pills|taking them all|taking all of "
        r"them|not (?:being here|existing|"
        r"waking up)|my (?:own )?death|my (?:own )?funeral)\b",
        EXPLICIT,
        1.0,
    ),
    cue(r"\b(?:thinking|thought|thoughts|think) (?:\w+ ){0,2}(?:about|of) death\b", EXPLICIT, 0.45),
    cue(r"\b(?:commit|committing|attempt|attempting|attempted) suicide\b", EXPLICIT, 1.0),
    cue(r"\bsuicide (?:note|letter|plan|attempt|pact|method)s?\b", EXPLICIT, 1.0),
    cue(r"\b(?:planning|plan|planned|considering|contemplating|researching) (?:my )?suicide\b", EXPLICIT, 1.0),
    cue(
        r"\b(?:suicide|killing myself|dying|death|ending it|ending my life|not waking up)\b[^.!?;\n]{0,30}"
        r"(?:the only way out|the only option|my only option|the only answer|the answer|the only solution|"
        r"the only thing on my mind|on my mind|all i (?:can )?think about|sounds? (?:good|nice|peaceful|better)|"
        r"seems? like (?:the|my) (?:only|best))",
        EXPLICIT,
        1.0,
    ),
    cue(r"\bsuicid(?:e|al)\b", EXPLICIT, 0.3, personal=False),
    cue(
        r"\b(?:want|wanted|wanting|wish|wishing|ready|deserve|longing|plan|planning) (?:to )?die\b",
        EXPLICIT,
        1.0,
        after=r"of |from |laughing|for (?!what|being|everything|my sins|it\b)",
    ),
    cue(r"\b(?:just )?(?:let me|i should|i deserve to|i need to|i ought to) (?:just )?die\b", EXPLICIT, 1.0),
    cue(r"\b(?:want|need|wish|wishing) (?:to be|i (?:was|were|could be)) dead\b", EXPLICIT, 1.0),
    cue(
        r"\bwish (?:i was|i were|i'd be|to be|i could be) (?:dead|gone|not alive|not here|never born|asleep forever)\b",
        EXPLICIT,
        1.0,
    ),
    cue(r"\bwish (?:i had never been|i'd never been|i was never|i were never|i hadn't been) born\b", EXPLICIT, 1.0),
    cue(
        r"\bwish i (?:didn't|did not|could stop|could just stop) (?:exist|existing|being alive|wake up)\b",
        EXPLICIT,
        1.0,
    ),
    cue(r"\b(?:better off|rather be) dead\b", EXPLICIT, 1.0),
    cue(r"\bi'd (?:much )?rather (?:be dead|die|not (?:be alive|exist|live|wake up|be here))\b", EXPLICIT, 1.0),
    cue(
        r"\b(?:don't|do not|no longer|never|doesn't|does not) (?:really )?(?:want|wish) (?:to )?(?:live|be alive|exist|"
        r"go on|keep living|keep going|wake up|be here anymore|be here any more|be on this earth|be in this world)\b",
        EXPLICIT,
        1.0,
        benign=_ENDABLE,
        after=_EARLY,
    ),
    cue(
        r"\bdon't (?:think|know if) i (?:want|can) (?:to )?(?:live|go on|keep going|be alive|keep living)\b",
        EXPLICIT,
        1.0,
    ),
    cue(r"\b(?:hope|wish|pray|praying) (?:that )?i (?:don't|do not|never|won't|wouldn't) wake up\b", EXPLICIT, 1.0),
    cue(r"\b(?:sleep|go to sleep|fall asleep|close my eyes) and (?:never|not) (?:wake up|open them)\b", EXPLICIT, 1.0),
    cue(r"\b(?:to|and) (?:never|not) wake up\b", EXPLICIT, 1.0, after=_EARLY),
    cue(
        r"\b(?:no|any|what's the|what is the) (?:reason|point) (?:to|in|of) (?:keep living|go on living|keep going|"
        r"live|living|going on|being alive|life|existing|staying alive|carrying on)\b",
        EXPLICIT,
        1.0,
        after=r"with |in (?:this|that|the) ",
    ),
    cue(
        r"\b(?:don't|do not|can't|cannot|can not) (?:see|find|think of|come up with|have) (?:any|a|one|a single) "
        r"(?:reason|point) (?:to|in|of|for) (?:keep living|go on living|keep going|live|living|going on|being alive|"
        r"life|existing|staying alive|carrying on|staying)\b(?! (?:in|at|near|by|on|here|there|together|abroad)\b)",
        EXPLICIT,
        1.0,
    ),
    cue(
        r"\b(?:don't|do not|can't|cannot|no longer) see (?:the |any )?point (?:in |of )?(?:living|life|going on|"
        r"being alive|being here|staying alive|carrying on|trying anymore|anything anymore)\b",
        EXPLICIT,
        1.0,
    ),
    cue(
        r"\b(?:going to|want to|ready to|about to|i'll|i will|time to|decided to|need to) end it"
        r"(?: all| now| tonight)? *(?:,|$)",
        EXPLICIT,
        1.0,
        benign=_ENDABLE,
    ),
    cue(r"\blife (?:is not|isn't|is no longer|ain't|doesn't feel|does not feel) worth (?:living|it)\b", EXPLICIT, 1.0),
    cue(r"\bnot worth living\b|\bnothing (?:left )?to live for\b|\bno (?:will|reason) to live\b", EXPLICIT, 1.0),
    cue(r"\b(?:tired|sick) of (?:living|being alive|life|existing)\b", EXPLICIT, 1.0),
    cue(r"\bdone with (?:life|living|being alive)\b", EXPLICIT, 1.0),
    cue(r"\bcan't (?:go on|keep going|keep living|do life|live like this) any ?(?:more|longer)\b", EXPLICIT, 1.0),
    cue(r"\bcan't (?:keep|go on) living\b|\b(?:stop|quit) existing\b|\bnot exist any ?more\b", EXPLICIT, 1.0),
    cue(r"\bcan't live (?:like this|with this) any ?more\b", EXPLICIT, 1.0),
    cue(r"\bend it all\b|\bend everything\b|\bending it all\b", EXPLICIT, 1.0, benign=_ENDABLE),
    cue(r"\bend (?:it|things) (?:tonight|today|for good|forever|permanently|once and for all)\b", EXPLICIT, 1.0),
    cue(r"\b(?:disappear|vanish|sleep|go to sleep) forever\b", EXPLICIT, 1.0),
    cue(
        r"\b(?:want to|going to|ready to|i'll|i will|i could|i should|i need to) (?:just )?stop (?:living|breathing)\b",
        EXPLICIT,
        1.0,
        after=r"in |like |with |for |so ",
    ),
    cue(r"\bleave this (?:world|earth|life)\b|\bi'm going to die (?:tonight|today|by my own)\b", EXPLICIT, 1.0),
    cue(
        r"\b(?:except|but to|other than|besides) (?:dying|death|to die|suicide|killing myself|ending it)\b",
        EXPLICIT,
        0.7,
    ),
    cue(r"\b(?:painless|easiest|quickest|fastest|surest|best) ways? to (?:die|kill myself|end it|go)\b", EXPLICIT, 1.0),
)

INTENT_CUES: tuple[Cue, ...] = (
    cue(r"\b(?:goodbye|farewell) (?:letters?|notes?|messages?|videos?|texts?)\b", INTENT, 1.0, benign=_FAREWELL_BENIGN),
    cue(r"\b(?:letters?|notes?|messages?) (?:saying|to say) (?:my )?goodbyes?\b", INTENT, 1.0, benign=_FAREWELL_BENIGN),
    cue(
        r"\b(?:letters?|notes?|messages?)\b[^.!?;\n]{0,50}\bsaying (?:my )?goodbyes?\b",
        INTENT,
        1.0,
        benign=_FAREWELL_BENIGN,
    ),
    cue(r"\b(?:said|saying|say|made|making) my (?:final |last )?goodbyes\b", INTENT, 1.0, benign=_FAREWELL_BENIGN),
    cue(r"\bthis is (?:my )?(?:final |last )?goodbye\b|\bgoodbye (?:forever|world|everyone|everybody)\b", INTENT, 1.0),
    cue(
        r"\bthis (?:is|will be) my last (?:message|post|night|day|text)\b|"
        r"\b(?:tonight|today) (?:is|will be) my last (?:night|day)\b",
        INTENT,
        1.0,
    ),
    cue(
        r"\b(?:this is the last time|the last time) (?:you'll|you will|anyone will|you're going to) (?:hear from|see|"
        r"talk to) me\b|\byou'll never (?:hear from|see) me again\b",
        INTENT,
        1.0,
    ),
    cue(r"\bthis is the last time\b", INTENT, 0.3, after=r"(?:i'm|i am|i'll|i will|i|we|we're|that|eating|buying)\b"),
    cue(
        rf"\b(?:wrote|written|writing|left|leaving) (?:a |my |some )?(?:last |final )?(?:notes?|letters?) (?:for|to) "
        rf"(?:my {_FAMILY}|everyone|everybody)\b[^.!?;\n]{{0,40}}\b(?:i'm done|i am done|it's over|goodbye|forgive me|"
        rf"i'm sorry for everything|i'm gone)\b",
        INTENT,
        1.0,
    ),
    cue(r"\bletters? (?:to|for) (?:my (?:parents|family|kids|children)|everyone|everybody|each of)", INTENT, 0.4),
    cue(
        rf"\b(?:left|leaving|wrote|written|writing) (?:a|my) (?:last |final )?(?:note|letter) (?:for|to) "
        rf"my {_FAMILY}\b",
        INTENT,
        0.4,
        benign=r"\b(?:grocer\w*|store|work|groceries|dinner|birthday|anniversary|love note|lunch|fridge|chores)\b",
    ),
    cue(r"\bwon't need (?:them|it|these|any of (?:it|this|them)) *$", INTENT, 0.6),
    cue(
        r"\b(?:not|never|won't be) coming back\b",
        INTENT,
        0.5,
        after=r"to |here|for |from |until|till|after|tomorrow|this|next",
    ),
    cue(
        r"\b(?:got|have|i've got) (?:it|everything|it all) (?:all )?planned(?: out)? for (?:tonight|tomorrow|friday|"
        r"saturday|sunday|monday|tuesday|wednesday|thursday|the weekend|this week)\b",
        INTENT,
        0.4,
        benign=r"\b(?:party|trip|birthday|wedding|dinner|surprise|date|vacation|picnic|service)\b",
    ),
    cue(
        r"\b(?:they'll|they will|someone will|he'll|she'll) find (?:them|it|me|the letters?|the notes?)\b",
        INTENT,
        0.6,
        personal=False,
    ),
    cue(
        r"\b(?:giv(?:e|ing|en)|gave|handing out|handed out) away (?:all )?(?:of )?my (?:things|stuff|belongings|"
        r"possessions|valuables|prized|favorite|favourite|most|pets?|dog|cat)\b",
        INTENT,
        1.0,
        benign=_GIVING_BENIGN,
    ),
    cue(
        r"\b(?:giv(?:e|ing|en)|gave|handing out|handed out) (?:away )?(?:all )?(?:of )?my (?:\w+ )?(?:dog|cat|pets?|"
        r"bird|guitar|things|stuff|belongings|clothes|jewelry|car|games|console|books|collection|bike) to\b",
        INTENT,
        0.45,
        benign=_GIVING_BENIGN,
    ),
    cue(
        r"\bwon't (?:need|be needing) (?:them|it|these|this|my \w+|anything|any of it|any of this) "
        r"(?:anymore|any more|much longer|where i'm going|after (?:tonight|tomorrow|this week))\b",
        INTENT,
        1.0,
    ),
    cue(r"\b(?:after|when|once) i'm (?:gone|dead)\b", INTENT, 0.6, after=r"for |on |to |away|from "),
    cue(r"\bso (?:no one|nobody) (?:has|have|needs) to\b", INTENT, 0.3),
    cue(
        r"\b(?:i've|i have|i) made (?:up )?my (?:mind|decision)\b|\bmy mind is made up\b|\b(?:i've|i have) decided *$",
        INTENT,
        0.5,
        benign=r"\b(?:about|which|between|job|college|school|major|move|apartment|car|offer|quit|dress|name|buy)\b",
    ),
    cue(r"\bthis is it *$", INTENT, 0.5, benign=r"\b(?:day|game|interview|moment we|finally here|excited)\b"),
    cue(
        r"\b(?:tonight(?:'s| is)|today(?:'s| is)) the (?:night|day)\b",
        INTENT,
        0.6,
        benign=r"\b(?:date|party|game|concert|premiere|show|finale|wedding|launch|interview|exam|propose|ask|tell|we)\b",
    ),
    cue(
        r"\b(?:i know|i already know|i've figured out|i figured out|i've worked out) (?:exactly )?(?:how and when|"
        r"when and how|how i'm going to do it|how i'll do it|where and how|how and where|how to do it)\b",
        INTENT,
        0.7,
    ),
    cue(r"\b(?:i have|i've got|i made|i've made) (?:a|the) plan *(?:$|,|and\b)", INTENT, 0.4),
    cue(
        r"\b(?:going to|i'll|i will|ready to|finally) do it\b",
        INTENT,
        0.3,
        benign=r"\b(?:homework|test|exam|interview|ask (?:her|him)|tattoo|apply|propose|dishes|laundry|project|talk)\b",
    ),
    cue(r"\bbefore i go\b", INTENT, 0.35, after=r"to |on |away|abroad|out|shopping|back|home|in\b"),
    cue(r"\b(?:thank you|thanks) for everything\b", INTENT, 0.35, benign=_FAREWELL_BENIGN),
    cue(r"\b(?:i'm )?sorry for everything\b|\bi'm sorry for what i'm about\b", INTENT, 0.35),
    cue(
        r"\b(?:wanted|want|need) to say goodbye\b|\bsaying goodbye to (?:everyone|you all|someone)\b",
        INTENT,
        0.4,
        benign=_FAREWELL_BENIGN,
    ),
    cue(r"\bin case i (?:ever )?(?:decide|need|want|choose|change my mind)\b", INTENT, 0.5),
    # putting things in order, and finality
    cue(
        r"\b(?:put|putting|got|getting) (?:all )?my (?:affairs|things|life) in order\b|\b(?:planned|planning) my "
        r"(?:own )?funeral\b|\b(?:deleted|deleting) (?:all )?(?:of )?my (?:accounts|social media|photos)\b|"
        r"\bturned (?:off )?my phone(?: off)?\b",
        INTENT,
        0.6,
    ),
    cue(
        r"\b(?:wrote|written|writing|made|updated|finished) (?:out )?my will\b",
        INTENT,
        0.4,
        benign=r"\b(?:baby|born|responsible|lawyer|attorney|married|house|estate|advice)\b",
    ),
    cue(r"\b(?:i'm|i am) ready to go *$", INTENT, 0.35),
    cue(
        r"\b(?:none of|nothing|any of) (?:this|it) (?:will|is going to|won't) matter (?:after|soon|anymore|any more|"
        r"tomorrow)\b|\b(?:made|making|at) peace with (?:it|dying|death|my decision|what i'm going to do)\b",
        INTENT,
        0.45,
        benign=r"\b(?:diagnosis|the breakup|the divorce|my past|forgave|forgiven|forgiveness|my dad|my mom)\b",
    ),
    cue(r"\b(?:over|end|gone|out) (?:for good|forever|permanently|once and for all)\b", INTENT, 0.4),
)
