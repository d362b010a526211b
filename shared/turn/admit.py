"""Admit stage: safety is heard first; then the key is claimed and a token taken, never against a crisis."""

from __future__ import annotations

import contextlib
from concurrent.futures import Executor, Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from shared import allowance, translations, turn_safety
from shared.engine.safety_score import hearing
from shared.idempotency import Claim
from shared.metric_names import MetricName
from shared.observability import logger, metrics
from shared.protocol import Ack, Error, ErrorCode, Safety, SendMessage
from shared.ratelimit import Decision
from shared.records import Session, new_id
from shared.storage import StorageError
from shared.turn_safety import TurnSafety

#: A crisis answer waits at most this long for storage (claim, session) before it goes ahead without it.
CRISIS_STORAGE_WAIT_S = 1.0
T = TypeVar("T")


class SessionReader(Protocol):
    def session(self, user_id: str, session_id: str) -> Session | None: ...


class Keys(Protocol):
    """One answer per clientMessageId (shared.idempotency)."""

    def claim(
        self,
        user_id: str,
        client_message_id: str,
        message: str,
        session_hint: str | None,
        message_id: str,
        session_id: str,
    ) -> Claim: ...

    def held(self, user_id: str, client_message_id: str) -> bool: ...

    def release(self, user_id: str, client_message_id: str) -> None: ...


class Preferences(Protocol):
    """The person's own settings (shared.profiles): the translation verses are shown in."""

    def translation(self, user_id: str) -> str: ...


class Bucket(Protocol):
    """The per-user rate limit (shared.ratelimit)."""

    def give_back(self, user_id: str) -> None: ...


class Gate(Protocol):
    """The key claimed and the token taken in one round trip (shared.admission_gate); no token for a resend."""

    def claim_and_take(
        self,
        user_id: str,
        client_message_id: str,
        message: str,
        session_hint: str | None,
        message_id: str,
        session_id: str,
    ) -> tuple[Claim, Decision | None]: ...


@dataclass(frozen=True)
class Admitted:
    """This message is answered: under this id, in this session (a new one when none was named, or when the
    one named could not be read for a crisis), with this safety level."""

    message_id: str
    session: Session
    safety: TurnSafety
    #: Messages left today (shared.allowance), shown by clients when few are left.
    remaining_today: int | None = None
    #: The translation the person reads verses in (the default when their setting could not be read).
    translation: str = translations.DEFAULT

    def ack(self, client_message_id: str) -> Ack:
        return Ack(
            clientMessageId=client_message_id,
            messageId=self.message_id,
            sessionId=self.session.session_id,
            remainingToday=self.remaining_today,
        )


@dataclass(frozen=True)
class Resent:
    """Another copy of this message holds its key: that answer is replayed."""

    message_id: str
    session_id: str
    #: What to answer when there turns out to be nothing to replay: a crisis is answered anyway.
    otherwise: Admitted | None = None


@dataclass(frozen=True)
class Refused:
    """Not answered, for the reason the error frame gives (nothing was spent)."""

    error: Error


Entry = Admitted | Resent | Refused


def hear(message: str, session: Session) -> TurnSafety:
    """The message's safety heard with the session's recent messages and whether a crisis is open in it."""
    return turn_safety.of_turn(message, session.earlier_messages, crisis_open=session.crisis_open)


