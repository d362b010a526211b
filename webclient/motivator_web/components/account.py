"""'Your data' in the settings: download everything, or delete the account after typing the confirmation."""

from __future__ import annotations

import reflex as rx

from motivator_web.state import AccountState
from shared.rest.models import DELETE_CONFIRMATION


def delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("trash-2", size=16),
                "Delete my account",
                variant="soft",
                color_scheme="red",
                width="100%",
                min_height="44px",
                data_testid="delete-account",
            ),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete your account?"),
            rx.alert_dialog.description(
                "This deletes every conversation, your feedback and saved verses, and your sign-in. "
                "It cannot be undone. You may want to download your data first.",
                size="2",
            ),
            rx.vstack(
                rx.el.label(
                    f"Type {DELETE_CONFIRMATION} to confirm", html_for="delete-confirmation", style={"fontSize": "14px"}
                ),
                rx.input(
                    id="delete-confirmation",
                    value=AccountState.confirmation,
                    on_change=AccountState.set_confirmation,
                    auto_complete="off",
                    size="3",
                    width="100%",
                    data_testid="delete-confirmation",
                ),
                rx.cond(
                    AccountState.account_error != "",
                    rx.text(AccountState.account_error, color="var(--red-11)", size="2", role="alert"),
                ),
                spacing="2",
                margin_top="12px",
                width="100%",
            ),
            rx.flex(
                rx.alert_dialog.cancel(rx.button("Keep my account", variant="soft", color_scheme="gray")),
                rx.button(
                    "Delete everything",
                    color_scheme="red",
                    disabled=~AccountState.delete_confirmed,
                    loading=AccountState.account_busy,
                    on_click=AccountState.delete_account,
                    data_testid="confirm-delete",
                ),
                gap="10px",
                justify="end",
                margin_top="16px",
                wrap="wrap",
            ),
            max_width="min(92vw, 440px)",
        ),
        open=AccountState.delete_open,
        on_open_change=AccountState.set_delete_open,
    )


def your_data() -> rx.Component:
    return rx.cond(
        AccountState.account_available,
        rx.vstack(
            rx.separator(margin_y="6px"),
            rx.text("Your data", weight="medium", size="2"),
            rx.button(
                rx.icon("download", size=16),
                "Download my data",
                variant="soft",
                width="100%",
                min_height="44px",
                loading=AccountState.account_busy & ~AccountState.delete_open,
                on_click=AccountState.download_export,
                data_testid="download-data",
            ),
            rx.text(
                "Every conversation, feedback and saved verse, as JSON and Markdown in one zip.",
                size="1",
                color="var(--gray-11)",
            ),
            delete_dialog(),
            rx.cond(
                (AccountState.account_error != "") & ~AccountState.delete_open,
                rx.text(AccountState.account_error, color="var(--red-11)", size="1", role="alert"),
            ),
            spacing="2",
            width="100%",
        ),
    )
