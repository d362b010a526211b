"""Help lines in an answer: the crisis card (first, prominent) and the concern card (below the answer, quiet)."""

from typing import Any

import reflex as rx

#: Tap targets of at least 44 px (WCAG 2.5.5, Apple's HIG), on a phone as on a desktop.
TAP = "44px"


def _action(href, label, name, icon: str, testid: str, look: dict[str, Any], external: bool = False) -> rx.Component:
    """One way to reach a line: a single link styled as a button (one tab stop), its label honest and visible."""
    return rx.cond(
        href != "",
        rx.button(
            rx.el.a(
                rx.icon(icon, size=16, aria_hidden="true"),
                label,
                href=href,
                aria_label=label + ", " + name,
                data_testid=testid,
                **({"target": "_blank", "rel": "noopener noreferrer"} if external else {}),
            ),
            as_child=True,
            min_height=TAP,
            height="auto",
            max_width="100%",  # a long label ("Chat online with the Veterans Crisis Line") wraps on a phone
            white_space="normal",
            text_align="left",
            **look,
        ),
    )


def _actions(resource, call: dict[str, Any], text: dict[str, Any], link: dict[str, Any]) -> list[rx.Component]:
    return [
        _action(resource.tel_href, resource.call_label, resource.name, "phone", "resource-call", call),
        _action(resource.sms_href, resource.text_label, resource.name, "message-square", "resource-text", text),
        # Only an allowed help-line host is linked (security.LINK_HOSTS); any other url shows no link.
        _action(
            resource.link_href,
            resource.link_label,
            resource.name,
            "external-link",
            "resource-link",
            link,
            external=True,
        ),
    ]


def crisis_row(resource) -> rx.Component:
    """A line in a crisis card: its name, what it offers, and large actions; `lang` is the service's own language."""
    actions = _actions(
        resource,
        call={"size": "3", "color_scheme": "tomato", "high_contrast": True},
        text={"size": "3", "color_scheme": "tomato", "variant": "outline", "high_contrast": True},
        link={"size": "3", "color_scheme": "tomato", "variant": "soft", "high_contrast": True},
    )
    return rx.box(
        rx.text(resource.name, weight="bold", size="3", as_="p"),
        rx.text(resource.description, size="2", color="var(--gray-11)", as_="p"),
        rx.flex(*actions, gap="8px", wrap="wrap", margin_top="8px"),
        lang=resource.lang,
        padding="12px 14px",
        border_radius="12px",
        background="var(--color-panel-solid)",
        border="1px solid var(--tomato-a5)",
        width="100%",
        data_testid="resource",
    )


def quiet_row(resource) -> rx.Component:
    """A line in a concern card: one compact row, the actions beside the name where they fit and below it where not."""
    look = {"size": "2", "color_scheme": "teal", "variant": "soft", "high_contrast": True}
    return rx.flex(
        rx.box(
            rx.text(resource.name, weight="medium", size="2", as_="p"),
            rx.text(resource.description, size="1", color="var(--gray-11)", as_="p"),
            flex="1 1 260px",
            min_width="0",
        ),
        rx.flex(*_actions(resource, look, look, look), gap="6px", wrap="wrap", flex="0 1 auto", max_width="100%"),
        wrap="wrap",
        align="center",
        gap="8px",
        lang=resource.lang,
        padding_y="10px",
        border_top="1px solid var(--teal-a4)",
        width="100%",
        data_testid="resource",
    )


def crisis_resources(resources) -> rx.Component:
    """Before the verse and the text of a crisis answer (and for a title heard as one): every line, ready to tap."""
    return rx.vstack(
        rx.hstack(
            rx.icon("life-buoy", size=22, color="var(--tomato-10)", aria_hidden="true", flex_shrink="0"),
            rx.heading("You matter, and you don't have to face this alone", size="4", as_="h2"),
            align="center",
            spacing="2",
        ),
        rx.text(
            "Please reach out right now. Someone kind is ready to listen, any time of day or night.",
            size="2",
        ),
        rx.foreach(resources, crisis_row),
        spacing="3",
        width="100%",
        role="region",
        aria_label="Crisis support",
        data_testid="crisis-resources",
    )


def concern_resources(turn) -> rx.Component:
    """Below an ordinary answer that heard something heavy: a few lines, calmly, the rest folded away."""
    return rx.cond(
        turn.concern,
        rx.box(
            rx.hstack(
                rx.icon("hand-heart", size=18, color="var(--teal-10)", aria_hidden="true", flex_shrink="0"),
                rx.heading("If you need someone to talk to right now", size="3", as_="h2", weight="medium"),
                align="center",
                spacing="2",
            ),
            rx.text(
                "Trained, caring people are ready to listen. Reaching out is a brave thing to do.",
                size="2",
                color="var(--gray-11)",
                margin_top="4px",
            ),
            rx.box(rx.foreach(turn.resources, quiet_row), width="100%", margin_top="8px"),
            rx.cond(
                turn.more_resources.length() > 0,
                rx.el.details(
                    rx.el.summary(
                        "More ways to reach someone",
                        # 20 px of text and 24 of padding: a 44 px target that keeps the disclosure triangle.
                        style={"cursor": "pointer", "padding": "12px 0", "color": "var(--teal-11)", "fontWeight": 500},
                    ),
                    rx.box(rx.foreach(turn.more_resources, quiet_row), width="100%"),
                    style={"marginTop": "6px", "fontSize": "var(--font-size-2)", "color": "var(--gray-12)"},
                ),
            ),
            padding="14px 16px",
            border_radius="14px",
            background="var(--teal-a2)",
            border="1px solid var(--teal-a5)",
            width="100%",
            role="region",
            aria_label="People you can talk to",
            data_testid="concern-resources",
        ),
    )
