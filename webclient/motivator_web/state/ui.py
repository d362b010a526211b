"""Small Reflex states of the chat's details: which verse was just copied, the history search words, and which
conversation's rename dialog is open."""

from __future__ import annotations

import reflex as rx


class DetailState(rx.State):
    """Kept per tab and never sent to the gateway: they only change what this page shows."""

    #: The turn key whose verse was just copied ("Copied" shows on its button).
    copied: str = ""
    #: Words the history list is filtered by ("" shows every conversation).
    search: str = ""
    #: Whose rename dialog is open: "{place}/{session id}" (place: the desktop sidebar or the phone drawer), or "".
    renaming: str = ""

    @rx.event
    def mark_copied(self, key: str) -> None:
        self.copied = key

    @rx.event
    def set_search(self, words: str) -> None:
        self.search = words[:100]

    @rx.event
    def rename_dialog_changed(self, dialog: str, is_open: bool) -> None:
        """A conversation's rename dialog opened (its button) or closed by Radix (Esc, Cancel, a click outside: the
        title stays as it was)."""
        if is_open:
            self.renaming = dialog
        elif self.renaming == dialog:
            self.renaming = ""

    def renamed_session(self) -> str:
        """The session of the open rename dialog, which closes ("" when none was open)."""
        dialog, self.renaming = self.renaming, ""
        return dialog.partition("/")[2]
