"""A labelled select with a hint line under it: the one shape of every choice in the settings popover."""

from typing import Any

import reflex as rx

_LABEL_STYLE = {"fontSize": "var(--font-size-2)", "fontWeight": 500}
_SELECT_STYLE = {
    "width": "100%",
    "minHeight": "44px",
    "padding": "0 10px",
    "borderRadius": "8px",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
    "fontSize": "var(--font-size-3)",
}


def labelled_select(
    label: str, field: str, options: list[rx.Component] | rx.Component, *, value: Any, on_change: Any, hint: str
) -> rx.Component:
    """`options` are the select's children; `field` is its id and name, and `{field}-select` its test id."""
    children = options if isinstance(options, list) else [options]
    return rx.vstack(
        rx.el.label(label, html_for=field, style=_LABEL_STYLE),
        rx.el.select(
            *children,
            id=field,
            name=field,
            value=value,
            on_change=on_change,
            data_testid=f"{field}-select",
            style=_SELECT_STYLE,
        ),
        rx.text(hint, size="1", color="var(--gray-11)"),
        spacing="2",
        width="100%",
    )
