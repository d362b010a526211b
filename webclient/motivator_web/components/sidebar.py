"""The header (brand, connection, settings, sign out) and the sessions sidebar (panel on desktop, overlay on phones)."""

import reflex as rx
from reflex_base.vars.base import Var

from motivator_web.components.auth import brand
from motivator_web.components.saved import saved_button, saved_link
from motivator_web.components.settings import settings_menu
from motivator_web.components.status import connection_indicator
from motivator_web.state import ChatState
from motivator_web.state.ui import DetailState
from shared.limits import TITLE_MAX_CHARS


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
            rx.alert_dialog.title("Delete \u201c" + session.title + "\u201d?"),
            rx.alert_dialog.description(
                "Its messages and answers will be removed from your history for good. This can't be undone.", size="2"
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button("Keep it", variant="soft", color_scheme="gray", high_contrast=True, size="3")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        rx.icon("trash-2", size=16),
                        "Delete",
                        color_scheme="tomato",
                        high_contrast=True,
                        size="3",
                        on_click=ChatState.delete_session(session.session_id),
                        data_testid="confirm-delete",
                    )
                ),
                # At opposite ends: "Keep it" and "Delete" are never a slip of the finger apart.
                justify="between",
                gap="3",
                margin_top="20px",
            ),
            max_width="400px",
        ),
    )


def rename_button(session, place: str) -> rx.Component:
    """The pencil beside a conversation: a small dialog with its title in a box; Enter saves, Esc cancels, and
    Radix gives the focus back to this button either way. `place` tells the desktop panel's from the phone drawer's
    (both lists are on the page), so only the one pressed opens."""
    opened = DetailState.renaming == place + "/" + session.session_id
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.icon_button(
                rx.icon("pencil", size=14),
                variant="ghost",
                color_scheme="gray",
                size="1",
                aria_label="Rename conversation: " + session.title,
                # No on_click here: Reflex would wrap the button in a Flex, and Radix would give the focus back to it.
                data_testid="rename-session",
            ),
        ),
        rx.dialog.content(
            rx.dialog.title("Rename conversation", size="4"),
            rx.form(
                rx.el.label(rx.text("Title", size="2", weight="medium"), html_for="rename-title"),
                rx.input(
                    id="rename-title",
                    name="title",
                    default_value=session.title,
                    max_length=TITLE_MAX_CHARS,
                    required=True,
                    auto_focus=True,
                    auto_complete="off",
                    size="3",
                    width="100%",
                    margin_top="6px",
                    data_testid="rename-input",
                ),
                rx.text(
                    f"Up to {TITLE_MAX_CHARS} characters, shown just as you type it.",
                    size="1",
                    color="var(--gray-11)",
                    margin_top="6px",
                ),
                rx.flex(
                    rx.dialog.close(
                        rx.button(
                            "Cancel", type="button", variant="soft", color_scheme="gray", high_contrast=True, size="3"
                        )
                    ),
                    rx.button("Save", type="submit", high_contrast=True, size="3", data_testid="save-rename"),
                    justify="between",
                    gap="3",
                    margin_top="20px",
                ),
                on_submit=ChatState.rename_session,
                reset_on_submit=False,
            ),
            aria_describedby=None,
            max_width="400px",
        ),
        open=opened,
        on_open_change=lambda is_open: DetailState.rename_dialog_changed(place + "/" + session.session_id, is_open),
    )


def local_time(session) -> rx.Component:
    """The session's time in the browser's own zone and locale, formatted by the browser (no script, no eval)."""
    at = session.at_ms
    formatted: Var[str] = Var(
        _js_expr=(
            "new Intl.DateTimeFormat(undefined, {day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit'})"
            f".format(new Date({at!s}))"
        ),
        _var_type=str,
        _var_data=at._get_all_var_data(),
    )
    return rx.text(
        rx.cond(at > 0, formatted, session.when), size="1", color="var(--gray-11)", data_testid="session-when"
    )


