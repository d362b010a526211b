"""Reflex state of the country setting: kept in this browser (localStorage), suggested by the browser's locale."""

from __future__ import annotations

import reflex as rx

from motivator_web.countries import COUNTRIES, ELSEWHERE, chosen_country, country_from_locale


class CountryState(rx.State):
    """Which country's emergency numbers the crisis resources should carry; sent with every question."""

    #: The person's own pick: a code of COUNTRIES, ELSEWHERE, or "" when they never picked (the locale decides).
    choice: str = rx.LocalStorage("", name="motivator-country", sync=True)
    #: From navigator.language, read once per page load.
    locale_country: str = ""

    @rx.var
    def country(self) -> str:
        return chosen_country(self.choice, self.locale_country)

    @rx.var
    def select_value(self) -> str:
        return chosen_country(self.choice, self.locale_country) or ELSEWHERE

    @rx.event
    def detect(self):
        """on_load of the chat page: ask the browser for its locale."""
        return rx.call_script("navigator.language || ''", callback=CountryState.set_locale)

    @rx.event
    def set_locale(self, tag: str) -> None:
        self.locale_country = country_from_locale(str(tag or ""))

    @rx.event
    def choose(self, value: str) -> None:
        self.choice = value if value in COUNTRIES or value == ELSEWHERE else ""
