"""Token coalescing: few frames, sentence ends flush, no token held past the window."""

from __future__ import annotations

import time
from collections.abc import Iterator

from shared.streaming import Coalescer, TokenStream, pump


def _paced(tokens: list[str], delay_s: float) -> Iterator[str]:
    for token in tokens:
        time.sleep(delay_s)
        yield token


def test_fast_tokens_become_few_frames_and_join_to_the_text() -> None:
    # Given 200 tokens arriving every millisecond
    tokens = [f"w{i} " for i in range(200)]
    frames: list[tuple[float, str]] = []
    # When they are pumped through the coalescer
    pump(TokenStream(_paced(tokens, 0.001)), Coalescer(lambda text: frames.append((time.monotonic(), text))))
    # Then far fewer frames go out, and nothing is lost or reordered
    assert "".join(text for _, text in frames) == "".join(tokens)
    assert len(frames) < 40


def test_sentence_end_flushes_immediately() -> None:
    # Given a coalescer with a long window that has sent its first words
    out: list[str] = []
    coalescer = Coalescer(out.append, interval_s=10)
    coalescer.add("Peace. ")
    # When a sentence ends
    coalescer.add("Be ")
    coalescer.add("still. ")
    # Then the sentence goes out without waiting
    assert out == ["Peace. ", "Be still. "]


def test_first_words_go_out_at_once_and_later_ones_are_batched() -> None:
    # Given a coalescer with a long window
    out: list[str] = []
    coalescer = Coalescer(out.append, interval_s=10)
    # When words arrive mid-sentence
    for word in ("You ", "are ", "not ", "alone "):
        coalescer.add(word)
    # Then the first went out at once and the rest wait for the window or the sentence end
    assert out == ["You "]
    coalescer.flush()
    assert out == ["You ", "are not alone "]


def test_a_lone_token_is_not_held_longer_than_the_window() -> None:
    # Given one token, then a long pause from the model
    frames: list[float] = []
    started = time.monotonic()

    def slow() -> Iterator[str]:
        yield "Hello "
        time.sleep(0.3)
        yield "there "

    # When pumped with a 40 ms window
    pump(TokenStream(slow()), Coalescer(lambda text: frames.append(time.monotonic() - started)))
    # Then the first token went out at once, long before the second arrived 0.3 s later
    assert len(frames) == 2
    assert frames[0] < frames[1] - 0.15
