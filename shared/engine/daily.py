"""Verse of the day: one verse per UTC calendar day, the same for everyone, from the hope and comfort verses.

Deterministic by date alone: days are numbered from 1970-01-01 (UTC) and walk through the pool in an order shuffled
once per cycle, so no verse comes back until every one of the pool has had its day.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from shared import translations
from shared.engine.scripture import ScriptureCatalogue, VerseChoice, get_catalogue

#: The tones a verse of the day is drawn from (catalogue.TONES): words that hold up whoever reads them that day.
DAILY_TONES = frozenset({"hope", "comfort"})
_EPOCH = date(1970, 1, 1)


def today() -> date:
    """The calendar day in UTC: the day changes at the same moment for everyone."""
    return datetime.now(UTC).date()


def daily_pool(catalogue: ScriptureCatalogue | None = None) -> tuple[str, ...]:
    """Every curated reference of a daily tone, in catalogue order."""
    catalogue = catalogue or get_catalogue()
    return tuple(ref for ref in catalogue.all_references() if catalogue.entry(ref).tone in DAILY_TONES)


def reference_of_the_day(day: date, catalogue: ScriptureCatalogue | None = None) -> str:
    pool = daily_pool(catalogue)
    number = (day - _EPOCH).days
    cycle, place = divmod(number, len(pool))
    order = list(pool)
    random.Random(f"verse-of-the-day:{cycle}").shuffle(order)
    return order[place]


def verse_of_the_day(
    day: date | None = None, translation: str = translations.DEFAULT, catalogue: ScriptureCatalogue | None = None
) -> VerseChoice:
    """That day's verse (today's when no day is given) in `translation`, its text from the bundled Bible."""
    catalogue = catalogue or get_catalogue()
    reference = reference_of_the_day(day or today(), catalogue)
    verse = catalogue.resolve(reference, translation)
    if verse is None:  # every catalogue reference resolves in every offered translation (tests/unit/engine)
        raise LookupError(f"the verse of the day {reference} does not resolve in {translation}")
    return verse
