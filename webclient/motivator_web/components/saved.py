"""The Saved view: the person's saved verses, newest first, with the day and the feeling each answered; deletable."""

import reflex as rx

from motivator_web.components.share import shared_links
from motivator_web.components.verse_of_the_day import SERIF, translation_name
from motivator_web.state import ChatState


def saved_row(item) -> rx.Component:
    return rx.box(
        rx.el.figure(
            rx.el.blockquote(
                rx.text("\u201c", item.text, "\u201d", size="2", line_height="1.6", font_family=SERIF),
                style={"margin": 0},
            ),
            rx.el.figcaption(
                rx.hstack(
                    rx.text(item.reference, weight="bold", size="2", data_testid="saved-reference"),
                    rx.text("·", size="2", color="var(--gray-9)", aria_hidden="true"),
                    rx.text(translation_name(item.translation), size="1", color="var(--gray-11)"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                style={"marginTop": "6px"},
            ),
            style={"margin": 0},
        ),
        rx.hstack(
            rx.text(
                "Saved " + item.saved_on + " · for feeling " + item.emotion,
                size="1",
                color="var(--gray-11)",
                data_testid="saved-when",
            ),
            rx.spacer(),
            rx.button(
                rx.icon("trash-2", size=14, aria_hidden="true"),
                "Remove",
                size="1",
                variant="ghost",
                color_scheme="gray",
                on_click=ChatState.remove_saved(item.message_id),
                aria_label="Remove " + item.reference + " from your saved verses",
                data_testid="remove-saved",
                min_height="32px",
            ),
            align="center",
            width="100%",
            margin_top="8px",
        ),
        padding="12px 14px",
        border_left="3px solid var(--amber-8)",
        background="var(--amber-2)",
        border_radius="0 10px 10px 0",
        width="100%",
        data_testid="saved-item",
    )


def saved_button() -> rx.Component:
    """The header's way to the Saved view, with the view itself (phones reach it from the conversations panel)."""
    return rx.cond(
        ChatState.translations.length() > 0,
        rx.fragment(
            rx.icon_button(
                rx.icon("bookmark", size=18),
                variant="ghost",
                color_scheme="gray",
                aria_label="Saved verses",
                title="Saved verses",
                on_click=ChatState.set_saved_open(True),
                data_testid="saved-verses",
                display=["none", "inline-flex"],
            ),
            saved_dialog(),
        ),
    )


def saved_link() -> rx.Component:
    """The conversations panel's way to the Saved view (the one phones use)."""
    return rx.cond(
        ChatState.translations.length() > 0,
        rx.button(
            rx.icon("bookmark", size=16, aria_hidden="true"),
            "Saved verses",
            on_click=[ChatState.set_sidebar_open(False), ChatState.set_saved_open(True)],
            width="100%",
            variant="ghost",
            color_scheme="amber",
            justify_content="start",
            data_testid="saved-verses-link",
        ),
    )


def saved_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Saved verses"),
            rx.dialog.description(
                "The verses you saved, newest first, shown in your chosen translation.",
                size="2",
                color="var(--gray-11)",
            ),
            rx.vstack(
                rx.foreach(ChatState.saved, saved_row),
                rx.cond(
                    (ChatState.saved.length() == 0) & ~ChatState.saved_loading,
                    rx.text("No saved verses yet. Save one from any answer.", size="2", data_testid="saved-empty"),
                ),
                rx.cond(ChatState.saved_loading, rx.center(rx.spinner(size="2"), width="100%")),
                rx.cond(
                    (ChatState.saved_cursor != "") & ~ChatState.saved_loading,
                    rx.button("Show more", variant="soft", on_click=ChatState.more_saved, data_testid="saved-more"),
                ),
                shared_links(),
                spacing="3",
                width="100%",
                margin_top="14px",
                max_height="60vh",
                overflow_y="auto",
            ),
            rx.flex(
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                justify="end",
                margin_top="14px",
            ),
            max_width="min(94vw, 560px)",
        ),
        open=ChatState.saved_open,
        on_open_change=ChatState.set_saved_open,
    )
