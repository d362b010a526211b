"""The wire protocol (DESIGN.md section 4): every frame a client or the server may send, as pydantic models."""

from __future__ import annotations

import json
import unicodedata
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from shared import limits, translations
from shared.jsontext import nesting_depth

Trimmed = Annotated[str, StringConstraints(strip_whitespace=True)]
#: A value of blanks alone trims to nothing and is refused; `\S` says so in the schemas (OpenAPI), so schemathesis never
#: offers one as valid.
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"\S")]
CountryCode = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}$")]
#: What `history` hands out: unpadded or padded base64url, bounded (decode_cursor checks what is inside).
Cursor = Annotated[
    str, StringConstraints(max_length=limits.HISTORY_CURSOR_MAX_CHARS, pattern=r"^[A-Za-z0-9_-]+={0,2}$")
]
_ID: TypeAdapter[str] = TypeAdapter(Id)


class _Frame(BaseModel):
    # defer_build: a frame's validator is built when the frame is first used, so a handler's cold start builds
    # the few frames its route sends and reads, not all forty (about 8 ms of every route's import).
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True, defer_build=True)


# --------------------------------------------------------------------------------------------
# Client to server, routed on `action`.
# --------------------------------------------------------------------------------------------
class _ClientFrame(_Frame):
    """Strict JSON types: `true` is a boolean and `5` a number; "true", 1 and "5" are not converted.

    Any client frame may carry a `clientMessageId`: an error answering it carries the same id, so a client
    matches every error to the request it answers (required, and the idempotency key, on sendMessage).
    """

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True, strict=True, defer_build=True)

    client_message_id: Id | None = Field(default=None, alias="clientMessageId")


class SendMessage(_ClientFrame):
    action: Literal["sendMessage"] = "sendMessage"
    message: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.MESSAGE_MAX_CHARS),
    ]
    client_message_id: Id = Field(alias="clientMessageId")
    session_id: Id | None = Field(default=None, alias="sessionId")
    #: ISO 3166-1 alpha-2 country of the person (profile setting or the browser's locale): picks the local
    #: emergency number among the crisis resources. Unknown or absent: the US lines and the international directory.
    country: CountryCode | None = None


class Feedback(_ClientFrame):
    action: Literal["feedback"] = "feedback"
    session_id: Id = Field(alias="sessionId")
    message_id: Id = Field(alias="messageId")
    helpful: bool
    comment: Annotated[str, StringConstraints(max_length=limits.FEEDBACK_COMMENT_MAX_CHARS)] | None = None


class History(_ClientFrame):
    action: Literal["history"] = "history"
    session_id: Id | None = Field(default=None, alias="sessionId")
    limit: Annotated[int, Field(ge=1, le=limits.HISTORY_PAGE_MAX)] = limits.HISTORY_PAGE_DEFAULT
    cursor: Cursor | None = None


class Resume(_ClientFrame):
    action: Literal["resume"] = "resume"
    message_id: Id = Field(alias="messageId")
    after_seq: Annotated[int, Field(ge=0, le=limits.SAFE_INTEGER_MAX)] = Field(default=0, alias="afterSeq")


class Stop(_ClientFrame):
    action: Literal["stop"] = "stop"
    message_id: Id = Field(alias="messageId")


class DeleteHistory(_ClientFrame):
    action: Literal["deleteHistory"] = "deleteHistory"
    session_id: Id | None = Field(default=None, alias="sessionId")


def _no_control_characters(value: str) -> str:
    # Control characters (new lines, tabs, NUL, escapes) are refused; format characters such as RTL marks and
    # overrides are kept exactly as typed: every client shows them as text.
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValueError("control characters")
    return value


#: A title the person types: trimmed, 1..TITLE_MAX_CHARS characters, no control characters (line breaks, tabs,
#: escapes); kept exactly as typed otherwise (a duplicate of another title is their choice).
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.TITLE_MAX_CHARS),
    AfterValidator(_no_control_characters),
]


