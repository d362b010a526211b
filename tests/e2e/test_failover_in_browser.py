"""The web tier scaled out: two Reflex backends sharing a real Redis behind a round-robin proxy without stickiness;
the backend serving a tab is killed mid-answer, and the tab carries on through the other one, signed in."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from devtools.stack import EVENTS_LINK, LocalStack, Ports, StackOptions
from devtools.web import ScaledWebClient, WebClient
from tests.e2e.conftest import shared_web_paused
from tests.e2e.ux import FIRST_LOAD_MS
from tests.stackclient import bedrock, dynamodb_table

pytestmark = pytest.mark.integration

ANSWER_S = 90.0
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
#: Slow enough that the kill lands while the answer is being written.
SLOW_TOKEN_MS = 150


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclasses.dataclass
class Tier:
    stack: LocalStack
    web: ScaledWebClient

    @property
    def endpoints(self) -> dict[str, Any]:
        return self.stack.endpoints

    @property
    def page_url(self) -> str:
        return self.web.url

    @property
    def backends(self) -> list[WebClient]:
        return self.web.backends

    def event_sockets(self) -> list[Any]:
        """The Reflex /_event sockets the proxy forwarded, oldest first."""
        assert self.web.proxy is not None
        return [c for c in self.web.proxy.connections() if c.first_line.startswith("GET /_event")]

    def gateway_events(self) -> list[dict[str, Any]]:
        path = self.stack.state_dir / EVENTS_LINK
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def tier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tier]:
    """The local stack, then Redis, two `--backend-only` Reflex processes behind the proxy, and one frontend."""
    state = Path(tmp_path_factory.mktemp("failover-stack"))
    with shared_web_paused(), contextlib.ExitStack() as running:
        stack = LocalStack(StackOptions(state_dir=state, ports=Ports.free(), model="composer", seed=7), progress=_say)
        running.callback(stack.stop)
        stack.start()
        web = ScaledWebClient(stack, progress=_say, backends=2, frontend_port=0, proxy_port=0)
        running.callback(web.stop)
        web.start()
        yield Tier(stack, web)


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Any, tier: Tier) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport=DESKTOP)
    tab = await context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    await context.close()


async def sign_in(page: Any, tier: Tier) -> None:
    await page.goto(tier.page_url.rstrip("/") + "/signin")  # a first visit to / meets the landing page
    await page.wait_for_url("**/signin*", timeout=FIRST_LOAD_MS)
    await page.get_by_label("Email").fill(tier.endpoints["demo_username"])
    await page.get_by_label("Password").fill(tier.endpoints["demo_password"])
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_label("Your message").wait_for(timeout=FIRST_LOAD_MS)
    await page.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()


async def first_words_of_a_slow_answer(page: Any) -> None:
    box = page.get_by_label("Your message")
    await box.fill("I feel anxious about tomorrow and I keep lying awake at night")
    await box.press("Enter")
    await page.wait_for_function(
        "() => (document.getElementById('live-answer')?.innerText ?? '').trim().split(/\\s+/).length >= 3"
    )


#: How the backend serving the tab goes: a crash or OOM kill (no shutdown at all), or ECS stopping the task on a
#: deploy or a scale-in (SIGTERM, then Reflex's own shutdown).
ENDINGS = {"killed": signal.SIGKILL, "stopped": signal.SIGTERM}


@pytest.mark.parametrize("ending", list(ENDINGS))
async def test_the_backend_serving_a_tab_going_mid_answer_leaves_it_signed_in_with_the_whole_answer(
    page: Any, tier: Tier, output_dir: Path, ending: str
) -> None:
    from shared.conversations import ConversationRepository

    # Given both backends up (one killed by an earlier case starts again) and the demo user signed in through the
    # proxy (no stickiness: each new connection goes to the next backend)
    for backend in tier.backends:
        if backend.process is None or backend.process.poll() is not None:
            backend.start()
    started = time.time()
    await sign_in(page, tier)

    # And an answer streaming slowly, its first words on screen
    bedrock(tier.endpoints, "/_faults", {"token_delay_ms": SLOW_TOKEN_MS})
    try:
        await first_words_of_a_slow_answer(page)
        serving = [c for c in tier.event_sockets() if c.closed_at is None]
        assert len(serving) == 1, serving
        gone = serving[0].backend
        victim = tier.backends[gone]
        assert victim.process is not None

        # When the backend holding the tab's socket goes (the signal to its whole process group)
        gone_at = time.time()
        os.killpg(victim.process.pid, ENDINGS[ending])

        # Then the tab reconnects through the other backend and the answer goes on to its end
        card = page.locator('[data-testid="answer-card"]').last
        await card.locator('[data-testid="answer-text"][data-status="done"]').wait_for(timeout=ANSWER_S * 1000)
        done_at = time.time()
        await page.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()
    finally:
        bedrock(tier.endpoints, "/_faults", {"reset": True})
    assert victim.process.wait(timeout=30) is not None

    # And the person is still signed in, on the chat
    assert "/signin" not in page.url
    assert await page.get_by_label("Your message").is_visible()
    # And the socket moved to the other backend (an attempt the proxy sent to the dying one before it noticed may
    # come first; the socket the tab keeps is the other backend's)
    moved = [c for c in tier.event_sockets() if c.opened_at > gone_at]
    assert moved and moved[-1].backend != gone, moved
    # And the answer continued by `resume` from the seq the state in Redis recorded, not asked again
    message_id = await card.get_attribute("data-message-id")
    assert message_id
    events = [e for e in tier.gateway_events() if e.get("kind") == "event" and e["ts"] / 1000 > started]
    resumes = [(e["ts"] / 1000, json.loads(e["event"]["body"])) for e in events if e.get("route") == "resume"]
    assert [body["messageId"] for _, body in resumes] == [message_id], resumes
    resumed_at, resume = resumes[0]
    assert resumed_at > gone_at and resume["afterSeq"] >= 1
    assert [e["route"] for e in events].count("sendMessage") == 1, "the question was sent once"
    # And the text shown is exactly the answer stored, word for word: no gap, nothing doubled
    repo = ConversationRepository(dynamodb_table(tier.endpoints, "conversations_table"))
    turn = await asyncio.to_thread(repo.get_turn, message_id)
    assert turn is not None and turn.status == "complete"
    shown = await card.get_by_test_id("answer-text").inner_text()
    assert shown.split() == repo.full_answer(turn).split()

    _say(
        f"failover timeline ({ending}, {ENDINGS[ending].name}): backend {gone} gone at t=0; "
        f"Reflex socket reopened through backend {moved[0].backend} at t+{moved[0].opened_at - gone_at:.2f} s; "
        f"resume afterSeq={resume['afterSeq']} at t+{resumed_at - gone_at:.2f} s; "
        f"answer done on screen at t+{done_at - gone_at:.2f} s"
    )
    await page.screenshot(path=str(output_dir / f"failover-{ending}-desktop.png"))
    await page.set_viewport_size(PHONE)
    await page.screenshot(path=str(output_dir / f"failover-{ending}-phone.png"))
