"""Sign-in, sign-up and reset attempts throttled per client IP and per email, in Redis when the web tier shares one.

A sliding window per key: an attempt is refused when the window already holds `limit` entries, with the seconds
until the oldest leaves it (a Retry-After). Sign-in counts its failures (a person signing in again and again in two
tabs is not an attack); sign-up and reset count every attempt, since each one sends an email. With REFLEX_REDIS_URL
set every task counts in the same cache (one Lua script checks and records atomically); without it, this process's
memory counts. Emails and addresses are hashed before they become keys. When the cache cannot be reached the attempt
is allowed: Cognito's own limits still apply behind us.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from redis.exceptions import RedisError

from motivator_web.config import REDIS_URL_VARIABLE

log = logging.getLogger("motivator_web.throttle")

KEY_PREFIX = "motivator:throttle"


@dataclass(frozen=True)
class Limit:
    """At most `limit` attempts per `window_s` seconds for each value of `per` ("ip" or "email")."""

    per: str
    limit: int
    window_s: int


#: What a person may try. An email gets 5 wrong passwords a minute (the sixth waits); an address gets more, since a
#: household, campus or mobile carrier shares one.
LIMITS: dict[str, tuple[Limit, ...]] = {
    "sign_in": (Limit("email", 5, 60), Limit("ip", 20, 60)),
    "sign_up": (Limit("email", 5, 600), Limit("ip", 20, 600)),
    "reset": (Limit("email", 5, 600), Limit("ip", 20, 600)),
}
#: Actions whose failures count (recorded by failed()); the others count every attempt admitted.
COUNTS_FAILURES = frozenset({"sign_in"})


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    #: Seconds until the next attempt would be allowed (0 when allowed).
    retry_after_s: int = 0


class Counter(Protocol):
    async def hit(self, key: str, limit: int, window_s: int, now: float, record: bool = True) -> float:
        """0 when `key` has fewer than `limit` entries in the window (then one is added if `record`), else the
        seconds until the oldest leaves it."""
        ...


class MemoryCounter:
    """One process's attempts (the local stack, a single task)."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    async def hit(self, key: str, limit: int, window_s: int, now: float, record: bool = True) -> float:
        hits = self._hits[key]
        while hits and hits[0] <= now - window_s:
            hits.popleft()
        if len(hits) >= limit:
            return hits[0] + window_s - now
        if record:
            hits.append(now)
        return 0.0


#: KEYS[1] the sorted set of attempt times; ARGV now, window, limit, a unique member, record (1/0).
#: Returns 0 or the wait in ms.
_SLIDING_WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
  return math.ceil((oldest + ARGV[2] - ARGV[1]) * 1000)
end
if ARGV[5] == '0' then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(ARGV[2]))
return 0
"""


class RedisCounter:
    """Attempts counted in the web tier's shared cache, so every task sees every attempt."""

    def __init__(self, client: Any) -> None:
        self._script = client.register_script(_SLIDING_WINDOW)

    async def hit(self, key: str, limit: int, window_s: int, now: float, record: bool = True) -> float:
        member = f"{now:.6f}:{os.urandom(4).hex()}"
        wait_ms = await self._script(keys=[key], args=[now, window_s, limit, member, int(record)])
        return int(wait_ms) / 1000


def _key(action: str, limit: Limit, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{action}:{limit.per}:{limit.window_s}:{digest}"


async def admit(action: str, *, ip: str, email: str, counter: Counter | None = None) -> Verdict:
    """Whether this address and email may try `action` now (an attempt is counted unless the action counts its
    failures); refused when either has used its window up."""
    return await _hit(action, ip, email, counter, record=action not in COUNTS_FAILURES)


async def failed(action: str, *, ip: str, email: str, counter: Counter | None = None) -> None:
    """Count a failure (a wrong password) of an action that counts its failures."""
    if action in COUNTS_FAILURES:
        await _hit(action, ip, email, counter, record=True)


async def _hit(action: str, ip: str, email: str, counter: Counter | None, *, record: bool) -> Verdict:
    counter = counter or default_counter()
    now = time.time()
    waits = []
    for limit in LIMITS[action]:
        value = ip if limit.per == "ip" else email
        if not value:
            continue
        try:
            waits.append(await counter.hit(_key(action, limit, value), limit.limit, limit.window_s, now, record))
        except (TimeoutError, OSError, RedisError) as exc:  # the cache must never lock people out
            log.warning("throttle unavailable, attempt allowed", extra={"action": action, "error": type(exc).__name__})
    wait = max(waits, default=0.0)
    if wait > 0:
        log.info("attempt throttled", extra={"action": action, "retry_after_s": math.ceil(wait)})
        return Verdict(False, max(1, math.ceil(wait)))
    return Verdict(True)


@lru_cache(maxsize=1)
def default_counter() -> Counter:
    """Redis when REFLEX_REDIS_URL is set (every task shares it), else this process's memory."""
    url = os.environ.get(REDIS_URL_VARIABLE, "")
    if not url:
        return MemoryCounter()
    import redis.asyncio

    return RedisCounter(redis.asyncio.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2))


def wait_sentence(seconds: int) -> str:
    """What the person reads when throttled."""
    if seconds >= 120:
        wait = f"{math.ceil(seconds / 60)} minutes"
    else:
        wait = "1 second" if seconds == 1 else f"{seconds} seconds"
    return f"Too many attempts for now. Please wait {wait} and try again."
