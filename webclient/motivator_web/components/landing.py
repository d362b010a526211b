"""The landing page: what Motivator is and is not, today's verse, what it keeps, and the ways in (sign up, sign in,
an example)."""

import reflex as rx

from motivator_web.components.auth import brand
from motivator_web.components.care import TAP
from motivator_web.components.verse_of_the_day import verse_of_the_day_card
from motivator_web.state import AuthState
from motivator_web.state.landing import EXAMPLES, LandingState


def link_button(label: str, href: str, testid: str, **look) -> rx.Component:
    """A link that looks like a button (one element, one tab stop: a button inside a link is not allowed)."""
    return rx.button(rx.el.a(label, href=href, data_testid=testid), as_child=True, min_height=TAP, **look)


def examples(heading_id: str = "examples-heading") -> rx.Component:
    """Three first messages; one tap starts a chat with it (after signing up or in, when needed)."""
    return rx.el.section(
        rx.heading("Not sure where to begin? Start with one of these", size="3", as_="h2", id=heading_id),
        rx.flex(
            *[
                rx.button(
                    rx.icon("message-circle", size=16, aria_hidden="true", flex_shrink="0"),
                    text,
                    on_click=LandingState.start_with(i),
                    variant="surface",
                    color_scheme="gray",
                    size="3",
                    min_height=TAP,
                    height="auto",
                    padding_y="10px",
                    white_space="normal",
                    text_align="left",
                    justify_content="start",
                    data_testid="example-message",
                )
                for i, text in enumerate(EXAMPLES)
            ],
            direction="column",
            gap="8px",
            margin_top="10px",
        ),
        aria_labelledby=heading_id,
    )


def fact(icon: str, title: str, *body: rx.Component) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.icon(icon, size=18, color="var(--teal-11)", aria_hidden="true", flex_shrink="0"),
            rx.heading(title, size="3", as_="h3"),
            align="center",
            spacing="2",
        ),
        *body,
        padding="14px 16px",
        border_radius="14px",
        background="var(--color-panel-solid)",
        border="1px solid var(--gray-a5)",
        flex="1 1 220px",
    )


def para(text: str) -> rx.Component:
    return rx.text(text, size="2", color="var(--gray-11)", as_="p", margin_top="6px")


def trust() -> rx.Component:
    return rx.el.section(
        rx.heading("What to expect", size="3", as_="h2", id="expect-heading"),
        rx.flex(
            fact(
                "book-open",
                "Scripture, never invented",
                para(
                    "Every verse is quoted word for word from the World English Bible, a public-domain translation "
                    "that comes with Motivator. No verse is ever made up."
                ),
            ),
            fact(
                "sparkles",
                "Written by an AI",
                para(
                    "The few kind sentences are written by an AI. They can help, but they are not a pastor, "
                    "a counsellor or a doctor."
                ),
            ),
            fact(
                "life-buoy",
                "Not a crisis service",
                para("If you might hurt yourself or you are in danger, please talk to a person now."),
                rx.flex(
                    link_button(
                        "Call or text 988 (US)", "tel:988", "landing-988", color_scheme="tomato", high_contrast=True
                    ),
                    rx.text("or your local emergency number", size="2", color="var(--gray-11)"),
                    gap="8px",
                    align="center",
                    wrap="wrap",
                    margin_top="10px",
                ),
            ),
            gap="12px",
            wrap="wrap",
            margin_top="10px",
        ),
        aria_labelledby="expect-heading",
    )


def privacy() -> rx.Component:
    items = (
        "We keep your email address to sign you in.",
        "We keep your messages, the answers and any feedback you give, so you can come back to a conversation. "
        "They are kept until you delete them.",
        "Delete a conversation from your history at any time; it is removed for good.",
        "Your country setting stays in this browser only. Nothing is sold or shown to anyone else.",
    )
    return rx.el.section(
        rx.heading("Your privacy", size="3", as_="h2", id="privacy-heading"),
        rx.el.ul(
            *[rx.el.li(rx.text(item, size="2", color="var(--gray-11)")) for item in items],
            style={"margin": "8px 0 0", "paddingLeft": "20px", "display": "grid", "gap": "4px"},
        ),
        aria_labelledby="privacy-heading",
        data_testid="privacy-note",
    )


def todays_verse() -> rx.Component:
    """Today's verse once the server fetched it; nothing at all when the REST API could not give it."""
    daily = LandingState.daily
    return rx.cond(daily.reference != "", verse_of_the_day_card(daily.reference, daily.text, daily.translation))


def ways_in() -> rx.Component:
    return rx.cond(
        AuthState.signed_in,
        rx.flex(link_button("Open your conversations", "/", "open-chat", size="3", high_contrast=True)),
        rx.flex(
            link_button("Create a free account", "/signup", "landing-sign-up", size="3", high_contrast=True),
            link_button("Sign in", "/signin", "landing-sign-in", size="3", variant="outline"),
            gap="10px",
            wrap="wrap",
        ),
    )


def crisis_strip() -> rx.Component:
    """Above everything, before a word of the product: where to turn in danger, one tap away."""
    return rx.box(
        rx.text(
            "In danger right now? ",
            rx.el.a(
                "Call or text 988 (US)",
                href="tel:988",
                data_testid="strip-988",
                style={"color": "var(--tomato-12)", "fontWeight": 700, "textDecoration": "underline"},
            ),
            " or your local emergency number.",
            size="2",
            as_="p",
            padding="10px 16px",
            color="var(--tomato-12)",
            text_align="center",
        ),
        background="var(--tomato-3)",
        role="region",
        aria_label="Crisis help",
    )


def landing_page() -> rx.Component:
    return rx.box(
        crisis_strip(),
        rx.el.header(
            rx.flex(
                brand("5"),
                rx.spacer(),
                rx.cond(
                    AuthState.signed_in,
                    rx.fragment(),
                    link_button("Sign in", "/signin", "header-sign-in", variant="ghost", size="2"),
                ),
                align="center",
                width="100%",
                max_width="880px",
                margin_x="auto",
                padding="14px 20px",
            ),
        ),
        rx.el.main(
            rx.vstack(
                rx.heading("A verse and a few kind words for how you feel", size="8", as_="h1", line_height="1.15"),
                rx.text(
                    "Write a few words about how you are feeling. Motivator answers with what it heard, "
                    "a Bible verse that speaks to it, and a few sentences of encouragement.",
                    size="4",
                    color="var(--gray-11)",
                    as_="p",
                ),
                ways_in(),
                todays_verse(),
                examples(),
                trust(),
                privacy(),
                spacing="6",
                width="100%",
                max_width="880px",
                margin_x="auto",
                padding="12px 20px 48px",
            ),
            id="main",
        ),
        min_height="100dvh",
        background="linear-gradient(180deg, var(--teal-2), var(--gray-1) 420px)",
    )
