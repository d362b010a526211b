"""English cues for acts and their setting: means, imminence and place, self-harm, and someone else in danger."""

from __future__ import annotations

from shared.engine.safety_lexicon_en import BLADE, HEIGHT, LIGATURE, PILLS, WEAPON
from shared.engine.safety_signals import IMMINENCE, MEANS, SELF_HARM, SOMEONE_ELSE, Cue, cue

_OTHER_SELF = r"(?:himself|herself|themselves|themself)"
_OTHER_LIFE = r"(?:his|her|their) (?:own )?life"
_MEANS_NOUN = rf"(?:{PILLS}|{WEAPON}|{BLADE}|{LIGATURE})"
_PLACE_BENIGN = (
    r"\b(?:traffic|late|commute|gutters?|shingles|leak\w*|view|sunset|sunrise|photos?|pictures?|selfie|fireworks|"
    r"stars|frisbee|ball|kite|fix|fixing|repair\w*|clean\w*|paint\w*|install\w*|antenna|solar|picnic|date|party|"
    r"concert|hike|tour|bus|lightbulb|needs|snow|walk the dog|jog|station|catch the|work on|glory|scared of heights|"
    r"be there|almost there|almost at|on my way|on the way|heading|driving|minutes|eta|home soon|pick (?:you|me) up|"
    r"where did you park)\b"
)
_MEANS_BENIGN = (
    r"\b(?:hunting|range|camping|tent|swing|hammock|boat|climbing|tarp|tire|headache|cold|flu|doctor|prescribed|"
    r"prescription|pharmacy|pharmacist|refill|every (?:morning|day|night)|as prescribed|trip|travel|vacation|"
    r"pill ?box|organi[sz]er|vitamins?|kitchen|cooking|chopping|for (?:the|my) (?:dog|cat|garden|yard)|tree ?house|"
    r"ladder|deer|season|collection|inherited|safe|locked)\b"
)
_ACCIDENT_WORDS = r"\b(?:accident|accidentally|by mistake|the game|minecraft|fortnite|roblox|caffeine|coffee)\b"

