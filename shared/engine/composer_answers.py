"""The composer's questions: which common question a message asks, and a few gentle, general answers to each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from shared.engine.emotions import normalise


@dataclass(frozen=True)
class Question:
    """A question the person asked: its kind ("okay", "how", "why" ...) and its subject ("rest", or "")."""

    kind: str
    topic: str


# Kinds in order of precedence when two patterns match at the same place ("am i a bad person" is "self").
# A plea (True) is a question even without a question mark, anywhere in a clause ("I don't know what to do").
_KINDS: Final[tuple[tuple[str, re.Pattern[str], bool], ...]] = tuple(
    (kind, re.compile(pattern), plea)
    for kind, pattern, plea in (
        ("pray", r"\b(?:can|could|would|will) you (?:please )?pray\b|\bplease pray\b|\bpray for me\b", True),
        (
            "self",
            r"\bam i (?:a (?:bad|terrible|horrible|awful) \w+|enough|too much|unlovable|broken|a failure|"
            r"worthless|a burden)\b|\bwhat(?:'s| is) wrong with me\b|\bis something wrong with me\b",
            True,
        ),
        (
            "okay",
            r"\b(?:is it|is that|is this|it is|it's|am i)\s+(?:really |even |still |ever )?"
            r"(?:ok|okay|alright|all right|normal|wrong|bad|a sin|sinful|selfish|weak|crazy)\b",
            False,
        ),
        ("why", r"\bwhy\b", False),
        ("god", r"\b(?:does|can|will|would|could|did|is|has) (?:god|jesus)\b", False),
        ("whatif", r"\bwhat if\b", False),
        ("what", r"\bwhat (?:should|do|can|could|would|am) i\b|\bwhat now\b|\bwhere do i (?:go|start|begin)\b", False),
        ("what", r"\bshould i\b|\b(?:if|whether) i should\b|\b(?:don't|do not) know what to do\b", True),
        ("how", r"\bhow (?:do|can|should|could|would|am|will|does one) (?:i|we|you)\b|\bhow to\b", False),
        ("how", r"\b(?:don't|do not) know how (?:to|i)\b", True),
        (
            "will",
            r"\bwill (?:it|this|things|i|life|the pain|my)\b|\bdoes it (?:ever )?get (?:better|easier)\b|"
            r"\bis there (?:any |still )?hope\b|\bwhen will\b",
            False,
        ),
    )
)
_TOPICS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (topic, re.compile(pattern))
    for topic, pattern in (
        ("forgive", r"\bforgiv\w*"),
        ("pray", r"\bpray\w*"),
        ("trust", r"\btrust\w*"),
        ("rest", r"\b(?:tired|exhausted|weary|worn|rest|resting|sleep\w*|burn\w* ?out|drained|fatigue\w*|energy)\b"),
        ("anger", r"\b(?:angry|mad|anger|furious|resent\w*|rage)\b"),
        ("tears", r"\b(?:cry|crying|cried|tears|sad|sadness|griev\w*|grief|miss)\b"),
        ("doubt", r"\b(?:doubt\w*|question(?:ing)? god|los(?:e|ing) (?:my )?faith)\b"),
        ("worry", r"\b(?:worr\w*|anxious|anxiety|afraid|scared|fear\w*|panic\w*|stop thinking)\b"),
        ("decide", r"\b(?:decide|decision|choose|choice|quit|leave|stay)\b"),
        ("cope", r"\b(?:cope|coping|handle|deal with|keep going|get through|go on|move on|let go|carry on)\b"),
        ("love", r"\b(?:loves?|cares?|hears?|listens?|sees?|there for|with me|abandon\w*|left me|forg[eo]t\w*)\b"),
    )
)
_SENTENCES: Final = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSES: Final = re.compile(r",?\s+(?:and|or|but|also)\s+(?=\w)|;\s*")
_LEAD_IN: Final = re.compile(r"^(?:and|but|so|also|honestly|please|i wonder|i just|i mean)[, ]+")
_INTERROGATIVE: Final = re.compile(r"(?:is|am|are|how|why|what|will|does|do|can|could|should|would|where)\b")

#: Gentle, general answers: "kind:topic" first, then "kind". Never medical, legal or financial advice.
ANSWERS: Final[dict[str, tuple[str, ...]]] = {
    "okay:rest": (
        "It is okay to be this tired; weariness is not a failure of faith, it is a sign of how much you "
        "have been carrying.",
        "Yes, it's okay to feel this worn out; even the strongest people need rest, and needing it is not weakness.",
        "Being this tired is allowed, and if it goes on for a long time, it's okay to ask a doctor or "
        "someone you trust to help you look after yourself.",
    ),
    "okay:anger": (
        "Yes, it's okay to feel angry; anger is a signal that something matters, and what counts is what "
        "you do with it.",
        "Feeling angry is not wrong in itself, and even honest anger can be brought to God.",
    ),
    "okay:tears": (
        "Yes, it's okay to cry and to feel this sad; tears are an honest response to something that hurts.",
        "It is okay to feel this way; sorrow is part of love, not a lack of faith.",
    ),
    "okay:doubt": (
        "Yes, it's okay to have doubts; many faithful people have wrestled with questions and kept walking.",
        "Doubting is not the opposite of faith; bringing your questions to God is itself a way of trusting.",
    ),
    "okay:worry": (
        "Yes, it's okay to feel afraid or anxious; feeling it doesn't mean your faith is weak.",
        "It is okay to feel this way; worry is a human response, and you can bring it to God as it is.",
    ),
    "okay": (
        "Yes, it's okay to feel what you are feeling; feelings are not failures, and God is not put off by them.",
        "It is okay to feel this way, and being honest about it is healthier than pretending.",
        "What you are feeling is allowed, and it doesn't make you any less loved.",
    ),
    "how:rest": (
        "Rest can start small: one slower evening, one thing you let go of, a few quiet minutes where you "
        "let God hold what you are holding.",
        "To rest, you might set aside a short, unhurried time each day with nothing to achieve, even ten "
        "minutes, and let that be enough.",
        "Rest often begins with permission: saying no to one thing and letting some things stay unfinished.",
    ),
    "how:forgive": (
        "Forgiveness is usually a process rather than a single moment, and it can begin with simply telling "
        "God you want to be willing.",
        "Forgiving doesn't mean pretending it didn't hurt; it can start with letting go of the wish to get "
        "even, one day at a time.",
    ),
    "how:pray": (
        "There's no wrong way to pray: you can simply tell God what is true right now, in your own words "
        "or even without words.",
        "Prayer can be as simple as a few honest sentences, a psalm read slowly, or sitting quietly with God.",
    ),
    "how:trust": (
        "Trust often grows in small steps: handing over one worry at a time and noticing where you have "
        "been carried before.",
        "Trusting God doesn't mean feeling certain; it can mean taking the next step while still holding "
        "your questions.",
    ),
    "how:worry": (
        "When worry rises, it can help to name the fear, breathe slowly, and hand that one thing to God "
        "before moving to the next.",
        "Worry often loosens a little once it is spoken out loud, to God and to someone you trust.",
    ),
    "how:cope": (
        "Getting through this can be taken one day, or even one hour, at a time, with people you trust close by.",
        "Coping doesn't have to look strong; small routines, honest conversations and asking for help all count.",
    ),
    "how": (
        "There's no single right way, and a small, gentle step today is a good place to begin.",
        "It can help to start with one small, doable step and ask someone you trust to walk with you in it.",
    ),
    "why": (
        "That is one of the oldest and most honest questions there is, and the Bible itself is full of "
        "people asking why.",
        "There isn't always an answer that makes sense of pain, and it is okay to ask God why, again and again.",
        "Asking why is not a lack of faith; it is honest, and God can handle honest questions.",
    ),
    "whatif": (
        "What-ifs can run far ahead of what is actually known; for now, it may help to stay with what is true today.",
        "It is natural to fear the worst while you wait, and whatever the answer turns out to be, you will not "
        "face it alone.",
    ),
    "what:decide": (
        "For a decision like this, it can help to slow down, pray about it, and talk it over with someone "
        "wise who knows you.",
        "Big choices rarely need to be made in one night; giving yourself time and good counsel is wise, not weak.",
    ),
    "what": (
        "You don't have to settle everything at once; choosing one small, kind next step is enough for today.",
        "When it's hard to know what to do, it can help to focus on the next right thing and let tomorrow wait.",
        "Talking it through with someone you trust can help the next step come into view.",
    ),
    "will": (
        "No one can promise how or when, but hard seasons do change, and you don't have to face this one alone.",
        "It may not feel like it now, but things often get lighter slowly, in small ways first.",
        "Healing rarely follows a straight line, but this moment is not the whole of your story.",
    ),
    "god:love": (
        "Nothing you have done or felt puts you outside God's love.",
        "Feeling far from God is not the same as being far from him; God has not turned away from you.",
        "You are not too much for God, and God's care for you does not depend on how you feel today.",
    ),
    "god:forgive": (
        "God's forgiveness is offered freely to anyone who turns to him, and no failure is too big for his mercy.",
        "Yes; asking the question already shows a heart turning toward God, and his mercy is wider than this.",
    ),
    "god": (
        "Honest questions about God are welcome; many people of deep faith have asked them too.",
        "It's good to bring that question straight to God; faith has room for wondering.",
    ),
    "self": (
        "Struggling like this does not make you a bad person; it makes you human, and you are still deeply loved.",
        "You are not too much and not beyond repair; you are someone worth caring for.",
        "The fact that you ask shows a tender conscience, and you are worth the same kindness you would give a friend.",
    ),
    "pray": (
        "You can bring this to God in your own words right now, even a single sentence is enough, and it "
        "may help to ask someone you trust to pray with you.",
        "A prayer doesn't need the right words; telling God what you just wrote here is a prayer, and a "
        "friend or pastor can pray alongside you.",
    ),
    "": (
        "That is a real question, and it deserves a gentle answer more than a quick one.",
        "It's a fair and honest question, and it's okay to sit with it for a while.",
        "That question matters, and you don't have to find the whole answer today.",
        "Questions like that deserve space, and it is good that you asked.",
        "It's a question worth asking, even if the answer comes slowly.",
        "Honest questions like this one are welcome here, whatever the answer turns out to be.",
        "That is worth wondering about, and you don't have to wonder alone.",
    ),
}


def _topic(kind: str, text: str, start: int = 0) -> str:
    """The first subject in `text` that `kind` has particular answers for ("how" + "rest"), or ""."""
    return next((t for t, pattern in _TOPICS if f"{kind}:{t}" in ANSWERS and pattern.search(text, start)), "")


def _clause_question(clause: str, asked: bool, message: str) -> Question | None:
    found = [
        (m.start(), rank, kind, plea)
        for rank, (kind, pattern, plea) in enumerate(_KINDS)
        if (m := pattern.search(clause))
    ]
    if not found:
        return None
    start, _, kind, plea = min(found)
    # Without a question mark only a clause in question word order counts ("is it okay to ..."), or a plea.
    if not asked and not plea and not (start == 0 and _INTERROGATIVE.match(clause)):
        return None
    # "I'm worn out. How do I fix this?" asks about rest: the subject may sit in another sentence.
    return Question(kind, _topic(kind, clause, start) or _topic(kind, message))


def questions(message: str) -> list[Question]:
    """The questions in a message, in order, one per kind; a "?" of no known kind is Question("", "")."""
    text = normalise(message)
    found: dict[str, Question] = {}
    for sentence in _SENTENCES.split(text):
        sentence = _LEAD_IN.sub("", sentence.strip())
        asked = sentence.endswith("?")
        clauses = [c.strip() for c in _CLAUSES.split(sentence.rstrip("?").strip()) if c.strip()]
        known = [q for c in clauses if (q := _clause_question(c, asked, text)) is not None]
        for question in known or ([Question("", "")] if asked else []):
            if question.kind not in found or not found[question.kind].topic:
                found[question.kind] = question  # a kind asked twice keeps the subject it was given
    if len(found) > 1:
        found.pop("", None)
    return list(found.values())


def answers(question: Question) -> tuple[tuple[str, ...], ...]:
    """The answers to try for a question, as groups: its kind and topic, its kind, then general acknowledgements."""
    keys = dict.fromkeys((f"{question.kind}:{question.topic}", question.kind, ""))
    return tuple(ANSWERS[key] for key in keys if key in ANSWERS)
