"""English cues for hopelessness and burden, and for an ending framed in faith (forgiveness asked, going home)."""

from __future__ import annotations

from shared.engine.safety_signals import HOPELESSNESS, RELIGIOUS, Cue, cue

_RELIGIOUS_WORD = r"\b(?:god|lord|jesus|father|heaven|savior|saviour|christ)\b"

HOPELESSNESS_CUES: tuple[Cue, ...] = (
    cue(
        r"\b(?:would|will|'d|might) (?:all )?be (?:so much |much |a lot )?(?:better|happier) (?:off )?(?:without me|"
        r"if i (?:was|were|wasn't|weren't) (?:gone|dead|not here|never born|here|around|alive))\b",
        HOPELESSNESS,
        1.0,
    ),
    cue(r"\bbetter off without me\b|\bbetter without me in it\b", HOPELESSNESS, 1.0),
    cue(
        r"\b(?:no one|nobody) (?:would|will) (?:even )?(?:miss|notice|care)(?: me)? if i (?:was|were|died|"
        r"disappeared|was gone|were gone|killed myself|wasn't here)\b",
        HOPELESSNESS,
        1.0,
    ),
    cue(r"\b(?:no one|nobody) (?:would|will) (?:even )?miss me\b", HOPELESSNESS, 1.0),
    cue(r"\b(?:no one|nobody) (?:would|will|even) (?:care|notice)\b|\b(?:no one|nobody) cares\b", HOPELESSNESS, 0.35),
    cue(r"\bwon't be (?:around|here|alive) (?:much longer|anymore|any more|for long|by|next)\b", HOPELESSNESS, 1.0),
    cue(
        r"\bnot (?:going to|gonna) be (?:around|here|alive) (?:much longer|for long|anymore|any more|after|by|next|"
        r"tomorrow)\b",
        HOPELESSNESS,
        1.0,
    ),
    cue(
        r"\b(?:i'm|i am|i feel like) (?:just )?a burden (?:to|on) (?:everyone|everybody|my family|them|the people)\b",
        HOPELESSNESS,
        1.0,
    ),
    cue(r"\b(?:i'm|i am|i feel like|i've become) (?:just |such |only )?a (?:burden|weight)\b", HOPELESSNESS, 0.5),
    cue(
        r"\bwon't be (?:a|anyone's) (?:problem|burden)(?: for| to)? (?:anyone|anybody|everyone|you|them|much longer)\b",
        HOPELESSNESS,
        0.6,
    ),
    cue(
        r"\b(?:no|the only) way out\b",
        HOPELESSNESS,
        0.5,
        benign=r"\b(?:contract|deal|lease|game|level|room|maze|parking|traffic|meeting|class|commitment|escape room)\b",
    ),
    cue(r"\bcan't (?:do|take|handle) (?:this|it|the pain|life) any ?(?:more|longer)\b", HOPELESSNESS, 0.5),
    cue(r"\bi can't anymore *$|\bi can't (?:stay|be) here any ?(?:more|longer)\b", HOPELESSNESS, 0.45),
    cue(
        r"\bwhat(?:'s| is) (?:even )?the point(?: (?:anymore|any more|of (?:anything|it all|any of this|trying|"
        r"even trying|going on|me)))? *(?:$|,)",
        HOPELESSNESS,
        0.45,
    ),
    cue(r"\bi give up *(?:$|,|on (?:everything|myself|trying))", HOPELESSNESS, 0.45),
    cue(r"\bgive up on (?:life|living)\b", HOPELESSNESS, 0.7),
    cue(
        r"\b(?:i'm |i feel |feeling |so )hopeless\b|\bno hope left\b|\blost all hope\b|\bnothing (?:will|is going to) "
        r"(?:ever )?get better\b|\b(?:it's )?never going to get better\b",
        HOPELESSNESS,
        0.45,
    ),
    cue(r"\bi hate (?:my life|being alive)\b", HOPELESSNESS, 0.45),
    cue(r"\b(?:so )?tired of (?:everything|fighting|trying|it all|being me|this life)\b", HOPELESSNESS, 0.4),
    cue(r"\bi (?:just )?want out\b", HOPELESSNESS, 0.35, after=r"of (?:this|the|my) "),
    cue(r"\bcan't keep (?:fighting|trying|going like this|doing this)\b", HOPELESSNESS, 0.45),
    cue(r"\bdon't care (?:anymore|any more|what happens to me)\b", HOPELESSNESS, 0.4),
    cue(r"\bdon't care if i (?:die|live|wake up|don't wake up)\b", HOPELESSNESS, 0.8),
    cue(
        r"\b(?:i want|i just want|i wish i could|i'd like) to (?:just )?disappear\b",
        HOPELESSNESS,
        0.45,
        after=r"into |from |for a |to (?:a|the|an) |on |under |in (?:a|the|my) |with ",
    ),
    cue(r"\bwant (?:it|this|everything|it all|all of this) (?:all )?to (?:be over|end|stop)\b", HOPELESSNESS, 0.5),
    cue(r"\b(?:i feel|i'm|i am) (?:so )?trapped\b|\bnothing matters any ?more\b", HOPELESSNESS, 0.35),
    cue(r"\b(?:i'm|i am) (?:so |just )?done *(?:$|,)", HOPELESSNESS, 0.35),
    cue(r"\bdone (?:pretending|fighting|trying)\b|\bdone with everything\b", HOPELESSNESS, 0.4),
    cue(
        r"\b(?:i'm|i am) not going to make it\b",
        HOPELESSNESS,
        0.4,
        after=r"to |on time|in time|there|home|back",
    ),
)