MEANS_CUES: tuple[Cue, ...] = (
    # Each family counts once however often it is named: a mention alone is little, with intent it is much.
    cue(rf"\b{PILLS}\b|\boverdos\w*|\bod\b", MEANS, 0.2, benign=_MEANS_BENIGN, personal=False),
    cue(rf"\b{WEAPON}\b|\b{BLADE}\b", MEANS, 0.25, benign=_MEANS_BENIGN, personal=False),
    cue(rf"\b{LIGATURE}\b", MEANS, 0.2, benign=_MEANS_BENIGN, personal=False),
    cue(rf"\b{HEIGHT}\b", MEANS, 0.2, benign=_PLACE_BENIGN, personal=False),
    cue(
        rf"\b(?:took|swallowed|have taken|just took|taken|downed) (?:a bunch of|a lot of|lots of|too many|so many|a "
        rf"handful of|handfuls of|all (?:of )?(?:my|the)|extra|a whole bottle of|the whole bottle of) {PILLS}\b",
        MEANS,
        1.0,
        benign=_ACCIDENT_WORDS,
    ),
    cue(rf"\b{PILLS} (?:saved|stashed|stockpiled|hoarded|collected|lined up|counted out)\b", MEANS, 1.0),
    cue(
        rf"\b(?:sav(?:e|ed|ing) up|stockpil(?:e|ed|ing)|hoard(?:ed|ing)?|collect(?:ed|ing)|stash(?:ed|ing)|"
        rf"count(?:ed|ing)) (?:up )?(?:all )?(?:of )?(?:my |some |the |enough |a lot of |(?:my )?\w+'s )?(?:\w+ )?"
        rf"{PILLS}\b",
        MEANS,
        1.0,
    ),
    cue(rf"\bsav(?:e|ed|ing) (?:all )?(?:of )?(?:my |some |the |a lot of )?{PILLS}\b", MEANS, 0.6),
    cue(
        rf"\b{PILLS}\b[^.!?;\n]{{0,60}}\bin case i (?:ever )?(?:decide|want|choose) to (?:use|take|swallow) "
        rf"(?:them|it|all of them)\b",
        MEANS,
        1.0,
    ),
    cue(rf"\benough {PILLS} to\b|\b(?:the )?whole (?:bottle|pack|box) of (?:my |the |her |his )?{PILLS}\b", MEANS, 1.0),
    cue(
        rf"\b(?:vodka|whiskey|alcohol|wine|booze|liquor|beer|drinks|drinking)\b[^.!?;\n]{{0,40}}\b{PILLS}\b|"
        rf"\b{PILLS}\b[^.!?;\n]{{0,40}}\b(?:vodka|whiskey|alcohol|wine|booze|liquor)\b",
        MEANS,
        0.6,
        benign=_MEANS_BENIGN,
    ),
    cue(rf"\ball (?:of )?(?:my|the|these|those) {PILLS}\b", MEANS, 0.4, benign=_MEANS_BENIGN),
    cue(rf"\b(?:took|taken|swallowed|have|got) enough(?: {PILLS})? to\b", MEANS, 0.8),
    cue(
        rf"\b(?:take|taking|took|swallow|swallowed|swallowing) (?:all|every one) (?:of )?(?:my |the |these )?{PILLS}\b",
        MEANS,
        1.0,
    ),
    cue(
        r"\b(?:take|taking|took|swallow|swallowing|swallowed|down|downing|downed) (?:them all|all of them|it all at "
        r"once|all of it|the whole (?:bottle|pack|packet|box|strip|lot)|everything in the (?:medicine )?(?:cabinet|"
        r"cupboard|drawer|bottle))\b",
        MEANS,
        0.7,
        needs=rf"\b{PILLS}\b|\b(?:bottle|pack|packet|cabinet|them)\b",
    ),
    cue(r"\b(?:take|taking|took|thinking about|planning|plan|want) (?:to )?(?:an )?overdose\b", MEANS, 1.0),
    cue(
        rf"\b(?:going to|about to|ready to|gonna|i'll|i will) (?:take|swallow) (?:the|all the|all my|all of my|these|"
        rf"those) {PILLS}\b",
        MEANS,
        0.5,
        benign=_MEANS_BENIGN,
    ),
    cue(rf"\b(?:overdos(?:e|ing)|od) on (?:my |the |all my )?{PILLS}\b|\b(?:want|going) to od\b", MEANS, 1.0),
    cue(
        r"\bhow (?:many|much) (?:\w+ ){0,4}(?:would it take|it would take|does it take|it takes)\b",
        MEANS,
        0.8,
        needs=rf"\b{PILLS}\b",
    ),
    cue(
        r"\bhow (?:many|much) (?:\w+ ){0,4}(?:to (?:die|overdose|od|kill (?:me|myself)|not wake up|never wake up|"
        r"end it)|is (?:lethal|fatal|a lethal dose|an overdose))\b|\b(?:lethal|fatal) dose\b",
        MEANS,
        1.0,
    ),
    cue(
        rf"\b(?:looked up|look up|looking up|searched|searching|googled|googling|researched|researching) (?:how|ways|"
        rf"the best way) (?:many {PILLS}|much|to (?:die|kill myself|overdose|end (?:it|my life)|hang myself))\b",
        MEANS,
        1.0,
    ),
    # weapons
    cue(
        r"\b(?:use|using|used|turn|turning) (?:it|them|the gun|a gun|the knife|that) on myself\b|"
        r"\b(?:point|pointing|put|putting|hold|holding|held|press|pressing) (?:it|the gun|a gun|the knife|a knife|the "
        r"blade|a blade|the razor|the barrel) (?:to|against|at|on|in) my "
        r"(?:head|chest|throat|wrists?|temple|neck|mouth)\b|"
        rf"\b{WEAPON} (?:to|in|against) my (?:head|mouth|temple|chest)\b",
        MEANS,
        1.0,
    ),
    cue(
        r"\b(?:hang|hanging|shoot|shooting|drown|drowning|poison|poisoning|stab|stabbing) myself\b",
        MEANS,
        1.0,
        after=r"in the foot",
    ),
    cue(
        r"\b(?:bought|got|buying|getting) (?:a |some )?(?:rope|gun|razor blades?)\b(?! (?:for|ladder|swing|lights?|toy|"
        r"bag|case|safe|cleaning)\b)",
        MEANS,
        1.0,
        benign=_MEANS_BENIGN,
    ),
    cue(rf"\bload(?:ed|ing)? (?:the|my|a|his|her|dad's|my dad's) {WEAPON}\b", MEANS, 0.6, benign=_MEANS_BENIGN),
    # means within reach, or on the mind: little alone, much beside distress (see safety_score.risk)
    cue(
        rf"\b(?:i have|i've got|i got|i own|i keep|i still have|there's|there are) (?:a |an |my |the |some |enough |"
        rf"lots of |a lot of |so many |(?:my )?\w+'s )?{_MEANS_NOUN}\b|"
        rf"\bknow where (?:\w+ ){{0,3}}keeps? (?:the|his|her|their) (?:{WEAPON}|{PILLS}|key)\b",
        MEANS,
        0.4,
        benign=rf"{_MEANS_BENIGN}|\b(?:fridge|refrigerator|purse|backpack|diabet\w*|epipen|inhaler)\b",
    ),
    cue(
        rf"\b(?:thinking|think|thought|obsessing) about (?:the|my|those|these|all (?:the|my)|(?:my )?\w+'s) "
        rf"(?:{_MEANS_NOUN}|{HEIGHT})\b",
        MEANS,
        0.5,
        benign=_MEANS_BENIGN,
    ),
    cue(r"\bpull the trigger\b", MEANS, 0.5, after=r"on (?:the|this|a) "),
    cue(r"\b(?:will|would|does|did) it hurt\b|\bis it painful\b", MEANS, 0.3, needs=rf"\b{_MEANS_NOUN}\b|\bfall\b"),
    # ligatures
    cue(r"\b(?:tie|tied|tying|made|making|bought) (?:a )?noose\b", MEANS, 1.0),
    cue(
        r"\b(?:tied|tie|tying|hung|hang|hanging) (?:a|the|my) (?:rope|belt|cord|sheet|scarf) (?:to|around|on|from|over)"
        r"\b|\b(?:rope|belt|cord|noose) (?:around|round) my neck\b",
        MEANS,
        1.0,
        benign=r"\b(?:swing|hammock|boat|tent|tarp|tire|tree ?house|clothes ?line|laundry|dog|flag|decorations?)\b",
    ),
    cue(
        r"\b(?:put|hung|tied|set|fixed) (?:up )?(?:the|a|my) (?:rope|noose|belt|cord) (?:up )?(?:in|from|on|over|to) "
        r"(?:my|the|a) (?:closet|ceiling|beam|rafters?|garage|tree|door|fan|hook|rail)\b",
        MEANS,
        0.8,
        benign=r"\b(?:swing|hammock|boat|tent|tarp|tire|tree ?house|clothes ?line|laundry|dog|flag|decorations?|gym)\b",
    ),
    # heights and places
    cue(
        r"\b(?:jump|jumping|throw myself|step|stepping|walk|walking) (?:off|from|in front of) (?:a |the |that )?"
        r"(?:bridge|building|roof|cliff|train|balcony|truck|bus|window|overpass|car|ledge|parking garage|tower)\b",
        MEANS,
        1.0,
    ),
    cue(
        r"\b(?:walk|walking|walked|went|go|going|drove|drive|driving|came|climbed|climb|climbing) (?:up )?(?:to|onto|"
        r"up to|out to) (?:the|a|that) (?:bridge|cliff|roof|rooftop|ledge|tracks|train tracks|railway|overpass|"
        r"top floor|parking garage)\b",
        MEANS,
        0.4,
        benign=_PLACE_BENIGN,
    ),
    cue(
        r"\bwaiting for (?:one|the train|a train|the next train|it) to come\b",
        MEANS,
        0.6,
        needs=r"\b(?:tracks|train|railway|rails)\b",
    ),
    cue(
        r"\b(?:the|a) fall would (?:do it|kill me|be enough)\b|\bwould the fall (?:kill me|do it|be enough)\b|"
        r"\bhigh enough to (?:die|kill|do it|not survive)\b",
        MEANS,
        1.0,
    ),
    cue(
        rf"\b(?:which|what) (?:\w+ )?{HEIGHT} is (?:the )?(?:highest|tallest)\b|\b(?:highest|tallest) {HEIGHT} "
        rf"(?:in|near|around)\b|\b(?:looked up|googled|searched|researching|research) (?:\w+ ){{0,3}}"
        rf"(?:highest|tallest|how high|how far down|lethal|fatal)\b",
        MEANS,
        0.7,
        benign=r"\b(?:homework|class|school|project|trivia|world|vacation|trip|tour|photos|view|hike)\b",
    ),
    cue(r"\b(?:letting go|let go|lean forward|step off|just jump)\b", MEANS, 0.4, needs=rf"\b{HEIGHT}\b|\bfloor\b"),
    cue(
        r"\bhow high (?:up )?(?:the|a|this|that) (?:\w+ ){1,2}(?:is|would)\b|\bhigh enough\b",
        MEANS,
        0.5,
        benign=r"\b(?:climb|hike|rollercoaster|plane|ride|ski|photos|view|tour)\b",
    ),
    # vehicles and gas
    cue(
        r"\b(?:drive|driving|drove|swerve|swerving|swerved|crash|crashing|steer|steering|veer|veering) (?:my car )?"
        r"(?:into|off) (?:a |the )?(?:oncoming )?(?:tree|wall|river|traffic|cliff|bridge|truck|barrier|lake|ocean)\b|"
        r"\bcrash my car on purpose\b|\bin front of (?:a|the) (?:next |oncoming |\w+ )?(?:train|truck|bus|car)\b|"
        r"\b(?:going to|want to|i'll|i will|thinking (?:about|of)|planning to|might) crash (?:my|the) car\b",
        MEANS,
        1.0,
    ),
    cue(
        r"\b(?:car|engine) running in (?:the|a|my) (?:closed|shut) garage\b|"
        r"\bgarage door (?:is )?(?:closed|shut|down)\b[^.!?;\n]{0,30}\b(?:engine|car) (?:is )?running\b",
        MEANS,
        1.0,
    ),
    cue(
        r"\b(?:car|engine) running in (?:the|a|my) garage\b|\bcarbon monoxide\b|\bexhaust (?:pipe|fumes)\b",
        MEANS,
        0.6,
        benign=r"\b(?:detector|alarm|leak|smell|check|repair|mechanic)\b",
    ),
    # means at hand
    cue(
        rf"\b{_MEANS_NOUN} (?:are |is )?(?:ready|in front of me|in my hands?|next to me|beside me|"
        rf"on my (?:desk|bed|lap|nightstand|table)|lined up|counted out|laid out)\b|"
        rf"\b(?:have|got|put|laid|lined up|set out|counted out|poured out) "
        rf"(?:the |my |all the |all my |all of my |a |some )?{_MEANS_NOUN} "
        rf"(?:ready|in front of me|out|lined up|on my (?:desk|bed|lap))\b",
        MEANS,
        0.8,
        benign=_MEANS_BENIGN,
    ),
    cue(r"\b(?:slit|slash|slice|cut) (?:my|both) (?:wrists?|throat)\b", MEANS, 1.0),
)

