"""The conversation: question bubbles, answer cards (emotion, verse, encouragement, help lines), the transcript."""

import reflex as rx

from motivator_web.components.care import concern_resources, crisis_resources
from motivator_web.components.verse_actions import sibling_note, verse_actions
from motivator_web.components.verse_of_the_day import translation_name, verse_of_the_day
from motivator_web.models import DONE, FAILED, INTERRUPTED, SENDING, STOPPED, STREAMING, UNSAVED_NOTE
from motivator_web.state import ChatState
from motivator_web.state.landing import EXAMPLES
from motivator_web.state.ui import DetailState
from shared.limits import FEEDBACK_COMMENT_MAX_CHARS

SERIF = "'Iowan Old Style', 'Palatino Linotype', Palatino, Georgia, serif"


def question_bubble(turn) -> rx.Component:
    return rx.flex(
        rx.box(
            rx.el.span("You said: ", class_name="sr-only"),
            rx.text(turn.question, size="3", white_space="pre-wrap"),
            background="var(--teal-a3)",
            color="var(--gray-12)",
            padding_x="16px",
            padding_y="10px",
            border_radius="18px 18px 4px 18px",
            max_width="min(85%, 560px)",
            overflow_wrap="anywhere",
        ),
        justify="end",
        width="100%",
    )


def emotion_chip(turn) -> rx.Component:
    return rx.badge(
        rx.icon("heart", size=13, aria_hidden="true"),
        rx.el.span("I hear that you feel ", class_name="sr-only"),
        turn.emotion,
        color_scheme="teal",
        variant="soft",
        high_contrast=True,  # teal-11 on teal-3 is 4.1:1; the high-contrast text passes in light and dark
        radius="full",
        size="2",
        data_testid="emotion-chip",
        text_transform="capitalize",
    )


def copy_verse(turn, translation) -> rx.Component:
    """One tap copies the verse as it should be quoted: its words, reference and translation."""
    quoted = "\u201c" + turn.verse + "\u201d \u2014 " + turn.reference + " (" + translation.to(str) + ")"
    copied = DetailState.copied == turn.key
    return rx.button(
        rx.icon(rx.cond(copied, "check", "copy"), size=14, aria_hidden="true"),
        rx.cond(copied, "Copied", "Copy verse"),
        on_click=[rx.set_clipboard(quoted), DetailState.mark_copied(turn.key)],
        variant="ghost",
        color_scheme="gray",
        high_contrast=True,
        size="1",
        aria_label=rx.cond(copied, "Copied", "Copy verse"),
        data_testid="copy-verse",
        margin_left="auto",
    )


def verse_card(turn) -> rx.Component:
    translation = translation_name(turn.translation)
    return rx.box(
        rx.el.figure(
            rx.el.blockquote(
                rx.text(
                    "\u201c",
                    turn.verse,
                    "\u201d",
                    size="3",
                    line_height="1.6",
                    font_family=SERIF,
                    color="var(--gray-12)",
                    data_testid="verse-text",
                ),
                style={"margin": 0},
            ),
            rx.el.figcaption(
                rx.hstack(
                    rx.el.cite(
                        rx.text(turn.reference, weight="bold", size="2", data_testid="verse-reference"),
                        style={"fontStyle": "normal"},
                    ),
                    rx.text("·", size="2", color="var(--gray-9)", aria_hidden="true"),
                    rx.text(translation, size="1", color="var(--gray-11)", data_testid="verse-translation"),
                    copy_verse(turn, translation),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                    width="100%",
                ),
                style={"marginTop": "10px"},
            ),
            style={"margin": 0},
        ),
        padding="16px 18px",
        border_left="3px solid var(--amber-8)",
        background="var(--amber-2)",
        border_radius="0 12px 12px 0",
        data_testid="verse-card",
        aria_label="Bible verse",
        role="group",
    )


def listening() -> rx.Component:
    return rx.hstack(
        rx.spinner(size="2"),
        rx.text("Listening and finding words for you…", size="2", color="var(--gray-11)"),
        align="center",
        spacing="2",
    )


def answer_text(turn, live: bool) -> rx.Component:
    # Not a live region itself: every delta would be read out. The finished answer is announced once (announcer()).
    props = {"id": "live-answer"} if live else {}
    return rx.text(
        turn.text,
        size="3",
        line_height="1.7",
        white_space="pre-wrap",
        data_testid="answer-text",
        data_status=turn.status,
        **props,
    )


