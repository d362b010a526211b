"""Write stage: the model's answer streamed behind its header, the crisis switch before any text, the composer."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.protocol import ErrorCode, Meta, Safety, SendMessage, StopReason
from shared.records import Session
from shared.turn.write import Written
from shared.turn_safety import TurnSafety
from tests.unit.fakes import Client, FakeModel, Stack

MESSAGE = "Today I sorted the garage and called my brother."


@dataclass
class Recording:
    """What the record stage would keep: meta and every delta; `stop` asks the answer to stop."""

    metas: list[Meta] = field(default_factory=list)
    deltas: list[tuple[int, str]] = field(default_factory=list)
    stop: bool = False

    def set_meta(self, meta: Meta) -> None:
        self.metas.append(meta)

    def record(self, seq: int, text: str) -> None:
        self.deltas.append((seq, text))

    def stopped(self) -> bool:
        return self.stop


def _write(
    model: FakeModel, safety: TurnSafety | None = None, recording: Recording | None = None
) -> tuple[Written, Client]:
    stack = Stack(model=model)
    choice = stack.chooser().choose(MESSAGE, Session.new("s1", "u1"))
    client = Client()
    request = SendMessage(message=MESSAGE, clientMessageId="c1")
    written = stack.writer().write(request, "m1", choice, safety or TurnSafety(), recording or Recording(), client)
    return written, client


def test_the_models_words_follow_meta_in_numbered_deltas_and_are_recorded() -> None:
    recording = Recording()
    written, client = _write(FakeModel(), recording=recording)
    # Then meta comes first, deltas are numbered from 1, and the text is the model's, without its header
    assert client.types[0] == "meta" and set(client.types[1:]) == {"delta"}
    assert [d.seq for d in client.of("delta")] == list(range(1, len(client.of("delta")) + 1))
    assert client.text == written.text == FakeModel().text + " "
    assert written.done.stop_reason is StopReason.END_TURN and written.done.seq == len(client.of("delta"))
    # And the recording kept the same meta and deltas
    assert recording.metas == client.of("meta") and "".join(t for _, t in recording.deltas) == written.text


def test_the_models_crisis_risk_switches_to_the_crisis_answer_before_any_of_its_text() -> None:
    written, client = _write(FakeModel(risk="crisis", text="Nice garage!"))
    meta = client.of("meta")[0]
    assert client.types[0] == "meta" and meta.safety is Safety.CRISIS and meta.resources
    assert "988" in client.text and "garage" not in client.text
    assert written.safety.crisis and written.safety.crisis_open


def test_the_models_concern_shows_the_resources_and_ends_with_an_invitation() -> None:
    written, client = _write(FakeModel(risk="concern"))
    assert client.of("meta")[0].safety is Safety.CONCERN and client.of("meta")[0].resources
    assert written.text.startswith(FakeModel().text) and len(written.text) > len(FakeModel().text) + 5


def test_a_model_that_says_none_never_lowers_a_crisis_heard_before() -> None:
    model = FakeModel(risk="none")
    written, client = _write(model, safety=TurnSafety(Safety.CRISIS, crisis_open=True))
    # Then the crisis answer is given without calling the model at all
    assert model.calls == [] and client.of("meta")[0].safety is Safety.CRISIS and written.safety.crisis


def test_a_model_that_cannot_start_is_replaced_by_the_composer() -> None:
    written, client = _write(FakeModel(unavailable=True))
    assert client.types[0] == "meta" and written.done.fallback is True
    assert len(written.text.split()) > 5 and written.done.stop_reason is StopReason.END_TURN


def test_a_stream_that_breaks_inside_the_header_is_replaced_by_the_composer() -> None:
    # Given a model whose stream is cut before its header line is complete (nothing of it was sent)
    written, client = _write(FakeModel(break_in_header=12))
    # Then the composer answers in its place, as if the model had not started
    assert client.types[0] == "meta" and "error" not in client.types
    assert written.done.fallback is True and written.done.stop_reason is StopReason.END_TURN


def test_a_stream_that_breaks_mid_answer_says_so_and_ends_as_an_error() -> None:
    written, client = _write(FakeModel(break_after=3))
    error = client.of("error")[0]
    assert error.code is ErrorCode.MODEL_UNAVAILABLE and error.message_id == "m1"
    assert written.done.stop_reason is StopReason.ERROR and written.text


def test_a_stop_request_ends_the_answer_as_stopped() -> None:
    written, _ = _write(FakeModel(), recording=Recording(stop=True))
    assert written.done.stop_reason is StopReason.STOPPED
