"""Share links: the Share dialog under an answer, the Shared links list in the Saved view, and the public page.

Everything a person wrote is shown as text (Reflex renders vars as text nodes): markup and links in a line show
exactly as typed, never as HTML or a link; an RTL override is kept as typed and isolated (`unicode-bidi: plaintext`),
so it reorders nothing outside the line itself.
"""

import reflex as rx
from reflex.config import get_config

from motivator_web import shares
from motivator_web.components.care import TAP
from motivator_web.components.verse_of_the_day import SERIF, translation_name
from motivator_web.state import ChatState
from motivator_web.state.share_page import SharePageState
from shared.limits import SHARE_LINE_MAX_CHARS

#: The person's words, isolated: an RTL override inside them cannot reorder anything around them.
AS_TYPED = {"unicodeBidi": "plaintext", "whiteSpace": "pre-wrap", "overflowWrap": "anywhere"}


def _card_url(share_id) -> rx.Var:
    """The card, through the web tier's own backend (CSP img-src), never the API's origin."""
    head, _, tail = shares.CARD_PATH.partition("{share_id}")
    return str(get_config().api_url).rstrip("/") + head + share_id + tail


def share_button(turn) -> rx.Component:
    return rx.button(
        rx.icon("share-2", size=14, aria_hidden="true"),
        "Share",
        size="2",
        variant="soft",
        color_scheme="amber",
        high_contrast=True,
        on_click=ChatState.open_share(turn.message_id),
        aria_haspopup="dialog",
        data_testid="share-verse",
    )


def _made_link() -> rx.Component:
    link = ChatState.share_link
    url = ChatState.router.url.origin + link.path
    return rx.vstack(
        rx.text("Anyone with this link sees the verse and your line, never your conversation.", size="2"),
        rx.link(url, href=link.path, target="_blank", rel="noopener", data_testid="share-link", style=AS_TYPED),
        rx.hstack(
            rx.button(
                rx.icon("copy", size=14, aria_hidden="true"),
                "Copy link",
                on_click=[rx.set_clipboard(url), rx.toast("Link copied")],
                high_contrast=True,
                data_testid="copy-share-link",
                min_height=TAP,
            ),
            rx.button(
                rx.el.a(
                    rx.icon("download", size=14, aria_hidden="true"),
                    "Download card",
                    href=_card_url(link.share_id),
                    download="motivator-verse.png",
                    data_testid="download-card",
                ),
                as_child=True,
                variant="soft",
                high_contrast=True,
                min_height=TAP,
            ),
            spacing="2",
            wrap="wrap",
        ),
        spacing="3",
        width="100%",
    )


def _line_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label("A line of your own (optional)", html_for="share-line", style={"fontWeight": 500}),
            rx.input(
                id="share-line",
                name="line",
                max_length=SHARE_LINE_MAX_CHARS,
                placeholder="For you, with love",
                aria_describedby="share-line-hint",
                width="100%",
                data_testid="share-line",
            ),
            rx.text(
                f"Up to {SHARE_LINE_MAX_CHARS} characters, shown as you type it.",
                id="share-line-hint",
                size="1",
                color="var(--gray-11)",
            ),
            rx.cond(
                ChatState.share_error != "",
                rx.callout(ChatState.share_error, color_scheme="red", role="alert", data_testid="share-error"),
            ),
            rx.button(
                "Create link",
                type="submit",
                loading=ChatState.share_busy,
                high_contrast=True,  # white on teal-9 is under 4.5:1
                min_height=TAP,
                data_testid="create-share",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=ChatState.create_share,
    )


