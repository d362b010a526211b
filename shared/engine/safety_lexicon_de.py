"""German crisis cues and guards (matched on folded text: lower case, umlauts without dots, "ss" for "ß")."""

from __future__ import annotations

import re

from shared.engine.safety_signals import (
    EXPLICIT,
    HOPELESSNESS,
    IMMINENCE,
    INTENT,
    MEANS,
    RELIGIOUS,
    SELF_HARM,
    SOMEONE_ELSE,
    Lexicon,
    cue,
    words,
)

_PILLS = r"(?:tabletten|pillen|medikamente|schlaftabletten)"
_HEIGHT = r"(?:brucke|dach|gleise|gleisen|hochhaus|klippe|balkon|rand)"

GERMAN = Lexicon(
    language="de",
    markers=words(
        "ich nicht und der das mich mir mein meine ist habe mehr noch heute nacht nach sie wir ein eine "
        "einfach nur alles keinen kein sinn leben umbringen sterben vergib herr gott mit auf zu von wieder "
        "schon hab gesagt freund freundin arbeit essen gibt wann vor bringt todmude mochte sich entschieden"
    ),
    cues=(
        cue(r"\bmich (?:\w+ ){0,2}(?:umbringen|toten|umzubringen)\b", EXPLICIT, 1.0),
        cue(
            r"\bmir (?:\w+ ){0,2}das leben (?:nehmen|zu nehmen)\b|\bnehme (?:ich )?mir (?:\w+ ){0,2}das leben\b",
            EXPLICIT,
            1.0,
        ),
        cue(r"\b(?:selbstmord|suizid)gedanken\b|\bsuizidal\b|\bdenke an (?:selbstmord|suizid)\b", EXPLICIT, 1.0),
        cue(r"\b(?:selbstmord|suizid)\b", EXPLICIT, 0.3, personal=False),
        cue(
            r"\b(?:will|mochte|moechte|mag) (?:(?!nicht\b|nie\b|kein)\w+ ){0,2}"
            r"(?:nicht mehr leben|sterben|tot sein|nicht mehr aufwachen)\b|"
            r"\bware lieber tot\b",
            EXPLICIT,
            1.0,
        ),
        cue(r"\b(?:allem|meinem leben) ein ende (?:setzen|machen|bereiten)\b", EXPLICIT, 1.0),
        cue(
            r"\b(?:mache|machen|mach) (?:ich )?schluss\b",
            EXPLICIT,
            0.8,
            benign=r"\bmit (?:ihm|ihr|meinem|meiner|dir|der arbeit|dem job)\b|\bfur heute\b|\bfeierabend\b",
        ),
        cue(r"\b(?:ich )?(?:habe|hab) mich entschieden\b|\bmeine entscheidung steht\b", INTENT, 0.5),
        cue(r"\bdas ist meine letzte nachricht\b|\babschiedsbrief\b|\blebt wohl\b", INTENT, 1.0),
        cue(rf"\balle (?:meine )?{_PILLS} (?:nehmen|schlucken)\b", MEANS, 0.8),
        cue(
            rf"\b(?:sammle|gesammelt|gehortet|horte) (?:\w+ )?{_PILLS}\b|\b{_PILLS} (?:gesammelt|gehortet)\b",
            MEANS,
            1.0,
        ),
        cue(
            rf"\b(?:ich )?(?:habe|hab) (?:noch |viele |genug |so viele |alle )?(?:{_PILLS}|eine waffe|eine pistole|ein "
            rf"seil)\b(?! (?:\w+ )?genommen)",
            MEANS,
            0.4,
        ),
        cue(rf"\b{_PILLS}\b|\b(?:waffe|pistole|gewehr|messer|seil|strick)\b", MEANS, 0.2, personal=False),
        cue(rf"\b{_HEIGHT}\b", MEANS, 0.2, personal=False),
        cue(rf"\b(?:von der|vom) {_HEIGHT} springen\b", MEANS, 1.0),
        cue(r"\b(?:will|werde) springen\b", MEANS, 0.7),
        cue(rf"\b(?:bin|stehe|sitze|ist|steht|sitzt) (?:auf der|auf dem|an den|an der|am) {_HEIGHT}\b", IMMINENCE, 0.8),
        cue(r"\bjetzt gerade\b|\bgerade jetzt\b|\bheute nacht\b|\bheute abend\b", IMMINENCE, 0.25, personal=False),
        cue(r"\bich will nicht mehr *$", HOPELESSNESS, 0.5),
        cue(r"\bohne mich besser dran\b|\bbesser ohne mich\b", HOPELESSNESS, 1.0),
        cue(r"\bich bin (?:nur )?eine last\b|\bniemand wurde mich vermissen\b", HOPELESSNESS, 0.6),
        cue(r"\blebensmude\b", EXPLICIT, 1.0),
        cue(r"\bmude von allem\b", HOPELESSNESS, 0.4),
        cue(r"\b(?:hat )?alles (?:hat )?keinen sinn mehr\b|\bich kann nicht mehr\b|\bkein ausweg\b", HOPELESSNESS, 0.5),
        cue(r"\bvergib mir,? (?:was|fur das,? was) ich (?:gleich |jetzt )?(?:tun werde|tue|mache)\b", RELIGIOUS, 1.0),
        cue(r"\b(?:herr|gott|vater),? vergib mir\b", RELIGIOUS, 0.35),
        cue(
            r"\bsich (?:\w+ ){0,2}(?:umbringen|toten|umzubringen|das leben nehmen)\b", SOMEONE_ELSE, 1.0, personal=False
        ),
        cue(
            r"\britze mich\b|\britzen\b|\bselbstverletzung\b|\bverletze mich (?:selbst)?\b|\bschneide mich\b",
            SELF_HARM,
            1.0,
            benign=r"\b(?:beim kochen|aus versehen|versehentlich|am finger)\b",
        ),
    ),
    negators=frozenset(["nicht", "nie", "niemals", "kein", "keine"]),
    breakers=frozenset(["aber", "und", "weil", "ich"]),
    idioms=re.compile(
        r"\btodmude\b|\bbringt mich (?:noch )?um\b|\bsterbe vor (?:hunger|langeweile|lachen|durst)\b|"
        r"\bzum sterben (?:langweilig|schon)\b|\bkonnte (?:ihn|sie|dich) umbringen\b"
    ),
    topic=re.compile(r"\b(?:pravention|was sagt die bibel|film|buch|lied|artikel|serie)\b"),
    other_subject=re.compile(
        r"\b(?:er|sie|mein (?:freund|bruder|sohn|vater)|meine (?:freundin|schwester|tochter|"
        r"mutter))\b"
    ),
    own_subject=re.compile(r"\b(?:ich|mich|mir|mein|meine)\b"),
)