class RenameConversation(_ClientFrame):
    """Give one of the person's conversations their own title; answered by `conversationRenamed`."""

    action: Literal["renameConversation"] = "renameConversation"
    session_id: Id = Field(alias="sessionId")
    title: Title


class Ping(_ClientFrame):
    action: Literal["ping"] = "ping"


# -- verse capabilities (issue 17): the person's translation -----------------------------------
def _offered_translation(value: str) -> str:
    if translations.offered(value) is None:
        raise ValueError("not offered")
    return value


#: One of shared.translations.CODES, in any case.
TranslationCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=8), AfterValidator(_offered_translation)
]


class ChangeSettings(_ClientFrame):
    """Read the person's settings (no fields) or change them; answered by a `settings` frame."""

    action: Literal["settings"] = "settings"
    #: One of shared.translations.CODES: every verse is shown in it from then on, history included.
    translation: TranslationCode | None = None


class VerseOfTheDay(_ClientFrame):
    """Today's verse (UTC day, the same for everyone), in the person's translation unless one is named."""

    action: Literal["verseOfTheDay"] = "verseOfTheDay"
    translation: TranslationCode | None = None


class AnotherVerse(_ClientFrame):
    """Answer an earlier message again with a different fitting verse (never one shown in its conversation); the
    first answer stays in history beside the new one (`siblingOf`). Idempotent on clientMessageId, like sendMessage."""

    action: Literal["anotherVerse"] = "anotherVerse"
    message_id: Id = Field(alias="messageId")
    client_message_id: Id = Field(alias="clientMessageId")
    country: CountryCode | None = None


class SaveVerse(_ClientFrame):
    """Save (or, with `saved: false`, remove) the verse of one of the person's answers; answered by `verseSaved`."""

    action: Literal["saveVerse"] = "saveVerse"
    message_id: Id = Field(alias="messageId")
    saved: bool = True


class SavedVerses(_ClientFrame):
    """A page of the person's saved verses, newest first; answered by `savedVerses`."""

    action: Literal["savedVerses"] = "savedVerses"
    limit: Annotated[int, Field(ge=1, le=limits.SAVED_PAGE_MAX)] = limits.SAVED_PAGE_DEFAULT
    cursor: Cursor | None = None


#: The optional line beside a shared verse: trimmed, short, one line of text.
ShareLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=limits.SHARE_LINE_MAX_CHARS),
    AfterValidator(_no_control_characters),
]


class ShareVerse(_ClientFrame):
    """Make a public, read-only link to the verse of one of the person's answers (only the verse and the optional
    line, never the conversation); answered by `verseShared`."""

    action: Literal["shareVerse"] = "shareVerse"
    message_id: Id = Field(alias="messageId")
    line: ShareLine | None = None


class SharedVerses(_ClientFrame):
    """A page of the person's live share links, newest first; answered by `sharedVerses`."""

    action: Literal["sharedVerses"] = "sharedVerses"
    limit: Annotated[int, Field(ge=1, le=limits.SAVED_PAGE_MAX)] = limits.SAVED_PAGE_DEFAULT
    cursor: Cursor | None = None


class RevokeShare(_ClientFrame):
    """Stop sharing one link (its public page and card answer 404 from then on); answered by `shareRevoked`."""

    action: Literal["revokeShare"] = "revokeShare"
    share_id: Id = Field(alias="shareId")


VERSE_ACTIONS: tuple[str, ...] = ("settings", "verseOfTheDay", "anotherVerse", "saveVerse", "savedVerses")
SHARE_ACTIONS: tuple[str, ...] = ("shareVerse", "sharedVerses", "revokeShare")

