"""The offline emotion classifier: taxonomy, accuracy floors, negation, intensity, joy, relief and mixed messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.engine.emotion_lexicon import IDIOMS, LEXICON
from shared.engine.emotions import EMOTIONS, POSITIVE, classify
from shared.engine.evaluate import emotion_accuracy

DATA = Path(__file__).resolve().parents[2] / "data"
ACCURACY_FLOOR = 0.9  # measured 1.00 on the labelled set (written alongside the lexicon)
PER_EMOTION_FLOOR = 0.75
# emotions_blind.jsonl was written before the joy/relief work and scored 0.42 on the old lexicon; the lexicon was
# then tuned with it in view (0.99), so its floor guards the tuning, not generalisation.
# emotions_blind_2.jsonl was written after the tuning and scored once, untouched: 0.475 (the old lexicon: 0.35).
# That is the honest measure: most misses are messages with no lexicon phrase, heard as "seeking" at 0.3.
BLIND_FLOOR = 0.95
BLIND_2_FLOOR = 0.45


def test_taxonomy_has_the_required_emotions() -> None:
    required = {
        "anxious",
        "afraid",
        "sad",
        "grieving",
        "lonely",
        "angry",
        "guilty",
        "ashamed",
        "overwhelmed",
        "stressed",
        "confused",
        "hopeful",
        "grateful",
        "joyful",
        "relieved",
    }
    assert required <= set(EMOTIONS) and len(EMOTIONS) >= 12
    assert {"hopeful", "grateful", "joyful", "relieved"} == POSITIVE


def test_every_emotion_has_a_lexicon_and_idioms_name_only_known_emotions() -> None:
    assert set(LEXICON) == set(EMOTIONS)
    assert set(IDIOMS) <= set(EMOTIONS)


def test_accuracy_on_the_labelled_set_stays_above_the_floor() -> None:
    # Given 150+ labelled sentences across every emotion
    overall, per_emotion = emotion_accuracy(DATA / "emotions.jsonl")
    assert sum(total for _, total in per_emotion.values()) >= 150
    assert set(per_emotion) == set(EMOTIONS)
    # Then overall and per-emotion accuracy stay above the floors
    assert overall >= ACCURACY_FLOOR
    for emotion, (right, total) in per_emotion.items():
        assert right / total >= PER_EMOTION_FLOOR, emotion


def test_confidence_is_between_zero_and_one_and_scores_cover_the_taxonomy() -> None:
    for text in ["I'm so anxious", "", "hello there", "I'm grateful but also a bit worried"]:
        result = classify(text)
        assert 0.0 <= result.confidence <= 1.0
        assert set(result.scores) == set(EMOTIONS)


def test_negation_turns_the_feeling_around() -> None:
    # Given negated feelings; Then they are not reported as that feeling
    assert classify("I'm not anxious anymore").emotion != "anxious"
    assert classify("I'm not anxious anymore, I think it will be okay").emotion == "hopeful"
    assert classify("I am not happy at all").emotion == "sad"
    assert classify("I don't feel lonely today, I feel grateful").emotion == "grateful"
    # But "can't stop worrying" is still worry
    assert classify("I can't stop worrying").emotion == "anxious"


def test_intensity_raises_confidence() -> None:
    mild = classify("I'm a little anxious")
    strong = classify("I'm extremely anxious")
    assert mild.emotion == strong.emotion == "anxious"
    assert strong.confidence > mild.confidence


def test_mixed_message_picks_the_dominant_feeling() -> None:
    # Given a message with two feelings where the second is stressed by "but ... mostly"
    result = classify("I was worried this morning but mostly I am so grateful for my friends")
    # Then the dominant one wins and the other still shows in the scores
    assert result.emotion == "grateful"
    assert result.scores["anxious"] > 0


def test_no_feeling_falls_back_to_seeking_with_low_confidence() -> None:
    result = classify("hello")
    assert result.emotion == "seeking" and result.confidence < 0.5


@pytest.mark.parametrize(
    ("name", "floor"), [("emotions_blind.jsonl", BLIND_FLOOR), ("emotions_blind_2.jsonl", BLIND_2_FLOOR)]
)
def test_accuracy_on_the_blind_sets_stays_above_what_was_measured(name: str, floor: float) -> None:
    # Given messages in people's own voices, written apart from the lexicon
    overall, per_emotion = emotion_accuracy(DATA / name)
    # Then every emotion is represented and the accuracy measured when the set was scored holds
    assert set(per_emotion) == set(EMOTIONS)
    assert overall >= floor


def test_happy_tears_at_a_birth_are_joy_not_sorrow() -> None:
    # Given the message that was once answered as sad
    text = (
        "Our daughter was born yesterday, healthy and perfect. "
        "I'm overwhelmed with gratitude, I can't stop crying happy tears."
    )
    # When it is classified
    result = classify(text)
    # Then it is heard as joy or thanks, and neither sorrow nor tiredness takes any share
    assert result.emotion in {"joyful", "grateful"}
    assert result.scores["sad"] == 0 and result.scores["overwhelmed"] == 0


@pytest.mark.parametrize(
    ("text", "emotion"),
    [
        ("crying with joy", "joyful"),
        ("tears of joy all day, we got married!", "joyful"),
        ("I'm overwhelmed with gratitude", "grateful"),
        ("God answered our prayers.", "grateful"),
        ("we're pregnant!!", "joyful"),
        ("the pregnancy test came back positive!!", "joyful"),
    ],
)
def test_joy_and_thanks_are_recognised_in_words_that_elsewhere_mean_pain(text: str, emotion: str) -> None:
    assert classify(text).emotion == emotion


@pytest.mark.parametrize(
    ("text", "emotion"),
    [
        # a spouse leaving is heartbreak (the "sad" verses speak to the brokenhearted); "grieving" is kept for a
        # death, and loneliness is what the person would name if that were the pain
        ("My wife left.", "sad"),
        ("he packed his things and moved out this morning", "sad"),
        ("I got laid off today", "sad"),
        ("dad's funeral is friday", "grieving"),
        ("We had to put our dog down today.", "grieving"),
        ("the test came back positive", "afraid"),
        ("They found a lump.", "afraid"),
    ],
)
def test_pain_is_heard_when_no_feeling_is_named(text: str, emotion: str) -> None:
    # Given an event told without a feeling word; Then it is heard as the pain it usually brings
    assert classify(text).emotion == emotion


@pytest.mark.parametrize(
    "text",
    [
        "the biopsy came back clean",
        "we finally found out he's okay",
        "I can breathe again",
        "What a relief, the scan was clear.",
        "I was terrified but the scan came back clear",
    ],
)
def test_relief_is_its_own_feeling(text: str) -> None:
    assert classify(text).emotion == "relieved"


@pytest.mark.parametrize(
    ("text", "emotion"),
    [
        ("exhausted but grateful", "grateful"),
        ("scared but hopeful about the new job", "hopeful"),
        ("sad to leave but excited for what's next", "joyful"),
        ("Happy for them I guess, but I'm still alone on a Friday night.", "lonely"),
        ("Though I'm exhausted, I'm grateful for today", "grateful"),
        ("I'm grateful, though I'm exhausted", "grateful"),
    ],
)
def test_in_mixed_feelings_the_one_after_but_leads(text: str, emotion: str) -> None:
    # Given two feelings joined by "but", "yet" or "though"
    result = classify(text)
    # Then the one the person lands on leads, and the other still shows in the scores
    assert result.emotion == emotion
    assert sorted(result.scores.values())[-2] > 0


def test_yet_about_time_is_no_contrast() -> None:
    # Given "yet" meaning "so far"; Then it neither splits the sentence nor breaks the negation
    assert classify("I haven't heard back yet but I'm hopeful").emotion == "hopeful"
    assert classify("I'm not happy yet").emotion == "sad"
    # But "tired yet thankful" is a contrast like "but"
    assert classify("tired yet thankful").emotion == "grateful"


def test_a_mixed_message_is_heard_with_less_confidence_than_a_plain_one() -> None:
    assert classify("exhausted but grateful").confidence < classify("I'm grateful").confidence
    assert classify("scared but hopeful").confidence < classify("I'm hopeful").confidence


@pytest.mark.parametrize(
    ("text", "not_emotion", "emotion"),
    [
        ("thanks for nothing", "grateful", "angry"),
        ("I'm not grateful", "grateful", "sad"),
        ("I'm not okay.", "hopeful", "sad"),
        ("I thought I'd be happy after the promotion but I just feel empty.", "joyful", "sad"),
        ("I should be grateful, but I'm not.", "grateful", "sad"),
        ("I'm not grateful, I'm exhausted, and everyone keeps telling me to count my blessings.", "grateful", None),
    ],
)
def test_good_words_that_are_denied_or_sarcastic_do_not_count(text: str, not_emotion: str, emotion: str | None) -> None:
    result = classify(text)
    assert result.emotion != not_emotion
    assert emotion is None or result.emotion == emotion


def test_surprise_is_not_denial() -> None:
    # Given "never" in front of "thought", not in front of the feeling; Then the feeling stands
    assert classify("I never thought I'd be this happy").emotion == "joyful"
    assert classify("I passed my exam and I'm thrilled!").emotion == "joyful"
    assert classify("He passed away last night.").emotion == "grieving"
