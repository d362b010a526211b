"""Token coalescing: the first words at once, few frames, sentence ends flush, no token held past the limit."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest

from shared.sinks import DetachableSink
from shared.streaming import POST_MARGIN_S, TOKEN_HOLD_BUDGET_S, Coalescer, TokenStream, pump
from shared.turn.stream import Emitter

HOLD_S = TOKEN_HOLD_BUDGET_S - POST_MARGIN_S
SENTENCE = ["You ", "are ", "not ", "alone ", "in ", "this. "]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Recorder:
    """Frames as they leave, with how long each of their tokens waited."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.frames: list[str] = []
        self.holds: list[float] = []
        self._arrivals: list[float] = []

    def arrived(self) -> None:
        self._arrivals.append(self.clock.now)

    def __call__(self, text: str) -> None:
        self.frames.append(text)
        self.holds += [self.clock.now - at for at in self._arrivals]
        self._arrivals.clear()


def stream(tokens: list[str], gaps: list[float]) -> tuple[Recorder, FakeClock]:
    """Drive a coalescer as `pump` does: wait for the next token at most as long as the coalescer allows."""
    clock = FakeClock()
    out = Recorder(clock)
    coalescer = Coalescer(out, clock=clock)
    arrival = 0.0
    for token, gap in zip(tokens, gaps, strict=True):
        arrival += gap
        while (budget := coalescer.wait_budget()) is not None and clock.now + budget <= arrival:
            clock.now += budget
            coalescer.flush()
        clock.now = arrival
        out.arrived()
        coalescer.add(token)
    coalescer.flush()
    return out, clock


def words(count: int) -> list[str]:
    """An answer of `count` word tokens with a sentence end every 7 to 20 words, like prose."""
    rng = random.Random(count)
    tokens, until_end = [], rng.randint(7, 20)
    for i in range(count):
        until_end -= 1
        tokens.append(f"w{i}. " if until_end == 0 else f"w{i} ")
        until_end = until_end or rng.randint(7, 20)
    return tokens


def fewest_frames(tokens: int, rate: float, hold_s: float) -> int:
    """The fewest frames any coalescer could send at this pace without holding a token past `hold_s`."""
    return math.ceil(tokens / (math.floor(rate * hold_s) + 1))


def test_the_first_words_go_out_the_moment_they_arrive() -> None:
    # Given a fresh coalescer
    clock = FakeClock()
    out = Recorder(clock)
    coalescer = Coalescer(out, clock=clock)
    # When the model's first word arrives, mid-sentence
    out.arrived()
    coalescer.add("You ")
    # Then it is sent at once, without waiting for more
    assert out.frames == ["You "] and out.holds == [0.0]


def test_later_words_are_batched_until_the_interval_passes() -> None:
    # Given a coalescer that has sent the first words
    clock = FakeClock()
    out = Recorder(clock)
    coalescer = Coalescer(out, first_interval_s=0.05, clock=clock)
    coalescer.add("You ")
    # When more words arrive within the interval
    for word in ("are ", "not ", "alone "):
        clock.now += 0.01
        coalescer.add(word)
    # Then they wait, and the caller is told how long it may wait for the next word
    assert out.frames == ["You "]
    assert coalescer.wait_budget() == pytest.approx(0.05 - 0.02)


@pytest.mark.parametrize("rate", [10, 30, 60, 200])
def test_no_token_waits_longer_than_the_hold_limit(rate: float) -> None:
    # Given a 200-token answer at a steady pace
    tokens = words(200)
    # When it streams through the coalescer
    out, _ = stream(tokens, [1 / rate] * len(tokens))
    # Then nothing is lost or reordered, and no token waited past the limit
    assert "".join(out.frames) == "".join(tokens)
    assert max(out.holds) <= HOLD_S + 1e-9


def test_bursts_and_stalls_never_hold_a_token_past_the_limit() -> None:
    # Given a model that sends bursts of tokens, then stalls for up to a second
    rng = random.Random(7)
    tokens = words(300)
    gaps = [rng.choice([0.0, 0.0, 0.002, 0.03, 0.3, 1.0]) for _ in tokens]
    # When they stream through the coalescer
    out, _ = stream(tokens, gaps)
    # Then the text is whole and every token left within the limit
    assert "".join(out.frames) == "".join(tokens)
    assert max(out.holds) <= HOLD_S + 1e-9


def test_a_sentence_end_goes_out_at_once_once_the_text_has_waited() -> None:
    # Given a coalescer with a long interval that has sent its first words
    clock = FakeClock()
    out = Recorder(clock)
    coalescer = Coalescer(out, first_interval_s=0.2, max_hold_s=0.2, clock=clock)
    coalescer.add("Peace. ")
    # When the next sentence ends after waiting most of the interval
    clock.now = 0.05
    coalescer.add("Be ")
    clock.now = 0.20
    coalescer.add("still. ")
    # Then the sentence goes out without waiting for the rest of the interval
    assert out.frames == ["Peace. ", "Be still. "]