ClientFrame = Annotated[
    SendMessage
    | Feedback
    | History
    | Resume
    | Stop
    | DeleteHistory
    | RenameConversation
    | Ping
    | ChangeSettings
    | VerseOfTheDay
    | AnotherVerse
    | SaveVerse
    | SavedVerses
    | ShareVerse
    | SharedVerses
    | RevokeShare,
    Field(discriminator="action"),
]
CLIENT_FRAME: TypeAdapter[ClientFrame] = TypeAdapter(ClientFrame, config=ConfigDict(defer_build=True))

#: The actions a client may send, in the order the `$default` error frame lists them.
ACTIONS: tuple[str, ...] = (
    "sendMessage",
    "feedback",
    "history",
    "resume",
    "stop",
    "deleteHistory",
    "renameConversation",
    "ping",
    *VERSE_ACTIONS,
    *SHARE_ACTIONS,
)


# --------------------------------------------------------------------------------------------
# Server to client, tagged by `type`.
# --------------------------------------------------------------------------------------------
class ErrorCode(StrEnum):
    BAD_REQUEST = "bad_request"
    UNKNOWN_ACTION = "unknown_action"
    TOO_LARGE = "too_large"
    RATE_LIMITED = "rate_limited"
    MODEL_UNAVAILABLE = "model_unavailable"
    NOT_FOUND = "not_found"
    INTERNAL = "internal"
    #: Today's message allowance is used up (`resetsAt` says when it comes back); a crisis is still answered.
    DAILY_LIMIT = "daily_limit"


class Safety(StrEnum):
    """How much the answer is about the person's safety, lowest first (a turn takes the highest level heard)."""

    #: An ordinary answer.
    OK = "ok"
    #: The ordinary answer, with the crisis resources shown calmly beside it and a line inviting the person
    #: to reach out.
    CONCERN = "concern"
    #: The crisis answer: resources first, instead of the ordinary answer.
    CRISIS = "crisis"

    @property
    def rank(self) -> int:
        return _SAFETY_RANK[self]

    def at_least(self, other: Safety) -> Safety:
        """The higher of two levels (safety is only ever raised, never lowered)."""
        return self if self.rank >= other.rank else other


_SAFETY_RANK = {Safety.OK: 0, Safety.CONCERN: 1, Safety.CRISIS: 2}


class StopReason(StrEnum):
    END_TURN = "end_turn"
    MAX_TOKENS = "max_tokens"
    STOPPED = "stopped"
    ERROR = "error"


class _ServerFrame(_Frame):
    def to_wire(self) -> bytes:
        return self.model_dump_json(by_alias=True, exclude_none=True).encode()


class Ack(_ServerFrame):
    type: Literal["ack"] = "ack"
    client_message_id: str = Field(alias="clientMessageId")
    message_id: str = Field(alias="messageId")
    session_id: str = Field(alias="sessionId")
    #: Messages left today after this one (shared.allowance); absent when no allowance applies.
    remaining_today: int | None = Field(default=None, alias="remainingToday")
    #: On an answer to `anotherVerse`: the earlier answer to the same message, which stays beside this one.
    sibling_of: str | None = Field(default=None, alias="siblingOf")


class Verse(_Frame):
    reference: str
    text: str
    translation: str = "WEB"


class Resource(_Frame):
    """A place a person can reach help; each way of reaching it carries its own honest label."""

    name: str
    description: str
    phone: str | None = None
    sms: str | None = None
    url: str | None = None
    #: What opening `url` does, e.g. "Chat online with 988" or "Find a helpline in your country".
    url_label: str | None = Field(default=None, alias="urlLabel")
    #: BCP 47 language of the service itself when it is not English (e.g. "es" for 988's Spanish line).
    language: str | None = None


class Meta(_ServerFrame):
    type: Literal["meta"] = "meta"
    message_id: str = Field(alias="messageId")
    emotion: str
    confidence: Annotated[float, Field(ge=0.0, le=1.0)]
    verse: Verse
    safety: Safety = Safety.OK
    resources: list[Resource] | None = None


