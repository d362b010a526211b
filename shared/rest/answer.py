"""A turn's frames collected into the REST API's whole answer (ChatResponse), or the error that refused it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from shared.protocol import Ack, Delta, Done, Error, ErrorCode, Meta, _ServerFrame
from shared.rest.models import BibleVerse, ChatResponse

F = TypeVar("F", bound=_ServerFrame)
NOT_WRITTEN = Error(code=ErrorCode.INTERNAL, message="The answer could not be written; please try again.")


class Refusal(Exception):
    """The turn answered with an error frame instead of an answer."""

    def __init__(self, error: Error) -> None:
        super().__init__(error.message)
        self.error = error


class CollectingSink:
    """A FrameSink that keeps every frame; the pipeline posts to it from one thread, in order."""

    def __init__(self) -> None:
        self.frames: list[_ServerFrame] = []

    def send(self, frame: _ServerFrame) -> None:
        self.frames.append(frame)

    def response(self) -> ChatResponse:
        """The whole answer; raises Refusal when the turn was refused (an error and no answer)."""
        ack = self._first(Ack)
        meta = self._first(Meta)
        if ack is None or meta is None or self._first(Done) is None:
            error = self._first(Error)
            raise Refusal(error or NOT_WRITTEN)
        text = "".join(frame.text for frame in self.frames if isinstance(frame, Delta))
        return ChatResponse(
            emotion=meta.emotion,
            bible_verse=BibleVerse(reference=meta.verse.reference, text=meta.verse.text),
            message=text,
            session_id=ack.session_id,
            message_id=ack.message_id,
            timestamp=datetime.now(tz=UTC),
            confidence_score=meta.confidence,
            safety=meta.safety,
            resources=list(meta.resources or []),
            remaining_today=ack.remaining_today,
        )

    def _first(self, kind: type[F]) -> F | None:
        return next((frame for frame in self.frames if isinstance(frame, kind)), None)
