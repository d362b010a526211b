"""Choose stage: the feeling heard, the model's context, and verses that are real, fitting and new to the session."""

from __future__ import annotations

from shared.engine.prompt import ModelHeader
from shared.engine.scripture import get_catalogue
from shared.protocol import Safety
from shared.records import Exchange, Session
from shared.turn.choose import Chooser, Picked, meta_of
from shared.turn_safety import TurnSafety

MESSAGE = "I feel anxious about my exam tomorrow."


def _session(turns: int = 0, used: tuple[str, ...] = ()) -> Session:
    recent = tuple(Exchange(f"message {i}", f"answer {i}") for i in range(turns))
    return Session("s1", "u1", recent_turns=recent, used_references=used)


def test_the_model_sees_only_the_last_context_turns_and_the_seed_repeats() -> None:
    # Given a session of eight exchanges and a context of six
    chooser = Chooser(get_catalogue(), context_turns=6)
    # When the same message is chosen for twice
    first, second = chooser.choose(MESSAGE, _session(8)), chooser.choose(MESSAGE, _session(8))
    # Then the history is the last six, oldest first, and the seed (so the answer) is the same both times
    assert [e.message for e in first.history] == [f"message {i}" for i in range(2, 8)]
    assert first.seed == second.seed and first.emotion.emotion == "anxious"
    # And a turn at another place in the session gets another seed
    assert chooser.choose(MESSAGE, _session(1)).seed != first.seed


def test_no_context_turns_means_no_history() -> None:
    assert Chooser(get_catalogue(), context_turns=0).choose(MESSAGE, _session(3)).history == ()


def test_the_curated_verse_is_one_the_session_has_not_seen() -> None:
    catalogue = get_catalogue()
    chooser = Chooser(catalogue, context_turns=6)
    pool = catalogue.references("anxious")
    # Given a session that has seen every anxious verse but one
    choice = chooser.choose(MESSAGE, _session(used=pool[:-1]))
    # When a curated verse is picked, Then it is the one left
    assert chooser.curated(choice, TurnSafety()).verse.reference == pool[-1]


def test_a_crisis_gets_a_gentle_verse() -> None:
    catalogue = get_catalogue()
    chooser = Chooser(catalogue, context_turns=6)
    picked = chooser.for_crisis(chooser.choose("I want to end my life.", _session()))
    gentle = {entry.reference for entry in catalogue.entries(picked.emotion, gentle=True)}
    assert picked.verse.reference in gentle


def test_a_proposed_verse_that_is_not_in_the_catalogue_is_replaced_by_a_curated_one() -> None:
    catalogue = get_catalogue()
    chooser = Chooser(catalogue, context_turns=6)
    choice = chooser.choose(MESSAGE, _session())
    # When the model proposes a verse that does not exist
    picked = chooser.from_header(choice, ModelHeader("anxious", "Hezekiah 3:16"), TurnSafety(), "m1")
    # Then a curated verse for the feeling is shown instead
    assert picked.verse.reference in catalogue.references("anxious")


def test_the_models_emotion_is_taken_when_it_is_one_of_ours() -> None:
    chooser = Chooser(get_catalogue(), context_turns=6)
    choice = chooser.choose(MESSAGE, _session())
    picked = chooser.from_header(choice, ModelHeader("stressed", "Matthew 11:28"), TurnSafety(), "m1")
    assert picked.emotion == "stressed"
    # And one that is not ours is not
    assert chooser.from_header(choice, ModelHeader("bored", "Matthew 11:28"), TurnSafety(), "m1").emotion == "anxious"


def test_meta_shows_the_resources_only_when_the_person_may_be_at_risk() -> None:
    chooser = Chooser(get_catalogue(), context_turns=6)
    picked: Picked = chooser.curated(chooser.choose(MESSAGE, _session()), TurnSafety())
    ordinary = meta_of("m1", picked, TurnSafety(), None)
    concern = meta_of("m1", picked, TurnSafety(Safety.CONCERN), "GB")
    assert ordinary.resources is None and ordinary.safety is Safety.OK
    assert concern.safety is Safety.CONCERN and any(r.phone == "999" for r in concern.resources or [])
