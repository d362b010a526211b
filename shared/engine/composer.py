"""The composer: a deterministic, grounded writer of 2-4 warm sentences for an emotion and a verse."""

from __future__ import annotations

import hashlib
import re
from typing import Final

from shared.engine.emotions import EmotionResult
from shared.engine.scripture import VerseChoice

# Each emotion: openings (may use {topic}), a line tying the verse in (uses {ref}), and closings.
# The composer names the verse reference; the verse text itself travels in the meta frame, never here.
_OPENINGS: Final[dict[str, tuple[str, ...]]] = {
    "anxious": (
        "It sounds like worry has been pressing on you{topic}.",
        "I can hear how restless your heart feels{topic}.",
        "Anxiety can make everything feel urgent at once, and it makes sense you feel unsettled{topic}.",
        "Thank you for sharing what is weighing on your mind{topic}.",
        "Carrying that much worry{topic} is tiring, and you don't have to hold it alone.",
    ),
    "afraid": (
        "Fear can feel so loud{topic}, and I'm glad you said it out loud.",
        "It takes courage to name what frightens you{topic}.",
        "I hear how scared you are{topic}, and that feeling is real.",
        "Being afraid{topic} doesn't mean you are weak; it means something matters to you.",
        "Thank you for trusting me with your fear{topic}.",
    ),
    "sad": (
        "I'm so sorry you're feeling this low{topic}.",
        "Sadness can sit heavy on the heart{topic}, and it's okay to feel it.",
        "Thank you for telling me how you really are{topic}.",
        "It sounds like your heart is hurting{topic}.",
        "Some days are just heavy{topic}, and you don't have to pretend otherwise.",
    ),
    "grieving": (
        "I'm so sorry for your loss{topic}.",
        "Grief is love with nowhere to go, and it sounds like you loved deeply{topic}.",
        "There are no right words for a loss like this{topic}, but I'm here with you.",
        "Missing someone{topic} can ache in a way that is hard to describe.",
        "Your grief{topic} is welcome here, just as it is.",
    ),
    "lonely": (
        "Feeling alone{topic} can be one of the hardest feelings to carry.",
        "I'm glad you reached out, because loneliness{topic} is heavy.",
        "It sounds like you've been feeling unseen{topic}.",
        "Thank you for sharing this; being lonely{topic} is more common than it feels, and it still hurts.",
        "I hear how much you long for connection{topic}.",
    ),
    "angry": (
        "It sounds like something really got under your skin{topic}.",
        "Your frustration{topic} makes sense, and it's okay to name it.",
        "Anger often shows up when something important to us feels threatened{topic}.",
        "Thank you for being honest about how upset you are{topic}.",
        "That sounds genuinely hard to deal with{topic}.",
    ),
    "guilty": (
        "It sounds like your heart is heavy with regret{topic}.",
        "The fact that this weighs on you{topic} shows how much you care.",
        "Thank you for being honest about what you're carrying{topic}.",
        "Guilt can follow us around{topic}, but it doesn't have to have the last word.",
        "I hear how much you wish things had gone differently{topic}.",
    ),
    "ashamed": (
        "I'm sorry you're feeling so small right now{topic}.",
        "Shame tells us to hide{topic}, and it took courage to speak.",
        "What you feel{topic} does not define who you are.",
        "Thank you for trusting me with something so tender{topic}.",
        "It sounds like you've been very hard on yourself{topic}.",
    ),
    "overwhelmed": (
        "It sounds like you're carrying so much right now{topic}.",
        "When everything piles up{topic}, it's natural to feel worn thin.",
        "I hear how tired you are{topic}.",
        "That is a lot for one heart to hold{topic}.",
        "Thank you for pausing to share this, because being stretched this thin{topic} is exhausting.",
    ),
    "stressed": (
        "It sounds like the pressure has been building{topic}.",
        "That's a lot to juggle{topic}, and no wonder you feel tense.",
        "I hear how stretched you are right now{topic}.",
        "Stress can make every task feel bigger{topic}.",
        "Thank you for taking a breath to share this{topic}.",
    ),
    "confused": (
        "It sounds like you're standing at a crossroads{topic}.",
        "Not knowing which way to go{topic} can be unsettling.",
        "It's okay not to have the answers yet{topic}.",
        "Thank you for bringing your questions here{topic}.",
        "Feeling unsure{topic} is part of being human, and you're not alone in it.",
    ),
    "hopeful": (
        "I love hearing that hope is rising in you{topic}.",
        "What a gift to feel that spark of hope{topic}.",
        "It sounds like something is beginning to turn{topic}.",
        "Thank you for sharing this hopeful moment{topic}.",
        "There's something beautiful about looking ahead with hope{topic}.",
    ),
    "grateful": (
        "What a lovely thing to be thankful for{topic}.",
        "I'm so glad you're noticing the good{topic}.",
        "Gratitude like yours{topic} is a gift to the people around you.",
        "Thank you for sharing this blessing{topic}.",
        "It's beautiful to hear your heart so full{topic}.",
    ),
    "joyful": (
        "This is wonderful to hear{topic}!",
        "I'm so happy with you{topic}.",
        "What a joy to celebrate this with you{topic}.",
        "Your happiness{topic} is shining through your words.",
        "Thank you for sharing such good news{topic}.",
    ),
    "seeking": (
        "Thank you for sharing what's on your heart{topic}.",
        "It's a beautiful thing to seek God{topic}.",
        "I'm glad you're reaching out{topic}.",
        "Questions like yours{topic} are a good place to begin.",
        "Wherever you are on the journey{topic}, you are welcome here.",
    ),
}

