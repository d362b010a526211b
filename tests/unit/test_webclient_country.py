"""The web client's country setting: suggested by the browser's locale, chosen by the person, known to the server."""

from __future__ import annotations

import pytest
from motivator_web.countries import COUNTRIES, ELSEWHERE, chosen_country, country_from_locale, first_language

from shared.engine.resources import EMERGENCY_NUMBERS
from shared.protocol import SendMessage


@pytest.mark.parametrize(
    ("tag", "country"),
    [
        ("en-GB", "GB"),
        ("en-us", "US"),
        ("pt_BR", "BR"),
        ("zh-Hant-HK", "HK"),
        ("es-419", ""),  # a UN region, not a country
        ("en", ""),
        ("sw-KE", ""),  # a country whose number the server does not know: "Another country"
        ("", ""),
        (None, ""),
    ],
)
def test_the_locale_suggests_a_country(tag: str | None, country: str) -> None:
    # Given the browser's navigator.language, When the client reads its region, Then it suggests that listed country
    assert country_from_locale(tag) == country


@pytest.mark.parametrize(
    ("header", "tag"),
    [
        ("en-GB,en;q=0.9", "en-GB"),
        ("pt-BR", "pt-BR"),
        ("fr;q=0.8, en", "fr"),
        (" de-DE ", "de-DE"),
        ("", ""),
        (None, ""),
    ],
)
def test_the_browsers_first_preferred_language_is_its_locale(header: str | None, tag: str) -> None:
    # Given the Accept-Language header the page's socket sent, When the client reads it, Then the first tag is taken
    assert first_language(header) == tag


def test_the_persons_choice_wins_over_the_locale() -> None:
    # Given a browser in en-GB
    locale = country_from_locale("en-GB")
    # When the person has not chosen, Then the locale's country is sent
    assert chosen_country("", locale) == "GB"
    # When they chose Ireland, Then Ireland is sent
    assert chosen_country("IE", locale) == "IE"
    # When they chose "Another country", Then no country is sent, whatever the locale says
    assert chosen_country(ELSEWHERE, locale) == ""
    # And a stored value this client no longer lists falls back to the locale
    assert chosen_country("XX", locale) == "GB"


def test_every_country_the_server_has_a_number_for_can_be_chosen_and_sent() -> None:
    # Given the server's emergency numbers, Then the select offers each of those countries (and US)
    assert set(EMERGENCY_NUMBERS) | {"US"} <= set(COUNTRIES)
    # And each listed code is a valid `country` of sendMessage
    for code in COUNTRIES:
        assert SendMessage(message="hi", clientMessageId="c1", country=code).country == code
    # And the names are shown in alphabetical order
    assert list(COUNTRIES.values()) == sorted(COUNTRIES.values())