def session_row(session, place: str) -> rx.Component:
    current = session.session_id == ChatState.session_id
    return rx.hstack(
        rx.button(
            rx.vstack(
                rx.text(session.title, size="2", weight="medium", trim="both", text_align="left", width="100%"),
                local_time(session),
                spacing="1",
                align="start",
                width="100%",
                overflow="hidden",
            ),
            variant=rx.cond(current, "soft", "ghost"),
            color_scheme=rx.cond(current, "teal", "gray"),
            high_contrast=True,
            on_click=ChatState.open_session(session.session_id),
            aria_current=rx.cond(current, "true", "false"),
            height="auto",
            padding="8px 10px",
            flex="1",
            min_width="0",
            justify_content="start",
            data_testid="session-item",
        ),
        rename_button(session, place),
        delete_button(session),
        align="center",
        spacing="2",
        width="100%",
    )


def search_box() -> rx.Component:
    return rx.input(
        rx.input.slot(rx.icon("search", size=16, aria_hidden="true")),
        placeholder="Search conversations",
        aria_label="Search conversations",
        type="search",
        # Uncontrolled (no value=): a controlled, debounced input would pull in another npm package.
        default_value=DetailState.search,
        on_change=DetailState.set_search,
        size="2",
        width="100%",
        data_testid="history-search",
    )


def matching_row(session, place: str) -> rx.Component:
    """A row of the history, shown while its title holds the search words (any case)."""
    words = DetailState.search.strip().lower()
    return rx.cond((words == "") | session.title.lower().contains(words), session_row(session, place))


def sessions_panel(place: str) -> rx.Component:
    """The history list: `place` is "sidebar" (desktop) or "drawer" (phones)."""
    return rx.vstack(
        rx.button(
            rx.icon("plus", size=16),
            "New conversation",
            on_click=ChatState.new_session,
            width="100%",
            variant="soft",
            high_contrast=True,
            aria_label="Start a new conversation",
            data_testid="new-session",
        ),
        saved_link(),
        rx.text("Your conversations", size="1", weight="bold", color="var(--gray-11)", padding_top="8px"),
        rx.cond(
            ChatState.sessions.length() == 0,
            rx.text("Conversations you start will appear here.", size="1", color="var(--gray-11)"),
        ),
        rx.cond(ChatState.sessions.length() > 1, search_box()),
        rx.el.nav(
            rx.vstack(
                rx.foreach(ChatState.sessions, lambda session: matching_row(session, place)), spacing="1", width="100%"
            ),
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
            sessions_panel("sidebar"),
            width="270px",
            flex_shrink="0",
            border_right="1px solid var(--gray-a4)",
            background="var(--gray-a2)",
            display=["none", "none", "block"],
            height="100%",
        ),
    )


def mobile_sidebar() -> rx.Component:
    """The history as a modal drawer on phones, opened from the header's menu button: Radix's dialog gives it Esc,
    a focus trap, and the focus back on that button when it closes."""
    return rx.cond(
        ChatState.history_supported,
        rx.dialog.root(
            rx.dialog.trigger(
                rx.icon_button(
                    rx.icon("menu", size=18),
                    variant="ghost",
                    color_scheme="gray",
                    aria_label="Show conversations",
                    display=["inline-flex", "inline-flex", "none"],
                    data_testid="show-history",
                ),
            ),
            rx.dialog.content(
                rx.hstack(
                    rx.dialog.title("Conversations", size="3", margin="0"),
                    rx.spacer(),
                    rx.dialog.close(
                        rx.icon_button(
                            rx.icon("x", size=18),
                            variant="ghost",
                            color_scheme="gray",
                            size="3",
                            aria_label="Close conversations",
                            data_testid="close-history",
                        ),
                    ),
                    padding="14px 14px 0",
                    align="center",
                ),
                sessions_panel("drawer"),
                aria_describedby=None,
                data_testid="history-drawer",
                style={
                    "position": "fixed",
                    "top": 0,
                    "left": 0,
                    "bottom": 0,
                    "width": "min(86vw, 320px)",
                    "maxWidth": "none",
                    "maxHeight": "none",
                    "margin": 0,
                    "padding": 0,
                    "borderRadius": 0,
                    "display": "flex",
                    "flexDirection": "column",
                },
            ),
            open=ChatState.sidebar_open,
            on_open_change=ChatState.set_sidebar_open,
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
        mobile_sidebar(),
        # On a phone the wordmark gives way, so five 44 px controls and the status fit in 375 px.
        brand("4", display=["none", "block"]),
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
