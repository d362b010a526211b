"""The wire protocol's building blocks: the field types and base classes every frame of shared/protocol.py uses."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from shared import limits, translations

Trimmed = Annotated[str, StringConstraints(strip_whitespace=True)]
#: A value of blanks alone trims to nothing and is refused; the pattern says so in the schemas (OpenAPI), so
#: schemathesis never offers one as valid. It asks for a character Python's `str.strip` keeps: ECMA's `\S` alone counts
#: the separators \x1c-\x1f and \x85 as characters, which the server strips (a session_id of "\x1f" was offered).
NOT_BLANK = r"[^\s\x1c-\x1f\x85]"
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=NOT_BLANK)]
CountryCode = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}$")]
#: What `history` hands out: unpadded or padded base64url, bounded (decode_cursor checks what is inside).
Cursor = Annotated[
    str, StringConstraints(max_length=limits.HISTORY_CURSOR_MAX_CHARS, pattern=r"^[A-Za-z0-9_-]+={0,2}$")
]


class Frame(BaseModel):
    # defer_build: a frame's validator is built when the frame is first used, so a handler's cold start builds
    # the few frames its route sends and reads, not all forty (about 8 ms of every route's import).
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True, defer_build=True)


class ClientFrameBase(Frame):
    """Strict JSON types: `true` is a boolean and `5` a number; "true", 1 and "5" are not converted.

    Any client frame may carry a `clientMessageId`: an error answering it carries the same id, so a client
    matches every error to the request it answers (required, and the idempotency key, on sendMessage).
    """

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True, strict=True, defer_build=True)

    client_message_id: Id | None = Field(default=None, alias="clientMessageId")


class ServerFrameBase(Frame):
    def to_wire(self) -> bytes:
        return self.model_dump_json(by_alias=True, exclude_none=True).encode()


class Verse(Frame):
    reference: str
    text: str
    translation: str = "WEB"


def no_control_characters(value: str) -> str:
    # Control characters (new lines, tabs, NUL, escapes) are refused; format characters such as RTL marks and
    # overrides are kept exactly as typed: every client shows them as text.
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValueError("control characters")
    return value


def offered_translation(value: str) -> str:
    if translations.offered(value) is None:
        raise ValueError("not offered")
    return value


#: One of shared.translations.CODES, in any case.
TranslationCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=8), AfterValidator(offered_translation)
]
