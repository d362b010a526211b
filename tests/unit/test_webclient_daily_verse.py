"""The landing page's verse of the day (motivator_web.daily_verse): fetched once per UTC day, absent when the REST API
cannot give it, against a real HTTP server on loopback."""

from __future__ import annotations

import contextlib
import http.server
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from motivator_web import daily_verse

from shared.engine import daily
from shared.rest import paths
from shared.rest.models import DailyVerseResponse, TranslatedVerse

DAY = date(2026, 12, 1)


class _Api(http.server.BaseHTTPRequestHandler):
    """The public route, answering for whatever day the test set; it counts its requests."""

    day = DAY
    asked: list[str] = []

    def do_GET(self) -> None:
        type(self).asked.append(self.path)
        verse = daily.verse_of_the_day(self.day)
        body = DailyVerseResponse(
            day=self.day,
            verse=TranslatedVerse(reference=verse.reference, text=verse.text, translation=verse.translation),
        ).model_dump_json()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    daily_verse.forget()
    _Api.asked = []
    yield
    daily_verse.forget()


@contextlib.contextmanager
def _api() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_the_verse_is_fetched_once_a_day_and_again_the_next_day() -> None:
    # Given the REST API on loopback
    with _api() as url:
        # When three landing pages open on one UTC day
        shown = [daily_verse.todays_verse(url, _at(DAY, hour)) for hour in (0, 12, 23)]
        # Then each shows that day's verse, and the API was asked once, on the public route
        assert all(v is not None and v.verse.reference == daily.reference_of_the_day(DAY) for v in shown)
        assert _Api.asked == [paths.VERSE_OF_THE_DAY]
        # When the next day begins, Then it is asked again and the new day's verse shown
        _Api.day = date(2026, 12, 2)
        tomorrow = daily_verse.todays_verse(url, _at(date(2026, 12, 2), 0))
        assert tomorrow is not None and tomorrow.day == date(2026, 12, 2) and len(_Api.asked) == 2


def test_without_the_api_there_is_no_verse_a_warning_and_no_request_on_every_load(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a REST API that is not listening (its port closed)
    with _api() as url:
        pass
    # When a landing page opens, Then there is no verse and a warning names the failure, no URL or text
    with caplog.at_level(logging.WARNING, logger="motivator_web.daily_verse"):
        assert daily_verse.todays_verse(url, _at(DAY, 9)) is None
    [record] = caplog.records
    assert record.getMessage() == "verse of the day unavailable" and record.__dict__["error"]
    # And the next landing page, a moment later, does not wait for it again
    assert daily_verse.todays_verse(url, _at(DAY, 9)) is None and len(caplog.records) == 1
    # And without a configured API, nothing is asked at all
    daily_verse.forget()
    assert daily_verse.todays_verse(None, _at(DAY, 9)) is None
