"""Sign-in throttling: per email and per address, counted in a real Redis shared by two web tasks, or in memory."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import redis.asyncio
from motivator_web import throttle

from devtools.stack import free_port
from tests.redisserver import redis_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(Path(tmp_path_factory.mktemp("redis"))) as url:
        yield url


def _task(url: str) -> throttle.RedisCounter:
    """One web task's counter: its own client of the shared cache."""
    return throttle.RedisCounter(redis.asyncio.Redis.from_url(url))


async def _wrong_password(counter: throttle.Counter, ip: str, email: str) -> throttle.Verdict:
    """One sign-in as the web tier does it: admitted or not, and a refusal counted as a failure."""
    verdict = await throttle.admit("sign_in", ip=ip, email=email, counter=counter)
    if verdict.allowed:
        await throttle.failed("sign_in", ip=ip, email=email, counter=counter)
    return verdict


async def test_the_sixth_wrong_password_in_a_minute_waits_across_tasks(redis_url: str) -> None:
    # Given two web tasks sharing the cache, and a person trying passwords against one email
    first, second = _task(redis_url), _task(redis_url)
    email = f"throttle-{time.time_ns()}@example.org"
    # When five wrong passwords go to one task and the sixth attempt to the other, from another address
    verdicts = [await _wrong_password(first, "203.0.113.7", email) for _ in range(5)]
    sixth = await _wrong_password(second, "203.0.113.8", email.upper())
    # Then the first five are tried and the sixth is told to wait about a minute (the same email, any case)
    assert all(v.allowed for v in verdicts)
    assert not sixth.allowed
    assert 55 <= sixth.retry_after_s <= 60
    assert throttle.wait_sentence(sixth.retry_after_s).startswith("Too many attempts for now. Please wait")
    # and another email from another address is not held up by it
    assert (await throttle.admit("sign_in", ip="198.51.100.1", email="else@example.org", counter=second)).allowed


async def test_signing_in_successfully_again_and_again_is_never_throttled(redis_url: str) -> None:
    # Given a person who signs in in tab after tab (no wrong password)
    counter = _task(redis_url)
    email = f"many-tabs-{time.time_ns()}@example.org"
    # When they sign in ten times in a minute
    verdicts = [await throttle.admit("sign_in", ip="203.0.113.20", email=email, counter=counter) for _ in range(10)]
    # Then every one is admitted: only failures count against sign-in
    assert all(v.allowed for v in verdicts)


async def test_sign_up_counts_every_attempt_since_each_sends_an_email(redis_url: str) -> None:
    # Given one email signing up again and again
    counter = _task(redis_url)
    email = f"signup-{time.time_ns()}@example.org"
    # When it tries six times
    verdicts = [await throttle.admit("sign_up", ip="203.0.113.30", email=email, counter=counter) for _ in range(6)]
    # Then five are admitted and the sixth waits up to the ten-minute window
    assert [v.allowed for v in verdicts] == [True] * 5 + [False]
    assert 590 <= verdicts[-1].retry_after_s <= 600
    assert throttle.wait_sentence(verdicts[-1].retry_after_s).endswith("Please wait 10 minutes and try again.")


async def test_one_address_trying_many_emails_is_throttled_and_emails_are_not_stored(redis_url: str) -> None:
    # Given one address trying a wrong password on a different email each time
    counter = _task(redis_url)
    ip = f"192.0.2.{time.time_ns() % 250}"
    verdicts = [await _wrong_password(counter, ip, f"guess{i}-{time.time_ns()}@example.org") for i in range(21)]
    # Then the address's 20 a minute are tried and the 21st waits
    assert [v.allowed for v in verdicts] == [True] * 20 + [False]
    # and the cache holds hashes, never an email or an address
    keys = [k.decode() for k in redis.Redis.from_url(redis_url).scan_iter(f"{throttle.KEY_PREFIX}:*")]
    assert keys and not any("@" in k or ip in k for k in keys)


async def test_an_unreachable_cache_never_locks_a_person_out() -> None:
    # Given a cache URL nothing listens on
    counter = throttle.RedisCounter(
        redis.asyncio.Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5)
    )
    # When a person signs in
    verdict = await throttle.admit("sign_in", ip="203.0.113.9", email="calm@example.org", counter=counter)
    # Then the attempt is allowed (Cognito's own limits still stand behind it)
    assert verdict.allowed


async def test_memory_counter_counts_alike_and_frees_the_window_as_it_slides() -> None:
    # Given the single-process counter (no REFLEX_REDIS_URL) and a window of 1 second
    counter = throttle.MemoryCounter()
    now = time.time()
    # When 2 attempts fill a limit of 2, a check that records nothing is made, then the window passes
    assert await counter.hit("k", 2, 1, now) == 0 and await counter.hit("k", 2, 1, now + 0.1) == 0
    refused = await counter.hit("k", 2, 1, now + 0.5, record=False)
    later = await counter.hit("k", 2, 1, now + 1.01)
    # Then the third waits for the oldest to leave, and after that attempts pass again
    assert refused == pytest.approx(0.5, abs=0.01)
    assert later == 0
