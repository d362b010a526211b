"""The /ops page: the alarms' states, then one card per dashboard widget (numbers and a per-minute chart), laid out
from shared/dashboard.py at build time and filled from OpsState; a refusal card for anyone who is not an operator."""

from __future__ import annotations

from typing import Any

import reflex as rx

from motivator_web.components.auth import brand
from motivator_web.state.ops import MINUTES, OpsState
from shared.dashboard import Dashboard, Metric, Series, Thresholds, Widget, dashboard

#: The shape of the page (titles, series, alarm names); the numbers, thresholds included, come from the state.
LAYOUT: Dashboard = dashboard(Thresholds())
_COLOURS = ("var(--teal-9)", "var(--amber-9)", "var(--tomato-9)", "var(--iris-9)", "var(--grass-9)", "var(--gray-9)")


def _text(key: str) -> Any:
    return OpsState.texts.get(key, "–")


def alarm_card(alarm_id: str) -> rx.Component:
    state = _text(f"{alarm_id}.state")
    firing = state == "ALARM"
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(alarm_id, weight="bold", size="2"),
                rx.badge(state, color_scheme=rx.cond(firing, "tomato", "grass"), variant="solid", size="2"),
                justify="between",
                width="100%",
            ),
            rx.text(
                "now ",
                rx.text.strong(_text(f"{alarm_id}.value")),
                " · alarm when ",
                _text(f"{alarm_id}.rule"),
                size="1",
                color="var(--gray-11)",
            ),
            rx.text(_text(f"{alarm_id}.periods"), size="1", color="var(--gray-10)"),
            spacing="1",
            width="100%",
        ),
        data_testid=f"alarm-{alarm_id}",
        data_state=state,
        role="status",
        aria_label=alarm_id + ": " + state,
        background=rx.cond(firing, "var(--tomato-3)", "var(--color-panel-solid)"),
    )


def _legend(widget: Widget) -> rx.Component:
    rows = [
        rx.hstack(
            rx.box(
                width="10px",
                height="10px",
                border_radius="2px",
                background=_COLOURS[i % len(_COLOURS)],
                flex_shrink="0",
                aria_hidden="true",
            ),
            rx.text(series.title, size="1", color="var(--gray-11)", flex="1", trim="both"),
            rx.text(_text(f"{widget.key}.{i}.window"), size="2", weight="bold", data_testid=f"value-{widget.key}-{i}"),
            align="center",
            width="100%",
            spacing="2",
        )
        for i, series in enumerate(widget.series)
    ]
    return rx.vstack(*rows, spacing="1", width="100%")


def _plot(widget: Widget, index: int, series: Series) -> rx.Component:
    """Counts as bars per minute; percentiles, averages and ratios as lines with a dot per minute that has data."""
    colour = _COLOURS[index % len(_COLOURS)]
    if isinstance(series, Metric) and series.stat == "Sum":
        return rx.recharts.bar(data_key=f"s{index}", name=series.title, fill=colour, is_animation_active=False)
    return rx.recharts.line(
        data_key=f"s{index}",
        name=series.title,
        stroke=colour,
        dot={"r": 2},
        is_animation_active=False,
        connect_nulls=False,
        type_="monotone",
    )


def over(widget: Widget) -> str:
    """What the numbers beside the legend cover: the widget's own period when it is longer than the window."""
    return "last hour" if all(s.period_s >= MINUTES * 60 for s in widget.series) else f"last {MINUTES} min"


def widget_card(widget: Widget) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(widget.title, size="3", as_="h2"),
                rx.text(over(widget), size="1", color="var(--gray-10)"),
                justify="between",
                align="baseline",
                width="100%",
            ),
            _legend(widget),
            rx.recharts.composed_chart(
                *(_plot(widget, i, s) for i, s in enumerate(widget.series)),
                rx.recharts.x_axis(data_key="minute", min_tick_gap=24, font_size=10),
                rx.recharts.y_axis(width=36, font_size=10),
                rx.recharts.graphing_tooltip(),
                data=OpsState.charts.get(widget.key, []),
                width="100%",
                height=120,
                bar_gap=1,
            ),
            spacing="2",
            width="100%",
        ),
        data_testid=f"widget-{widget.key}",
        aria_label=widget.title,
    )


def _refused() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                brand(),
                rx.heading("Operations", size="5", as_="h1"),
                rx.callout(OpsState.message, icon="lock", color_scheme="amber", role="alert", width="100%"),
                rx.hstack(
                    rx.cond(
                        OpsState.access == "refused",
                        rx.link(
                            "Sign in as an operator", href="/signin?next=/ops", weight="medium", white_space="nowrap"
                        ),
                    ),
                    rx.link("Back to the chat", href="/", weight="medium", white_space="nowrap"),
                    spacing="5",
                    wrap="wrap",
                ),
                spacing="4",
                width="100%",
            ),
            size="3",
            width="100%",
            max_width="480px",
        ),
        min_height="100dvh",
        padding="20px",
    )


def _dashboard() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            brand("5"),
            rx.heading("Operations", size="5", as_="h1", weight="medium", color="var(--gray-11)"),
            rx.spacer(),
            rx.text(
                "last ",
                str(MINUTES),
                " min · updated ",
                OpsState.updated,
                size="1",
                color="var(--gray-10)",
                aria_live="polite",
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.heading("Alarms", size="4", as_="h2"),
        rx.grid(
            *(alarm_card(a.id) for a in LAYOUT.alarms),
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="3",
            width="100%",
        ),
        rx.heading("Widgets", size="4", as_="h2"),
        rx.grid(
            *(widget_card(w) for w in LAYOUT.widgets),
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="3",
            width="100%",
        ),
        rx.text(
            "The same definition (shared/dashboard.py) draws the CloudWatch dashboard; numbers here come from the "
            "local handlers' EMF lines. What each alarm means: docs/operations.md.",
            size="1",
            color="var(--gray-10)",
        ),
        spacing="4",
        width="100%",
        max_width="1280px",
        margin="0 auto",
        padding="16px",
    )


def ops_page() -> rx.Component:
    return rx.box(
        rx.cond(
            OpsState.access == "granted",
            _dashboard(),
            rx.cond(OpsState.access == "checking", rx.center(rx.spinner(), min_height="100dvh"), _refused()),
        ),
        min_height="100dvh",
        background="linear-gradient(180deg, var(--teal-2), var(--gray-1) 240px)",
    )
