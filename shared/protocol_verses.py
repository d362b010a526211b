"""The verse capabilities' frames (issue 17): settings, the verse of the day, another verse, saved verses, shares.

Their unions and the list of actions are in shared/protocol.py, which re-exports every name here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from shared import limits, translations
from shared.protocol_types import (
    ClientFrameBase,
    CountryCode,
    Cursor,
    Frame,
    Id,
    ServerFrameBase,
    TranslationCode,
    Verse,
    no_control_characters,
)

VERSE_ACTIONS: tuple[str, ...] = ("settings", "verseOfTheDay", "anotherVerse", "saveVerse", "savedVerses")
SHARE_ACTIONS: tuple[str, ...] = ("shareVerse", "sharedVerses", "revokeShare")


# Client to server.
class ChangeSettings(ClientFrameBase):
    """Read the person's settings (no fields) or change them; answered by a `settings` frame."""

    action: Literal["settings"] = "settings"
    #: One of shared.translations.CODES: every verse is shown in it from then on, history included.
    translation: TranslationCode | None = None


class VerseOfTheDay(ClientFrameBase):
    """Today's verse (UTC day, the same for everyone), in the person's translation unless one is named."""

    action: Literal["verseOfTheDay"] = "verseOfTheDay"
    translation: TranslationCode | None = None


class AnotherVerse(ClientFrameBase):
    """Answer an earlier message again with a different fitting verse (never one shown in its conversation); the
    first answer stays in history beside the new one (`siblingOf`). Idempotent on clientMessageId, like sendMessage."""

    action: Literal["anotherVerse"] = "anotherVerse"
    message_id: Id = Field(alias="messageId")
    client_message_id: Id = Field(alias="clientMessageId")
    country: CountryCode | None = None


class SaveVerse(ClientFrameBase):
    """Save (or, with `saved: false`, remove) the verse of one of the person's answers; answered by `verseSaved`."""

    action: Literal["saveVerse"] = "saveVerse"
    message_id: Id = Field(alias="messageId")
    saved: bool = True


class SavedVerses(ClientFrameBase):
    """A page of the person's saved verses, newest first; answered by `savedVerses`."""

    action: Literal["savedVerses"] = "savedVerses"
    limit: Annotated[int, Field(ge=1, le=limits.SAVED_PAGE_MAX)] = limits.SAVED_PAGE_DEFAULT
    cursor: Cursor | None = None


#: The optional line beside a shared verse: trimmed, short, one line of text.
ShareLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=limits.SHARE_LINE_MAX_CHARS),
    AfterValidator(no_control_characters),
]


class ShareVerse(ClientFrameBase):
    """Make a public, read-only link to the verse of one of the person's answers (only the verse and the optional
    line, never the conversation); answered by `verseShared`."""

    action: Literal["shareVerse"] = "shareVerse"
    message_id: Id = Field(alias="messageId")
    line: ShareLine | None = None


class SharedVerses(ClientFrameBase):
    """A page of the person's live share links, newest first; answered by `sharedVerses`."""

    action: Literal["sharedVerses"] = "sharedVerses"
    limit: Annotated[int, Field(ge=1, le=limits.SAVED_PAGE_MAX)] = limits.SAVED_PAGE_DEFAULT
    cursor: Cursor | None = None


class RevokeShare(ClientFrameBase):
    """Stop sharing one link (its public page and card answer 404 from then on); answered by `shareRevoked`."""

    action: Literal["revokeShare"] = "revokeShare"
    share_id: Id = Field(alias="shareId")


# Server to client.
class TranslationOption(Frame):
    code: str
    name: str


class SettingsView(ServerFrameBase):
    """The person's settings, and what they may choose from (answers the `settings` action)."""

    type: Literal["settings"] = "settings"
    translation: str
    translations: list[TranslationOption] = Field(
        default_factory=lambda: [TranslationOption(code=t.code, name=t.name) for t in translations.OFFERED]
    )


class DailyVerse(ServerFrameBase):
    """The verse of the day (answers `verseOfTheDay`): `day` is the UTC calendar day, ISO 8601 (2026-12-01)."""

    type: Literal["verseOfTheDay"] = "verseOfTheDay"
    day: str
    verse: Verse


class VerseSaved(ServerFrameBase):
    """Answers `saveVerse`: the verse of that answer is (or is no longer) saved."""

    type: Literal["verseSaved"] = "verseSaved"
    message_id: str = Field(alias="messageId")
    saved: bool
    saved_at: int | None = Field(default=None, alias="savedAt")


class SavedVerseView(Frame):
    """One saved verse: in the person's current translation, with the feeling it answered and its dates."""

    message_id: str = Field(alias="messageId")
    session_id: str = Field(alias="sessionId")
    verse: Verse
    emotion: str
    saved_at: int = Field(alias="savedAt")
    answered_at: int = Field(alias="answeredAt")


class SavedVersesPage(ServerFrameBase):
    type: Literal["savedVerses"] = "savedVerses"
    items: list[SavedVerseView]
    cursor: str | None = None


class ShareView(Frame):
    """One share link: its id, the path of its public page, the verse it shows and the person's line."""

    share_id: str = Field(alias="shareId")
    path: str
    verse: Verse
    line: str | None = None
    created_at: int = Field(alias="createdAt")


class VerseShared(ServerFrameBase):
    """Answers `shareVerse`: the new link."""

    type: Literal["verseShared"] = "verseShared"
    message_id: str = Field(alias="messageId")
    share: ShareView


class SharedVersesPage(ServerFrameBase):
    type: Literal["sharedVerses"] = "sharedVerses"
    items: list[ShareView]
    cursor: str | None = None


class ShareRevoked(ServerFrameBase):
    """Answers `revokeShare`: the link no longer opens (revoking it again says the same)."""

    type: Literal["shareRevoked"] = "shareRevoked"
    share_id: str = Field(alias="shareId")
