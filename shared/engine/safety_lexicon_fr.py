"""French crisis cues and guards (matched on folded text: lower case, no accents)."""

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

_PILLS = r"(?:medicaments|medocs|cachets|pilules|comprimes|somniferes)"
_HEIGHT = r"(?:pont|toit|falaise|rails|voie ferree|balcon|rebord|bord|immeuble)"

FRENCH = Lexicon(
    language="fr",
    markers=words(
        "je j suis pas ne moi mon mes ce c est les le du et veux vais tout tous rien personne soir peux "
        "mourir envie pont avec pour mais aujourd hui demain nuit jours vie qu toujours disparaitre fatigue "
        "seul meurs mort faim rire peux sans serait"
    ),
    cues=(
        cue(
            r"\bme (?:suicider|tuer)\b|\bmettre fin a (?:mes jours|ma vie)\b|\bmets fin a (?:mes jours|ma vie)\b",
            EXPLICIT,
            1.0,
        ),
        cue(r"\b(?:envie de|veux|voudrais|vais) mourir\b", EXPLICIT, 1.0, after=r"de (?:faim|rire|froid|chaud|honte)"),
        cue(r"\b(?:ne )?veux plus vivre\b|\bn?'?ai plus envie de vivre\b|\ben finir avec la vie\b", EXPLICIT, 1.0),
        cue(r"\b(?:pensees|idees) suicidaires\b|\bsuis suicidaire\b|\bpense au suicide\b", EXPLICIT, 1.0),
        cue(r"\bsuicid(?:e|aire)\b", EXPLICIT, 0.3, personal=False),
        cue(r"\ben finir\b|\bj'en finis\b|\ben finis\b", EXPLICIT, 0.8, after=r"avec (?:ce|cette|le|la|les|mon|ma)"),
        cue(r"\b(?:envie d'|veux |vais )en finir\b(?! avec (?:ce|cette|le|la|les|mon|ma)\b)", EXPLICIT, 1.0),
        cue(r"\bc'est decide\b|\bj'ai decide\b|\bma decision est prise\b", INTENT, 0.5),
        cue(r"\bc'est mon dernier message\b|\blettre d'adieu\b|\badieu (?:a tous|tout le monde)\b", INTENT, 1.0),
        cue(rf"\b(?:avaler|prendre|pris|avale) tous (?:mes|les) {_PILLS}\b", MEANS, 1.0),
        cue(rf"\b(?:garde|stocke|accumule|mis de cote) (?:mes |des )?{_PILLS}\b", MEANS, 1.0),
        cue(rf"\b{_PILLS}\b|\b(?:arme|pistolet|fusil|couteau|corde)\b", MEANS, 0.2, personal=False),
        cue(
            rf"\bj'ai (?:des |plein de |assez de |tous mes |beaucoup de )?"
            rf"(?:{_PILLS}|une arme|un pistolet|une corde)\b",
            MEANS,
            0.4,
        ),
        cue(rf"\b{_HEIGHT}\b", MEANS, 0.2, personal=False),
        cue(r"\b(?:vais|veux|va) sauter\b|\bsauter dans le vide\b|\bme jeter\b", MEANS, 0.7),
        cue(rf"\b(?:sauter|me jeter) (?:du|d'un|de la|d'une|depuis le|depuis la) {_HEIGHT}\b", MEANS, 1.0),
        cue(rf"\bsuis (?:sur|au bord du|au bord de la) (?:le |la |un |une )?{_HEIGHT}\b", IMMINENCE, 0.8),
        cue(r"\bmaintenant\b|\btout de suite\b|\bce soir\b|\bcette nuit\b", IMMINENCE, 0.25, personal=False),
        cue(r"\bmieux sans moi\b|\bfatigue de vivre\b", HOPELESSNESS, 1.0),
        cue(r"\bfatigue de tout\b", HOPELESSNESS, 0.4),
        cue(r"\bdisparaitre pour toujours\b", EXPLICIT, 1.0),
        cue(r"\bpersonne ne me regrettera\b|\bje suis un fardeau\b|\bje veux disparaitre\b", HOPELESSNESS, 0.6),
        cue(r"\bj'en peux plus\b|\bje n'en peux plus\b|\baucune issue\b|\bpas d'issue\b", HOPELESSNESS, 0.5),
        cue(r"\bpardonne[- ]moi (?:pour|de) ce que je vais faire\b", RELIGIOUS, 1.0),
        cue(r"\b(?:mon dieu|seigneur|pere),? pardonne[- ]moi\b", RELIGIOUS, 0.35),
        cue(r"\b(?:veut|va) se (?:tuer|suicider)\b", SOMEONE_ELSE, 1.0, personal=False),
        cue(
            r"\bme scarifi\w*\b|\bscarification\b|\bje me coupe\b|\bme suis coupee?\b|\bme couper\b|"
            r"\bme faire du mal\b|\bme mutiler\b|\bautomutilation\b",
            SELF_HARM,
            1.0,
            benign=r"\b(?:en cuisinant|par accident|sans faire expres|le doigt|en me rasant)\b",
        ),
    ),
    negators=frozenset(["ne", "pas", "jamais", "n"]),
    breakers=frozenset(["mais", "et", "parce", "je", "j"]),
    idioms=re.compile(
        r"\bmourir de (?:rire|faim|froid|chaud|honte|ennui|envie)\b|\bmeurs de\b|\bmort(?:e)? de (?:fatigue|rire|faim|"
        r"peur|honte)\b|\bca me tue\b|\bme tue (?:ce|cette|le|la)\b"
    ),
    topic=re.compile(r"\b(?:prevention|que dit la bible|film|livre|chanson|article|serie)\b"),
    other_subject=re.compile(
        r"\b(?:il|elle|ils|elles|mon (?:frere|ami|fils|pere|copain)|ma (?:soeur|amie|fille|mere|"
        r"copine))\b"
    ),
    own_subject=re.compile(r"\b(?:je|j|me|moi|mon|ma)\b"),
)
