"""The emotion lexicon: the weighted phrases that are evidence for each emotion, and the idioms among them."""

from __future__ import annotations

from typing import Final

# (regular expression, weight), matched on lower-cased text with straight apostrophes, at word boundaries.
# Within one emotion a piece of text counts once (the longest phrase); phrases of two emotions may overlap.
# Weights: a named feeling ("grateful", "scared") is 2.0-2.4; a phrase that clearly voices one is 1.5-1.8;
# an event that usually brings a feeling but names none ("my wife left", "the biopsy came back clean") is
# 1.3-1.8, so a feeling the person does name in the same message still leads; loose context is 1.0 or less.
LEXICON: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "anxious": (
        (
            r"chest (?:is |feels )?tight|tight chest|"
            r"mind keeps racing|keeps racing|on pins and needles|can't calm down",
            1.5,
        ),
        (r"anxious|anxiety|anxieties|anxous|anxius|axious", 2.0),
        (r"worr(?:y|ied|ies|ying)|woried|worryed", 1.6),
        (r"nervous|jittery|on edge|uneasy|restless|antsy", 1.5),
        (r"panic(?:king|ked|ky)?|panic attacks?", 2.0),
        (r"overthink(?:ing)?|can't stop thinking|mind (?:is )?racing|racing thoughts|what ifs?", 1.5),
        (r"butterflies|knot in my stomach|can't sleep|couldn't sleep|can't relax|heart (?:is )?pounding", 1.0),
        (r"apprehensive|tense about|dreading", 1.3),
        (r"(?:stomach|gut) (?:is |in )?(?:in )?knots|in knots|knots in my (?:stomach|gut)", 1.4),
        (
            r"(?:imagining|imagine|expecting|fearing|assuming|assume) the worst|worst[- ]case|"
            r"(?:haven't|have not|hasn't) (?:been )?(?:slept|sleeping)(?: properly| well)?|lying awake|lay awake|"
            r"up all night|(?:can't|cannot) stop checking|keep (?:checking|refreshing)|"
            r"(?:running|going|playing) (?:through|over) (?:\w+ ){0,3}in my head",
            1.5,
        ),
    ),
    "afraid": (
        (r"afraid|scared|frightened|fearful|terrified|petrified|terrifying|frightening", 2.0),
        (r"fears?|scary|spooked", 1.5),
        (r"unsafe|not safe|(?:don't|do not|doesn't|never) feel safe|in danger|threatened|nightmares?", 1.4),
        (r"shaking with fear|too scared|freaked out|freaking out", 1.4),
        (r"scares? me|scaring me|frightens? me", 1.8),
        (
            # a diagnosis or a threat, told without a feeling word
            r"(?:test|tests|results?|scan|biopsy|mammogram|mri) (?:came back |come back |was |were |is |are )?"
            r"positive|tested positive|(?:it's|it is|it might be|it could be|they think it's) cancer|"
            r"diagnosed with|(?:found|there's|there is) (?:a |an )?(?:lump|mass|tumou?r|growth|shadow)|"
            r"tumou?rs?|malignant|cancer (?:is|has|came|has come) (?:back|spread|returned)|"
            r"(?:keeps?|kept) (?:showing up|following me|threatening)|showing up (?:at|outside) my|"
            r"outside my (?:house|apartment|door|window)|stalk(?:ing|er|s)?|threaten(?:ed|ing|s)? (?:me|us|to)|"
            r"i (?:just )?froze|froze up",
            1.5,
        ),
    ),
    "sad": (
        (r"sad|sadness|unhappy|miserable|depressed|depression|down in the dumps|feeling down|feel down", 2.0),
        (r"heartbroken|broken ?hearted|heartache|crushed|devastated|gutted", 1.8),
        (r"cry(?:ing)?|cried|tears|weep(?:ing)?|sob(?:bing)?", 1.3),
        (r"blue|low|gloomy|empty inside|empty|numb|hopeless|despair|sorrow|hurting|hurts?", 1.2),
        (r"broke up|breakup|break up|dumped|divorce|rejected by", 1.3),
        (r"gr[ae]y|heavy heart|feels? heavy|so heavy", 1.0),
        (r"bad day|rough day|awful day|terrible day", 0.9),
        (r"(?:feel|feeling|felt) (?:\w+ )?down|down lately|down all", 1.6),
        (r"(?:i'm|i am|i've been|been) not (?:okay|ok|alright|all right|doing (?:well|good|okay|ok|great))", 1.8),
        # "I should be happy, but I'm not": the feeling it denies was named before the "but"
        (r"(?:i'm|i am|i'm just|i'm really|i really am|i just am) not(?=\s*$)", 1.4),
        (
            # a loss of someone living, or of work, told without a feeling word
            r"(?:wife|husband|spouse|partner|girlfriend|boyfriend|fianc[eé]e?) (?:just |finally |has |had )?"
            r"(?:left|walked out|moved out|is leaving|left me|wants (?:a|to) (?:divorce|separate)|"
            r"filed for divorce|asked for a divorce|cheated|broke up with me|dumped me)|"
            r"walked out on (?:me|us)|(?:he|she) (?:left me|moved out|packed up)(?! (?:a|an|the|some|with))|"
            r"packed (?:up )?(?:his|her|their) (?:things|bags|stuff)|"
            r"(?:doesn't|does not|don't|no longer) (?:love|want) me|stopped (?:talking|speaking|texting) to me|"
            r"divorce papers|wants a divorce|(?:got|been|was|were) (?:laid off|fired|let go)|laid off|lost my job",
            1.6,
        ),
    ),
    "grieving": (
        (
            r"since (?:mom|dad|mum|my \w+|grandma|grandpa|he|she) (?:passed|died)|lost (?:him|her) (?:last|this)|"
            r"(?:he|she|mom|mum|dad|mother|father|grandma|grandpa|granny|nana|grandmother|grandfather|husband|wife|"
            r"son|daughter|brother|sister|friend|uncle|aunt|baby) (?:just |recently |suddenly |peacefully )?"
            r"passed(?! (?:my|the|his|her|our|their|a|an|it|all|with|out|by))",
            2.0,
        ),
        (r"grie(?:f|ving|ve|ved)|mourn(?:ing)?|bereaved|bereavement", 2.4),
        (
            r"passed away|passed on|died|death of|loss of|lost my (?:mom|mother|dad|father|husband|wife|"
            r"son|daughter|brother|sister|baby|grandma|grandmother|grandpa|grandfather|friend|best friend|dog|cat|"
            r"child|uncle|aunt)|(?:lost|losing) (?:the|our|my) (?:baby|pregnancy|twins|little one)|stillb(?:orn|irth)",
            2.2,
        ),
        (r"funeral|memorial service|burial|buried|widow(?:ed|er)?|miscarriage|gone forever|no longer with us", 2.0),
        (r"anniversary of (?:her|his|their|my \w+'s) death|since (?:she|he|they) died|miss (?:her|him) so", 1.8),
        (r"miss (?:her|him|my (?:mom|dad|mother|father|husband|wife|grandma|grandpa))", 1.2),
        (r"dying", 1.3),
        (
            r"put (?:our|my|the) (?:\w+ )?(?:dog|cat|puppy|kitty|horse|pup|pet|boy|girl) (?:down|to sleep)|"
            r"had to put (?:him|her) (?:down|to sleep)|"
            r"(?:he|she) was my (?:wife|husband|mother|mom|dad|father|best friend|everything|whole world|rock)|"
            r"(?:go on|live|keep going|cope) without (?:her|him)",
            1.6,
        ),
    ),
    "lonely": (
        (
            r"(?:no one|nobody) (?:ever )?(?:texts|calls|visits|invites|"
            r"reaches out|asks)|(?:have|got) no one|no one to turn to|by myself all the time",
            1.8,
        ),
        (r"lonely|loneliness|lonesome|isolated|isolation|lonley|lonly", 2.2),
        (r"alone|all by myself|by myself|on my own", 1.4),
        (
            r"no friends|no one to talk to|nobody to talk to|no one cares|nobody cares|no one understands|"
            r"nobody understands|no one calls|nobody calls|no one checks on me|nobody notices",
            1.8,
        ),
        (r"left out|excluded|abandoned|forgotten|invisible|disconnected|unwanted|ignored", 1.5),
        (r"miss (?:my )?(?:friends|family|home|people)|homesick|new city|moved away", 1.2),
        (
            r"(?:don't|do not) know (?:a single person|anyone|anybody|a soul)|except (?:for )?me|"
            r"everyone (?:else )?(?:has|have) (?:someone|somebody|friends|plans)|"
            r"(?:no one|nobody) (?:really )?(?:checks? (?:in|on me))|(?:their|his|her) own lives|"
            r"(?:the )?kids (?:moved out|left home|are gone)|empty nest",
            1.5,
        ),
        (r"(?:the )?house (?:is|feels) (?:so )?(?:quiet|silent|empty)", 1.0),
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
        (r"unbelievable|ridiculous|outrageous|how dare|are you kidding me|sick and tired", 1.2),
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
        (
            r"(?:can't|cannot|couldn't) take (?:it|that|those words|them) back|take (?:it|that|those words) back|"
            r"wish i (?:hadn't|had not|never)|said (?:something|things|some things) (?:awful|terrible|horrible|"
            r"cruel|mean|hurtful|nasty)",
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
        (r"hate (?:who|what) i(?:'ve| have)? become|can't look (?:anyone|anybody|people|them) in the eye", 1.8),
        (r"relaps(?:e|ed|ing)", 1.2),
    ),
    "overwhelmed": (
        (
            r"running on fumes|can't keep up|cannot keep up|drowning in|"
            r"too much on my plate|spread (?:too )?thin|at my limit|buried (?:in|under)",
            1.6,
        ),
        (
            r"overwhelm(?:ed|ing)?|overwelmed|too much|so much (?:is )?(?:going on|to do|on my plate)|swamped|"
            r"buried in",
            2.2,
        ),
        (r"exhausted|drained|burn(?:ed|t) out|burnout|worn out|weary|running on empty|tired|so tired|fatigued", 1.6),
        (
            r"can't cope|can't keep up|can't handle|drowning|falling apart|at my limit|breaking point|"
            r"can't do this anymore|crushing me|crushed under",
            1.8,
        ),
        (
            r"can't do it all|can't do everything|(?:i have|i've got|there's) nothing left|nothing left to give|"
            r"(?:it's|it is|it was|today was|this is|that was|this week was|it's been|it has been)"
            r"(?: just| all| been)? (?:a lot|too much)|"
            r"running on (?:\d+|two|three|four|no|zero|little) (?:hours? )?(?:of )?sleep|barely (?:slept|sleeping)",
            1.5,
        ),
        (r"(?:piling|piled|stacking) up", 1.2),
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
        (
            r"money is tight|tight on money|(?:can't|cannot|couldn't) (?:afford|pay)|"
            r"behind on (?:the |my |our )?(?:mortgage|rent|bills|payments|car payments?)|mortgage|repairs|overdue|"
            r"(?:is |are |it's )?due (?:tomorrow|today|tonight|friday|monday|by)|by tomorrow|not even halfway|"
            r"killing me|finals week",
            1.3,
        ),
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
            r"unsure|uncertain|torn between|torn|can't decide|indecisive|decision|crossroads|"
            r"lost(?! (?:my|our|the|his|her|him|them|a|an|it|everything|weight|\d))|"
            r"don't understand|doesn't make sense|makes no sense|nothing makes sense|no sense|doubt(?:s|ing)?|"
            r"why would god|why did god",
            1.4,
        ),
        (r"not sure|questioning|direction|clarity|guidance", 1.0),
        (
            r"back and forth|(?:don't|do not|no longer) know what (?:i|to) believe|"
            r"should i\b[^.?!]{1,60}?\bor",
            1.6,
        ),
        # "where to start" is a first step, not confusion: weaker than "don't know where" on its own
        (r"don't know where to (?:begin|start)", 0.8),
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
            # "looking up" as in things improving, not as in searching ("looking up how high the garage is")
            r"(?:starting to |beginning to )?look(?:ing)? up(?! (?:how|what|where|when|why|who|whether|if|the|a|an|"
            r"to|at|from|my|his|her|their|ways))|better (?:today|now|this week)|feel better|"
            r"feeling better|doing better|believe (?:it|things) will|"
            r"trust (?:that|god)|can do this|will get through|going to be okay|gonna be okay|will be okay|"
            r"will be fine|(?:hopeful|excited|looking forward) (?:about|for) tomorrow",
            1.2,
        ),
        (r"hope", 1.8),
        (
            r"(?:going to|gonna|will|it'll|might) (?:really )?help|"
            r"(?:we|i) (?:can|will|could|'ll|are going to|'re going to) (?:beat|get through|make it through) "
            r"(?:this|it)|beat this|turn(?:ing|ed)? (?:a|the) corner|maybe this is (?:it|the one)|"
            r"(?:second|final|next) (?:interview|round)|things are (?:finally )?(?:improving|changing)",
            1.5,
        ),
    ),
    "grateful": (
        (r"grateful|thankful|gratitude|thank (?:you|god|the lord|jesus)|thanks to|thank|greatful|thankfull", 2.4),
        (r"blessed|blessings?|appreciate(?:d)?|appreciative|count(?:ing)? my blessings|provided|provision", 1.5),
        (
            r"thanks|thx|thank u|tysm|much appreciated|really needed (?:that|this|it)|"
            r"don't deserve (?:people|friends|a family|them|him|her|you|such)|(?:so|very|incredibly) kind|"
            r"kindness|generosity|generous",
            1.5,
        ),
    ),
    "joyful": (
        (r"joy(?:ful|ous)?|happy|happiest|overjoyed|elated|ecstatic|delighted|rejoic(?:e|ing)|hapy|happpy", 2.2),
        (r"excited|so excited|thrilled|proud of|so proud", 2.0),
        (
            r"great news|good news|wonderful|amazing|awesome|fantastic|celebrat(?:e|ing|ion)|"
            r"glad|cheerful|on top of the world|over the moon|can't stop smiling|smiling|laughing|best day|"
            r"beautiful day|most beautiful|best news|yay|woohoo|hooray",
            1.5,
        ),
        (
            r"never (?:been|felt) (?:so )?(?:happier|better)|couldn't be happier|got engaged|got married|"
            r"got the job|passed (?:my|the) (?:exam|test)|had a baby|baby was born|"
            r"got (?:a|the) promotion|got promoted",
            1.8,
        ),
        (
            # good news told without a feeling word
            r"(?:baby|son|daughter|grandson|granddaughter|niece|nephew|twins|he|she) (?:was|were|is) born|"
            r"gave birth|newborn|having a baby|(?:we're|we are|i'm|i am) pregnant|"
            r"expecting (?:a baby|our first|a boy|a girl|twins)|two (?:pink )?lines|"
            r"it's a (?:boy|girl)|"
            r"our wedding|wedding day|just married|she said yes|first steps|first words|graduat(?:ed|ing|ion)|"
            r"got accepted|accepted (?:into|to|at)|"
            r"got into (?:\w+ )?(?:school|college|university|uni|program|programme|med school|law school)|"
            r"got a (?:new )?job|got the (?:house|offer|scholarship)|passed (?:my|the|our) \w+ (?:exam|test)",
            1.6,
        ),
    ),
    "relieved": (
        (r"relieved|relief|releived|releif", 2.4),
        (
            r"phew|whew|thank goodness|sigh of relief|weight (?:off|lifted off) (?:my|our) (?:shoulders|chest)|"
            r"weight (?:has been |was )?lifted|(?:can|could) (?:finally )?breathe again|breath(?:e|ing) easier",
            2.2,
        ),
        (
            r"(?:came|come|comes|coming) back (?:clean|clear|negative|benign|normal|fine|okay|ok|good)|all clear|"
            r"(?:was|is|were|are|it's) benign|not cancer|cancer[- ]free|in remission|false alarm|dodged a bullet|"
            r"no (?:signs?|trace|evidence) of (?:cancer|the cancer|disease|it)|"
            r"(?:scans?|tests?|results?|biopsy|mri|ct|bloodwork|labs) (?:were |was |is |are )?(?:all )?"
            r"(?:clear|clean|negative|normal)",
            2.0,
        ),
        (
            r"(?:he|she|they|we|everyone|everybody|the baby|my \w+)(?:'s|'re| is| are| was| were) "
            r"(?:okay|ok|alright|all right|safe|fine|home safe|going to be (?:okay|ok|fine))|safe and sound|"
            r"made it (?:home )?safe(?:ly)?|found (?:him|her|them) safe|(?:it's )?finally over|"
            r"(?:charges|case|lawsuit)(?: \w+)? (?:were|was|got|have been|has been) (?:dropped|dismissed)|"
            r"(?:was|were|got) spared|pulled through|made it through|"
            r"(?:surgery|operation|procedure|delivery|it) went (?:fine|well|smoothly|okay|ok|great)|"
            r"turned out (?:fine|okay|ok|alright|well)|turned out to be nothing|nothing serious|landed safe(?:ly)?|"
            r"skipped (?:us|our|me)|(?:i|we) passed",
            1.6,
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
        (
            r"(?:want|wanna|trying|going|like|need) to (?:start |begin )?(?:pray(?:ing)? (?:again|more)|"
            r"pray(?:ing)?|read(?:ing)? (?:the|my) bible|go(?:ing)? (?:back )?to church)|start praying|"
            r"god's voice|verses? (?:about|on|for)|what does (?:the bible|god|scripture|jesus) say",
            2.0,
        ),
    ),
}

