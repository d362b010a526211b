"""The wire protocol (DESIGN.md section 4): every frame a client or the server may send, as pydantic models.

The field types and base classes are in shared/protocol_types.py, the verse capabilities' frames in
shared/protocol_verses.py (both re-exported here), and reading an inbound frame is shared/protocol_parse.py.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, TypeAdapter

from shared import limits
from shared.protocol_types import ClientFrameBase as _ClientFrame
from shared.protocol_types import CountryCode as CountryCode
from shared.protocol_types import Cursor as Cursor
from shared.protocol_types import Frame as _Frame
from shared.protocol_types import Id as Id
from shared.protocol_types import ServerFrameBase as _ServerFrame
from shared.protocol_types import Trimmed as Trimmed
from shared.protocol_types import Verse as Verse
from shared.protocol_types import no_control_characters
from shared.protocol_verses import SHARE_ACTIONS as SHARE_ACTIONS
from shared.protocol_verses import VERSE_ACTIONS as VERSE_ACTIONS
from shared.protocol_verses import AnotherVerse as AnotherVerse
from shared.protocol_verses import ChangeSettings as ChangeSettings
from shared.protocol_verses import DailyVerse as DailyVerse
from shared.protocol_verses import RevokeShare as RevokeShare
from shared.protocol_verses import SavedVerses as SavedVerses
from shared.protocol_verses import SavedVersesPage as SavedVersesPage
from shared.protocol_verses import SavedVerseView as SavedVerseView
from shared.protocol_verses import SaveVerse as SaveVerse
from shared.protocol_verses import SettingsView as SettingsView
from shared.protocol_verses import SharedVerses as SharedVerses
from shared.protocol_verses import SharedVersesPage as SharedVersesPage
from shared.protocol_verses import ShareRevoked as ShareRevoked
from shared.protocol_verses import ShareVerse as ShareVerse
from shared.protocol_verses import ShareView as ShareView
from shared.protocol_verses import TranslationOption as TranslationOption
from shared.protocol_verses import VerseOfTheDay as VerseOfTheDay
from shared.protocol_verses import VerseSaved as VerseSaved
from shared.protocol_verses import VerseShared as VerseShared

# --------------------------------------------------------------------------------------------
# Client to server, routed on `action`.
# --------------------------------------------------------------------------------------------


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


#: A title the person types: trimmed, 1..TITLE_MAX_CHARS characters, no control characters (line breaks, tabs,
#: escapes); kept exactly as typed otherwise (a duplicate of another title is their choice).
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.TITLE_MAX_CHARS),
    AfterValidator(no_control_characters),
]


class RenameConversation(_ClientFrame):
    """Give one of the person's conversations their own title; answered by `conversationRenamed`."""

    action: Literal["renameConversation"] = "renameConversation"
    session_id: Id = Field(alias="sessionId")
    title: Title
    #: As on sendMessage: a title that sounds like a crisis is answered with this country's help lines too.
    country: CountryCode | None = None


class Ping(_ClientFrame):
    action: Literal["ping"] = "ping"


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


class Ack(_ServerFrame):
    type: Literal["ack"] = "ack"
    client_message_id: str = Field(alias="clientMessageId")
    message_id: str = Field(alias="messageId")
    session_id: str = Field(alias="sessionId")
    #: Messages left today after this one (shared.allowance); absent when no allowance applies.
    remaining_today: int | None = Field(default=None, alias="remainingToday")
    #: On an answer to `anotherVerse`: the earlier answer to the same message, which stays beside this one.
    sibling_of: str | None = Field(default=None, alias="siblingOf")


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
    #: The title was heard as a crisis (the same check as every message, run first): the help lines, as with a
    #: crisis answer. Absent otherwise; the title is kept as typed either way.
    safety: Safety | None = None
    resources: list[Resource] | None = None


class FeedbackRecorded(_ServerFrame):
    type: Literal["feedbackRecorded"] = "feedbackRecorded"
    message_id: str = Field(alias="messageId")
    helpful: bool


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