def feedback_row(turn) -> rx.Component:
    def thumb(icon: str, label: str, helpful: bool, chosen: str) -> rx.Component:
        return rx.icon_button(
            rx.icon(icon, size=16),
            variant=rx.cond(turn.feedback == chosen, "solid", "soft"),
            color_scheme=rx.cond(turn.feedback == chosen, "teal", "gray"),
            high_contrast=True,
            size="2",
            radius="full",
            aria_label=label,
            aria_pressed=rx.cond(turn.feedback == chosen, "true", "false"),
            title=label,
            on_click=ChatState.give_feedback(turn.key, helpful),
            data_testid=f"feedback-{chosen}",
        )

    comment_form = rx.form(
        rx.el.input(type="hidden", name="key", value=turn.key),
        rx.vstack(
            rx.text_area(
                name="comment",
                placeholder="Anything you'd like to add? (optional)",
                aria_label="Optional comment about this answer",
                max_length=FEEDBACK_COMMENT_MAX_CHARS,
                rows="2",
                width="100%",
            ),
            rx.hstack(
                rx.button("Send comment", type="submit", size="2", variant="soft", high_contrast=True),
                rx.button(
                    "No thanks", type="button", size="2", variant="ghost", on_click=ChatState.close_comment(turn.key)
                ),
                spacing="2",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=ChatState.send_comment,
        reset_on_submit=True,
        width="100%",
        aria_label="Comment on this answer",
    )
    return rx.vstack(
        rx.hstack(
            rx.text("Did this help?", size="1", color="var(--gray-11)"),
            thumb("thumbs-up", "Yes, this helped", True, "up"),
            thumb("thumbs-down", "No, this didn't help", False, "down"),
            rx.cond(
                turn.feedback_saved,
                rx.text(
                    rx.cond(turn.commented, "Thank you — your comment was sent.", "Thank you — noted."),
                    size="1",
                    color="var(--jade-11)",
                    role="status",
                    data_testid="feedback-saved",
                ),
            ),
            align="center",
            spacing="2",
        ),
        rx.cond(turn.comment_open, comment_form),
        spacing="2",
        width="100%",
    )


def turn_footer(turn, live: bool) -> rx.Component:
    if live:
        return rx.cond(
            ChatState.stop_supported & (turn.message_id != "") & (turn.status == STREAMING),
            rx.button(
                rx.icon("square", size=14),
                "Stop",
                size="2",
                variant="soft",
                color_scheme="gray",
                on_click=ChatState.stop,
                aria_label="Stop this answer",
                data_testid="stop-button",
            ),
        )
    return rx.match(
        turn.status,
        (
            FAILED,
            rx.vstack(
                rx.callout(
                    turn.notice, icon="cloud-sun", color_scheme="amber", high_contrast=True, width="100%", role="alert"
                ),
                rx.button(
                    rx.icon("rotate-ccw", size=14),
                    "Try again",
                    size="2",
                    variant="soft",
                    high_contrast=True,
                    on_click=ChatState.retry(turn.key),
                    aria_label="Send this message again",
                ),
                spacing="2",
                width="100%",
            ),
        ),
        (
            INTERRUPTED,
            rx.vstack(
                rx.callout(turn.notice, icon="wifi-off", color_scheme="amber", high_contrast=True, width="100%"),
                rx.button(
                    rx.icon("rotate-ccw", size=14),
                    "Ask again",
                    size="2",
                    variant="soft",
                    high_contrast=True,
                    on_click=ChatState.retry(turn.key),
                    aria_label="Ask this again",
                ),
                spacing="2",
                width="100%",
            ),
        ),
        (STOPPED, rx.text(turn.notice, size="1", color="var(--gray-11)")),
        (
            DONE,
            rx.cond(ChatState.feedback_supported & turn.feedback_offered & (turn.message_id != ""), feedback_row(turn)),
        ),
        rx.fragment(),
    )


def answer_card(turn, live: bool = False) -> rx.Component:
    waiting = (turn.status == SENDING) | ((turn.status == STREAMING) & (turn.text == ""))
    return rx.box(
        rx.vstack(
            rx.cond(turn.crisis, crisis_resources(turn.resources)),
            rx.cond(turn.emotion != "", rx.cond(~turn.crisis, emotion_chip(turn))),
            rx.cond(turn.reference != "", verse_card(turn)),
            rx.cond(waiting, listening()) if live else rx.fragment(),
            answer_text(turn, live),
            concern_resources(turn),
            turn_footer(turn, live),
            rx.fragment() if live else verse_actions(turn),
            rx.cond(~turn.saved, rx.text(UNSAVED_NOTE, size="1", color="var(--gray-11)", data_testid="unsaved-note")),
            spacing="3",
            width="100%",
        ),
        padding="18px",
        border_radius="18px 18px 18px 4px",
        background=rx.cond(turn.crisis, "var(--tomato-2)", "var(--color-panel-solid)"),
        border=rx.cond(turn.crisis, "2px solid var(--tomato-7)", "1px solid var(--gray-a4)"),
        box_shadow="0 1px 2px var(--gray-a3)",
        width="100%",
        max_width="640px",
        data_testid=rx.cond(turn.crisis, "crisis-card", "answer-card"),
        data_message_id=turn.message_id,
        data_safety=rx.cond(turn.crisis, "crisis", rx.cond(turn.concern, "concern", "ok")),
        id="turn-" + turn.key,
        scroll_margin_top="16px",
        role="article",
        aria_label=rx.cond(turn.crisis, "Support resources and answer", "Answer"),
    )


def turn_view(turn, live: bool = False) -> rx.Component:
    question = rx.cond(turn.sibling_of != "", sibling_note(turn), question_bubble(turn))
    return rx.vstack(question, answer_card(turn, live), spacing="3", width="100%")


def empty_state() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("sun", size=34, color="var(--amber-9)", aria_hidden="true"),
            rx.heading("How is your heart today?", size="6", as_="h1", text_align="center"),
            rx.text(
                "Write a few words about how you feel. You'll receive a Bible verse "
                "and a few sentences of encouragement.",
                size="3",
                color="var(--gray-11)",
                text_align="center",
                max_width="460px",
            ),
            verse_of_the_day(),
            rx.flex(
                *[
                    rx.button(
                        text,
                        on_click=ChatState.send({"message": text}),
                        variant="surface",
                        color_scheme="gray",
                        size="2",
                        min_height="44px",
                        height="auto",
                        max_width="100%",
                        padding_y="8px",
                        white_space="normal",
                        data_testid="example-message",
                    )
                    for text in EXAMPLES
                ],
                gap="8px",
                wrap="wrap",
                justify="center",
                max_width="560px",
                aria_label="Example first messages",
                role="group",
            ),
            align="center",
            spacing="3",
        ),
        padding_y="10vh",
        width="100%",
    )


