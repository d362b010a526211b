"""Following a stored answer: replayed after a seq, live until done, and ended clearly before the handler's timeout."""

from __future__ import annotations

import threading
import time

from shared.deadline import MARGIN_S, Deadline
from shared.protocol import Done, Meta, StopReason, Timings, TurnStatus, Verse
from shared.records import Chunk
from tests.unit.fakes import Client, Context, Stack

USER = "user-1"


def _streaming_turn(stack: Stack, message_id: str = "m1", parts: int = 3) -> None:
    """A turn whose writer stored meta and a few deltas, then stopped writing (it died, or is slow)."""
    conversations = stack.conversations
    conversations.start_turn(user_id=USER, session_id="s1", message_id=message_id, client_message_id="c1", message="hi")
    verse = Verse(reference="Psalm 34:18", text="Yahweh is near to those who have a broken heart.")
    conversations.set_meta(message_id, Meta(messageId=message_id, emotion="sad", confidence=0.8, verse=verse))
    conversations.append_chunk(message_id, Chunk(1, [(seq, f"part {seq}. ") for seq in range(1, parts + 1)]))


def _follow_in_thread(stack: Stack, deadline: Deadline, client: Client, after_seq: int = 0) -> threading.Thread:
    turn = stack.conversations.get_turn("m1")
    assert turn is not None
    thread = threading.Thread(target=stack.follower().follow, args=(turn, after_seq, client, deadline), daemon=True)
    thread.start()
    return thread


def test_an_answer_whose_writer_is_gone_ends_with_done_error_before_the_handlers_timeout() -> None:
    # Given an answer left streaming by a writer that is gone, and a handler with 1.5 s left past the margin
    stack = Stack()
    _streaming_turn(stack)
    context = Context(remaining_s=MARGIN_S + 1.5)
    client = Client()
    # When it is followed from seq 1
    started = time.monotonic()
    thread = _follow_in_thread(stack, Deadline.of(context), client, after_seq=1)
    thread.join(timeout=10)
    # Then following ends before the handler's time runs out, with a margin left to return
    assert not thread.is_alive(), "still following after the handler's timeout"
    assert time.monotonic() - started < 1.5 + 0.5 and context.get_remaining_time_in_millis() > 1000
    # And the client got meta, the stored text after seq 1, and a done saying the answer is incomplete
    assert client.types == ["meta", "delta", "delta", "done"]
    assert client.text == "part 2. part 3. "
    done = client.of("done")[0]
    assert done.stop_reason is StopReason.ERROR and done.seq == 3


def test_a_finished_answer_is_sent_after_the_seq_asked_for_with_its_own_done() -> None:
    stack = Stack()
    _streaming_turn(stack)
    done = Done(messageId="m1", seq=3, stopReason=StopReason.END_TURN, metrics=Timings(totalMs=12.0))
    stack.conversations.finish_turn(
        message_id="m1", session_id="s1", user_id=USER, status=TurnStatus.COMPLETE, done=done, answer="x"
    )
    client = Client()
    _follow_in_thread(stack, Deadline.within(60), client, after_seq=2).join(timeout=5)
    assert client.types == ["meta", "delta", "done"] and client.text == "part 3. "
    assert client.of("done")[0] == done


def test_an_answer_finishing_while_followed_is_followed_to_its_end() -> None:
    stack = Stack()
    _streaming_turn(stack, parts=1)
    client = Client()
    thread = _follow_in_thread(stack, Deadline.within(60), client)
    # When the writer adds more and finishes
    time.sleep(0.25)
    stack.conversations.append_chunk("m1", Chunk(2, [(2, "and more.")]))
    done = Done(messageId="m1", seq=2, stopReason=StopReason.END_TURN, metrics=Timings(totalMs=300.0))
    stack.conversations.finish_turn(
        message_id="m1", session_id="s1", user_id=USER, status=TurnStatus.COMPLETE, done=done, answer=""
    )
    thread.join(timeout=5)
    # Then every delta arrives once, in order, and the writer's done ends it
    assert client.types == ["meta", "delta", "delta", "done"] and client.text == "part 1. and more."
    assert client.of("done")[0].stop_reason is StopReason.END_TURN


def test_the_deadline_is_the_invocations_remaining_time_less_the_margin() -> None:
    deadline = Deadline.of(Context(remaining_s=10.0))
    assert 10.0 - MARGIN_S - 0.2 < deadline.left_s() <= 10.0 - MARGIN_S


def test_a_resend_whose_first_copy_gave_its_key_back_has_nothing_to_replay() -> None:
    # Given a key nobody holds (the first copy was refused) and no turn stored
    stack = Stack()
    client = Client()
    started = time.monotonic()
    # When the resend asks to replay, Then there is nothing, at once, and nothing was sent
    assert not stack.follower().replay("m9", "s9", USER, "c9", client, Deadline.within(60))
    assert time.monotonic() - started < 1.0 and client.frames == []