_BRIDGES: Final[dict[str, tuple[str, ...]]] = {
    "anxious": (
        "{ref} invites you to hand each worry to God, who cares for you.",
        "{ref} is a gentle reminder that God's peace can guard your heart even when your thoughts race.",
    ),
    "afraid": (
        "{ref} reminds us that God goes with you, even into what frightens you.",
        "In {ref}, God speaks courage over those who are afraid.",
    ),
    "sad": (
        "{ref} reminds us that God is close to the brokenhearted.",
        "{ref} holds a quiet promise that sorrow is not the end of your story.",
    ),
    "grieving": (
        "{ref} speaks of a God who comforts those who mourn.",
        "In {ref}, we're reminded that love and hope outlast even death.",
    ),
    "lonely": (
        "{ref} is a reminder that God has promised never to leave you.",
        "In {ref}, God's presence meets us even in the quietest rooms.",
    ),
    "angry": (
        "{ref} offers a steady way through strong feelings, one slow breath at a time.",
        "{ref} reminds us that God can hold our anger and lead us toward peace.",
    ),
    "guilty": (
        "{ref} reminds us that God's forgiveness is bigger than our failures.",
        "In {ref}, mercy meets us right where we fall short.",
    ),
    "ashamed": (
        "{ref} reminds us that those who look to God are not left in shame.",
        "In {ref}, God calls you his own, beloved and made new.",
    ),
    "overwhelmed": (
        "{ref} is an invitation to bring your weariness to Jesus and find rest.",
        "{ref} reminds us that God gives strength to the weary.",
    ),
    "stressed": (
        "{ref} invites you to trust God with what you cannot carry alone.",
        "{ref} is a reminder that your worth is not measured by your to-do list.",
    ),
    "confused": (
        "{ref} promises that God gives wisdom generously to those who ask.",
        "In {ref}, God offers to light the next step, even when the whole path is unclear.",
    ),
    "hopeful": (
        "{ref} reminds us that God is the source of every good hope.",
        "{ref} speaks of a God whose mercies are new every morning.",
    ),
    "grateful": (
        "{ref} celebrates the goodness of God that you're seeing right now.",
        "{ref} is a reminder that every good gift comes from above.",
    ),
    "joyful": (
        "{ref} is a joyful reminder that God delights with you.",
        "{ref} celebrates the kind of joy you're feeling today.",
    ),
    "seeking": (
        "{ref} promises that those who seek God with all their heart will find him.",
        "{ref} is a gentle invitation to draw near, because God draws near too.",
    ),
}

