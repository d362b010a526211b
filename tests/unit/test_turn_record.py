"""Record stage: the message first, the answer as it streams, the final status, and the session's memory."""

from __future__ import annotations

import time

import pytest

from shared import recorder as recorder_module
from shared.conversation_items import STALE_AFTER_MS, turn_of
from shared.protocol import Done, Meta, StopReason, Timings, TurnStatus, Verse
from shared.recorder import TurnRecorder
from shared.records import Exchange, Session, now_ms
from tests.unit.fakes import FakeConversations

IDS = {"message_id": "m1", "session_id": "s1", "user_id": "u1"}
VERSE = Verse(reference="Psalm 34:18", text="Yahweh is near to those who have a broken heart.")


def _done(seq: int) -> Done:
    return Done(messageId="m1", seq=seq, stopReason=StopReason.END_TURN, metrics=Timings(totalMs=5.0))


def test_the_message_then_the_answer_are_stored_and_finish_says_so() -> None:
    store = FakeConversations()
    recorder = TurnRecorder(store, **IDS).begin(client_message_id="c1", message="I feel low.").start()
    # When meta and two deltas stream, and the answer finishes
    recorder.set_meta(Meta(messageId="m1", emotion="sad", confidence=0.7, verse=VERSE))
    recorder.record(1, "You are ")
    recorder.record(2, "not alone.")
    stored = recorder.finish(TurnStatus.COMPLETE, _done(2))
    # Then it reached storage: the message, meta, every delta, the status and the done frame
    turn = store.turns["m1"]
    assert stored and turn.message == "I feel low." and turn.meta is not None and turn.meta.emotion == "sad"
    assert store.full_answer(turn) == "You are not alone." and turn.answer == "You are not alone."
    assert turn.status is TurnStatus.COMPLETE and turn.done == _done(2) and turn.last_seq == 2


def test_an_answer_that_cannot_be_stored_is_reported_not_stored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recorder_module, "FINAL_WRITE_ATTEMPTS", 2)
    store = FakeConversations()
    recorder = TurnRecorder(store, **IDS).begin(client_message_id="c1", message="hi").start()
    store.down = True
    assert recorder.finish(TurnStatus.COMPLETE, _done(0)) is False


def test_the_session_remembers_the_exchange_the_verse_and_the_crisis_state() -> None:
    session = Session("s1", "u1", recent_turns=(Exchange("a", "b"),), used_references=("John 3:16",))
    after = session.after_answer("I feel low.", "You are not alone.", "Psalm 34:18", crisis_open=True)
    assert after.recent_turns[-1] == Exchange("I feel low.", "You are not alone.")
    assert after.used_references == ("John 3:16", "Psalm 34:18") and after.crisis_open
    # And an answer with no text (stopped at once) adds no context, but its verse was shown
    empty = session.after_answer("hi", "", "Psalm 23:1", crisis_open=False)
    assert empty.recent_turns == session.recent_turns and empty.used_references[-1] == "Psalm 23:1"


def test_a_turn_item_seeded_with_part_of_its_done_reads_back_with_its_stop_reason() -> None:
    # Given a turn item as a seeding tool writes it: done holds only seq and stopReason
    at = now_ms()
    item = {
        "messageId": "m1",
        "sessionId": "s1",
        "userId": "u1",
        "message": "hi",
        "turnAt": at,
        "updatedAt": at + 40,
        "status": "complete",
        "lastSeq": 3,
        "done": {"seq": 3, "stopReason": "end_turn"},
        "answer": "Hello.",
    }
    # When it is read back, Then the done is whole and the history view shows it
    turn = turn_of(item)
    assert turn.done is not None and turn.done.stop_reason is StopReason.END_TURN and turn.done.message_id == "m1"
    view = turn.to_view("Hello.")
    assert view.stop_reason is StopReason.END_TURN and view.answer == "Hello." and view.status is TurnStatus.COMPLETE


class _CountingStore(FakeConversations):
    def __init__(self) -> None:
        super().__init__()
        self.stop_reads = 0

    def stop_requested(self, message_id: str) -> bool:
        self.stop_reads += 1
        return super().stop_requested(message_id)


def test_a_streaming_answer_reads_its_stop_flag_at_most_five_times_a_second_and_sees_a_stop() -> None:
    """Given an answer streaming for a second with nobody asking to stop it
    When the recorder watches its stop flag
    Then it read the flag at most once per STOP_POLL_INTERVAL_S (5 a second, not 10), an interval that keeps a
    stop within STOP_LATENCY_MAX_S (250 ms)
    And when a stop is then requested, the answer sees it."""
    import threading
    from dataclasses import replace

    from shared import limits

    store = _CountingStore()
    recorder = TurnRecorder(store, **IDS).begin(client_message_id="c1", message="I feel low.").start()
    threading.Event().wait(1.0)
    reads = store.stop_reads
    assert 1 <= reads <= 1 / limits.STOP_POLL_INTERVAL_S
    assert limits.STOP_POLL_INTERVAL_S < limits.STOP_LATENCY_MAX_S
    store.turns["m1"] = replace(store.turns["m1"], stop_requested=True)
    assert recorder.stop_requested.wait(timeout=5)
    recorder.finish(TurnStatus.STOPPED, _done(0))


def test_a_streaming_answer_stores_its_text_every_flush_but_its_heartbeat_only_every_few(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a recorder flushing every 20 ms and moving the turn's heartbeat at most every 200 ms
    monkeypatch.setattr(recorder_module, "FLUSH_INTERVAL_S", 0.02)
    monkeypatch.setattr(recorder_module, "STOP_POLL_INTERVAL_S", 0.01)
    monkeypatch.setattr(recorder_module, "HEARTBEAT_INTERVAL_S", 0.2)
    store = FakeConversations()
    recorder = TurnRecorder(store, **IDS).begin(client_message_id="c1", message="I feel low.").start()
    # When an answer streams for half a second
    deadline = time.monotonic() + 0.5
    seq = 0
    while time.monotonic() < deadline:
        seq += 1
        recorder.record(seq, f"w{seq} ")
        time.sleep(0.005)
    chunks_while_streaming = len(store.chunks.get("m1", []))
    touches = store.touches
    recorder.finish(TurnStatus.COMPLETE, _done(seq))
    # Then the text went to storage flush by flush (resume can replay it), the whole turn item far less often,
    assert chunks_while_streaming > 0 and 1 <= touches <= 4
    # and the finished turn holds every word and its last seq
    turn = store.turns["m1"]
    assert store.full_answer(turn) == "".join(f"w{i} " for i in range(1, seq + 1)) and turn.last_seq == seq


def test_the_heartbeat_comes_well_before_a_streaming_turn_would_read_as_abandoned() -> None:
    # Given the heartbeat interval and the age after which a silent streaming turn reads as incomplete
    # Then a live answer always refreshes its turn several times within that age
    assert recorder_module.HEARTBEAT_INTERVAL_S * 1000 * 3 <= STALE_AFTER_MS
