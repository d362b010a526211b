"""Readiness probes of the local tooling: does a loopback HTTP endpoint answer with a 2xx status yet?"""

from __future__ import annotations

import urllib.request


def http_ok(url: str, timeout: float = 1.0) -> bool:
    """True when GET `url` answers 2xx within `timeout` seconds; refused, timed out or any other status is False."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
            return bool(200 <= response.status < 300)
    except OSError:
        return False
