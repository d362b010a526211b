"""Browser tests: the real local stack and the Reflex web client on loopback, driven through Debian's Chromium."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from devtools.stack import LocalStack, Ports, StackOptions

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
DESKTOP = {"width": 1280, "height": 800}
#: API Gateway's 29 s integration timeout (limits.WS_INTEGRATION_TIMEOUT_S), shortened: an answer slowed on purpose
#: outlasts it and gets the gateway's "Endpoint request timed out" frame mid-stream; ordinary answers end well before.
GATEWAY_TIMEOUT_S = 8.0
PHONE = {"width": 375, "height": 812}
#: The web clients running from webclient/ (its one .web folder holds one frontend at a time): shared_web_paused().
_RUNNING_WEB: list[Any] = []


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. "
            "Install it with `apt-get update && apt-get install -y chromium` (.ci/run does this).",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def web_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """LocalStack (moto, local Bedrock with the composer, gateway) plus the web client; yields the endpoints."""
    from devtools.web import WebClient

    state = Path(tmp_path_factory.mktemp("e2e-stack"))
    # A paced model, so the answer visibly grows word by word.
    options = StackOptions(
        state_dir=state,
        ports=Ports.free(),
        model="composer",
        seed=7,
        token_delay_ms=40,
        gateway_args=["--integration-timeout", str(GATEWAY_TIMEOUT_S)],
    )
    stack = LocalStack(options, progress=_say)
    started = time.monotonic()
    stack.start()
    web = WebClient(stack, progress=_say, frontend_port=0, backend_port=0)
    _RUNNING_WEB.append(web)
    try:
        url = web.start()
        _say(f"e2e: stack and web client up in {time.monotonic() - started:.1f} s")
        yield {**stack.endpoints, "web_url": url}
    finally:
        _RUNNING_WEB.remove(web)
        web.stop()
        stack.stop()


@contextlib.contextmanager
def shared_web_paused() -> Iterator[None]:
    """For a module that runs the web client in another shape: the shared one stops meanwhile (webclient/.web holds
    one frontend) and starts again after, on the same ports."""
    paused = [web for web in _RUNNING_WEB if web.process is not None]
    for web in paused:
        web.stop()
    try:
        yield
    finally:
        for web in paused:
            web.start()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser(chromium: Path) -> AsyncIterator[Any]:
    """Playwright's async API: it shares pytest-asyncio's session loop with the other async tests."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
