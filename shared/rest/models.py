"""The REST API's request and response bodies (the seed's shapes, snake_case): the OpenAPI document is made of these."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared import limits, translations
from shared.protocol import CountryCode, ErrorCode, Id, Resource, Safety, Verse
from shared.protocol_types import NOT_BLANK


class _Body(BaseModel):
    # Strict JSON types, as on the WebSocket: `true` is a boolean, "true" is not.
    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


class ChatRequest(_Body):
    """One message; without `session_id` it starts a new conversation."""

    message: Annotated[
        # Not only whitespace (a character `str.strip` keeps: NOT_BLANK), so the schema says what the route accepts.
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.MESSAGE_MAX_CHARS, pattern=NOT_BLANK),
    ] = Field(description="How you feel, in your own words.", examples=["I feel anxious about tomorrow."])
    session_id: Id | None = Field(default=None, description="The conversation to continue.")
    country: CountryCode | None = Field(
        default=None, description="Two-letter country: the crisis resources name its emergency number."
    )


class BibleVerse(BaseModel):
    reference: str = Field(examples=["Philippians 4:6-7"])
    text: str


class TranslatedVerse(BibleVerse):
    translation: str = Field(description="The public-domain translation's code.", examples=["WEB"])


class DailyVerseResponse(BaseModel):
    """The verse of the day: the same for everyone on a UTC calendar day."""

    day: date = Field(description="The UTC calendar day.")
    verse: TranslatedVerse


class ChatResponse(BaseModel):
    """The answer, whole (the WebSocket streams the same answer word by word)."""

    emotion: str
    bible_verse: BibleVerse
    message: str
    session_id: str
    timestamp: datetime
    confidence_score: Annotated[float, Field(ge=0.0, le=1.0)]
    message_id: str = Field(description="The answer's id: feedback names it.")
    #: Beyond the seed: what the WebSocket's `meta` frame says about the person's safety, with the resources.
    safety: Safety = Safety.OK
    resources: list[Resource] = Field(default_factory=list, description="Where to reach help now (with a crisis).")
    remaining_today: int | None = Field(default=None, description="Messages left today, when an allowance applies.")


class FeedbackRequest(_Body):
    session_id: Id
    helpful: bool
    emotion: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        default=None, description="The emotion the answer named (informational)."
    )
    user_comment: Annotated[str, StringConstraints(max_length=limits.FEEDBACK_COMMENT_MAX_CHARS)] | None = None
    message_id: Id | None = Field(default=None, description="The answer; the session's latest when absent.")


class FeedbackResponse(BaseModel):
    session_id: str
    message_id: str
    helpful: bool
    recorded: Literal[True] = True


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"
    timestamp: datetime


#: What the person types in the confirmation dialog before their account is deleted.
DELETE_CONFIRMATION = "DELETE"


class DeleteAccountRequest(_Body):
    confirm: Literal["DELETE"] = Field(description=f"Exactly {DELETE_CONFIRMATION!r}: deleting cannot be undone.")


class AccountDeleted(BaseModel):
    deleted: Literal[True] = True
    sessions: int
    turns: int


class PublicShare(BaseModel):
    """What a share link shows anyone: the verse (from the bundled public-domain text) and the sharer's line."""

    reference: str = Field(examples=["Philippians 4:6-7"])
    text: str
    translation: str = Field(description="The translation's code, e.g. WEB.", examples=["WEB"])
    translation_name: str = Field(examples=["World English Bible"])
    line: str | None = Field(default=None, description="What the sharer wrote beside the verse, as typed.")
    created_at: datetime

    @classmethod
    def of(cls, verse: Verse, line: str | None, created_at_ms: int) -> PublicShare:
        known = translations.BY_CODE.get(verse.translation)
        return cls(
            reference=verse.reference,
            text=verse.text,
            translation=verse.translation,
            translation_name=known.name if known else verse.translation,
            line=line,
            created_at=datetime.fromtimestamp(created_at_ms / 1000, tz=UTC),
        )


class GatewayMessage(BaseModel):
    """API Gateway's own answer when it refuses a request before any function runs (401 without a valid JWT)."""

    message: str = Field(examples=["Unauthorized"])


class ApiError(BaseModel):
    """Every refusal: a code (the WebSocket `error` frame's) and a sentence a person can read."""

    code: ErrorCode
    message: str
    retry_after_ms: int | None = None
    #: With `daily_limit`: when today's allowance comes back.
    resets_at: datetime | None = None
