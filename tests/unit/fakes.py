"""In-memory stand-ins for the turn pipeline's edges: storage, keys, the rate limit, the model, the client."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel

from shared.engine.prompt import format_header
from shared.idempotency import Claim, fingerprint
from shared.model_client import ModelStream, ModelTurn, ModelUnavailable
from shared.protocol import Done, Meta, SessionSummary, TurnStatus, TurnView, _ServerFrame
from shared.ratelimit import Decision
from shared.records import Chunk, Exchange, Session, Turn, now_ms
from shared.storage import Page, StorageError


def _stored(frame: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    return frame.model_dump(by_alias=True, exclude_none=True) if isinstance(frame, BaseModel) else dict(frame)


class FakeConversations:
    """The conversations store in memory, with the repository's methods; `down` makes every call fail."""

    def __init__(self) -> None:
        self.turns: dict[str, Turn] = {}
        self.chunks: dict[str, list[tuple[int, str]]] = {}
        #: How many chunk writes also moved the turn's heartbeat (lastSeq, updatedAt).
        self.touches = 0
        self.sessions: dict[tuple[str, str], Session] = {}
        self.down = False
        self.read_delay_s = 0.0
        self._lock = threading.Lock()

    def _check(self) -> None:
        if self.down:
            raise StorageError("storage is down")

    # -- writes of a turn --------------------------------------------------------------------
    def start_turn(
        self,
        *,
        user_id: str,
        session_id: str,
        message_id: str,
        client_message_id: str,
        message: str,
        sibling_of: str | None = None,
        crisis: bool = False,
        touch_session: bool = True,
    ) -> None:
        self._check()
        at = now_ms()
        with self._lock:
            self.turns[message_id] = Turn(
                message_id,
                session_id,
                user_id,
                client_message_id,
                message,
                at,
                at,
                TurnStatus.STREAMING,
                sibling_of=sibling_of,
            )
            if touch_session:
                known = self.sessions.get((user_id, session_id)) or Session.new(session_id, user_id)
                self.sessions[(user_id, session_id)] = replace(
                    known, turn_count=known.turn_count + 1, created_at=known.created_at or at
                )

    def set_meta(self, message_id: str, meta: Meta | Mapping[str, Any]) -> None:
        self._check()
        with self._lock:
            turn = self.turns[message_id]
            self.turns[message_id] = replace(turn, meta=Meta.model_validate(_stored(meta)), updated_at=now_ms())

    def append_chunk(self, message_id: str, chunk: Chunk, *, touch: bool = True) -> None:
        self._check()
        with self._lock:
            self.chunks.setdefault(message_id, []).extend(chunk.deltas)
            self.touches += touch
            if touch:
                turn = self.turns[message_id]
                self.turns[message_id] = replace(turn, last_seq=chunk.deltas[-1][0], updated_at=now_ms())

    def finish_turn(
        self,
        *,
        message_id: str,
        session_id: str,
        user_id: str,
        status: TurnStatus,
        done: Done | Mapping[str, Any],
        answer: str,
    ) -> None:
        self._check()
        with self._lock:
            stored = Done.model_validate(_stored(done))
            turn = self.turns[message_id]
            self.turns[message_id] = replace(
                turn, status=status, done=stored, answer=answer, last_seq=stored.seq, updated_at=now_ms()
            )

    def stop_requested(self, message_id: str) -> bool:
        self._check()
        return self.turns[message_id].stop_requested

    def remember(self, session: Session, keep: int) -> None:
        self._check()
        kept = session.recent_turns[-keep:] if keep else ()
        with self._lock:
            known = self.sessions.get((session.user_id, session.session_id))
            if session.stored and known is None:
                return  # deleted while the answer was written
            count = (known or session).turn_count + (1 if session.stored else 0)
            created = known.created_at if known else session.created_at
            self.sessions[(session.user_id, session.session_id)] = replace(
                session, recent_turns=kept, turn_count=count, created_at=created
            )

    # -- reads -------------------------------------------------------------------------------
    def session(self, user_id: str, session_id: str) -> Session | None:
        time.sleep(self.read_delay_s)
        self._check()
        return self.sessions.get((user_id, session_id))

    def get_turn(self, message_id: str) -> Turn | None:
        self._check()
        return self.turns.get(message_id)

    def owned_turn(self, user_id: str, message_id: str) -> Turn | None:
        turn = self.get_turn(message_id)
        return turn if turn and turn.user_id == user_id else None

    def chunks_after(self, message_id: str, after_seq: int) -> Iterator[tuple[int, str]]:
        self._check()
        return iter([(seq, text) for seq, text in self.chunks.get(message_id, []) if seq > after_seq])

    def full_answer(self, turn: Turn) -> str:
        return "".join(text for _, text in self.chunks_after(turn.message_id, 0))

    def view(self, turn: Turn) -> TurnView:
        return turn.to_view(self.full_answer(turn))

    def list_turns(self, session_id: str, limit: int, cursor: str | None) -> Page[Turn]:
        ordered = sorted((t for t in self.turns.values() if t.session_id == session_id), key=lambda t: t.created_at)
        start = int(cursor) if cursor else 0
        items = ordered[start : start + limit]
        after = [str(start + i + 1) for i in range(len(items))]
        return Page(items, after[-1] if start + limit < len(ordered) and items else None, after)

    def list_sessions(self, user_id: str, limit: int, cursor: str | None) -> Page[SessionSummary]:
        mine = [s for (owner, _), s in self.sessions.items() if owner == user_id][:limit]
        items = [SessionSummary(sessionId=s.session_id, title=s.title, lastActivityAt=0) for s in mine]
        return Page(items, None, [str(i + 1) for i in range(len(items))])

    # -- seeding -----------------------------------------------------------------------------
    def seed_session(
        self, user_id: str, session_id: str, *exchanges: tuple[str, str], crisis_open: bool = False
    ) -> None:
        recent = tuple(Exchange(m, a) for m, a in exchanges)
        self.sessions[(user_id, session_id)] = Session(
            session_id, user_id, recent_turns=recent, crisis_open=crisis_open
        )


