"""The connection indicator: a small live status pill that never covers the conversation.

It is honest about both links: the browser's (no network: "Offline", shown by online.js and motivator.css at once,
since no state update can reach a tab that is offline; the Reflex socket down: "Reconnecting…") and then the
gateway's, as the server reports it.
"""

import reflex as rx
from reflex_components_core.core.banner import has_connection_errors

from motivator_web.state import ChatState


def connection_indicator() -> rx.Component:
    state = rx.cond(has_connection_errors, "reconnecting", ChatState.connection)
    label = rx.cond(has_connection_errors, "Reconnecting…", ChatState.connection_label)
    color = rx.match(
        state,
        ("connected", "var(--jade-9)"),
        ("reconnecting", "var(--amber-9)"),
        ("connecting", "var(--amber-9)"),
        "var(--gray-8)",
    )
    return rx.hstack(
        rx.box(
            width="8px", height="8px", border_radius="50%", background=color, aria_hidden="true", class_name="pill-dot"
        ),
        rx.text(
            rx.el.span(label, class_name="pill-live"),
            rx.el.span("Offline", class_name="pill-offline"),
            size="1",
            weight="medium",
            color="var(--gray-11)",
        ),
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
        data_link=state,
        white_space="nowrap",
    )