_MIDDLES: Final[dict[str, tuple[str, ...]]] = {
    "anxious": ("You can take this one moment at a time.", "Your worth is not measured by how calm you feel."),
    "afraid": ("You don't have to be fearless to be brave.", "You are not facing this alone."),
    "sad": ("There is no rush to feel better.", "Your tears are seen and they matter."),
    "grieving": ("There is no timeline for grief.", "The love you shared is still real."),
    "lonely": ("You are seen and known, even now.", "Reaching out like this is a brave first step."),
    "angry": ("Your feelings are valid, and you get to choose your next step.", "It's okay to pause first."),
    "guilty": ("Honesty like yours is the beginning of healing.", "You are more than your worst moment."),
    "ashamed": ("You are worthy of love, right now, as you are.", "Grace is not earned; it is given."),
    "overwhelmed": ("You don't have to do everything today.", "Rest is not failure."),
    "stressed": ("One thing at a time is enough.", "A short pause can be a kind of prayer."),
    "confused": ("Clarity often comes one step at a time.", "It's okay to wait before deciding."),
    "hopeful": ("Hold on to that hope.", "Small steps forward still count."),
    "grateful": ("Noticing the good is its own kind of prayer.", "Savor this moment."),
    "joyful": ("Moments like this are worth savoring.", "Let yourself enjoy it fully."),
    "seeking": ("God is patient with every honest question.", "There's no wrong place to start."),
}

_CLOSINGS: Final[dict[str, tuple[str, ...]]] = {
    "anxious": (
        "May his peace settle over you tonight.",
        "Breathe slowly, and know you are held.",
        "I'm praying you find a moment of calm today.",
        "You are cared for more than you know.",
        "Take one small step, and let God hold the rest.",
    ),
    "afraid": (
        "May you feel his strength beside you.",
        "You are held, even here.",
        "I'm praying courage finds you today.",
        "Take heart; you are not alone.",
        "May his peace be louder than your fear.",
    ),
    "sad": (
        "May you feel his comfort close today.",
        "Be gentle with yourself tonight.",
        "I'm holding you in prayer.",
        "You are loved, even on the hardest days.",
        "Brighter mornings will come.",
    ),
    "grieving": (
        "May God's comfort surround you in the days ahead.",
        "Be gentle with yourself as you grieve.",
        "I'm holding you and your loved one in prayer.",
        "You don't have to walk through this alone.",
        "May peace meet you in the quiet moments.",
    ),
    "lonely": (
        "You are never truly alone.",
        "May you feel his nearness today.",
        "I'm glad you're here, and I'm praying for good company to find you.",
        "You matter deeply.",
        "May this week bring a kind face your way.",
    ),
    "angry": (
        "May his peace steady your heart.",
        "Take a deep breath; you are not alone in this.",
        "I'm praying for calm and wisdom for you.",
        "May gentleness find its way into this day.",
        "You can bring all of this to God.",
    ),
    "guilty": (
        "You are forgiven and loved.",
        "May you receive his mercy today.",
        "Grace is waiting for you.",
        "Take the next step in peace.",
        "I'm praying you feel lighter soon.",
    ),
    "ashamed": (
        "You are loved, fully and freely.",
        "May you see yourself as God sees you.",
        "Lift your head; grace is yours.",
        "I'm praying you feel his kindness today.",
        "You belong, just as you are.",
    ),
    "overwhelmed": (
        "May you find a moment of rest today.",
        "Let yourself breathe; God is carrying you.",
        "I'm praying for strength for your next step.",
        "Be gentle with yourself tonight.",
        "You are not carrying this alone.",
    ),
    "stressed": (
        "May his peace steady you today.",
        "Take a breath; you're doing better than you think.",
        "I'm praying for calm in the middle of the rush.",
        "Give yourself grace for what isn't finished.",
        "One step, then the next, with God beside you.",
    ),
    "confused": (
        "May the next step become clear.",
        "Trust that you will be guided.",
        "I'm praying for wisdom and peace for you.",
        "Take your time; you are held.",
        "You don't have to figure it all out today.",
    ),
    "hopeful": (
        "May that hope keep growing.",
        "Keep looking ahead with faith.",
        "I'm praying for good things ahead for you.",
        "Hold on to this light.",
        "May tomorrow bring even more reasons to hope.",
    ),
    "grateful": (
        "May your heart stay this full.",
        "Thank you for sharing your joy.",
        "May gratitude keep opening your eyes to his goodness.",
        "What a blessing to hear.",
        "Keep counting those blessings.",
    ),
    "joyful": (
        "Rejoice and enjoy every moment!",
        "May this joy stay with you.",
        "Celebrate well today!",
        "What a gift to share this with you.",
        "May your joy overflow to those around you.",
    ),
    "seeking": (
        "May you feel him drawing near.",
        "Keep asking, seeking and knocking.",
        "I'm praying you sense his presence today.",
        "You are welcome exactly as you are.",
        "May this step bring you closer to him.",
    ),
}

