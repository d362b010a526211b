"""The crisis resources shown with a crisis or concern answer, chosen for the person's country and language."""

from __future__ import annotations

from typing import Final

from shared.protocol import Resource

LIFELINE_CALL: Final = Resource(
    name="988 Suicide & Crisis Lifeline (US)",
    description="Free, confidential support 24/7. Call 988 to talk with a trained counselor now.",
    phone="988",
)
LIFELINE_TEXT: Final = Resource(
    name="988 by text (US)",
    description="Prefer to write? Text 988 to reach a trained crisis counselor.",
    sms="988",
)
LIFELINE_CHAT: Final = Resource(
    name="988 Lifeline Chat (US)",
    description="Chat with a crisis counselor in your browser, 24/7.",
    url="https://988lifeline.org/chat/",
    urlLabel="Chat online with 988",
)
LIFELINE_SPANISH: Final = Resource(
    name="988 Lifeline en español (US)",
    description="Apoyo gratuito y confidencial en español: llama al 988 y marca 2, o envía AYUDA por texto al 988.",
    phone="988",
    sms="988",
    url="https://988lineadevida.org/",
    urlLabel="Chatea en línea en español",
    language="es",
)
VETERANS: Final = Resource(
    name="Veterans Crisis Line (US)",
    description="For veterans, service members and their families: call 988 and press 1, or text 838255.",
    phone="988",
    sms="838255",
    url="https://www.veteranscrisisline.net/get-help-now/chat/",
    urlLabel="Chat online with the Veterans Crisis Line",
)
DIRECTORY: Final = Resource(
    name="Find A Helpline (international)",
    description="Outside the US: free, confidential helplines in your country, by phone, text or chat.",
    url="https://findahelpline.com/",
    urlLabel="Find a helpline in your country",
)

#: Country -> (emergency number, what the number is called there). Only numbers we are sure of.
EMERGENCY_NUMBERS: Final[dict[str, str]] = {
    "US": "911",
    "CA": "911",
    "MX": "911",
    "PH": "911",
    "GB": "999",
    "HK": "999",
    "IE": "112",
    "DE": "112",
    "FR": "112",
    "ES": "112",
    "IT": "112",
    "NL": "112",
    "BE": "112",
    "PT": "112",
    "AT": "112",
    "CH": "112",
    "SE": "112",
    "DK": "112",
    "FI": "112",
    "NO": "112",
    "PL": "112",
    "IN": "112",
    "AU": "000",
    "NZ": "111",
    "BR": "192",
    "SG": "995",
    "JP": "119",
    "KR": "119",
    "ZA": "112",
}

#: Lines of a country's own, beside the emergency number (the US lines are above).
_NATIONAL: Final[dict[str, tuple[Resource, ...]]] = {
    "CA": (
        Resource(
            name="9-8-8 Suicide Crisis Helpline (Canada)",
            description="Free support 24/7 in English and French: call or text 988.",
            phone="988",
            sms="988",
        ),
    ),
    "GB": (
        Resource(
            name="Samaritans (UK and Ireland)",
            description="Free, confidential support 24/7: call 116 123.",
            phone="116 123",
        ),
    ),
    "IE": (
        Resource(
            name="Samaritans (UK and Ireland)",
            description="Free, confidential support 24/7: call 116 123.",
            phone="116 123",
        ),
    ),
}

_US_LINES: Final = (LIFELINE_CALL, LIFELINE_TEXT, LIFELINE_CHAT, LIFELINE_SPANISH, VETERANS)


def emergency(country: str | None) -> Resource:
    """The local emergency number where known; otherwise the advice to call it, with the US number."""
    number = EMERGENCY_NUMBERS.get((country or "").upper())
    if number is None:
        return Resource(
            name="Emergency services",
            description="If you are in immediate danger, call your local emergency number (911 in the US).",
            phone="911",
        )
    return Resource(
        name=f"Emergency services ({number})",
        description=f"If you are in immediate danger, call {number} now.",
        phone=number,
    )


def resources_for(country: str | None = None, language: str | None = None) -> list[Resource]:
    """The resources for one answer: a person writing Spanish sees 988's Spanish line first among the US lines."""
    code = (country or "").upper()
    if code and code != "US":
        return [*_NATIONAL.get(code, ()), DIRECTORY, emergency(code)]
    us = list(_US_LINES)
    if language == "es":
        us.remove(LIFELINE_SPANISH)
        us.insert(0, LIFELINE_SPANISH)
    return [*us, DIRECTORY, emergency(code or None)]
