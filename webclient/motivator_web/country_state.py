"""Reflex state of the country setting: kept in this browser (localStorage), suggested by the browser's language."""

from __future__ import annotations

import reflex as rx

from motivator_web.countries import COUNTRIES, ELSEWHERE, chosen_country, country_from_locale, first_language


class CountryState(rx.State):
    """Which country's emergency numbers the crisis resources should carry; sent with every question."""

    #: The person's own pick: a code of COUNTRIES, ELSEWHERE, or "" when they never picked (the locale decides).
    choice: str = rx.LocalStorage("", name="motivator-country", sync=True)
    #: From the browser's preferred language (Accept-Language of the page's socket), read once per page load.
    locale_country: str = ""

    @rx.var
    def country(self) -> str:
        return chosen_country(self.choice, self.locale_country)

    @rx.var
    def select_value(self) -> str:
        return chosen_country(self.choice, self.locale_country) or ELSEWHERE

    @rx.event
    def detect(self) -> None:
        """on_load of the chat page: the browser's first preferred language, as its socket's handshake sent it.

        The same tag as navigator.language, read on the server: asking the page (rx.call_script) would need eval(),
        which the CSP forbids (motivator_web/security.py)."""
        self.locale_country = country_from_locale(first_language(self.router.headers.accept_language))

    @rx.event
    def choose(self, value: str) -> None:
        self.choice = value if value in COUNTRIES or value == ELSEWHERE else ""
