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


@dataclasses.dataclass
class SavedItem:
    """One saved verse in the Saved list: the verse in the person's translation, its feeling and dates."""

    message_id: str = ""
    reference: str = ""
    text: str = ""
    translation: str = ""
    emotion: str = ""
    saved_on: str = ""
    answered_on: str = ""


@dataclasses.dataclass
class ShareItem:
    """One live share link: its verse, the person's line (as typed) and its page's path (`/s/<id>`; the browser
    shows it after its own origin). An empty share_id: no link."""

    share_id: str = ""
    path: str = ""
    reference: str = ""
    text: str = ""
    translation: str = ""
    line: str = ""
    shared_on: str = ""
