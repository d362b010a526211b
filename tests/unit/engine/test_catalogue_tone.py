"""Catalogue tones and theme lines: every verse fits who it is shown to, and its line is true, short and its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.engine.catalogue import (
    CURATED,
    GENTLE_EMOTIONS,
    GENTLE_FALLBACK,
    GENTLE_MIN,
    GENTLE_TONES,
    HARSH_TONES,
    RELATED,
    THEME_MAX_CHARS,
    TONES,
    CatalogueEntry,
    tone_fits,
)
from shared.engine.catalogue_themes import NOTES
from shared.engine.scripture import ScriptureCatalogue, get_catalogue

DOC = Path(__file__).resolve().parents[3] / "docs" / "scripture.md"
SEEDS = range(12)


@pytest.fixture(scope="module")
def catalogue() -> ScriptureCatalogue:
    return get_catalogue()


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower().replace("'", "").replace("\u2019", ""))


def review_table(catalogue: ScriptureCatalogue | None = None) -> str:
    """The reference table of docs/scripture.md, generated from the catalogue (paste it when this test fails)."""
    catalogue = catalogue or get_catalogue()
    lines = ["| Reference | Serves | Tone | Why it fits |", "|---|---|---|---|"]
    for reference in catalogue.all_references():
        serves = ", ".join(emotion for emotion in catalogue.emotions if reference in catalogue.references(emotion))
        entry = catalogue.entry(reference)
        lines.append(f"| {reference} | {serves} | {entry.tone} | {entry.theme} |")
    return "\n".join(lines)


# -- the data -------------------------------------------------------------------------------------


def test_every_reference_has_a_known_tone_and_a_short_theme_line(catalogue: ScriptureCatalogue) -> None:
    # Given every curated reference
    for reference in catalogue.all_references():
        # When its entry is read
        entry = catalogue.entry(reference)
        # Then it has one tone of the fixed set and a theme line of the documented form
        assert entry.reference == reference
        assert entry.tone in TONES, reference
        theme = entry.theme
        assert theme and len(theme) <= THEME_MAX_CHARS, reference
        assert theme[0].islower() and not re.search(r"[;:]|[.!?]$", theme), reference
        assert _words(theme)[0].endswith("s"), (reference, "a theme starts with a third-person verb")
    # And no tone or theme is kept for a reference the lists no longer hold
    assert set(NOTES) == set(catalogue.all_references())


def test_no_two_references_share_a_theme_line_or_its_opening(catalogue: ScriptureCatalogue) -> None:
    # Given every theme line; Then no two are the same, and no two begin with the same five words
    openings: dict[tuple[str, ...], str] = {}
    for reference in catalogue.all_references():
        opening = tuple(_words(catalogue.entry(reference).theme)[:5])
        assert opening not in openings, (reference, openings.get(opening))
        openings[opening] = reference


def test_theme_lines_do_not_quote_the_verse(catalogue: ScriptureCatalogue) -> None:
    # Given each reference's WEB text and its theme line
    quoting = []
    for reference in catalogue.all_references():
        verse = catalogue.resolve(reference)
        assert verse is not None, reference
        text = _words(verse.text)
        runs = {tuple(text[i : i + 6]) for i in range(len(text) - 5)}
        theme = _words(catalogue.entry(reference).theme)
        # When every six-word run of the theme is looked for in the verse; Then none is there
        quoting += [
            (reference, " ".join(theme[i : i + 6])) for i in range(len(theme) - 5) if tuple(theme[i : i + 6]) in runs
        ]
    assert quoting == []


def test_resolve_fills_tone_and_theme_from_the_catalogue(catalogue: ScriptureCatalogue) -> None:
    # Given every reference; When resolved; Then the verse carries the catalogue's tone and theme
    for reference in catalogue.all_references():
        verse = catalogue.resolve(reference)
        entry = catalogue.entry(reference)
        assert verse is not None and (verse.tone, verse.theme) == (entry.tone, entry.theme), reference
    # And a single verse inside a curated passage takes that passage's tone and theme
    verse = catalogue.resolve("Psalm 139:23")
    assert verse is not None and verse.theme == catalogue.entry("Psalm 139:23-24").theme
    # And a passage outside the catalogue has none
    outside = catalogue.resolve("Genesis 1:1")
    assert outside is not None and (outside.tone, outside.theme) == ("", "")


# -- the rule --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tone", "emotion", "gentle", "fits"),
    [
        ("conviction", "guilty", False, True),
        ("conviction", "angry", False, False),
        ("conviction", "sad", False, False),
        ("conviction", "guilty", True, False),
        ("rebuke", "guilty", False, False),
        ("rebuke", "joyful", False, False),
        ("wisdom", "angry", False, True),
        ("wisdom", "angry", True, False),
        ("joy", "joyful", True, False),
        ("comfort", "joyful", True, True),
        ("mercy", "guilty", True, True),
        ("sarcasm", "joyful", False, False),
    ],
)
def test_tone_fits_the_rule(tone: str, emotion: str, gentle: bool, fits: bool) -> None:
    # Given a tone, an emotion and whether the answer must be gentle; Then the rule decides as documented
    assert tone_fits(tone, emotion, gentle=gentle) is fits


def test_every_list_holds_only_fitting_references_and_enough_of_them(catalogue: ScriptureCatalogue) -> None:
    for emotion in catalogue.emotions:
        # Given an emotion's curated list
        tones = [catalogue.entry(ref).tone for ref in catalogue.references(emotion)]
        # Then every reference in it fits the emotion, and there are at least eight
        assert all(tone_fits(tone, emotion) for tone in tones), emotion
        assert len(catalogue.entries(emotion)) == len(tones) >= 8, emotion
        # And an emotion of pain holds no conviction or rebuke at all
        if emotion in GENTLE_EMOTIONS:
            assert not HARSH_TONES & set(tones), emotion
    # And the emotions of pain named by the issue are all treated gently
    assert {"grieving", "lonely", "ashamed", "afraid", "angry", "sad"} <= GENTLE_EMOTIONS


def test_entries_are_the_fitting_references_in_catalogue_order(catalogue: ScriptureCatalogue) -> None:
    # Given the guilty list, which holds conviction verses
    # When its entries are asked for, plainly and gently
    plain, gentle = catalogue.entries("guilty"), catalogue.entries("guilty", gentle=True)
    # Then they are catalogue entries in list order, and the gentle ones leave conviction out
    assert all(isinstance(entry, CatalogueEntry) for entry in plain)
    assert tuple(entry.reference for entry in plain) == catalogue.references("guilty")
    assert [entry.reference for entry in gentle] == [
        ref for ref in catalogue.references("guilty") if catalogue.entry(ref).tone in GENTLE_TONES
    ]
    assert "Acts 3:19" in catalogue.references("guilty") and "Acts 3:19" not in {e.reference for e in gentle}


def test_gentle_answers_have_enough_verses_for_every_emotion(catalogue: ScriptureCatalogue) -> None:
    for emotion in catalogue.emotions:
        # Given an emotion heard in a crisis or concern message
        own = [ref for ref in catalogue.references(emotion) if catalogue.entry(ref).tone in GENTLE_TONES]
        # When the gentle pool is asked for
        pool = catalogue.entries(emotion, gentle=True)
        # Then it has at least three verses, all of a gentle tone
        assert len(pool) >= GENTLE_MIN and {entry.tone for entry in pool} <= GENTLE_TONES, emotion
        # And an emotion with too few of its own takes the fallback list's gentle verses
        if len(own) < GENTLE_MIN:
            assert pool == catalogue.entries(GENTLE_FALLBACK, gentle=True), emotion


def test_choose_only_returns_fitting_verses(catalogue: ScriptureCatalogue) -> None:
    for emotion in catalogue.emotions:
        for seed in SEEDS:
            # Given any emotion and seed; When a verse is chosen, plainly and gently
            plain = catalogue.choose(emotion, seed=seed)
            gentle = catalogue.choose(emotion, seed=seed, gentle=True)
            # Then it fits, and carries its catalogue tone and theme
            assert tone_fits(plain.tone, emotion) and plain.theme, (emotion, seed, plain.reference)
            assert gentle.tone in GENTLE_TONES and gentle.theme, (emotion, seed, gentle.reference)
            assert plain.theme == catalogue.entry(plain.reference).theme


# -- model proposals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proposal", "emotion"),
    [
        ("Proverbs 29:11", "angry"),  # "A fool vents all of his anger": no longer in the catalogue
        ("Ecclesiastes 7:9", "angry"),
        ("James 4:8", "sad"),  # "Cleanse your hands, you sinners": conviction, guilty's list only
        ("James 4:8", "lonely"),
        ("James 4:8", "seeking"),
        ("Acts 3:19", "ashamed"),  # ashamed may borrow from guilty, but not its call to repent
        ("Psalm 139:23-24", "ashamed"),
        ("Psalm 139:24", "anxious"),
    ],
)
def test_a_proposal_that_does_not_fit_is_substituted(
    catalogue: ScriptureCatalogue, proposal: str, emotion: str
) -> None:
    # Given a model proposing a verse whose tone does not fit the person
    for seed in SEEDS:
        # When it is validated
        verse, substituted = catalogue.validate_proposal(proposal, emotion, seed=seed)
        # Then a fitting curated verse replaces it
        assert substituted, (proposal, emotion)
        assert verse.reference in catalogue.references(emotion) and tone_fits(verse.tone, emotion)


def test_a_fitting_proposal_is_kept_with_its_passage_tone_and_theme(catalogue: ScriptureCatalogue) -> None:
    # Given a guilty person and a proposed verse inside the curated Acts 3:19 and Psalm 139:23-24
    verse, substituted = catalogue.validate_proposal("Psalm 139:23", "guilty")
    # Then it is kept, with the enclosing passage's tone and theme
    assert not substituted and verse.reference == "Psalm 139:23"
    assert (verse.tone, verse.theme) == ("conviction", catalogue.entry("Psalm 139:23-24").theme)
    # But not when the answer must be gentle
    verse, substituted = catalogue.validate_proposal("Acts 3:19", "guilty", gentle=True)
    assert substituted and verse.tone in GENTLE_TONES
    # And a related emotion's fitting verse keeps its own tone (ashamed borrowing guilty's mercy)
    verse, substituted = catalogue.validate_proposal("Psalm 103:12", "ashamed")
    assert not substituted and verse.tone == "mercy"


def test_no_proposal_ever_brings_a_harsh_verse_to_someone_hurting(catalogue: ScriptureCatalogue) -> None:
    # Given every catalogue reference proposed to every emotion of pain, and to every emotion gently
    for proposal in catalogue.all_references():
        for emotion in catalogue.emotions:
            for gentle in (False, True):
                if emotion not in GENTLE_EMOTIONS and not gentle:
                    continue
                # When validated; Then what is shown is never conviction or rebuke, and gentle means gentle
                verse, _ = catalogue.validate_proposal(proposal, emotion, seed=len(proposal), gentle=gentle)
                assert verse.tone not in HARSH_TONES, (proposal, emotion)
                assert not gentle or verse.tone in GENTLE_TONES, (proposal, emotion)


# -- the emotions and the review record ---------------------------------------------------------------


def test_related_emotions_are_catalogue_emotions() -> None:
    # Given the neighbours a proposal may come from; Then each side names an emotion the catalogue lists
    assert set(RELATED) == set(CURATED)
    assert all(set(others) <= set(CURATED) and emotion not in others for emotion, others in RELATED.items())


def test_the_review_record_lists_exactly_the_catalogue(catalogue: ScriptureCatalogue) -> None:
    # Given docs/scripture.md; When its reference table is read
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index("| Reference | Serves | Tone | Why it fits |")
    documented = [line for line in lines[start:] if line.startswith("|")]
    # Then it is row for row what the catalogue holds (paste the table printed below to update it)
    expected = review_table(catalogue)
    assert "\n".join(documented) == expected, f"docs/scripture.md is out of date; its table should be:\n{expected}"
    # And it names every tone it uses
    text = DOC.read_text(encoding="utf-8")
    assert all(f"`{tone}`" in text for tone in TONES)
