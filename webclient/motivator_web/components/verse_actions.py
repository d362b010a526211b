"""What a person can do with the verse of a finished answer: another verse (the first stays), save it, share it.

Copying the verse is the verse card's own button (components/chat.py).
"""

import reflex as rx

from motivator_web.components.share import share_button
from motivator_web.models import DONE
from motivator_web.state import ChatState


def verse_actions(turn) -> rx.Component:
    """Shown under a finished answer with a verse, by a server that has the verse capabilities."""
    return rx.cond(
        (turn.status == DONE)
        & (turn.message_id != "")
        & (turn.reference != "")
        & (ChatState.translations.length() > 0),
        rx.hstack(
            rx.button(
                rx.icon("refresh-cw", size=14, aria_hidden="true"),
                "Another verse",
                size="2",
                variant="soft",
                color_scheme="amber",
                high_contrast=True,  # amber-11 on amber-3 is 4.2:1; the high-contrast text passes AA
                on_click=ChatState.another_verse(turn.key),
                disabled=ChatState.streaming,
                aria_label="Answer these words again with another verse",
                data_testid="another-verse",
            ),
            rx.button(
                rx.icon(rx.cond(turn.bookmarked, "bookmark-check", "bookmark"), size=14, aria_hidden="true"),
                rx.cond(turn.bookmarked, "Saved", "Save verse"),
                size="2",
                variant=rx.cond(turn.bookmarked, "solid", "soft"),
                color_scheme="amber",
                high_contrast=True,
                on_click=ChatState.toggle_saved(turn.key),
                aria_pressed=rx.cond(turn.bookmarked, "true", "false"),
                # The visible words first (WCAG 2.5.3): what a speech user says is what the button is called.
                aria_label=rx.cond(turn.bookmarked, "Saved: tap to remove it from your saved verses", "Save verse"),
                data_testid="save-verse",
            ),
            share_button(turn),
            spacing="2",
            wrap="wrap",
        ),
    )


def verse_as_text(turn) -> rx.Var:
    """The verse as a person would paste it: the text in quotes, then reference and translation."""
    return "\u201c" + turn.verse + "\u201d \u2014 " + turn.reference + " (" + turn.translation + ")"


def sibling_note(turn) -> rx.Component:
    """In place of the repeated question: this answer is another verse for the words above."""
    return rx.flex(
        rx.hstack(
            rx.icon("refresh-cw", size=12, aria_hidden="true", color="var(--gray-11)"),
            rx.text("Another verse for the same words", size="1", color="var(--gray-11)"),
            spacing="1",
            align="center",
            data_testid="sibling-note",
        ),
        justify="end",
        width="100%",
    )