@dataclass
class FakeKeys:
    """Idempotency keys in memory; `down` fails every call, `claim_delay_s` makes the claim slow."""

    held_keys: dict[str, tuple[Claim, str]] = field(default_factory=dict)
    down: bool = False
    claim_delay_s: float = 0.0

    def claim(
        self,
        user_id: str,
        client_message_id: str,
        message: str,
        session_hint: str | None,
        message_id: str,
        session_id: str,
    ) -> Claim:
        time.sleep(self.claim_delay_s)
        if self.down:
            raise StorageError("keys are down")
        key, digest = f"{user_id}#{client_message_id}", fingerprint(message, session_hint)
        if key in self.held_keys:
            claim, held_digest = self.held_keys[key]
            return Claim(False, claim.message_id, claim.session_id, conflict=held_digest != digest)
        self.held_keys[key] = (Claim(True, message_id, session_id), digest)
        return Claim(True, message_id, session_id)

    def held(self, user_id: str, client_message_id: str) -> bool:
        return f"{user_id}#{client_message_id}" in self.held_keys

    def release(self, user_id: str, client_message_id: str) -> None:
        self.held_keys.pop(f"{user_id}#{client_message_id}", None)


@dataclass
class FakeBucket:
    """A rate limit of `tokens` messages; counts what was taken and given back."""

    tokens: int = 10
    taken: int = 0
    given_back: int = 0

    def take(self, user_id: str) -> Decision:
        if self.tokens < 1:
            return Decision(False, retry_after_ms=6000)
        self.tokens -= 1
        self.taken += 1
        return Decision(True)

    def give_back(self, user_id: str) -> None:
        self.tokens += 1
        self.given_back += 1


