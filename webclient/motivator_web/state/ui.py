"""Small Reflex states of the chat's details: which verse was just copied, and the history search words."""

from __future__ import annotations

import reflex as rx


class DetailState(rx.State):
    """Kept per tab and never sent to the gateway: they only change what this page shows."""

    #: The turn key whose verse was just copied ("Copied" shows on its button).
    copied: str = ""
    #: Words the history list is filtered by ("" shows every conversation).
    search: str = ""

    @rx.event
    def mark_copied(self, key: str) -> None:
        self.copied = key

    @rx.event
    def set_search(self, words: str) -> None:
        self.search = words[:100]