IMMINENCE_CUES: tuple[Cue, ...] = (
    cue(
        r"\b(?:tonight|right now|this very moment|in (?:a few|a couple of|an|\d+) (?:minutes?|hours?)|"
        r"when everyone(?:'s| is) asleep|before (?:morning|sunrise|the sun comes up)|"
        r"by (?:morning|the weekend|friday))\b",
        IMMINENCE,
        0.25,
        personal=False,
    ),
    # Being at the place: on the edge is a crisis alone, "I'm on the bridge" with a little more.
    cue(
        r"\b(?:standing|sitting|sat|leaning|hanging|climbed|climbing) (?:on|over|onto|out on) (?:the|a|my|this|that) "
        r"(?:edge|ledge|railing|rail|parapet)\b|\b(?:on|at) the (?:edge|ledge|railing) of (?:the|a|my|this) "
        r"(?:roof|bridge|cliff|building|balcony|platform|overpass|parking garage)\b",
        IMMINENCE,
        1.0,
        benign=_PLACE_BENIGN,
    ),
    cue(
        r"(?:^|\bi'm |\bi am |\bstanding |\bsitting |\bsat |\bup |\bhere |\bright )(?:on|at|on top of|at the top of|"
        r"over|by) (?:the|a|my|this|that) (?:[\w']+ ){0,2}?(?:bridge|roof|rooftop|ledge|cliffs?|tracks|train tracks|"
        r"railway|overpass|balcony|railing|top floor|parking garage|edge\b(?! of))"
        r"(?! (?:club|game|party|bar|restaurant|deck|garden|pool|tournament|night|lessons?))",
        IMMINENCE,
        0.8,
        benign=_PLACE_BENIGN,
    ),
    cue(r"\b(?:i can hear it coming|the train is coming|here it comes)\b", IMMINENCE, 0.3),
    cue(r"\b(?:no one|nobody) knows (?:where i am|i'm here)\b", IMMINENCE, 0.3),
    cue(
        r"\b(?:already|just) (?:took|swallowed|taken|downed) (?:them all|all of them|everything|the whole|the pills|my "
        r"pills|\d+ of them)\b",
        IMMINENCE,
        0.8,
    ),
    cue(
        r"\b(?:already|just) (?:took|swallowed|taken|downed) (?:them|it)\b",
        IMMINENCE,
        0.8,
        needs=rf"\b{PILLS}\b|\b(?:like|about|over) \d+\b|\b\d+ (?:of them|pills)\b",
    ),
)