class Admission:
    """Decides whether and under which ids a message is answered; storage calls go out side by side."""

    def __init__(
        self,
        sessions: SessionReader,
        keys: Keys,
        bucket: Bucket,
        gate: Gate,
        io: Executor,
        preferences: Preferences | None = None,
    ) -> None:
        self._sessions = sessions
        self._keys = keys
        self._bucket = bucket
        self._gate = gate
        self._io = io
        self._preferences = preferences

    def admit(self, request: SendMessage, user_id: str) -> Entry:
        with hearing():  # the message and the conversation's earlier messages are each scanned once
            return self._admit(request, user_id)

    def _admit(self, request: SendMessage, user_id: str) -> Entry:
        cmid = request.client_message_id
        # Safety first: the message is heard before storage is read and before anything may refuse it.
        alone = turn_safety.of_message(request.message)
        message_id, session_id = new_id(), request.session_id or new_id()
        # Independent reads and writes go to storage at the same time; the session item carries the recent
        # turns (the model's context, and risk heard across them).
        reading = self._io.submit(self._sessions.session, user_id, request.session_id) if request.session_id else None
        ids = (user_id, cmid, request.message, request.session_id, message_id, session_id)
        preferring = self._io.submit(self._preferences.translation, user_id) if self._preferences else None
        if alone.crisis:  # a crisis takes no token: the key alone, and never waited on for long
            new_session = Session.new(session_id, user_id)
            claiming = self._io.submit(self._keys.claim, *ids)
            admitted = self._admit_crisis(request, message_id, new_session, reading, claiming)
            return _in_translation(admitted, preferring, CRISIS_STORAGE_WAIT_S)
        # One round trip while the session is read: the key claimed and the token taken together.
        claim, decision = self._gate.claim_and_take(*ids)
        if decision is None:
            # A resend never takes a token: the copy that claimed the key pays for the one answer.
            return Refused(_reused_key(cmid)) if claim.conflict else Resent(claim.message_id, claim.session_id)
        try:
            session = reading.result() if reading else Session.new(claim.session_id, user_id)
        except StorageError:
            self._undo(claim, decision, user_id, cmid)
            raise
        if session is None:
            self._undo(claim, decision, user_id, cmid)
            return Refused(
                Error(code=ErrorCode.NOT_FOUND, message="That conversation was not found.", clientMessageId=cmid)
            )
        safety = hear(request.message, session)
        if not decision.allowed and not safety.crisis:  # a crisis heard across the conversation is never refused
            self._undo(claim, decision, user_id, cmid)
            # Daily allowance (shared.allowance, taken with the burst token): its own error, saying when it resets.
            return Refused(allowance.refusal(decision, cmid) or _rate_limited(user_id, decision, cmid))
        if safety.crisis and decision.allowed:  # a crisis never counts against the limit or today's allowance
            with contextlib.suppress(StorageError):
                self._bucket.give_back(user_id)
        admitted = Admitted(claim.message_id, session, safety, allowance.remaining(decision))
        return _in_translation(admitted, preferring, None)

    def given_back(self, user_id: str, client_message_id: str) -> bool:
        """Whether the copy that claimed this key gave it back (it was refused), so a resend may try afresh."""
        return not self._keys.held(user_id, client_message_id)

    def _admit_crisis(
        self,
        request: SendMessage,
        message_id: str,
        new_session: Session,
        reading: Future[Session | None] | None,
        claiming: Future[Claim],
    ) -> Entry:
        """A crisis message gets the crisis answer whatever storage, the rate limit or the key say.

        Never rate limited (no token is taken), never refused as a reused key or an unknown conversation, never
        kept waiting on slow storage for more than CRISIS_STORAGE_WAIT_S.
        """
        claim = _within(claiming, CRISIS_STORAGE_WAIT_S)
        if reading is None:
            session = new_session  # the conversation this message starts, under the ids its key is claimed with
        else:
            # An unknown, unreadable or someone else's conversation: the answer starts a new one of the person's own.
            owned: Session | None = _within(reading, CRISIS_STORAGE_WAIT_S)
            session = owned or Session.new(new_id(), new_session.user_id)
        if claim is not None and not claim.fresh:
            message_id = new_id()  # the key belongs to another message or turn: this answer gets an id of its own
        logger.info("crisis heard before admission", message_id=message_id, storage_answered=claim is not None)
        admitted = Admitted(message_id, session, hear(request.message, session).raised_to(Safety.CRISIS))
        if claim is not None and not claim.fresh and not claim.conflict:
            return Resent(claim.message_id, claim.session_id, otherwise=admitted)
        return admitted

    def _undo(self, claim: Claim, decision: Decision, user_id: str, cmid: str) -> None:
        """Nothing will be answered for this claim: give back the token and, if this call made the claim, the key."""
        try:
            if decision.allowed:
                self._bucket.give_back(user_id)
            if claim.fresh:
                self._keys.release(user_id, cmid)
        except StorageError:
            metrics.add_metric(name=MetricName.STORAGE_ERRORS, unit="Count", value=1)
            logger.warning("could not undo a refused message's claim or token", user_id=user_id)


def _in_translation(entry: Entry, preferring: Future[str] | None, timeout_s: float | None) -> Entry:
    """The admitted answer in the person's translation; a setting that cannot be read never holds an answer up."""
    if preferring is None:
        return entry
    if timeout_s is None:
        try:
            translation: str | None = preferring.result()
        except StorageError:
            metrics.add_metric(name=MetricName.STORAGE_ERRORS, unit="Count", value=1)
            translation = None
    else:
        translation = _within(preferring, timeout_s)
    code = translations.or_default(translation)
    if isinstance(entry, Admitted):
        return replace(entry, translation=code)
    if isinstance(entry, Resent) and entry.otherwise is not None:
        return replace(entry, otherwise=replace(entry.otherwise, translation=code))
    return entry


def _within(future: Future[T], timeout_s: float) -> T | None:
    """The future's result, or None when it failed with a StorageError or took longer than `timeout_s`."""
    try:
        return future.result(timeout=timeout_s)
    except (StorageError, FutureTimeout):
        metrics.add_metric(name=MetricName.STORAGE_ERRORS, unit="Count", value=1)
        return None


def _reused_key(cmid: str) -> Error:
    return Error(
        code=ErrorCode.BAD_REQUEST,
        message="That clientMessageId was already used for another message.",
        clientMessageId=cmid,
    )


def _rate_limited(user_id: str, decision: Decision, cmid: str) -> Error:
    metrics.add_metric(name=MetricName.RATE_LIMITED, unit="Count", value=1)
    logger.info("rate limited", user_id=user_id, retry_after_ms=decision.retry_after_ms)
    return Error(
        code=ErrorCode.RATE_LIMITED,
        message="You're sending messages faster than we can answer kindly; please wait a moment.",
        clientMessageId=cmid,
        retryAfterMs=decision.retry_after_ms,
    )
