"""The verse of the day for the landing page, from the REST API's public route, kept in-process for the UTC day.

Pure of Reflex: state/landing.py calls `todays_verse` off the event loop. The landing page is for signed-out visitors
(no WebSocket, no token) and the web image ships no engine, so the verse comes from the API like any client's.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.request
from datetime import UTC, date, datetime

from pydantic import ValidationError

from shared.rest import paths
from shared.rest.models import DailyVerseResponse

log = logging.getLogger("motivator_web.daily_verse")
#: A landing page waits at most this long for its verse; without one it shows the rest.
TIMEOUT_S = 3.0
#: After a failure, the next landing page tries again only after this long (an API down is not asked on every load).
RETRY_AFTER_S = 60.0


class DailyVerseCache:
    """Today's verse once fetched (keyed by this server's UTC day), and when the last fetch failed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[date, DailyVerseResponse] = {}
        self._failed_at: float | None = None

    def get(self, base_url: str | None, now: datetime | None = None) -> DailyVerseResponse | None:
        """Today's verse, fetched once per day; None when the API is not configured or cannot be reached."""
        day = (now or datetime.now(UTC)).date()
        with self._lock:
            if day in self._kept:
                return self._kept[day]
            failed = self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_AFTER_S
            if not base_url or failed:
                return None
        try:
            verse = fetch(base_url)
        except (OSError, ValueError, ValidationError) as exc:
            log.warning("verse of the day unavailable", extra={"error": type(exc).__name__, "timeout_s": TIMEOUT_S})
            with self._lock:
                self._failed_at = time.monotonic()
            return None
        with self._lock:
            # Only today's is kept; a clock a little off the API's still fetches once a day.
            self._kept, self._failed_at = {day: verse}, None
        return verse

    def forget(self) -> None:
        with self._lock:
            self._kept, self._failed_at = {}, None


_cache = DailyVerseCache()


def todays_verse(base_url: str | None, now: datetime | None = None) -> DailyVerseResponse | None:
    """Today's (UTC) verse from the process's cache; None when the API is not configured or cannot be reached."""
    return _cache.get(base_url, now)


def forget() -> None:
    """Drop what is kept (tests)."""
    _cache.forget()


def fetch(base_url: str) -> DailyVerseResponse:
    """One GET of the public route (no token: the route has no authorizer)."""
    url = base_url.rstrip("/") + paths.VERSE_OF_THE_DAY
    if not url.startswith(("https://", "http://")):
        raise ValueError("the REST API's URL is not http(s)")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - http(s), checked
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - the configured REST API
        return DailyVerseResponse.model_validate_json(response.read())
