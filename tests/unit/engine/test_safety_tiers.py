"""The two-tier crisis detector: blind and old sets, the misses it was redesigned for, turns, languages, answers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from shared.engine.evaluate_crisis import conversation_score, crisis_score, load, scores_by, tier_score
from shared.engine.safety import (
    CATEGORIES,
    IMMINENCE,
    MEANS,
    RELIGIOUS,
    SafetyAssessment,
    assess,
    assess_conversation,
    concern_line,
    crisis_message,
    says_safe,
)
from shared.engine.safety_signals import english, fold
from shared.protocol import Safety

DATA = Path(__file__).resolve().parents[2] / "data"
#: Measured 1.000 on the blind set after the redesign (0.167 before it). The set was scored blind once, with the
#: old detector; the redesign then saw its misses, so this floor guards against regressions, not generalisation.
BLIND_CRISIS_RECALL_FLOOR = 0.95
CRISIS_FALSE_ALARM_CEILING = 0.10


def test_blind_set_is_large_varied_and_labelled_with_the_fixed_categories() -> None:
    # Given the blind set written before the redesign
    rows = load(DATA / "crisis_blind.jsonl")
    # Then it has 60+ crisis messages and 60+ hard negatives, every category, and four other languages
    assert sum(bool(r["crisis"]) for r in rows) >= 60
    assert sum(not r["crisis"] for r in rows) >= 60
    assert {r["category"] for r in rows if r["crisis"]} == set(CATEGORIES)
    assert {"es", "pt", "fr", "de"} <= {r["lang"] for r in rows if r["crisis"]}


def test_blind_set_recall_first_with_few_false_crises() -> None:
    # Given the blind set, When each message is assessed alone
    score = tier_score(load(DATA / "crisis_blind.jsonl"))
    # Then crises get the crisis answer, none is left without the resources, and hard negatives rarely trigger it
    assert score.crisis_recall >= BLIND_CRISIS_RECALL_FLOOR, score.missed
    assert score.concern_recall == 1.0, score.missed_entirely
    assert score.crisis_false_alarm_rate <= CRISIS_FALSE_ALARM_CEILING, score.false_alarms


def test_blind_set_every_category_and_language_reaches_at_least_concern() -> None:
    # Given the blind set, When it is scored per category and per language
    rows = load(DATA / "crisis_blind.jsonl")
    # Then no category or language leaves a crisis message without the resources
    for field in ("category", "lang"):
        for value, score in scores_by(rows, field).items():
            if score.positives:
                assert score.concern_recall == 1.0, (field, value, score.missed_entirely)


@pytest.mark.parametrize("name", ["crisis.jsonl", "crisis_holdout.jsonl", "crisis_fresh.jsonl"])
def test_old_sets_keep_full_recall_and_no_false_crisis(name: str) -> None:
    # Given the sets the old phrase rules were written for (recall 1.0, no false crisis on any of them)
    score = crisis_score(DATA / name)
    # Then the redesign keeps both
    assert score.recall == 1.0, score.missed
    assert score.false_positive_rate == 0.0, score.false_alarms


@pytest.mark.parametrize(
    "text",
    [
        "I have a plan, I'm going to take all my pills tonight",
        "I have a gun and I've been thinking about using it on myself",
        "suicide seems like the only way out",
        "I'm on the roof of my building right now",
        "I'm not going to be around much longer",
        "God, please forgive me for what I'm about to do to myself",
        "i want to k1ll myself",
        "i want to kil myslef",
        "quiero matarme",
        "ich will mich umbringen",
    ],
    ids=[
        "plan-method-tonight",
        "weapon-on-oneself",
        "only-way-out",
        "at-a-height-now",
        "leaving-not-around",
        "prayer-for-forgiveness",
        "digit-spelling",
        "misspelling",
        "spanish",
        "german",
    ],
)
def test_the_misses_that_prompted_the_redesign_are_crises(text: str) -> None:
    # Given a message of a kind the old phrase rules missed on someone else's held-out set
    # When it is assessed
    # Then it gets the crisis answer
    assert assess(text).crisis, text


def test_digits_for_letters_are_read_as_the_word() -> None:
    # Given digits typed for letters, When normalised and assessed, Then it reads "kill myself" and is a crisis
    assert english(fold("i want to k1ll mys3lf")) == "i want to kill myself"
    assert assess("i want to k1ll mys3lf").crisis


def test_normalisation_folds_accents_repeats_and_texting_spellings() -> None:
    # Given capitals, accents, long repeats and missing apostrophes, Then the normalised text is what was meant
    assert fold("Estoy en el PUENTE ahora") == "estoy en el puente ahora"
    assert english(fold("im sooooo done, i cant")) == "i'm so done, i can't"
    assert english(fold("Ich bin müde, ich weiß")) == "ich bin mude, ich weiss"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("No quiero seguir viviendo, quiero matarme", "es"),
        ("Eu quero me matar, não aguento mais", "pt"),
        ("Je veux me suicider, j'en peux plus", "fr"),
        ("Ich will nicht mehr leben", "de"),
    ],
)
def test_explicit_statements_in_other_languages_are_crises_in_that_language(text: str, language: str) -> None:
    # Given an explicit statement in Spanish, Portuguese, French or German
    result = assess(text)
    # Then it is a crisis, and the assessment names the language (the answer can be given in it)
    assert result.crisis and result.language == language


def test_english_messages_have_no_language_set() -> None:
    # Given English, Then no language is named (the English answer is the default)
    assert assess("I want to die").language is None


@pytest.mark.parametrize(
    "text",
    [
        "I can't do this anymore",
        "what's the point",
        "I feel so hopeless",
        "I'm a burden",
        "I have a gun at home",
        "I've been saving my pills",
        "I'm standing on the bridge",
    ],
)
def test_moderate_or_ambiguous_signals_are_concern_not_crisis(text: str) -> None:
    # Given hopelessness alone, a means mentioned without intent, or a place without more
    result = assess(text)
    # Then the resources are shown beside an ordinary answer, without the crisis answer
    assert result.level is Safety.CONCERN, text


@pytest.mark.parametrize(
    "text",
    [
        "this exam is killing me",
        "I'd die for a coffee",
        "the roof needs fixing",
        "dead tired",
        "I could kill for pizza",
        "I killed myself laughing at that video",
        "I would never hurt myself",
        "my grandpa took his own life in the 80s",
        "I can't wait to be in heaven with Jesus one day",
        "me muero de hambre",
    ],
)
def test_idioms_negations_past_and_hopeful_faith_are_ordinary(text: str) -> None:
    # Given an idiom, a negation, someone else's past or hopeful talk of heaven, Then the answer is ordinary
    assert assess(text).level is Safety.OK, text


def test_categories_come_from_the_fixed_set_and_the_text_is_never_kept() -> None:
    # Given a message with a place, a time and means, When assessed
    result = assess("I'm on the bridge right now and I have the pills with me")
    # Then the categories that fired are named from the fixed set, and no word of the message is kept
    assert result.crisis and set(result.categories) <= set(CATEGORIES)
    assert {IMMINENCE, MEANS} <= set(result.categories)
    assert "bridge" not in repr(result) and "pills" not in repr(result)
    assert RELIGIOUS in assess("Lord forgive me for what I'm about to do").categories


def test_risk_accumulates_across_turns() -> None:
    # Given two messages each below the crisis bar alone
    first, second = "I can't do this anymore", "I've been saving my pills"
    assert not assess(first).crisis and not assess(second).crisis
    # When the second follows the first in the same session
    result = assess_conversation(second, [first])
    # Then together they are a crisis
    assert result.crisis and {MEANS} <= set(result.categories)


def test_idioms_over_several_turns_stay_ordinary() -> None:
    # Given three idioms in earlier turns and a fourth now, When heard together, Then they add up to nothing
    earlier = ["this exam is killing me", "I could kill for pizza right now", "my feet are killing me"]
    result = assess_conversation("I'm dead tired lol", earlier)
    assert result.level is Safety.OK


def test_older_turns_weigh_less() -> None:
    # Given a means message right before, and the same message six turns back, When "I can't do this anymore" follows
    recent = assess_conversation("I can't do this anymore", ["I've been saving my pills"])
    old = assess_conversation(
        "I can't do this anymore", ["I've been saving my pills", "ok", "thanks", "hm", "ok", "ya"]
    )
    # Then only the recent one makes a crisis (an old crisis is kept open by the caller, not by this score)
    assert recent.crisis and not old.crisis and old.concern


def test_the_current_message_alone_being_a_crisis_is_always_a_crisis() -> None:
    # Given calm earlier turns, When the message itself is a crisis, Then the conversation is a crisis
    result = assess_conversation("I want to kill myself", ["I'm grateful for today", "we had a lovely picnic"])
    assert result.crisis


def test_hopelessness_said_again_and_again_stays_concern() -> None:
    # Given hopelessness said four times and nothing else, Then it stays a concern (repetition never makes a crisis)
    earlier = ["I can't do this anymore", "I can't do this anymore", "I feel hopeless"]
    assert assess_conversation("I can't do this anymore", earlier).level is Safety.CONCERN


def test_conversation_set() -> None:
    # Given 20+ labelled conversations (accumulations, decays, idioms that must not accumulate)
    score = conversation_score(DATA / "crisis_conversations.jsonl")
    assert score.rows >= 20
    # Then every crisis is caught, nothing below a crisis is answered as one, and every level is right
    assert score.crisis_recall == 1.0 and score.false_crisis_rate == 0.0, score.wrong
    assert score.exact == 1.0, score.wrong


@pytest.mark.parametrize(
    "text",
    [
        "I'm safe now",
        "I called 988 and talked to someone",
        "I'm okay, I won't do anything tonight",
        "I'm with my sister now",
        "estoy a salvo",
        "ich bin in Sicherheit",
    ],
)
def test_says_safe_when_the_person_says_they_are_safe(text: str) -> None:
    # Given a person who says they are safe now (in English, Spanish or German), Then an open crisis may close
    assert says_safe(text), text


@pytest.mark.parametrize(
    "text",
    [
        "I'm not safe",
        "I don't feel safe tonight",
        "I'm safe now but I want to kill myself",
        "I'm okay now but I still have the pills",
        "thanks for the verse",
    ],
)
def test_says_safe_is_false_when_not_safe_still_at_risk_or_silent(text: str) -> None:
    # Given "not safe", a crisis beside "safe", means still at hand, or nothing about safety, Then it stays open
    assert not says_safe(text), text


_FIRST_PERSON_FAITH_OR_FEELING = re.compile(r"\bI(?:'m| am)? pray|\bI(?:'m| am) praying|\bI feel\b", re.IGNORECASE)


@pytest.mark.parametrize("language", [None, "es", "pt", "fr", "de"])
def test_answers_never_claim_to_pray_or_feel(language: str | None) -> None:
    # Given every variant of both answers in every language, Then none says "I pray", "I'm praying" or "I feel"
    for seed in range(40):
        for text in (crisis_message(seed, language), concern_line(seed, language)):
            assert not _FIRST_PERSON_FAITH_OR_FEELING.search(text), text


def test_spanish_crisis_message_names_988_with_spanish_support_and_emergency_services() -> None:
    # Given the Spanish crisis answer, Then it names 988 with its Spanish line (press 2) and emergency services
    texts = {crisis_message(seed, "es") for seed in range(30)}
    assert len(texts) > 2
    for text in texts:
        assert "988" in text and "marca 2" in text and ("911" in text or "emergencia" in text)
        sentences = [s for s in text.split(". ") if s.strip()]
        assert 2 <= len(sentences) <= 3


def test_concern_line_invites_gently_and_points_at_the_listed_people() -> None:
    # Given the concern line's variants, Then each points at the people listed, briefly and without alarm
    lines = {concern_line(seed) for seed in range(30)}
    assert len(lines) >= 3
    for line in lines:
        assert "listed with this message" in line
        assert not re.search(r"\b(?:emergency|danger|crisis|911)\b", line, re.IGNORECASE)
        assert len([s for s in line.split(". ") if s.strip()]) <= 2
    assert any("junto a este mensaje" in concern_line(seed, "es") for seed in range(10))


def test_assessment_levels_and_properties_agree() -> None:
    # Given each level, Then crisis is only the crisis level and concern is concern or higher
    assert SafetyAssessment(Safety.CRISIS).crisis and SafetyAssessment(Safety.CRISIS).concern
    assert SafetyAssessment(Safety.CONCERN).concern and not SafetyAssessment(Safety.CONCERN).crisis
    assert not SafetyAssessment(Safety.OK).concern


def test_blind_set_file_is_one_json_object_a_line_with_the_fields() -> None:
    # Given the blind set file, Then every line is one object with the four fields, labelled from the fixed sets
    for line in (DATA / "crisis_blind.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert set(row) == {"text", "crisis", "category", "lang"}
        assert row["category"] in CATEGORIES and row["lang"] in {"en", "es", "pt", "fr", "de"}


def test_a_crisis_worded_with_hope_or_thanks_is_answered_as_pain() -> None:
    # Given crisis messages whose words the classifier hears as hopeful and as grateful
    from shared.engine.emotions import POSITIVE, classify
    from shared.engine.safety import crisis_emotion

    messages = ["I hope I don't wake up in the morning.", "Goodbye everyone, thank you for everything, I'm done."]
    heard = [classify(m) for m in messages]
    # When the crisis answer picks the feeling it speaks to
    chosen = [crisis_emotion(h) for h in heard]
    # Then it is never a positive feeling: the verse comforts instead of celebrating
    assert not any(c in POSITIVE for c in chosen)


def test_explain_names_the_guard_that_kept_an_idiom_or_a_negation_below_the_bar() -> None:
    # Given an idiom, a negation, an accident, someone else's past and a plain crisis statement
    from shared.engine.safety import explain

    def guards(text: str) -> set[str]:
        return {g for f in explain(text) for g in f.guards}

    # Then explain says which guard cut each cue
    assert guards("I killed myself laughing at that video") == {"idiom"}
    assert guards("I would never kill myself") == {"negated"}
    assert guards("I cut myself while cooking dinner") == {"accident"}
    assert guards("my friend attempted suicide years ago") == {"said_of_someone_else", "past"}
    # And the crisis cue went through uncut, and a finding holds offsets and categories, never the words
    crisis = explain("I want to kill myself tonight")
    assert any(f.category == "explicit" and f.weight == f.cue_weight and not f.guards for f in crisis)
    assert all(isinstance(f.start, int) and not hasattr(f, "text") for f in crisis)
