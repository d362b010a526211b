"""The header (brand, connection, settings, sign out) and the sessions sidebar (panel on desktop, overlay on phones)."""

import reflex as rx

from motivator_web.components.auth import brand
from motivator_web.components.saved import saved_button, saved_link
from motivator_web.components.settings import settings_menu
from motivator_web.components.status import connection_indicator
from motivator_web.state import ChatState


def delete_button(session) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.icon_button(
                rx.icon("trash-2", size=14),
                variant="ghost",
                color_scheme="gray",
                size="1",
                aria_label="Delete conversation: " + session.title,
                data_testid="delete-session",
            ),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this conversation?"),
            rx.alert_dialog.description(
                "Its messages and answers will be removed from your history. This can't be undone.", size="2"
            ),
            rx.flex(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button("Delete", color_scheme="tomato", on_click=ChatState.delete_session(session.session_id))
                ),
                gap="3",
                justify="end",
                margin_top="16px",
            ),
            max_width="400px",
        ),
    )


def session_row(session) -> rx.Component:
    current = session.session_id == ChatState.session_id
    return rx.hstack(
        rx.button(
            rx.vstack(
                rx.text(session.title, size="2", weight="medium", trim="both", text_align="left", width="100%"),
                rx.text(session.when, size="1", color="var(--gray-10)"),
                spacing="1",
                align="start",
                width="100%",
                overflow="hidden",
            ),
            variant=rx.cond(current, "soft", "ghost"),
            color_scheme=rx.cond(current, "teal", "gray"),
            on_click=ChatState.open_session(session.session_id),
            aria_label="Open conversation: " + session.title,
            aria_current=rx.cond(current, "true", "false"),
            height="auto",
            padding="8px 10px",
            flex="1",
            min_width="0",
            justify_content="start",
            data_testid="session-item",
        ),
        delete_button(session),
        align="center",
        spacing="1",
        width="100%",
    )


def sessions_panel() -> rx.Component:
    return rx.vstack(
        rx.button(
            rx.icon("plus", size=16),
            "New conversation",
            on_click=ChatState.new_session,
            width="100%",
            variant="soft",
            aria_label="Start a new conversation",
            data_testid="new-session",
        ),
        saved_link(),
        rx.text("Your conversations", size="1", weight="bold", color="var(--gray-11)", padding_top="8px"),
        rx.cond(
            ChatState.sessions.length() == 0,
            rx.text("Conversations you start will appear here.", size="1", color="var(--gray-10)"),
        ),
        rx.el.nav(
            rx.vstack(rx.foreach(ChatState.sessions, session_row), spacing="1", width="100%"),
            aria_label="Conversation history",
            style={"width": "100%"},
            data_testid="history",
        ),
        spacing="2",
        width="100%",
        padding="14px",
        overflow_y="auto",
        height="100%",
    )


def desktop_sidebar() -> rx.Component:
    return rx.cond(
        ChatState.history_supported,
        rx.box(
            sessions_panel(),
            width="270px",
            flex_shrink="0",
            border_right="1px solid var(--gray-a4)",
            background="var(--gray-a2)",
            display=["none", "none", "block"],
            height="100%",
        ),
    )


def mobile_sidebar() -> rx.Component:
    return rx.cond(
        ChatState.history_supported & ChatState.sidebar_open,
        rx.box(
            rx.box(
                position="fixed",
                inset="0",
                background="var(--black-a6)",
                on_click=ChatState.set_sidebar_open(False),
                aria_hidden="true",
            ),
            rx.box(
                rx.hstack(
                    rx.heading("Conversations", size="3"),
                    rx.spacer(),
                    rx.icon_button(
                        rx.icon("x", size=16),
                        variant="ghost",
                        on_click=ChatState.set_sidebar_open(False),
                        aria_label="Close conversations",
                    ),
                    padding="14px 14px 0",
                    align="center",
                ),
                sessions_panel(),
                position="fixed",
                top="0",
                left="0",
                bottom="0",
                width="min(86vw, 320px)",
                background="var(--color-panel-solid)",
                box_shadow="0 0 24px var(--black-a5)",
                role="dialog",
                aria_label="Conversations",
            ),
            display=["block", "block", "none"],
            z_index="20",
        ),
    )


def new_session_icon(**props) -> rx.Component:
    return rx.icon_button(
        rx.icon("square-pen", size=18),
        variant="ghost",
        color_scheme="gray",
        on_click=ChatState.new_session,
        aria_label="Start a new conversation",
        title="New conversation",
        **props,
    )


def header() -> rx.Component:
    return rx.flex(
        rx.cond(
            ChatState.history_supported,
            rx.icon_button(
                rx.icon("menu", size=18),
                variant="ghost",
                color_scheme="gray",
                on_click=ChatState.toggle_sidebar,
                aria_label="Show conversations",
                display=["inline-flex", "inline-flex", "none"],
            ),
        ),
        brand("4"),
        rx.spacer(),
        connection_indicator(),
        rx.cond(
            ChatState.history_supported,
            new_session_icon(display=["inline-flex", "inline-flex", "none"]),  # desktop has the sidebar's button
            new_session_icon(),
        ),
        saved_button(),
        settings_menu(),
        rx.button(
            rx.icon("log-out", size=16),
            rx.text("Sign out", display=["none", "inline"]),
            variant="ghost",
            color_scheme="gray",
            on_click=ChatState.sign_out,
            aria_label="Sign out",
            data_testid="sign-out",
        ),
        align="center",
        gap=["8px", "12px"],  # 375 px wide: brand, status, three icons and sign out fit on one row
        padding_x=["8px", "20px"],
        height="56px",
        flex_shrink="0",
        border_bottom="1px solid var(--gray-a4)",
        background="var(--color-background)",
        width="100%",
    )
