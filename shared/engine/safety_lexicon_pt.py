"""Portuguese crisis cues and guards (matched on folded text: lower case, no accents)."""

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

_PILLS = r"(?:remedios|comprimidos|pilulas|medicamentos|calmantes)"
_HEIGHT = r"(?:ponte|telhado|predio|penhasco|trilhos|sacada|varanda|beirada|laje)"

PORTUGUESE = Lexicon(
    language="pt",
    markers=words(
        "eu nao voce estou sou tenho quero ninguem hoje minha meu pra ja muito tambem vou morrer acabo senhor "
        "perdoa sinto falta dela dele irmao irma entao isso obrigado obrigada agora ponte seguro segura uma "
        "os que mais vida todos tudo deus morrendo mataria rir"
    ),
    cues=(
        cue(
            r"\b(?:quero|vou|penso em|pensando em|tenho vontade de|vontade de|queria|preciso) (?:me matar|morrer|me "
            r"suicidar|tirar (?:a )?minha (?:propria )?vida|acabar com (?:a )?minha vida)\b",
            EXPLICIT,
            1.0,
        ),
        cue(r"\bme matar\b|\bme suicidar\b|\btirar (?:a )?minha (?:propria )?vida\b", EXPLICIT, 1.0),
        cue(
            r"\b(?:penso|pensando|pensado) (?:em|no) suicidio\b|\bpensamentos suicidas\b|\bestou suicida\b",
            EXPLICIT,
            1.0,
        ),
        cue(r"\bsuicid(?:io|a|as)\b", EXPLICIT, 0.3, personal=False),
        cue(r"\bnao quero (?:mais )?(?:viver|existir|acordar|estar vivo|estar viva)\b", EXPLICIT, 1.0),
        cue(r"\bqueria (?:estar mort[ao]|morrer|sumir para sempre|nunca ter nascido)\b", EXPLICIT, 1.0),
        cue(r"\b(?:acabar|acabo|acabando) com (?:a )?(?:minha vida|tudo)\b", EXPLICIT, 1.0),
        cue(r"\bja decidi\b|\bestou decidid[ao]\b", INTENT, 0.5),
        cue(
            r"\b(?:esta|essa) e a minha ultima mensagem\b|\bminha ultima mensagem\b|\bcarta de despedida\b|"
            r"\badeus (?:a todos|pra sempre|para sempre)\b",
            INTENT,
            1.0,
        ),
        cue(rf"\b(?:tomar|tomei|engolir|engoli) todos os (?:meus )?{_PILLS}\b", MEANS, 1.0),
        cue(rf"\b(?:guardando|juntando|acumulando|guardei|juntei) (?:meus |os )?{_PILLS}\b", MEANS, 1.0),
        cue(rf"\b{_PILLS}\b|\b(?:arma|revolver|faca|corda)\b", MEANS, 0.2, personal=False),
        cue(
            rf"\btenho (?:muitos |uns |os |todos os |varios )?(?:{_PILLS}|uma arma|um revolver|uma corda)\b", MEANS, 0.4
        ),
        cue(rf"\b{_PILLS} (?:guardados|juntados|acumulados)\b", MEANS, 1.0),
        cue(rf"\b{_HEIGHT}\b", MEANS, 0.2, personal=False),
        cue(r"\b(?:quero|vou|penso em) (?:pular|me jogar)\b", MEANS, 0.7),
        cue(rf"\b(?:pular|me jogar|jogar-me) (?:da|do|de uma|de um) {_HEIGHT}\b", MEANS, 1.0),
        cue(rf"\bestou (?:na|no|em cima da|em cima do) {_HEIGHT}\b", IMMINENCE, 0.8),
        cue(r"\bagora mesmo\b|\bhoje a noite\b|\besta noite\b", IMMINENCE, 0.25, personal=False),
        cue(r"\bhoje\b|\bagora\b", IMMINENCE, 0.2, personal=False),
        cue(r"\bninguem (?:ia|iria|vai) sentir (?:a )?minha falta\b|\bsou um (?:peso|fardo)\b", HOPELESSNESS, 0.6),
        cue(r"\bse eu morresse\b|\bcansad[ao] de tudo\b", HOPELESSNESS, 0.4),
        cue(r"\bcansad[ao] de viver\b", EXPLICIT, 1.0),
        cue(r"\b(?:seria|seriam|estariam|ficariam) melhor sem mim\b", HOPELESSNESS, 1.0),
        cue(
            r"\bnao aguento mais\b|\bnao ha saida\b|\bsem saida\b|\bpra que continuar\b|\bpara que continuar\b",
            HOPELESSNESS,
            0.5,
        ),
        cue(
            r"\b(?:me )?perdoa(?:-me)? pelo que (?:eu )?vou fazer\b|\bme perdoe pelo que (?:eu )?vou fazer\b",
            RELIGIOUS,
            1.0,
        ),
        cue(r"\b(?:senhor|deus|pai),? (?:me perdoa|me perdoe|perdoa-me|me leva)\b", RELIGIOUS, 0.35),
        cue(r"\b(?:quer|vai) se matar\b|\b(?:quer|vai) se suicidar\b", SOMEONE_ELSE, 1.0, personal=False),
        cue(
            r"\b(?:me cortei|me cortando|me corto|me cortar|me machucar|me machuco|automutilacao|me automutilo)\b",
            SELF_HARM,
            1.0,
            benign=r"\b(?:cozinhando|sem querer|por acidente|faca de cozinha|o dedo)\b",
        ),
    ),
    negators=frozenset(["nao", "nunca", "jamais", "nem"]),
    breakers=frozenset(["mas", "e", "porque", "eu"]),
    idioms=re.compile(
        r"\bmorrendo de (?:rir|fome|sono|vontade|saudade|medo|calor|frio|cansaco|vergonha)\b|"
        r"\bmort[ao] de (?:rir|fome|sono|cansaco|vergonha)\b|\bmataria por\b|\b(?:vai|vao|ia|iam) me matar\b"
    ),
    topic=re.compile(r"\b(?:prevencao|o que a biblia diz|filme|livro|musica|artigo|serie)\b"),
    other_subject=re.compile(
        r"\b(?:ele|ela|eles|elas|meu (?:irmao|amigo|filho|pai|namorado)|minha (?:irma|amiga|"
        r"filha|mae|namorada))\b"
    ),
    own_subject=re.compile(r"\b(?:eu|me|minha|meu)\b"),
)
