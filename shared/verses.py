"""Verses as the person reads them: a stored verse shown again in their translation, looked up by its reference."""

from __future__ import annotations

from collections.abc import Callable

from shared import translations
from shared.protocol import Verse


def in_translation(verse: Verse, translation: str) -> Verse:
    """The same passage in `translation`, from the bundled text; the verse as stored when that text lacks it."""
    code = translations.or_default(translation)
    if verse.translation == code:
        return verse
    from shared.engine.scripture import get_catalogue  # the engine loads only when a verse must be re-read

    found = get_catalogue().resolve(verse.reference, code)
    if found is None:
        return verse
    return Verse(reference=found.reference, text=found.text, translation=found.translation)


def verse_renderer(translation: str) -> Callable[[Verse], Verse]:
    """What history pages show each stored verse through."""
    return lambda verse: in_translation(verse, translation)