_TOPIC = re.compile(r"\b(?:about|over|with|for|since|after)\s+((?:my|the|our|this|a|an|his|her)\s+[a-z' ]{2,40})")
_STOP = re.compile(r"\b(?:and|but|because|so|which|that|who|when|i|i'm|it|is|are|was|were|tomorrow|today)\b.*$")
_PRONOUNS = {"my": "your", "our": "your", "me": "you", "i": "you", "myself": "yourself"}
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def _stable(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()[:8], "big")


def _topic(message: str) -> str:
    """A short, safe reflection of what the message is about ("about your exam"), or ""."""
    match = _TOPIC.search(message.lower().replace("\u2019", "'"))
    if not match:
        return ""
    phrase = _STOP.sub("", match.group(1)).strip()
    words = [_PRONOUNS.get(word, word) for word in phrase.split()][:5]
    if len(words) < 2:
        return ""
    return " about " + " ".join(words)


def sentences(text: str) -> int:
    """How many sentences a composed answer has (they all end in . ! or ?)."""
    return len(_SENTENCE_END.findall(text))


def compose(
    message: str, *, emotion: EmotionResult, verse: VerseChoice, seed: int = 0, previous: str | None = None
) -> str:
    """Write 2-4 warm sentences reflecting the message, naming the verse; deterministic for the same inputs.

    `previous` is the last answer of the conversation: the wording is chosen so that it differs from it.
    """
    name = emotion.emotion if emotion.emotion in _OPENINGS else "seeking"
    topic = _topic(message)
    base = _stable(seed, name, previous or "")
    openings, closings, bridges, middles = _OPENINGS[name], _CLOSINGS[name], _BRIDGES[name], _MIDDLES[name]
    with_middle = (base >> 24) % 3 != 0
    for shift in range(len(openings) * len(closings)):
        opening = openings[(base + shift) % len(openings)].format(topic=topic)
        closing = closings[((base >> 8) + shift // len(openings) + shift) % len(closings)]
        bridge = bridges[(base >> 16) % len(bridges)].format(ref=verse.reference)
        parts = [opening, bridge]
        if with_middle:
            parts.insert(1, middles[(base >> 20) % len(middles)])
        parts.append(closing)
        text = " ".join(parts)
        if previous is None or (not previous.startswith(opening) and text != previous):
            return text
    return text


def openings(emotion: str) -> tuple[str, ...]:
    """The opening templates of an emotion (for tests and review)."""
    return _OPENINGS[emotion]


def closings(emotion: str) -> tuple[str, ...]:
    """The closing sentences of an emotion (for tests and review)."""
    return _CLOSINGS[emotion]