#: Phrases that change what their words mean. Their text counts for this emotion only: "happy tears" is joy,
#: not the "tears" of sorrow; "overwhelmed with gratitude" is thanks, not tiredness; "thanks for nothing" is anger.
IDIOMS: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "angry": ((r"thanks for nothing|thanks a lot for nothing|gee,? thanks", 2.2),),
    "grateful": (
        # praise: here the words about God and prayer are thanks, not a search for faith
        (
            r"answered (?:our|my|a|the|all (?:our|my)) prayers?|prayers? (?:were |was |have been |has been |got )?"
            r"answered|answer to (?:our|my) prayers?|god is (?:so )?(?:good|faithful)|god came through|"
            r"praise (?:god|the lord|jesus|him)|hallelujah|glory to god|(?:god|the lord) (?:made a way)",
            2.2,
        ),
        (r"overwhelmed (?:with|by) (?:gratitude|thankfulness|(?:god's|his|your|their) (?:kindness|goodness))", 3.4),
        # a sign-off is courtesy, not the feeling of the message
        (
            r"(?:thanks|thank you) (?:for|in advance for) (?:listening|reading|your help|the help|"
            r"letting me vent|hearing me out)|thanks in advance",
            0.6,
        ),
    ),
    "joyful": (
        (
            r"(?:crying |cried |cry |shedding )?(?:happy tears|tears of joy)|happy cry(?:ing)?|"
            r"(?:crying|cried|cry|weeping|wept|sobbing) (?:with|from|out of|for) (?:joy|happiness)",
            2.2,
        ),
        (r"overwhelmed (?:with|by) (?:joy|happiness|love)", 3.0),
        (r"pregnancy test (?:came back |was |is )?positive|positive pregnancy test", 1.8),
    ),
    "relieved": ((r"no longer (?:worried|scared|afraid|anxious|panicking)", 1.8),),
}
