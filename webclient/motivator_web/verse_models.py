"""What the verse capabilities add to the chat view: the translations offered and the one the person reads."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class TranslationItem:
    """One translation the settings list offers."""

    code: str = ""
    name: str = ""


@dataclasses.dataclass
class DailyVerseItem:
    """The verse of the day as the chat shows it ("" everywhere until the server sent it)."""

    day: str = ""
    reference: str = ""
    text: str = ""
    translation: str = ""
