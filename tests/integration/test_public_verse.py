"""The public verse-of-the-day REST route on the local stack: the landing page's verse, no sign-in needed."""

from __future__ import annotations

from typing import Any

from shared import translations
from shared.engine import daily
from shared.rest import paths
from tests.restclient import rest


def test_anyone_gets_todays_verse_without_signing_in(endpoints: dict[str, Any]) -> None:
    """Given the REST API on the local stack
    When a visitor without any token asks for the verse of the day
    Then it is today's verse of shared.engine.daily, in the default translation, cacheable until the day ends."""
    # When a client without a token asks for the verse of the day
    reply = rest(endpoints, "GET", paths.VERSE_OF_THE_DAY)
    # Then it is today's verse, the bundled translation's text, the same the chat's verseOfTheDay shows
    today = daily.today()
    expected = daily.verse_of_the_day(today)
    assert reply.status == 200, reply.body
    assert reply.body == {
        "day": today.isoformat(),
        "verse": {"reference": expected.reference, "text": expected.text, "translation": translations.DEFAULT},
    }
    # And a copy may be kept until the UTC day ends, never longer
    cache = reply.headers["cache-control"]
    assert cache.startswith("public, max-age=") and 0 < int(cache.rsplit("=", 1)[1]) <= 24 * 3600


def test_a_translation_can_be_named_and_an_unknown_one_is_refused_with_the_offered_ones(
    endpoints: dict[str, Any],
) -> None:
    """Given the REST API on the local stack
    When a visitor asks for the verse of the day in the King James Version (lower case), then in an unknown one
    Then the first is the same reference in the KJV's text; the second is a 400 naming every offered translation."""
    # When the verse is asked for in KJV, written in lower case
    kjv = rest(endpoints, "GET", f"{paths.VERSE_OF_THE_DAY}?translation=kjv")
    # Then it is today's reference in the King James text
    expected = daily.verse_of_the_day(daily.today(), "KJV")
    assert kjv.status == 200, kjv.body
    assert kjv.body["verse"] == {"reference": expected.reference, "text": expected.text, "translation": "KJV"}
    # When it is asked for in a translation that is not offered
    unknown = rest(endpoints, "GET", f"{paths.VERSE_OF_THE_DAY}?translation=NIV")
    # Then the refusal is a coded 400 whose sentence names each offered translation
    assert unknown.status == 400 and unknown.body["code"] == "bad_request"
    assert all(code in unknown.body["message"] for code in translations.CODES)


def test_the_openapi_document_lists_the_route_as_public(endpoints: dict[str, Any]) -> None:
    """Given the running REST API
    When a client reads its OpenAPI document
    Then the verse of the day is there, with its translation choices, and asks for no token."""
    # When the document is fetched
    operation = rest(endpoints, "GET", paths.OPENAPI).body["paths"][paths.VERSE_OF_THE_DAY]["get"]
    # Then the route needs no token, offers exactly the translations, and answers a DailyVerseResponse
    assert "security" not in operation and "401" not in operation["responses"]
    [parameter] = operation["parameters"]
    assert parameter["name"] == "translation" and parameter["schema"]["enum"] == list(translations.CODES)
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/DailyVerseResponse"
    )