def share_dialog() -> rx.Component:
    """One dialog for the chat page, opened by any answer's Share button."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Share this verse"),
            rx.dialog.description(
                "Make a link to a page showing only this verse and, if you like, a line you write.",
                size="2",
                color="var(--gray-11)",
            ),
            rx.box(rx.cond(ChatState.share_link.share_id != "", _made_link(), _line_form()), margin_top="14px"),
            rx.flex(
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray", min_height=TAP)),
                justify="end",
                margin_top="14px",
            ),
            max_width="min(94vw, 520px)",
        ),
        open=ChatState.share_open,
        on_open_change=ChatState.set_share_open,
    )


def _shared_row(item) -> rx.Component:
    return rx.box(
        rx.text(item.reference, weight="bold", size="2", data_testid="shared-reference"),
        rx.cond(item.line != "", rx.text(item.line, size="2", style=AS_TYPED, data_testid="shared-line")),
        rx.hstack(
            rx.el.a("Open page", href=item.path, target="_blank", rel="noopener", data_testid="shared-open", size="1"),
            rx.text("Shared " + item.shared_on, size="1", color="var(--gray-11)"),
            rx.spacer(),
            rx.button(
                "Stop sharing",
                size="1",
                variant="soft",
                color_scheme="red",
                high_contrast=True,
                on_click=ChatState.revoke_share(item.share_id),
                aria_label="Stop sharing " + item.reference,
                data_testid="stop-sharing",
                min_height="32px",
            ),
            align="center",
            width="100%",
            margin_top="6px",
            wrap="wrap",
        ),
        padding="10px 12px",
        border="1px solid var(--gray-a5)",
        border_radius="10px",
        width="100%",
        data_testid="shared-item",
    )


def shared_links() -> rx.Component:
    """The Saved view's Shared links list: every live link, newest first, each with Stop sharing."""
    return rx.el.section(
        rx.heading("Shared links", size="3", as_="h3", id="shared-links-heading"),
        rx.vstack(
            rx.foreach(ChatState.shares, _shared_row),
            rx.cond(
                (ChatState.shares.length() == 0) & ~ChatState.shares_loading,
                rx.text("No shared links. Share a verse from any answer.", size="2", data_testid="shared-empty"),
            ),
            rx.cond(
                (ChatState.shares_cursor != "") & ~ChatState.shares_loading,
                rx.button("Show more", variant="soft", on_click=ChatState.more_shares),
            ),
            spacing="2",
            width="100%",
            margin_top="8px",
        ),
        aria_labelledby="shared-links-heading",
        style={"width": "100%"},
        data_testid="shared-links",
    )


# -- the public page -------------------------------------------------------------------------------
def _shown() -> rx.Component:
    s = SharePageState
    return rx.vstack(
        rx.el.figure(
            rx.el.blockquote(
                rx.text("\u201c", s.text, "\u201d", size="5", line_height="1.6", font_family=SERIF),
                style={"margin": 0},
                data_testid="shared-verse-text",
            ),
            rx.el.figcaption(
                rx.text(s.reference, weight="bold", size="3", as_="span", data_testid="shared-verse-reference"),
                rx.text(" \u00b7 ", as_="span", aria_hidden="true", color="var(--gray-9)"),
                rx.text(translation_name(s.translation), size="2", as_="span", color="var(--gray-11)"),
                style={"marginTop": "10px"},
            ),
            style={
                "margin": 0,
                "padding": "18px 22px",
                "borderLeft": "3px solid var(--amber-8)",
                "background": "var(--amber-2)",
                "borderRadius": "0 12px 12px 0",
                "width": "100%",
            },
        ),
        rx.cond(
            s.line != "",
            rx.box(
                rx.text("A note from the person who shared it", size="1", color="var(--gray-11)"),
                rx.text(s.line, size="3", style=AS_TYPED, data_testid="shared-verse-line"),
                width="100%",
            ),
        ),
        rx.image(
            src=s.card_url,
            alt="The verse as an image card: " + s.reference,
            width="100%",
            max_width="600px",
            border_radius="10px",
            border="1px solid var(--gray-a5)",
            data_testid="shared-card",
        ),
        spacing="4",
        width="100%",
    )


def _gone() -> rx.Component:
    return rx.vstack(
        rx.text("The person who made it has stopped sharing it, or the address is not quite right.", size="3"),
        spacing="2",
    )


def share_page() -> rx.Component:
    """/s/<id>: the shared verse and line, read-only, for anyone (signed in or not)."""
    s = SharePageState
    return rx.center(
        rx.el.main(
            rx.vstack(
                rx.text("Motivator", size="4", weight="bold", color="var(--teal-11)"),
                # The page's one heading says what it holds: a verse, or that the link no longer shares one.
                rx.cond(
                    s.status == "gone",
                    rx.heading("This link is no longer shared", size="6", as_="h1", data_testid="share-gone"),
                    rx.heading("A verse shared with you", size="6", as_="h1"),
                ),
                rx.match(
                    s.status,
                    ("shown", _shown()),
                    ("gone", _gone()),
                    ("unavailable", rx.text("This page could not be loaded just now. Please try again.", size="3")),
                    rx.center(rx.spinner(size="3"), width="100%", aria_label="Loading"),
                ),
                rx.link("What is Motivator?", href="/welcome", size="3", data_testid="what-is-motivator"),
                spacing="4",
                width="100%",
            ),
            style={"width": "min(94vw, 680px)", "padding": "32px 0"},
        ),
        min_height="100dvh",
        background="linear-gradient(180deg, var(--teal-2), var(--gray-1) 240px)",
    )