def test_a_sentence_end_right_after_a_frame_waits_for_more_words() -> None:
    # Given a coalescer that has just sent a frame
    clock = FakeClock()
    out = Recorder(clock)
    coalescer = Coalescer(out, first_interval_s=0.2, max_hold_s=0.2, clock=clock)
    coalescer.add("Peace. ")
    # When a one-word sentence ends a moment later
    clock.now = 0.01
    coalescer.add("Yes. ")
    # Then it is kept for the next frame instead of costing a message of its own
    assert out.frames == ["Peace. "]


@pytest.mark.parametrize("rate", [10, 30, 60])
def test_a_200_token_answer_needs_few_frames_at_any_pace(rate: float) -> None:
    # Given a 200-token answer at 10, 30 or 60 tokens per second
    tokens = words(200)
    # When it streams through the coalescer
    out, _ = stream(tokens, [1 / rate] * len(tokens))
    # Then it takes close to the fewest frames the hold limit allows (a frame per token would be 200)
    assert len(out.frames) <= 1.4 * fewest_frames(len(tokens), rate, HOLD_S)


def test_a_200_token_answer_at_60_tokens_per_second_costs_a_tenth_of_the_messages() -> None:
    # Given a 200-token answer at 60 tokens per second
    tokens = words(200)
    # When it streams through the coalescer
    out, _ = stream(tokens, [1 / 60] * len(tokens))
    # Then it costs at most a tenth of the messages one frame per token would
    assert len(out.frames) <= len(tokens) / 10


def _paced(tokens: list[str], delay_s: float) -> Iterator[str]:
    for token in tokens:
        time.sleep(delay_s)
        yield token


def test_pumped_fast_tokens_become_few_frames_and_join_to_the_text() -> None:
    # Given 200 tokens arriving every millisecond from a real model stream
    tokens = [f"w{i} " for i in range(200)]
    frames: list[str] = []
    # When they are pumped through the coalescer
    pump(TokenStream(_paced(tokens, 0.001)), Coalescer(frames.append))
    # Then far fewer frames go out, and nothing is lost or reordered
    assert "".join(frames) == "".join(tokens)
    assert len(frames) <= 20


def test_pumped_lone_token_goes_out_before_the_model_writes_again() -> None:
    # Given one token, then a long pause from the model
    sent: list[float] = []
    started = time.monotonic()

    def slow() -> Iterator[str]:
        yield "Hello "
        yield "there "
        time.sleep(0.6)
        yield "friend "

    # When pumped
    pump(TokenStream(slow()), Coalescer(lambda text: sent.append(time.monotonic() - started)))
    # Then the words went out at once and within the hold limit, long before the third arrived 0.6 s later
    assert len(sent) == 3
    assert sent[1] < 0.4 < 0.6 <= sent[2]


class SlowPoster:
    """A connection whose every post takes `post_s` (API Gateway throttling, a loaded machine)."""

    def __init__(self, post_s: float) -> None:
        self.post_s = post_s
        self.texts: list[str] = []
        self.delivered: list[float] = []

    def send(self, frame: Any) -> None:
        time.sleep(self.post_s)
        self.texts.append(frame.text)
        self.delivered.append(time.monotonic())


def _pump_through(poster: SlowPoster, tokens: list[str], delay_s: float) -> float:
    """Pump paced tokens into frames posted by a DetachableSink; returns when the last token reached the pump."""
    sink = DetachableSink(poster)
    emitter = Emitter(sink, "m-1", lambda seq, text: None)
    pump(TokenStream(_paced(tokens, delay_s)), Coalescer(emitter, pressure=sink))
    last_token_at = time.monotonic()
    sink.close()
    return last_token_at


def test_a_slow_connection_gets_fewer_larger_frames_and_falls_no_further_behind() -> None:
    # Given a connection whose posts take 300 ms, and a model writing 100 tokens at 100 tokens/s (1 s)
    poster = SlowPoster(post_s=0.3)
    tokens = [f"w{i} " for i in range(100)]
    # When the answer is pumped through the coalescer into that connection
    last_token_at = _pump_through(poster, tokens, 0.01)
    # Then every word arrives once and in order, in no more frames than the slow posts allow
    assert "".join(poster.texts) == "".join(tokens)
    assert len(poster.texts) <= 6
    # And the last words reach the person within two posts of the model writing them, not after a queue of frames
    assert poster.delivered[-1] - last_token_at < 2 * poster.post_s + 0.15


def test_a_quick_connection_keeps_the_usual_frames() -> None:
    # Given a connection whose posts take 1 ms, and 100 tokens at 100 tokens/s
    quick, tokens = SlowPoster(post_s=0.001), [f"w{i} " for i in range(100)]
    # When pumped with the sink's backpressure and, side by side, without it
    _pump_through(quick, tokens, 0.01)
    plain: list[str] = []
    pump(TokenStream(_paced(tokens, 0.01)), Coalescer(plain.append))
    # Then the quick connection's frames are as many as without backpressure (within timing jitter)
    assert "".join(quick.texts) == "".join(tokens)
    assert abs(len(quick.texts) - len(plain)) <= 2
