"""The connection indicator: a small live status pill that never covers the conversation."""

import reflex as rx

from motivator_web.state import ChatState


def connection_indicator() -> rx.Component:
    color = rx.match(
        ChatState.connection,
        ("connected", "var(--jade-9)"),
        ("reconnecting", "var(--amber-9)"),
        ("connecting", "var(--amber-9)"),
        "var(--gray-8)",
    )
    return rx.hstack(
        rx.box(width="8px", height="8px", border_radius="50%", background=color, aria_hidden="true"),
        rx.text(ChatState.connection_label, size="1", weight="medium", color="var(--gray-11)"),
        align="center",
        spacing="2",
        padding_x="10px",
        padding_y="4px",
        border_radius="999px",
        background="var(--gray-a3)",
        role="status",
        aria_live="polite",
        data_testid="connection-status",
        data_state=ChatState.connection,
        white_space="nowrap",
    )
