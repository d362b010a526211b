"""Spanish crisis cues and guards (matched on folded text: lower case, no accents)."""

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

_PILLS = r"(?:pastillas|pildoras|medicinas|medicamentos|pastis|calmantes|somniferos)"
_HEIGHT = r"(?:puente|techo|azotea|tejado|edificio|barranco|acantilado|vias del tren|vias|balcon|borde|cornisa)"

SPANISH = Lexicon(
    language="es",
    markers=words(
        "quiero quisiera estoy soy tengo ya muy pero nadie ahora puedo aguanto voy dios hermana hermano los "
        "las el mi eso nada mejor todos todo vida hacer morir muero morirme matarme suicidarme noche hoy bien "
        "gracias tambien porque cansada cansado vez otra perdoname perdon dice quiere usted como cuando donde "
        "puente salvo que mas ganas esta este verdad mismo se para por una querer"
    ),
    cues=(
        cue(
            r"\b(?:quiero|quisiera|voy a|pienso en|estoy pensando en|tengo ganas de|ganas de|necesito|deseo|he pensado "
            r"en) (?:matarme|suicidarme|morirme|morir|quitarme la vida)\b",
            EXPLICIT,
            1.0,
        ),
        cue(r"\bme (?:quiero|voy a) (?:matar|morir|suicidar|quitar la vida)\b", EXPLICIT, 1.0),
        cue(r"\b(?:quitarme|me quito|me quite) la vida\b|\bsuicidarme\b|\bmatarme\b", EXPLICIT, 1.0),
        cue(r"\bpensamientos suicidas\b|\b(?:estoy|me siento) suicida\b|\bpienso en el suicidio\b", EXPLICIT, 1.0),
        cue(r"\bsuicid(?:io|a|as)\b", EXPLICIT, 0.3, personal=False),
        cue(r"\bno quiero (?:seguir )?(?:vivir|viviendo|estar viva|estar vivo|existir|despertar)\b", EXPLICIT, 1.0),
        cue(r"\b(?:ojala|quisiera) (?:estar muert[ao]|morirme|no despertar|no haber nacido)\b", EXPLICIT, 1.0),
        cue(r"\bmejor (?:me muero|muert[ao]|estaria muert[ao])\b|\bquiero (?:estar )?muert[ao]\b", EXPLICIT, 1.0),
        cue(r"\b(?:acabar|terminar) con (?:mi vida|todo)\b|\bponer fin a mi vida\b", EXPLICIT, 1.0),
        cue(r"\bya (?:lo )?decidi\b|\blo he decidido\b|\bestoy decidid[ao]\b", INTENT, 0.5),
        cue(
            r"\b(?:este es|es) mi ultimo mensaje\b|\bcarta de despedida\b|\badios (?:a todos|para siempre)\b",
            INTENT,
            1.0,
        ),
        cue(rf"\b(?:tomarme|tomar|me tome|tragar|tragarme|me trague) todas (?:las |mis )?{_PILLS}\b", MEANS, 1.0),
        cue(rf"\b(?:guardando|juntando|acumulando|guarde|junte) (?:mis |las )?{_PILLS}\b", MEANS, 1.0),
        cue(rf"\b{_PILLS}\b|\b(?:pistola|arma|cuchillo|navaja|cuerda|soga)\b", MEANS, 0.2, personal=False),
        cue(
            rf"\btengo (?:muchas |unas |suficientes |todas las |las )?(?:{_PILLS}|una pistola|un arma|una cuerda)\b",
            MEANS,
            0.4,
        ),
        cue(rf"\b{_PILLS} (?:guardadas|juntadas|acumuladas)\b", MEANS, 1.0),
        cue(rf"\b{_HEIGHT}\b", MEANS, 0.2, personal=False),
        cue(r"\b(?:quiero|voy a|pienso) (?:saltar|tirarme|lanzarme|aventarme)\b|\bme voy a tirar\b", MEANS, 0.7),
        cue(rf"\b(?:saltar|tirarme|lanzarme) (?:del|de la|desde el|desde la|a las) {_HEIGHT}\b", MEANS, 1.0),
        cue(rf"\bestoy (?:en|sobre) (?:el|la|las|un|una) {_HEIGHT}\b", IMMINENCE, 0.8),
        cue(r"\bahora mismo\b|\besta noche\b", IMMINENCE, 0.25, personal=False),
        cue(r"\bsoy una carga\b|\bnadie me (?:extranaria|echaria de menos)\b", HOPELESSNESS, 0.6),
        cue(r"\bestarian mejor sin mi\b|\bmejor sin mi\b", HOPELESSNESS, 1.0),
        cue(
            r"\bno (?:aguanto|puedo) mas\b|\bno hay salida\b|\bno tiene sentido nada\b|\bnada tiene sentido\b",
            HOPELESSNESS,
            0.5,
        ),
        cue(r"\bno tiene sentido vivir\b|\bno vale la pena vivir\b|\bcansad[ao] de vivir\b", EXPLICIT, 1.0),
        cue(r"\bcansad[ao] de todo\b", HOPELESSNESS, 0.4),
        cue(r"\bperdoname por lo que (?:voy a hacer|estoy a punto de hacer|voy a hacerme)\b", RELIGIOUS, 1.0),
        cue(r"\b(?:dios|senor|padre)(?: mio)?,? (?:perdoname|llevame)\b", RELIGIOUS, 0.35),
        cue(r"\bse (?:quiere|va a) (?:matar|suicidar|morir|quitar la vida)\b", SOMEONE_ELSE, 1.0, personal=False),
        cue(
            r"\b(?:me corto|me corte|cortarme|me he cortado|me lastimo|lastimarme|hacerme dano|me hago dano|"
            r"autolesion\w*|me autolesiono)\b",
            SELF_HARM,
            1.0,
            benign=r"\b(?:cocinando|cocina|sin querer|por accidente|afeitando|el dedo)\b",
        ),
    ),
    negators=frozenset(["no", "nunca", "jamas", "ni"]),
    breakers=frozenset(["pero", "y", "porque", "yo"]),
    idioms=re.compile(
        r"\bme muero de (?:hambre|risa|ganas|sueno|frio|calor|verguenza|aburrimiento|curiosidad|envidia)\b|"
        r"\bme (?:esta|estan) matando\b|\bme mata (?:la|el)\b|\bmuert[ao] de (?:risa|cansancio|hambre|sueno)\b|"
        r"\bme mato (?:trabajando|estudiando)\b"
    ),
    topic=re.compile(r"\b(?:prevencion|que dice la biblia|pelicula|libro|cancion|articulo|serie)\b"),
    other_subject=re.compile(
        r"\b(?:el|ella|ellos|mi (?:hermana|hermano|amiga|amigo|hija|hijo|mama|papa|novia|novio))\b"
    ),
    own_subject=re.compile(r"\b(?:yo|me|mi)\b"),
)
