"""Below the conversation: the screen-reader announcer, the notice, the message box with Send, the AI disclosure."""

import reflex as rx
from reflex_base.vars.base import Var

from motivator_web.components.allowance import allowance_note
from motivator_web.components.care import crisis_resources
from motivator_web.state import ChatState
from shared.limits import MESSAGE_MAX_CHARS


def announcer() -> rx.Component:
    """A polite live region, always present and visually hidden: it speaks each finished answer once."""
    return rx.el.div(
        ChatState.announcement,
        role="status",
        aria_live="polite",
        aria_atomic="true",
        class_name="sr-only",
        data_testid="announcer",
    )


def notice_bar() -> rx.Component:
    return rx.cond(
        ChatState.notice != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("info")),
            rx.callout.text(ChatState.notice),
            rx.icon_button(
                rx.icon("x", size=14),
                variant="ghost",
                size="1",
                on_click=ChatState.dismiss_notice,
                aria_label="Dismiss this message",
                margin_left="auto",
            ),
            color_scheme="amber",
            high_contrast=True,
            role="status",
            width="100%",
            data_testid="notice",
            display="flex",
            align_items="center",
        ),
    )


def care_card() -> rx.Component:
    """A title the server heard as a crisis (renameConversation): the help lines, ready to tap, until closed."""
    return rx.cond(
        ChatState.care_resources.length() > 0,
        rx.box(
            rx.hstack(
                crisis_resources(ChatState.care_resources),
                rx.icon_button(
                    rx.icon("x", size=14),
                    variant="ghost",
                    color_scheme="gray",
                    size="2",
                    on_click=ChatState.dismiss_care,
                    aria_label="Close the help lines",
                    flex_shrink="0",
                ),
                align="start",
                width="100%",
            ),
            padding="14px 16px",
            border="1px solid var(--tomato-a6)",
            border_radius="12px",
            background="var(--tomato-a2)",
            width="100%",
            max_height="45dvh",
            overflow_y="auto",
            data_testid="care-card",
        ),
    )


def ai_disclosure() -> rx.Component:
    """Said once, where it is always in view: who writes the answers, and what they are not."""
    return rx.text(
        "Answers are written by AI. They are not a substitute for pastoral or professional care.",
        size="1",
        color="var(--gray-11)",
        data_testid="ai-disclosure",
    )


def composer() -> rx.Component:
    return rx.box(
        announcer(),
        rx.vstack(
            care_card(),
            notice_bar(),
            allowance_note(),
            rx.form(
                rx.flex(
                    rx.text_area(
                        id="message",
                        name="message",
                        placeholder="Write how you feel…",
                        aria_label="Your message",
                        # Enter sends with a keyboard; on a touch screen it is a new line and Send sends (evaluated
                        # at each key press, in the bundle: no script, no eval).
                        enter_key_submit=Var(
                            _js_expr="!window.matchMedia('(pointer: coarse)').matches", _var_type=bool
                        ),
                        auto_focus=True,  # after sign-in (and on every visit) the person can write at once
                        auto_height=True,
                        max_length=MESSAGE_MAX_CHARS,
                        rows="1",
                        size="3",
                        radius="large",
                        flex="1",
                        min_height="48px",
                        max_height="40vh",
                        data_testid="message-input",
                    ),
                    rx.button(
                        rx.icon("send-horizontal", size=18),
                        rx.text("Send", display=["none", "inline"]),
                        type="submit",
                        size="3",
                        radius="large",
                        aria_label="Send message",
                        high_contrast=True,  # white on teal-9 is 3.07:1
                        disabled=ChatState.streaming,
                        data_testid="send-button",
                    ),
                    gap="8px",
                    align="end",
                    width="100%",
                ),
                on_submit=ChatState.send,
                reset_on_submit=True,
                width="100%",
                aria_label="Send a message",
            ),
            rx.flex(
                ai_disclosure(),
                rx.text(
                    "Enter to send · Shift+Enter for a new line",
                    size="1",
                    color="var(--gray-11)",
                    display=["none", "none", "block"],
                    white_space="nowrap",
                ),
                justify="between",
                gap="12px",
                width="100%",
            ),
            spacing="2",
            width="100%",
            max_width="760px",
            margin_x="auto",
        ),
        padding_x=["10px", "20px", "28px"],
        padding_top="10px",
        padding_bottom="max(12px, env(safe-area-inset-bottom))",
        border_top="1px solid var(--gray-a4)",
        background="var(--color-background)",
        width="100%",
    )
