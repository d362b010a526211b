"""The offline emotion classifier: taxonomy, accuracy floor, negation, intensity and mixed messages."""

from __future__ import annotations

from pathlib import Path

from shared.engine.emotions import EMOTIONS, classify
from shared.engine.evaluate import emotion_accuracy

DATA = Path(__file__).resolve().parents[2] / "data"
ACCURACY_FLOOR = 0.9  # measured 1.00 on the labelled set (written alongside the lexicon)
PER_EMOTION_FLOOR = 0.75


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
    }
    assert required <= set(EMOTIONS) and len(EMOTIONS) >= 12


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
