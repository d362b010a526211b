"""The composer over a session: no sentence twice in 20 answers, and no phrase that claims a person who prays."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pytest

from shared.engine.composer import PHRASES, compose, sentences
from shared.engine.composer_answers import ANSWERS
from shared.engine.composer_pools import (
    BANNED_PHRASES,
    FAMILY_OF,
    FAMILY_PHRASES,
    PLAIN_BRIDGES,
    THEME_BRIDGES,
    TONE_BRIDGES,
)
from shared.engine.emotions import EMOTIONS, EmotionResult
from shared.engine.evaluate_composer import report
from shared.engine.scripture import get_catalogue

DATA = Path(__file__).resolve().parents[2] / "data"
_SPLIT = re.compile(r"(?<=[.!?])\s+")
#: Words that would make the companion a person: it has no "I", no "we", no prayers of its own.
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'll|i'd|me|my|mine|myself|we|we're|us|our|ours)\b")


def _feeling(name: str) -> EmotionResult:
    return EmotionResult(name, 0.8, MappingProxyType({name: 1.0}))


def _session(messages: list[tuple[str, str]], seed: int = 0) -> list[str]:
    """Answers to consecutive messages, each composed with all the earlier answers, as the chat does."""
    catalogue = get_catalogue()
    previous: list[str] = []
    used: list[str] = []
    for turn, (emotion, message) in enumerate(messages):
        verse = catalogue.choose(emotion if emotion in catalogue.emotions else "seeking", used=used, seed=seed + turn)
        previous.append(
            compose(message, emotion=_feeling(emotion), verse=verse, seed=seed + turn, previous=tuple(previous))
        )
        used.append(verse.reference)
    return previous


def _repeats(answers: list[str]) -> list[str]:
    said = [s.casefold() for answer in answers for s in _SPLIT.split(answer)]
    return sorted({s for s in said if said.count(s) > 1})


def _templates() -> Iterator[str]:
    for phrases in (*PHRASES.values(), *FAMILY_PHRASES.values()):
        yield from (*phrases.openings, *phrases.echoes, *phrases.middles, *phrases.closings)
    for group in ANSWERS.values():
        yield from group
    yield from (*THEME_BRIDGES, *PLAIN_BRIDGES, *(t for group in TONE_BRIDGES.values() for t in group))


@pytest.mark.parametrize("emotion", [*EMOTIONS, "relieved"])
def test_twenty_answers_to_the_same_message_repeat_no_sentence(emotion: str) -> None:
    # Given one ordinary message sent 20 times in a session
    answers = _session([(emotion, "I had a long day at work and I keep thinking about it.")] * 20, seed=7)
    # Then no sentence comes twice, and every answer still has its three sentences
    assert _repeats(answers) == []
    assert [sentences(a) for a in answers] == [3] * 20


def test_twenty_short_answers_keep_two_sentences_without_repeats() -> None:
    for emotion in (*EMOTIONS, "relieved"):
        answers = _session([(emotion, "so tired")] * 20, seed=3)
        assert _repeats(answers) == [] and [sentences(a) for a in answers] == [2] * 20


def test_sessions_of_varied_messages_repeat_no_sentence() -> None:
    # Given the evaluation messages in sessions of 20
    rows = [json.loads(line) for line in (DATA / "composer_messages.jsonl").read_text().splitlines() if line]
    for start in range(0, len(rows), 20):
        answers = _session([(r["emotion"], r["text"]) for r in rows[start : start + 20]], seed=start)
        # Then no sentence repeats inside a session
        assert _repeats(answers) == [], start


def test_the_stock_line_users_saw_four_times_is_gone() -> None:
    answers = _session([("anxious", "I'm anxious about everything.")] * 20)
    assert not any("Breathe slowly, and know you are held." in answer for answer in answers)


def test_no_template_claims_the_companion_prays_feels_or_is_a_person() -> None:
    # Given every sentence the composer can write
    banned = [re.compile(pattern) for pattern in BANNED_PHRASES]
    for template in _templates():
        text = template.lower().replace("\u2019", "'")
        # Then none says it prays, feels, or is a person, and none speaks as "I" or "we"
        assert not any(pattern.search(text) for pattern in banned), template
        assert not _FIRST_PERSON.search(text), template


def test_the_banned_list_catches_what_users_saw() -> None:
    banned = [re.compile(pattern) for pattern in BANNED_PHRASES]
    for claim in ("i'm praying for calm", "i pray you rest", "praying for you", "i feel for you", "my heart goes out"):
        assert any(pattern.search(claim) for pattern in banned), claim


def test_echo_templates_keep_the_phrase_after_a_preposition() -> None:
    # A plural phrase ("your kids") never meets a singular verb, and never starts a sentence in lower case.
    for phrases in (*PHRASES.values(), *FAMILY_PHRASES.values()):
        for template in phrases.echoes:
            assert re.search(r"\b(?:about|with|around|for) \{topic\}", template), template
        for template in (*phrases.openings, *phrases.middles, *phrases.closings):
            assert "{" not in template, template


def test_every_emotion_has_its_own_sentences_and_a_family() -> None:
    for emotion in (*EMOTIONS, "relieved"):
        phrases = PHRASES[emotion]
        assert len(set(phrases.openings)) >= 6 and len(set(phrases.closings)) >= 6
        family = FAMILY_PHRASES[FAMILY_OF[emotion]]
        # 20 answers need 20 openings and 20 closings
        assert len(set(phrases.openings + family.openings)) >= 20
        assert len(set(phrases.closings + family.closings)) >= 20


def test_the_evaluator_reports_no_repeats_no_banned_phrase_and_clean_echoes() -> None:
    # When the evaluator runs over the message set
    lines = report(DATA)
    text = "\n".join(lines)
    # Then its figures show what the tests above promise
    assert "repeated per 20 answers  0.00 (mixed sessions)" in text
    assert re.search(r"banned phrases\s+0$", text, re.M)
    echoes = re.search(r"echoed fragments\s+(\d+), clean noun phrases (\d+)/(\d+)", text)
    assert echoes and echoes.group(2) == echoes.group(3)
    asked = re.search(r"questions acknowledged\s+(\d+)/(\d+)", text)
    assert asked and int(asked.group(2)) >= 15 and asked.group(1) == asked.group(2)
