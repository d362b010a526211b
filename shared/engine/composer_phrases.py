"""The composer's sentences for the painful emotions: openings, echo openings ({topic}), middles, closings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Phrases:
    """One emotion's (or one family's) sentences. Echo openings hold {topic}, always after a preposition."""

    openings: tuple[str, ...]
    echoes: tuple[str, ...]
    middles: tuple[str, ...]
    closings: tuple[str, ...]


# Voice: a kind companion, never a person. No "I", "we" or "us"; the bot does not pray, feel or remember.
# {topic} is a clean noun phrase ("your exam", "the surgery"): keep it after "about"/"with"/"around" so
# that a plural ("your kids") never meets a singular verb.
HARD_PHRASES: Final[dict[str, Phrases]] = {
    "anxious": Phrases(
        openings=(
            "It sounds like worry has been pressing on you.",
            "Anxiety can make everything feel urgent at once, so it makes sense that you feel unsettled.",
            "A restless, racing mind is exhausting, and it's okay to admit that.",
            "Carrying this much worry is tiring, and you don't have to hold it alone.",
            "Worry has a way of filling every quiet moment, and that is hard to live with.",
            "It makes sense that your mind keeps circling back to what might happen.",
        ),
        echoes=(
            "It makes sense to feel uneasy about {topic}.",
            "Worry about {topic} can crowd out almost everything else.",
        ),
        middles=(
            "You can take this one moment at a time.",
            "Your worth is not measured by how calm you feel.",
            "Most of what worry predicts never arrives in the way it threatens to.",
            "Naming each worry, one by one, can make them a little smaller.",
        ),
        closings=(
            "May God's peace settle over your thoughts.",
            "You are cared for more than you know.",
            "Take one small step, and let God hold the rest.",
            "May your breathing slow and your heart grow quiet.",
            "Tomorrow's worries can wait for tomorrow.",
            "May calm find you in the middle of it all.",
        ),
    ),
    "afraid": Phrases(
        openings=(
            "Fear can feel so loud, and it took courage to put it into words.",
            "It takes courage to name what frightens you.",
            "Being afraid doesn't mean you are weak; it means something matters to you.",
            "That sounds genuinely frightening, and your fear is real.",
            "Fear has a way of shrinking the world, and it makes sense that you feel shaken.",
            "Feeling scared like this is hard, especially when there is no quick way out of it.",
        ),
        echoes=(
            "Fear about {topic} is real, and you don't have to face it alone.",
            "It takes courage to name what frightens you about {topic}.",
        ),
        middles=(
            "You don't have to be fearless to be brave.",
            "You are not facing this alone.",
            "Courage is often just the next small step taken while still afraid.",
            "Fear often shrinks a little once it is shared with someone you trust.",
        ),
        closings=(
            "May you sense God's strength beside you.",
            "You are held, even here.",
            "Take heart; you are not alone.",
            "May God's peace be louder than your fear.",
            "May courage meet you right where you are.",
            "You are safe in God's keeping, whatever comes.",
        ),
    ),
    "sad": Phrases(
        openings=(
            "It sounds like your heart is hurting.",
            "Sadness can sit heavy on the heart, and it's okay to feel it.",
            "Thank you for being honest about how low things feel.",
            "Some days are just heavy, and you don't have to pretend otherwise.",
            "Feeling this low is exhausting, and it makes sense that you are worn down.",
            "There is no shame in feeling sad; it is part of loving and hoping.",
        ),
        echoes=(
            "Sadness about {topic} can sit heavy on the heart.",
            "It's okay to feel low about {topic}.",
        ),
        middles=(
            "There is no rush to feel better.",
            "Your tears are seen, and they matter.",
            "Sadness is not a sign that you have failed.",
            "Letting someone you trust know how you are doing can make the load lighter.",
        ),
        closings=(
            "May you sense God's comfort close by.",
            "You are loved, even on the hardest days.",
            "Brighter mornings will come.",
            "May a little light reach you soon.",
            "Go gently with your heart.",
            "May comfort find its way to you.",
        ),
    ),
    "grieving": Phrases(
        openings=(
            "Losing someone you love is one of the deepest hurts there is.",
            "Grief is love with nowhere to go, and it sounds like you loved deeply.",
            "There are no right words for a loss like this.",
            "Missing someone can ache in a way that is hard to describe.",
            "Your grief is welcome here, just as it is.",
            "Grief can arrive in waves, and each one is allowed.",
        ),
        echoes=(
            "Everything you feel about {topic} is welcome here, tears included.",
            "There is no right way to carry what you feel around {topic}.",
        ),
        middles=(
            "There is no timeline for grief.",
            "The love you shared is still real.",
            "It's okay to laugh at a memory and cry a moment later.",
            "Leaning on people who knew them too can make the missing a little less lonely.",
        ),
        closings=(
            "May God's comfort surround you in the days ahead.",
            "Be gentle with yourself as you grieve.",
            "You don't have to walk through this alone.",
            "May peace meet you in the quiet moments.",
            "May the memories become a comfort in time.",
            "Grief and love are held together by God.",
        ),
    ),
    "lonely": Phrases(
        openings=(
            "Feeling alone can be one of the hardest feelings to carry.",
            "Loneliness is heavy, and reaching out like this matters.",
            "It sounds like you've been feeling unseen.",
            "Being lonely is more common than it feels, and it still hurts.",
            "Longing for connection is a deeply human thing.",
            "It's hard when the people around you feel far away.",
        ),
        echoes=(
            "It can be lonely to carry what is happening with {topic}.",
            "Feeling on your own with everything around {topic} is so hard.",
        ),
        middles=(
            "You are seen and known, even now.",
            "Reaching out like this is a brave first step.",
            "A small step toward one person, a message or a visit, can open a door.",
            "Loneliness says nothing about how lovable you are.",
        ),
        closings=(
            "You are never truly alone.",
            "May you sense God's nearness today.",
            "You matter deeply.",
            "May this week bring a kind face your way.",
            "May good company find you soon.",
            "You are wanted and welcome.",
        ),
    ),
    "angry": Phrases(
        openings=(
            "It sounds like something really got under your skin.",
            "Your frustration makes sense, and it's okay to name it.",
            "Anger often shows up when something important feels threatened.",
            "Being this upset is exhausting, and it's good that you said it honestly.",
            "Anger is tiring to carry, and it's good to be honest about it.",
            "Feeling wronged can stir up a lot, and it makes sense that you are angry.",
        ),
        echoes=(
            "It makes sense that things with {topic} got under your skin.",
            "Frustration about {topic} is understandable, and it's okay to name it.",
        ),
        middles=(
            "Your feelings are valid, and you get to choose your next step.",
            "It's okay to pause before you answer anyone.",
            "Anger can be honest without being the one who decides.",
            "A walk or a slow breath can put a little space between the feeling and the response.",
        ),
        closings=(
            "May God's peace steady your heart.",
            "Take a deep breath; you are not alone in this.",
            "May gentleness find its way into this day.",
            "You can bring all of this to God.",
            "May wisdom guide your next words.",
            "May calm return to you soon.",
        ),
    ),
    "guilty": Phrases(
        openings=(
            "It sounds like your heart is heavy with regret.",
            "The fact that this weighs on you shows how much you care.",
            "Thank you for being honest about what you're carrying.",
            "Guilt can follow a person around, but it doesn't have to have the last word.",
            "It sounds like you wish things had gone differently.",
            "Owning a mistake is hard, and you are already doing it.",
        ),
        echoes=(
            "Regret about {topic} shows how much you care.",
            "It's clear that what happened with {topic} still weighs on your heart.",
        ),
        middles=(
            "Honesty like yours is the beginning of healing.",
            "You are more than your worst moment.",
            "Where it's possible, a sincere apology can be a step toward peace.",
            "Forgiveness is offered, not earned.",
        ),
        closings=(
            "You are forgiven and loved.",
            "May you receive God's mercy today.",
            "Grace is waiting for you.",
            "Take the next step in peace.",
            "May your heart grow lighter soon.",
            "Mercy is bigger than this mistake.",
        ),
    ),
    "ashamed": Phrases(
        openings=(
            "It sounds like you're feeling very small right now.",
            "Shame tells a person to hide, and it took courage to speak.",
            "What you feel does not define who you are.",
            "Sharing something this tender takes real trust.",
            "It sounds like you've been very hard on yourself.",
            "Shame can make one moment feel like the whole story, and it isn't.",
        ),
        echoes=(
            "What happened with {topic} does not define who you are.",
            "Shame about {topic} does not get the final word on you.",
        ),
        middles=(
            "You are worthy of love, right now, as you are.",
            "Grace is not earned; it is given.",
            "Speaking kindly to yourself is not excusing anything; it is making room to heal.",
            "Bringing this into the light is how shame begins to lose its grip.",
        ),
        closings=(
            "You are loved, fully and freely.",
            "May you see yourself as God sees you.",
            "Lift your head; grace is yours.",
            "May you sense God's kindness today.",
            "You belong, just as you are.",
            "Nothing here is beyond God's mercy.",
        ),
    ),
    "overwhelmed": Phrases(
        openings=(
            "It sounds like you're carrying so much right now.",
            "When everything piles up, it's natural to feel worn thin.",
            "That is a lot for one heart to hold.",
            "Being stretched this thin is exhausting.",
            "It sounds like there has been no room to breathe lately.",
            "So much at once would wear anyone down.",
        ),
        echoes=(
            "Everything with {topic} sounds like a lot for one heart to hold.",
            "It makes sense to feel worn thin with so much around {topic}.",
        ),
        middles=(
            "You don't have to do everything today.",
            "Rest is not failure.",
            "Choosing just one thing to do next can make the pile less frightening.",
            "It's okay to let some things wait.",
        ),
        closings=(
            "May you find a moment of rest today.",
            "Let yourself breathe; God is carrying you.",
            "You are not carrying this alone.",
            "May strength meet you for your next step.",
            "May the load feel lighter soon.",
            "Put one thing down, and let God hold it for a while.",
        ),
    ),
    "stressed": Phrases(
        openings=(
            "It sounds like the pressure has been building.",
            "That's a lot to juggle, and no wonder you feel tense.",
            "It sounds like you are stretched in many directions at once.",
            "Stress can make every task feel bigger.",
            "Running on pressure for this long is draining.",
            "It makes sense that you feel wound up with so much demanding your attention.",
        ),
        echoes=(
            "The pressure around {topic} sounds heavy.",
            "It makes sense to feel tense about {topic}.",
        ),
        middles=(
            "One thing at a time is enough.",
            "A short pause can be a kind of prayer.",
            "Writing down the next three things can quiet the noise of everything else.",
            "Your worth is not measured by your to-do list.",
        ),
        closings=(
            "May God's peace steady you today.",
            "Take a breath; you're doing better than you think.",
            "Give yourself grace for what isn't finished.",
            "One step, then the next, with God beside you.",
            "May calm meet you in the middle of the rush.",
            "May the pressure ease a little today.",
        ),
    ),
    "confused": Phrases(
        openings=(
            "It sounds like you're standing at a crossroads.",
            "Not knowing which way to go can be unsettling.",
            "It's okay not to have the answers yet.",
            "Honest questions are welcome here.",
            "Feeling unsure is part of being human, and you're not alone in it.",
            "When nothing feels clear, even small choices can feel heavy.",
        ),
        echoes=(
            "It's okay not to know yet what to do about {topic}.",
            "Feeling unsure about {topic} is understandable.",
        ),
        middles=(
            "Clarity often comes one step at a time.",
            "It's okay to wait before deciding.",
            "Talking it through with someone wise can help the next step come into view.",
            "You don't have to see the whole path to take the next step.",
        ),
        closings=(
            "May the next step become clear.",
            "Trust that you will be guided.",
            "Take your time; you are held.",
            "You don't have to figure it all out today.",
            "May wisdom and peace meet you.",
            "May a clear path open before you.",
        ),
    ),
}
