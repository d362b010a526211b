"""The countries a person can pick for their emergency numbers, and the one their browser's locale suggests.

The list is the countries whose numbers the server knows (shared/engine/resources.py, which this client does not
ship: a unit test keeps the two in step); anywhere else is "Another country", which gets the international directory.
"""

from __future__ import annotations

#: ISO 3166-1 alpha-2 code -> the name shown, in the order shown.
COUNTRIES: dict[str, str] = dict(
    sorted(
        {
            "AT": "Austria",
            "AU": "Australia",
            "BE": "Belgium",
            "BR": "Brazil",
            "CA": "Canada",
            "CH": "Switzerland",
            "DE": "Germany",
            "DK": "Denmark",
            "ES": "Spain",
            "FI": "Finland",
            "FR": "France",
            "GB": "United Kingdom",
            "HK": "Hong Kong",
            "IE": "Ireland",
            "IN": "India",
            "IT": "Italy",
            "JP": "Japan",
            "KR": "South Korea",
            "MX": "Mexico",
            "NL": "Netherlands",
            "NO": "Norway",
            "NZ": "New Zealand",
            "PH": "Philippines",
            "PL": "Poland",
            "PT": "Portugal",
            "SE": "Sweden",
            "SG": "Singapore",
            "US": "United States",
            "ZA": "South Africa",
        }.items(),
        key=lambda item: item[1],
    )
)
#: The select's value for "Another country" (no country is sent).
ELSEWHERE = "none"
ELSEWHERE_LABEL = "Another country"


def first_language(accept_language: str | None) -> str:
    """The first tag of an Accept-Language header ("en-GB,en;q=0.9" -> "en-GB"): the browser's navigator.language."""
    return (accept_language or "").split(",", 1)[0].split(";", 1)[0].strip()


def country_from_locale(tag: str | None) -> str:
    """The listed country of a BCP 47 tag's region ("en-GB" -> "GB", "zh-Hant-HK" -> "HK"), or "" when none is."""
    subtags = (tag or "").replace("_", "-").split("-")[1:]
    for subtag in subtags:
        if len(subtag) == 2 and subtag.isalpha():
            code = subtag.upper()
            return code if code in COUNTRIES else ""
        if len(subtag) != 4:  # past the script subtag ("Hant") without a region: there is none
            break
    return ""


def chosen_country(choice: str, locale_country: str) -> str:
    """The country to send: the person's own choice when they made one, else their browser's; "" for none."""
    if choice == ELSEWHERE:
        return ""
    if choice in COUNTRIES:
        return choice
    return locale_country if locale_country in COUNTRIES else ""