@dataclass
class FakeGate:
    """The key and the token as the real gate settles them in one transaction: no token unless the claim is fresh."""

    keys: FakeKeys
    bucket: FakeBucket

    def claim_and_take(
        self,
        user_id: str,
        client_message_id: str,
        message: str,
        session_hint: str | None,
        message_id: str,
        session_id: str,
    ) -> tuple[Claim, Decision | None]:
        claim = self.keys.claim(user_id, client_message_id, message, session_hint, message_id, session_id)
        return claim, self.bucket.take(user_id) if claim.fresh else None


@dataclass
class FakeModel:
    """A streamed model: a header line (emotion, reference, risk) and then `text`, word by word."""

    text: str = "Take heart: you are not alone in this. Rest a while tonight."
    emotion: str = "anxious"
    reference: str = "Philippians 4:6-7"
    risk: str = "none"
    unavailable: bool = False
    break_after: int | None = None
    #: The stream breaks after this much of the header line (before its newline).
    break_in_header: int | None = None
    calls: list[list[dict[str, Any]]] = field(default_factory=list)

    def start(self, system: str, messages: list[dict[str, Any]]) -> ModelStream:
        self.calls.append(messages)
        if self.unavailable:
            raise ModelUnavailable("ServiceUnavailableException")
        turn = ModelTurn(input_tokens=12, output_tokens=len(self.text.split()))
        return ModelStream(tokens=self._tokens(turn), turn=turn, close=lambda: None)

    def _tokens(self, turn: ModelTurn) -> Iterator[str]:
        header = format_header(self.emotion, self.reference, self.risk)
        if self.break_in_header is not None:
            yield header[: self.break_in_header]
            raise ModelUnavailable("stream_cut")
        yield header
        for index, word in enumerate(self.text.split(" ")):
            if self.break_after is not None and index >= self.break_after:
                raise ModelUnavailable("stream_cut")
            yield word + " "
        turn.stop_reason = "end_turn"


class Client:
    """The frames a client received, in order."""

    def __init__(self) -> None:
        self.frames: list[_ServerFrame] = []
        self._lock = threading.Lock()

    def send(self, frame: _ServerFrame) -> None:
        with self._lock:
            self.frames.append(frame)

    @property
    def types(self) -> list[str]:
        return [str(getattr(f, "type", "?")) for f in self.frames]

    def of(self, kind: str) -> list[Any]:
        return [f for f in self.frames if getattr(f, "type", None) == kind]

    @property
    def text(self) -> str:
        return "".join(f.text for f in self.of("delta"))


@dataclass
class Context:
    """A Lambda context whose invocation has `remaining_s` left."""

    remaining_s: float

    def __post_init__(self) -> None:
        self._until = time.monotonic() + self.remaining_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._until - time.monotonic()) * 1000))


def delta_texts(deltas: Iterable[Any]) -> str:
    return "".join(d.text for d in deltas)


@dataclass
class Stack:
    """The turn pipeline built on the fakes above, as the container builds it on DynamoDB and Bedrock."""

    conversations: FakeConversations = field(default_factory=FakeConversations)
    keys: FakeKeys = field(default_factory=FakeKeys)
    bucket: FakeBucket = field(default_factory=FakeBucket)
    model: FakeModel = field(default_factory=FakeModel)
    context_turns: int = 6

    def admission(self) -> Any:
        from concurrent.futures import ThreadPoolExecutor

        from shared.turn.admit import Admission

        gate = FakeGate(self.keys, self.bucket)
        return Admission(self.conversations, self.keys, self.bucket, gate, ThreadPoolExecutor(max_workers=4))

    def chooser(self) -> Any:
        from shared.engine.scripture import get_catalogue
        from shared.turn.choose import Chooser

        return Chooser(get_catalogue(), self.context_turns)

    def writer(self) -> Any:
        from shared.turn.write import Writer

        return Writer(self.model, self.chooser(), first_token_budget_s=2.0)

    def follower(self) -> Any:
        from shared.turn.follow import Follower

        return Follower(self.conversations, self.keys)

    def service(self) -> Any:
        from shared.turn.pipeline import TurnService

        return TurnService(
            self.admission(), self.chooser(), self.writer(), self.follower(), self.conversations, self.context_turns
        )