@rx.memo
def scroll_into_view(target: rx.Var[str]) -> rx.Component:
    """An empty element that, once mounted, scrolls the element with id `target` into view (its own component:
    its on_mount hook runs each time it mounts, i.e. for each new key)."""
    # scroll_to is typed for a str but builds its script from a Var as well.
    scroll = rx.scroll_to(target)  # type: ignore[arg-type]
    return rx.box(on_mount=scroll, display="none", aria_hidden="true")


def scroller() -> rx.Component:
    """Scrolls to ChatState.scroll_target when it changes: keyed by it, scroll_into_view mounts anew for each target,
    and its on_mount is compiled into the page (a server-sent rx.scroll_to would be eval()ed, which the CSP forbids)."""
    return rx.cond(
        ChatState.scroll_target != "",
        scroll_into_view(target=ChatState.scroll_target, key=ChatState.scroll_target),
    )


def transcript() -> rx.Component:
    return rx.auto_scroll(
        rx.vstack(
            rx.cond(
                ChatState.loading_session,
                rx.center(rx.spinner(size="3"), rx.text("Opening conversation…", size="2"), padding="40px"),
            ),
            rx.cond(
                (ChatState.turns.length() == 0) & ~ChatState.has_live & ~ChatState.loading_session,
                empty_state(),
            ),
            rx.foreach(ChatState.turns, lambda turn: turn_view(turn)),
            rx.cond(ChatState.has_live, turn_view(ChatState.live, live=True)),
            scroller(),
            spacing="6",
            width="100%",
            max_width="760px",
            margin_x="auto",
            padding_x=["14px", "20px", "28px"],
            padding_y="24px",
        ),
        flex="1",
        width="100%",
        # Contains the absolutely placed .sr-only labels; without it they stretch the document and the page scrolls.
        position="relative",
        role="region",  # not role="log": a log is a live region, and would read each delta as it arrives
        aria_label="Conversation",
        data_testid="transcript",
    )