SELF_HARM_CUES: tuple[Cue, ...] = (
    cue(
        r"\b(?:scratch|scratching|scratched|cut|cutting|burn|burning|hit|hitting) my "
        r"(?:arms?|wrists?|legs?|skin|thighs?|stomach|body) (?:until|till|so) (?:they|it|i) "
        r"(?:bleed|bled|bruise|hurt)\b",
        SELF_HARM,
        1.0,
    ),
    cue(
        r"\b(?:cut|cutting|cuts|burn|burning|burned|burnt|carve|carving|carved|scratch|scratching|harm|harming|"
        r"starve|starving|starved) myself\b",
        SELF_HARM,
        1.0,
    ),
    cue(
        r"\b(?:hurt|hurting|hit|hitting|punch|punched|punching|bang|banged|banging|slap|slapped|slapping) myself\b",
        SELF_HARM,
        1.0,
        needs=r"\b(?:want|urge|urges|going to|thinking about|thought about|feel like|keep|kept|again|on purpose|"
        r"deserve|to feel|punish|make it stop|until it stops|till it stops|numb|can't stop|relapse|relapsed)\b",
    ),
    cue(r"\bself[- ]?harm(?:ing|ed)?\b|\bself[- ]?injur(?:y|ing|e)\b", SELF_HARM, 1.0),
    cue(r"\b(?:urge|urges|want|wanting) to (?:cut|burn|hurt myself|bleed)\b", SELF_HARM, 1.0),
    cue(
        r"\bmake myself bleed\b|"
        r"\brazors? (?:blades? )?(?:on|to|against) my (?:arm|arms|skin|wrist|wrists|legs?|thighs?)\b",
        SELF_HARM,
        1.0,
    ),
    cue(r"\brelapsed? (?:on |into )?(?:cutting|self[- ]?harm)\b|\bstarted cutting again\b", SELF_HARM, 1.0),
    cue(
        r"\b(?:been|started|keep|kept|i'm|i am|back to) cutting\b(?! (?:back|down|out|carbs|sugar|costs|hair|wood|"
        r"the|class|classes|corners|ties|it close|grass|paper|onions|vegetables|my hair|coupons))",
        SELF_HARM,
        1.0,
    ),
    cue(r"\b(?:i|i've|i have) cut again\b", SELF_HARM, 1.0, benign=r"\b(?:hair|grass|lawn|bangs|fabric|wood)\b"),
    cue(
        r"\b(?:cut|cutting|carved?|carving|slashed?|slashing|sliced?|slicing|burned?|burning|burnt) (?:into )?my "
        r"(?:arms?|wrists?|thighs?|legs?|skin|stomach|hips?)\b",
        SELF_HARM,
        1.0,
    ),
    cue(
        r"\b(?:bang|banging|banged|hit|hitting|slam|slamming|slammed) my head (?:against|on|into) (?:the|a) "
        r"(?:wall|floor|desk|door)\b",
        SELF_HARM,
        1.0,
        needs=r"\b(?:until it stops|till it stops|on purpose|to feel|deserve|make it stop|again|keep|can't stop|"
        r"when)\b",
    ),
    cue(
        r"\b(?:till|until) (?:i|it|they|my \w+) (?:bleed|bleeds|bled|bruised?|broke)\b|\bbleed on purpose\b",
        SELF_HARM,
        0.6,
    ),
    cue(
        r"\b(?:punched|punch|punching|hit|hitting|slammed|cut|burned|burnt|scratched|hurt|starved|bit)\b"
        r"[^.!?;\n]{0,40}\bon purpose\b",
        SELF_HARM,
        0.5,
    ),
)