class Delta(_ServerFrame):
    type: Literal["delta"] = "delta"
    message_id: str = Field(alias="messageId")
    seq: Annotated[int, Field(ge=1)]
    text: str


class Usage(_Frame):
    input_tokens: int = Field(default=0, alias="inputTokens")
    output_tokens: int = Field(default=0, alias="outputTokens")


class Timings(_Frame):
    ttft_ms: float | None = Field(default=None, alias="ttftMs")
    total_ms: float = Field(alias="totalMs")


class Done(_ServerFrame):
    type: Literal["done"] = "done"
    message_id: str = Field(alias="messageId")
    seq: Annotated[int, Field(ge=0)]
    stop_reason: StopReason = Field(alias="stopReason")
    usage: Usage = Usage()
    metrics: Timings
    fallback: bool = False
    #: False when the answer could not be stored (it will not be in history); absent when it was stored.
    stored: bool | None = None


class Error(_ServerFrame):
    type: Literal["error"] = "error"
    code: ErrorCode
    message: str
    client_message_id: str | None = Field(default=None, alias="clientMessageId")
    message_id: str | None = Field(default=None, alias="messageId")
    retry_after_ms: int | None = Field(default=None, alias="retryAfterMs")
    #: With `daily_limit`: when the allowance resets (epoch ms, the next midnight UTC).
    resets_at: int | None = Field(default=None, alias="resetsAt")


class Pong(_ServerFrame):
    type: Literal["pong"] = "pong"


class TurnStatus(StrEnum):
    """Where an answer stands, in storage and in history pages."""

    STREAMING = "streaming"
    COMPLETE = "complete"
    STOPPED = "stopped"
    FAILED = "failed"
    #: Left `streaming` by a writer that died: what was stored is all there is.
    INCOMPLETE = "incomplete"


class SessionSummary(_Frame):
    """One conversation in the session list of a `history` page (no `sessionId` asked)."""

    session_id: str = Field(alias="sessionId")
    title: str = ""
    last_activity_at: int = Field(alias="lastActivityAt")
    created_at: int | None = Field(default=None, alias="createdAt")
    turn_count: int = Field(default=0, alias="turnCount")
    #: The person chose this title (`renameConversation`): shown as typed, never numbered apart from another.
    renamed: bool | None = None


class FeedbackView(_Frame):
    helpful: bool
    comment: str | None = None
    at: int | None = None


class TurnView(_Frame):
    """One message and its answer in a `history` page of a session."""

    message_id: str = Field(alias="messageId")
    created_at: int | None = Field(default=None, alias="createdAt")
    message: str
    answer: str = ""
    status: TurnStatus
    emotion: str | None = None
    confidence: float | None = None
    verse: Verse | None = None
    safety: Safety | None = None
    resources: list[Resource] | None = None
    stop_reason: StopReason | None = Field(default=None, alias="stopReason")
    fallback: bool | None = None
    feedback: FeedbackView | None = None
    #: This answer was asked for with `anotherVerse`: the earlier answer to the same message.
    sibling_of: str | None = Field(default=None, alias="siblingOf")
    #: The person saved this answer's verse (`saveVerse`).
    verse_saved: bool | None = Field(default=None, alias="verseSaved")


class HistoryPage(_ServerFrame):
    """The user's sessions (newest first) or, with `sessionId`, that session's turns in order."""

    type: Literal["history"] = "history"
    session_id: str | None = Field(default=None, alias="sessionId")
    items: list[SessionSummary] | list[TurnView]
    cursor: str | None = None


class ConversationRenamed(_ServerFrame):
    """Answers `renameConversation`: the conversation's title is now the one given (trimmed)."""

    type: Literal["conversationRenamed"] = "conversationRenamed"
    session_id: str = Field(alias="sessionId")
    title: str


