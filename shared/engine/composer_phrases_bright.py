"""The composer's sentences for hopeful, grateful, joyful, relieved and seeking messages."""

from __future__ import annotations

from typing import Final

from shared.engine.composer_phrases import Phrases

# The same voice and {topic} rules as composer_phrases.
BRIGHT_PHRASES: Final[dict[str, Phrases]] = {
    "hopeful": Phrases(
        openings=(
            "It's lovely to read that hope is rising in you.",
            "What a gift to feel that spark of hope.",
            "It sounds like something is beginning to turn.",
            "There's something beautiful about looking ahead with hope.",
            "Hope like this can carry a person a long way.",
            "It's good to hear hope in your words.",
        ),
        echoes=(
            "It's lovely to hear hope rising about {topic}.",
            "Looking ahead with hope about {topic} is a beautiful thing.",
        ),
        middles=(
            "Hold on to that hope.",
            "Small steps forward still count.",
            "Hope grows when it is shared with someone you trust.",
            "Even a little hope is enough to take the next step.",
        ),
        closings=(
            "May that hope keep growing.",
            "Keep looking ahead with faith.",
            "Hold on to this light.",
            "May tomorrow bring even more reasons to hope.",
            "May good things keep unfolding for you.",
            "May this hope stay steady in you.",
        ),
    ),
    "grateful": Phrases(
        openings=(
            "What a lovely thing to be thankful for.",
            "It's good to hear you noticing the good.",
            "Gratitude like yours is a gift to the people around you.",
            "Thank you for sharing this blessing.",
            "It's beautiful to hear a heart so full.",
            "Counting blessings like this is a beautiful habit.",
        ),
        echoes=(
            "What a gift to feel thankful for {topic}.",
            "It's lovely to hear such gratitude about {topic}.",
        ),
        middles=(
            "Noticing the good is its own kind of prayer.",
            "Savor this moment.",
            "Telling someone you are thankful for them can multiply the joy.",
            "Gratitude has a way of opening the eyes to more of it.",
        ),
        closings=(
            "May your heart stay this full.",
            "May gratitude keep opening your eyes to God's goodness.",
            "Keep counting those blessings.",
            "May thankfulness stay with you.",
            "May there be many more moments like this.",
            "What a blessing to read.",
        ),
    ),
    "joyful": Phrases(
        openings=(
            "This is wonderful to hear!",
            "What a joy to celebrate this.",
            "Your happiness is shining through your words.",
            "Thank you for sharing such good news.",
            "What a happy thing to be able to say!",
            "Joy like this is worth pausing for.",
        ),
        echoes=(
            "What wonderful news about {topic}!",
            "It's a joy to hear this about {topic}.",
        ),
        middles=(
            "Moments like this are worth savoring.",
            "Let yourself enjoy it fully.",
            "Sharing joy with the people you love makes it grow.",
            "It's good to remember days like this when harder ones come.",
        ),
        closings=(
            "Rejoice and enjoy every moment!",
            "May this joy stay with you.",
            "Celebrate well today!",
            "May your joy overflow to those around you.",
            "May this gladness last.",
            "Enjoy every bit of it.",
        ),
    ),
    "relieved": Phrases(
        openings=(
            "What a relief, after all that waiting.",
            "It sounds like you can finally breathe out.",
            "After bracing for the worst, good news can leave a person shaky and grateful at once.",
            "That must lift a real weight off your shoulders.",
            "Relief like this can come with tears, and that's okay.",
            "What welcome news after such a tense time.",
        ),
        echoes=(
            "What a relief to hear the news about {topic}.",
            "It's so good that things with {topic} turned out well.",
        ),
        middles=(
            "It's okay if the worry takes a little while to leave.",
            "Letting yourself rest after a long wait is a good thing.",
            "Relief and tiredness often arrive together.",
            "It's okay to let the people who waited with you share the good news.",
        ),
        closings=(
            "Let yourself rest in this good news.",
            "May this breathing room restore you.",
            "May peace settle in where the worry was.",
            "Thank God for this good news.",
            "May the days ahead feel lighter.",
            "Enjoy this breath of relief.",
        ),
    ),
    "seeking": Phrases(
        openings=(
            "Thank you for sharing what's on your heart.",
            "It's a beautiful thing to seek God.",
            "It's good that you're reaching out.",
            "Questions like yours are a good place to begin.",
            "Wherever you are on the journey, you are welcome here.",
            "Searching honestly is a brave and good thing.",
        ),
        echoes=(
            "Questions about {topic} are a good place to begin.",
            "It's good to bring your thoughts about {topic} here.",
        ),
        middles=(
            "God is patient with every honest question.",
            "There's no wrong place to start.",
            "Reading a little at a time, slowly, is a good way to listen.",
            "A short, honest prayer is a fine beginning.",
        ),
        closings=(
            "May you sense God drawing near.",
            "You are welcome exactly as you are.",
            "May this step bring you closer to God.",
            "Keep seeking; the door is open.",
            "May your searching be met with peace.",
            "May you find what your heart is looking for.",
        ),
    ),
}
