"""Verse of the day: the same for everyone on a UTC day, from hope and comfort verses, no repeat within a cycle."""

from __future__ import annotations

from datetime import date, timedelta

from shared.engine.daily import DAILY_TONES, daily_pool, reference_of_the_day, verse_of_the_day
from shared.engine.scripture import get_catalogue


def test_one_day_gives_everyone_the_same_verse_and_the_next_day_another() -> None:
    # Given a calendar day
    day = date(2026, 12, 1)
    # When its verse is asked for twice (two people, two servers)
    first, second = verse_of_the_day(day), verse_of_the_day(day)
    # Then both get the same verse, and the next day brings a different one
    assert first == second
    assert verse_of_the_day(day + timedelta(days=1)).reference != first.reference


def test_the_verse_of_the_day_is_a_curated_hope_or_comfort_verse_with_its_text_looked_up() -> None:
    # Given a year of days
    catalogue = get_catalogue()
    for offset in range(366):
        verse = verse_of_the_day(date(2027, 1, 1) + timedelta(days=offset))
        # Then every verse is a catalogue reference of a daily tone, with text from the bundled Bible
        assert catalogue.entry(verse.reference).tone in DAILY_TONES
        assert verse.text and verse.translation == "WEB"


def test_no_verse_comes_back_before_every_one_of_the_pool_had_its_day() -> None:
    # Given the pool and the first day of a cycle (days are counted from 1970-01-01)
    pool = daily_pool()
    start = date(1970, 1, 1) + timedelta(days=len(pool) * 250)
    # When the verses of a whole cycle are listed
    cycle = [reference_of_the_day(start + timedelta(days=i)) for i in range(len(pool))]
    # Then each verse of the pool comes exactly once
    assert sorted(cycle) == sorted(pool)
    assert len(pool) >= 30


def test_the_verse_of_the_day_is_shown_in_the_translation_asked_for() -> None:
    # Given a day; When its verse is asked for in the KJV
    day = date(2026, 12, 25)
    web, kjv = verse_of_the_day(day), verse_of_the_day(day, "KJV")
    # Then it is the same passage in the KJV's words
    assert kjv.reference == web.reference and kjv.translation == "KJV" and kjv.text != web.text