class FeedbackRecorded(_ServerFrame):
    type: Literal["feedbackRecorded"] = "feedbackRecorded"
    message_id: str = Field(alias="messageId")
    helpful: bool


class TranslationOption(_Frame):
    code: str
    name: str


class SettingsView(_ServerFrame):
    """The person's settings, and what they may choose from (answers the `settings` action)."""

    type: Literal["settings"] = "settings"
    translation: str
    translations: list[TranslationOption] = Field(
        default_factory=lambda: [TranslationOption(code=t.code, name=t.name) for t in translations.OFFERED]
    )


class DailyVerse(_ServerFrame):
    """The verse of the day (answers `verseOfTheDay`): `day` is the UTC calendar day, ISO 8601 (2026-12-01)."""

    type: Literal["verseOfTheDay"] = "verseOfTheDay"
    day: str
    verse: Verse


class VerseSaved(_ServerFrame):
    """Answers `saveVerse`: the verse of that answer is (or is no longer) saved."""

    type: Literal["verseSaved"] = "verseSaved"
    message_id: str = Field(alias="messageId")
    saved: bool
    saved_at: int | None = Field(default=None, alias="savedAt")


class SavedVerseView(_Frame):
    """One saved verse: in the person's current translation, with the feeling it answered and its dates."""

    message_id: str = Field(alias="messageId")
    session_id: str = Field(alias="sessionId")
    verse: Verse
    emotion: str
    saved_at: int = Field(alias="savedAt")
    answered_at: int = Field(alias="answeredAt")


class SavedVersesPage(_ServerFrame):
    type: Literal["savedVerses"] = "savedVerses"
    items: list[SavedVerseView]
    cursor: str | None = None


class ShareView(_Frame):
    """One share link: its id, the path of its public page, the verse it shows and the person's line."""

    share_id: str = Field(alias="shareId")
    path: str
    verse: Verse
    line: str | None = None
    created_at: int = Field(alias="createdAt")


class VerseShared(_ServerFrame):
    """Answers `shareVerse`: the new link."""

    type: Literal["verseShared"] = "verseShared"
    message_id: str = Field(alias="messageId")
    share: ShareView


class SharedVersesPage(_ServerFrame):
    type: Literal["sharedVerses"] = "sharedVerses"
    items: list[ShareView]
    cursor: str | None = None


class ShareRevoked(_ServerFrame):
    """Answers `revokeShare`: the link no longer opens (revoking it again says the same)."""

    type: Literal["shareRevoked"] = "shareRevoked"
    share_id: str = Field(alias="shareId")


ServerFrame = Annotated[
    Ack
    | Meta
    | Delta
    | Done
    | Error
    | Pong
    | HistoryPage
    | ConversationRenamed
    | FeedbackRecorded
    | SettingsView
    | DailyVerse
    | VerseSaved
    | SavedVersesPage
    | VerseShared
    | SharedVersesPage
    | ShareRevoked,
    Field(discriminator="type"),
]
SERVER_FRAME: TypeAdapter[ServerFrame] = TypeAdapter(ServerFrame, config=ConfigDict(defer_build=True))


#: API Gateway's own untyped frame (`{"message": …}`) when a route's integration passes 29 s while its Lambda goes
#: on streaming: informational, every client keeps reading until `done`.
GATEWAY_TIMEOUT_MESSAGE = "Endpoint request timed out"


class ProtocolError(Exception):
    """A client frame that cannot be accepted; carries the error frame to send back."""

    def __init__(self, code: ErrorCode, message: str, client_message_id: str | None = None) -> None:
        super().__init__(message)
        self.frame = Error(code=code, message=message, clientMessageId=client_message_id)


