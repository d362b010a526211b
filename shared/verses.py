"""Verses as the person reads them: a stored verse shown again in their translation, looked up by its reference."""

from __future__ import annotations

from collections.abc import Callable, Collection

from shared import translations
from shared.protocol import TurnView, Verse


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


def verse_of(reference: str, translation: str) -> Verse | None:
    """A reference's text in `translation` (None when the bundled text cannot resolve it)."""
    from shared.engine.scripture import get_catalogue

    found = get_catalogue().resolve(reference, translations.or_default(translation))
    return Verse(reference=found.reference, text=found.text, translation=found.translation) if found else None


def turn_renderer(translation: str, saved: Collection[str] = ()) -> Callable[[TurnView], TurnView]:
    """What history pages show each stored turn through: its verse in `translation`, and whether it is saved."""

    def render(view: TurnView) -> TurnView:
        update: dict[str, object] = {"verse_saved": True} if view.message_id in saved else {}
        if view.verse is not None:
            update["verse"] = in_translation(view.verse, translation)
        return view.model_copy(update=update) if update else view

    return render
