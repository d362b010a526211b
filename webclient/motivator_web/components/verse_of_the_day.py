"""The verse of the day: one card, the same verse for everyone on a UTC day, shown in the empty chat (and on a
landing page, given the verse's vars)."""

import reflex as rx

from motivator_web.state import ChatState
from shared.translations import OFFERED

SERIF = "'Iowan Old Style', 'Palatino Linotype', Palatino, Georgia, serif"


def translation_name(code) -> rx.Component:
    """The full name of an offered translation's code (the code itself for any other)."""
    return rx.match(code, *[(t.code, t.name) for t in OFFERED], code)


def verse_of_the_day_card(reference, text, translation) -> rx.Component:
    """The card itself, from three vars (or strings): reference, text, translation code."""
    return rx.el.figure(
        rx.text("Verse of the day", size="1", weight="bold", color="var(--amber-12)", text_transform="uppercase"),
        rx.el.blockquote(
            rx.text("\u201c", text, "\u201d", size="3", line_height="1.6", font_family=SERIF, data_testid="daily-text"),
            style={"margin": "6px 0 0 0"},
        ),
        rx.el.figcaption(
            rx.hstack(
                rx.text(reference, weight="bold", size="2", data_testid="daily-reference"),
                rx.text("·", size="2", color="var(--gray-9)", aria_hidden="true"),
                rx.text(
                    translation_name(translation), size="1", color="var(--gray-11)", data_testid="daily-translation"
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            style={"marginTop": "8px"},
        ),
        style={
            "margin": 0,
            "padding": "14px 18px",
            "borderLeft": "3px solid var(--amber-8)",
            "background": "var(--amber-2)",
            "borderRadius": "0 12px 12px 0",
            "maxWidth": "520px",
            "width": "100%",
            "textAlign": "left",
        },
        aria_label="Verse of the day",
        data_testid="verse-of-the-day",
    )


def verse_of_the_day() -> rx.Component:
    """Today's verse in the person's translation, once the server sent it (nothing before, or from a server without
    the route)."""
    daily = ChatState.daily
    return rx.cond(daily.reference != "", verse_of_the_day_card(daily.reference, daily.text, daily.translation))