def parse_client_frame(body: str | None) -> ClientFrame:
    """Parse one inbound text frame, turning every failure into a ProtocolError with a human sentence.

    Size and nesting are checked on the raw text before it is parsed. Nothing the client sent goes into the
    error frame except a clientMessageId that is a valid Id and a short, escaped quote of an unknown action.
    """
    raw = _json_object(body)
    client_message_id = valid_id(raw.get("clientMessageId"))
    if raw.get("action") not in ACTIONS:
        raise ProtocolError(ErrorCode.UNKNOWN_ACTION, _unknown_action(raw), client_message_id)
    try:
        return CLIENT_FRAME.validate_python(raw)
    except ValidationError as exc:
        raise ProtocolError(ErrorCode.BAD_REQUEST, _describe(exc), client_message_id) from exc


def _quote(text: str) -> str:
    """A client's text as an error message may show it: its first few characters, escaped (repr), then "…"."""
    shown = repr(text[: limits.ECHO_MAX_CHARS])
    return shown + "…" if len(text) > limits.ECHO_MAX_CHARS else shown


def _json_object(body: str | None) -> dict[str, Any]:
    if body is None or not body.strip():
        raise ProtocolError(ErrorCode.BAD_REQUEST, "The message was empty; send a JSON object with an action.")
    # Characters, not bytes: a body with more characters than the quota has at least as many bytes.
    if len(body) > limits.WS_MESSAGE_MAX_BYTES:
        kib = limits.WS_MESSAGE_MAX_BYTES // 1024
        raise ProtocolError(ErrorCode.TOO_LARGE, f"The message is too large; keep it under {kib} KB.")
    if nesting_depth(body) > limits.JSON_MAX_DEPTH:
        raise ProtocolError(ErrorCode.BAD_REQUEST, "The message is nested too deeply; send one flat JSON object.")
    try:
        raw = json.loads(body)
    except ValueError as exc:
        raise ProtocolError(
            ErrorCode.BAD_REQUEST, "That was not valid JSON; send a JSON object with an action."
        ) from exc
    if not isinstance(raw, dict):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "Send a JSON object with an action.")
    return raw


def valid_id(value: object) -> str | None:
    """The id as the models read it, or None when it is not a valid Id (absent, not text, too long, lone surrogates)."""
    try:
        return _ID.validate_python(value, strict=True)
    except ValidationError:
        return None


def _unknown_action(raw: dict[str, Any]) -> str:
    valid = f"valid actions are: {', '.join(ACTIONS)}"
    if "action" not in raw:
        return f"Send a JSON object with an action; {valid}."
    if not isinstance(raw["action"], str):
        return f"The action must be text; {valid}."
    return f"Unknown action {_quote(raw['action'])}; {valid}."


def _describe(exc: ValidationError) -> str:
    first = exc.errors(include_input=False, include_url=False)[0]
    field = ".".join(str(p) for p in first["loc"][1:]) or "message"
    if field == "message" and first["type"] in {"string_too_short", "missing"}:
        return "The message was empty; write a few words about how you feel."
    if field == "message" and first["type"] == "string_too_long":
        return f"The message is too long; keep it under {limits.MESSAGE_MAX_CHARS} characters."
    if field == "title":
        if first["type"] in {"string_too_short", "missing"}:
            return "A conversation's title needs at least one letter; type a few words."
        if first["type"] == "string_too_long":
            return f"That title is too long; keep it to {limits.TITLE_MAX_CHARS} characters."
        if first["type"] == "value_error":
            return "A title can't hold line breaks, tabs or other control characters; type it on one line."
    if field == "translation":
        return f"That translation is not offered; choose one of {', '.join(translations.CODES)}."
    if field == "line" and first["type"] == "string_too_long":
        return f"The line is too long; keep it under {limits.SHARE_LINE_MAX_CHARS} characters."
    if field == "line" and first["type"] == "value_error":
        return "The line must be one line of text, without tabs, new lines or other control characters."
    if first["type"] == "string_unicode":
        return f"The field {field!r} is not valid Unicode text (it holds a lone surrogate)."
    return f"The field {field!r} is not valid: {first['msg']}."
