"""The settings popover in the header: the person's country (for the emergency numbers), and their data."""

import reflex as rx

from motivator_web.components.account import your_data
from motivator_web.components.labelled_select import labelled_select
from motivator_web.components.translation import translation_select
from motivator_web.countries import COUNTRIES, ELSEWHERE, ELSEWHERE_LABEL
from motivator_web.country_state import CountryState


def country_select() -> rx.Component:
    return labelled_select(
        "Your country (for emergency numbers)",
        "country",
        [
            *[rx.el.option(name, value=code) for code, name in COUNTRIES.items()],
            rx.el.option(ELSEWHERE_LABEL, value=ELSEWHERE),
        ],
        value=CountryState.select_value,
        on_change=CountryState.choose,
        hint="Help lines shown with an answer include this country's emergency number. Kept in this browser only.",
    )


def settings_menu() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            rx.icon_button(
                rx.icon("settings", size=18),
                variant="ghost",
                color_scheme="gray",
                aria_label="Settings",
                title="Settings",
                data_testid="settings",
            ),
        ),
        rx.popover.content(
            rx.heading("Settings", size="3", as_="h2", margin_bottom="10px"),
            rx.vstack(country_select(), translation_select(), your_data(), spacing="4", width="100%"),
            width="min(92vw, 320px)",
            aria_label="Settings",
        ),
    )
