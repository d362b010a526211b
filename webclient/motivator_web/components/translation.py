"""The translation choice in settings: every verse, history included, is shown in the one the person picks."""

import reflex as rx

from motivator_web.components.labelled_select import labelled_select
from motivator_web.state import ChatState


def translation_select() -> rx.Component:
    """A labelled select of the offered translations; hidden until the server said which it offers."""
    return rx.cond(
        ChatState.translations.length() > 0,
        labelled_select(
            "Bible translation",
            "translation",
            rx.foreach(ChatState.translations, lambda t: rx.el.option(t.name + " (" + t.code + ")", value=t.code)),
            value=ChatState.translation,
            on_change=ChatState.choose_translation,
            hint="Every verse, in new answers and in your history, is shown in this public-domain translation. "
            "Saved to your account.",
        ),
    )
