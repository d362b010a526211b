"""Today's message allowance under the message box, shown only when few messages are left."""

from __future__ import annotations

import reflex as rx

from motivator_web.state import ChatState


def allowance_note() -> rx.Component:
    return rx.cond(
        ChatState.allowance_label != "",
        rx.text(
            ChatState.allowance_label,
            size="1",
            color="var(--amber-11)",
            role="status",
            aria_live="polite",
            data_testid="allowance",
        ),
    )
