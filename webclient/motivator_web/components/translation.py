"""The translation choice in settings: every verse, history included, is shown in the one the person picks."""

import reflex as rx

from motivator_web.state import ChatState


def translation_select() -> rx.Component:
    """A labelled select of the offered translations; hidden until the server said which it offers."""
    return rx.cond(
        ChatState.translations.length() > 0,
        rx.vstack(
            rx.el.label(
                "Bible translation",
                html_for="translation",
                style={"fontSize": "var(--font-size-2)", "fontWeight": 500},
            ),
            rx.el.select(
                rx.foreach(
                    ChatState.translations,
                    lambda t: rx.el.option(t.name + " (" + t.code + ")", value=t.code),
                ),
                id="translation",
                name="translation",
                value=ChatState.translation,
                on_change=ChatState.choose_translation,
                data_testid="translation-select",
                style={
                    "width": "100%",
                    "minHeight": "44px",
                    "padding": "0 10px",
                    "borderRadius": "8px",
                    "border": "1px solid var(--gray-a7)",
                    "background": "var(--color-surface)",
                    "fontSize": "var(--font-size-3)",
                },
            ),
            rx.text(
                "Every verse, in new answers and in your history, is shown in this public-domain translation. "
                "Saved to your account.",
                size="1",
                color="var(--gray-11)",
            ),
            spacing="2",
            width="100%",
        ),
    )