SOMEONE_ELSE_CUES: tuple[Cue, ...] = (
    cue(
        rf"\b(?:kill|killing|kills|end|ending|take|taking|takes) (?:{_OTHER_SELF}|{_OTHER_LIFE})\b",
        SOMEONE_ELSE,
        1.0,
        benign=r"\b(?:gym|workout|work|job|studying|study|practice|training|competition|exam|finals|trying to|"
        r"to finish|to make|to get|laughing|overtime|diet|shift)\b",
        personal=False,
    ),
    cue(
        rf"\b(?:cut|cutting|burn|burning|harm|harming|hurt|hurting|starv(?:e|ing)) {_OTHER_SELF}\b",
        SOMEONE_ELSE,
        1.0,
        personal=False,
    ),
    cue(r"\b(?:is|are|'s|seems|been) (?:\w+ )?(?:suicidal|self[- ]?harming)\b", SOMEONE_ELSE, 1.0, personal=False),
    cue(
        r"\b(?:wants|plans|threatening|threatens|talks about|talking about|keeps talking about|says|said) (?:to )?"
        r"(?:die|suicide|commit suicide|end it all)\b|\b(?:is|are) (?:going|planning) to (?:die|commit suicide)\b",
        SOMEONE_ELSE,
        1.0,
        personal=False,
    ),
    cue(r"\b(?:threatening|threatened|threatens) suicide\b", SOMEONE_ELSE, 1.0, personal=False),
    # a death by suicide, just told: the one writing is bereaved by it (their own risk is raised)
    cue(
        rf"\b(?:killed|hanged|hung|shot) {_OTHER_SELF}\b|\btook {_OTHER_LIFE}\b|\b(?:died by|committed) suicide\b",
        SOMEONE_ELSE,
        0.45,
        personal=False,
    ),
    cue(
        rf"\b(?:has|have|got|bought) (?:a )?(?:gun|noose|rope|{PILLS}) (?:out )?(?:and|to)\b",
        SOMEONE_ELSE,
        1.0,
        personal=False,
    ),
    cue(
        r"\b(?:won't come down|isn't answering|not answering|won't answer|won't pick up|can't reach (?:him|her|them)|"
        rf"locked {_OTHER_SELF} in)\b",
        SOMEONE_ELSE,
        0.3,
        personal=False,
    ),
)