RELIGIOUS_CUES: tuple[Cue, ...] = (
    cue(
        r"\bforgive me for (?:what i'm (?:about|going) to do|what i (?:am about to|will|have to|must|need to) do|"
        r"what i'm doing|doing this|leaving|taking my (?:own )?life|ending (?:it|my life)|not being (?:strong|able)|"
        r"giving up)\b",
        RELIGIOUS,
        1.0,
    ),
    cue(
        r"\b(?:god|lord|jesus|father),? (?:please )?"
        r"(?:forgive me|i'm sorry|take me|let me (?:come|go) home|receive me)\b",
        RELIGIOUS,
        0.35,
        benign=r"\b(?:safely|safe|drive|trip|flight|travel|journey|to my family)\b",
        after=r"for (?!what|this|leaving|everything|ending|taking|not|giving|doing this)",
    ),
    cue(
        r"\b(?:going|coming|go|come) home to (?:be with )?"
        r"(?:the lord|jesus|god|my savior|my saviour|heaven|the father)|"
        r"\bi'll be with (?:jesus|the lord|god) (?:tonight|soon|today)\b|\bsee you in heaven (?:soon|tonight)\b|"
        r"\bmeet (?:my maker|jesus|god) (?:tonight|soon|today)\b",
        RELIGIOUS,
        0.5,
        benign=r"\b(?:hospice|cancer|passed|dying|illness|sick|peacefully|one day|someday|when it's my time)\b",
    ),
    cue(
        r"\b(?:i'm|i am|i'll be|i will be|i) (?:coming|going|come|go) home (?:tonight|today|soon|now|to you)\b|"
        r"\b(?:tonight|today|soon) i (?:come|go|am coming|am going|will come) home\b",
        RELIGIOUS,
        0.5,
        needs=_RELIGIOUS_WORD,
    ),
    cue(r"\b(?:i'll|i will) see you (?:soon|tonight|in heaven)\b", RELIGIOUS, 0.35, needs=_RELIGIOUS_WORD),
    cue(
        r"\b(?:asked|ask|asking|begging|beg|begged|praying|pray|prayed)(?: (?:god|the lord|jesus))? (?:to|that he|he) "
        r"(?:would )?(?:take me|let me die|end my life|let me not wake up|take my life)\b",
        RELIGIOUS,
        0.5,
    ),
    cue(
        r"\b(?:want|ready|long|longing) to (?:be (?:in heaven|with (?:jesus|god|the lord))|go (?:home|to heaven)|"
        r"meet (?:jesus|god|my maker))\b",
        RELIGIOUS,
        0.35,
        after=r"one day|someday|some day|when|eventually|in (?:his|god's) time|whenever",
        needs=_RELIGIOUS_WORD,
    ),
)
