"""Honest state in a real browser: the connection pill through an offline spell, no developer toast, notices that go
with their cause, an answer cut by a model error, a burst of rate limits, and two crisis cards in a page that stays
exactly the viewport."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import expect

from tests.e2e.ux import PHONE, WIDE, new_tab, page_fits_viewport, shoot, sign_in
from tests.stackclient import bedrock

pytestmark = pytest.mark.integration

ANSWER_MS = 60_000


@pytest_asyncio.fixture(loop_scope="session")
async def tab(browser: Any, web_stack: dict[str, Any]) -> AsyncIterator[Any]:
    """A fresh person signed in on a desktop; the local model's pace and faults are reset afterwards."""
    context, page = await new_tab(browser, WIDE)
    await sign_in(page, web_stack)
    yield page
    await context.close()
    await asyncio.to_thread(bedrock, web_stack, "/_faults", {"reset": True})


async def send(tab: Any, text: str) -> None:
    box = tab.get_by_label("Your message")
    await box.fill(text)
    await box.press("Enter")


def pill_says(tab: Any, words: str) -> Any:
    """The connection pill's visible words (it holds a hidden alternative for the browser's own offline state)."""
    return tab.get_by_test_id("connection-status").get_by_text(words, exact=True)


async def test_offline_mid_answer_is_shown_and_clears(tab: Any, web_stack: dict[str, Any], output_dir: Path) -> None:
    """Given an answer being written slowly, When the browser goes offline for 10 s, Then the pill says Offline
    (not a green Connected) and no developer toast covers the composer; When the link is back, Then the pill says
    Connected, the answer finishes, and "Please let this answer finish first." is gone with the answer."""
    await asyncio.to_thread(bedrock, web_stack, "/_faults", {"token_delay_ms": 250})
    await send(tab, "I feel anxious about the interview on Monday")
    await expect(tab.locator("#live-answer")).not_to_have_text("", timeout=30_000)
    await send(tab, "And one more thing")
    await expect(tab.get_by_test_id("notice")).to_contain_text("Please let this answer finish first.")

    await tab.context.set_offline(True)
    await expect(pill_says(tab, "Offline")).to_be_visible(timeout=3_000)
    await expect(pill_says(tab, "Connected")).to_be_hidden()
    await tab.wait_for_timeout(10_000)
    await expect(pill_says(tab, "Offline")).to_be_visible()
    assert await tab.get_by_text("Cannot connect to server").count() == 0
    await expect(tab.get_by_label("Your message")).to_be_visible()
    await shoot(tab, output_dir, "offline-desktop")

    await tab.context.set_offline(False)
    await asyncio.to_thread(bedrock, web_stack, "/_faults", {"token_delay_ms": 20})
    await expect(pill_says(tab, "Connected")).to_be_visible(timeout=30_000)
    await expect(pill_says(tab, "Offline")).to_be_hidden()
    card = tab.locator('[data-testid="answer-card"]').last
    await expect(card.get_by_test_id("answer-text")).to_have_attribute("data-status", "done", timeout=ANSWER_MS)
    await expect(tab.get_by_test_id("notice")).to_have_count(0)
    await shoot(tab, output_dir, "back-online-desktop")


async def test_an_answer_cut_by_a_model_error_offers_ask_again(
    tab: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    """Given the model's stream breaks after a few words (`done` with stopReason "error"), When the answer ends,
    Then it is marked as cut off with "Ask again" and no thumbs; When the person taps it, Then a full answer comes."""
    await asyncio.to_thread(bedrock, web_stack, "/_faults", {"stream_error_after": 4})
    await send(tab, "I feel lonely tonight")
    card = tab.locator('[data-testid="answer-card"]').last
    text = card.get_by_test_id("answer-text")
    await expect(text).to_have_attribute("data-status", "interrupted", timeout=ANSWER_MS)
    await expect(card).to_contain_text("cut off before it was finished")
    assert await card.get_by_test_id("feedback-up").count() == 0
    await shoot(tab, output_dir, "interrupted-desktop")
    await card.get_by_role("button", name="Ask this again").click()
    again = tab.locator('[data-testid="answer-card"]').last
    await expect(again.get_by_test_id("answer-text")).to_have_attribute("data-status", "done", timeout=ANSWER_MS)
    await expect(tab.locator('[data-testid="answer-text"][data-status="interrupted"]')).to_have_count(0)


async def test_a_burst_of_rate_limits_is_one_notice_with_the_wait(
    tab: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    """Given a person who writes faster than the rate limit allows (a burst of 5), When the next messages are
    refused, Then one notice says how long to wait (no pile of "Try again" cards) and the words are back in the
    message box."""
    await asyncio.to_thread(bedrock, web_stack, "/_faults", {"token_delay_ms": 0})
    box, notice = tab.get_by_label("Your message"), tab.get_by_test_id("notice")
    done = tab.locator('[data-testid="answer-text"][data-status="done"]')
    for i in range(10):
        words = f"Thank you for today, number {i}"
        await send(tab, words)
        await expect(done.nth(i).or_(notice)).to_be_visible(timeout=ANSWER_MS)
        if await notice.count():
            break
    await expect(notice).to_contain_text("you can send again in about")
    await expect(box).to_have_value(words)
    await box.press("Enter")  # and once more, at once
    await expect(notice).to_have_count(1)
    await expect(tab.get_by_role("button", name="Send this message again")).to_have_count(0)
    await shoot(tab, output_dir, "rate-limited-desktop")


@pytest.mark.parametrize("size", [WIDE, PHONE], ids=["desktop", "phone"])
async def test_two_crisis_cards_keep_the_page_exactly_the_viewport(
    browser: Any, web_stack: dict[str, Any], output_dir: Path, size: dict[str, int]
) -> None:
    """Given a person who writes of ending their life twice, When the second crisis card arrives, Then the page is
    exactly the viewport (no strip under the composer, not scrolled), the header still in view."""
    context, page = await new_tab(browser, size)
    try:
        await sign_in(page, web_stack)
        for sent in (1, 2):
            await send(page, "I want to end my life tonight")
            # (this answer's card first, so the wait below cannot pass before the answer has begun)
            await expect(page.get_by_test_id("crisis-card")).to_have_count(sent, timeout=ANSWER_MS)
            await expect(page.locator("#live-answer")).to_have_count(0, timeout=ANSWER_MS)
        await expect(page.get_by_test_id("crisis-card")).to_have_count(2)
        await page.wait_for_timeout(400)  # the crisis card is scrolled into view after it ends
        height, viewport, scrolled = await page_fits_viewport(page)
        assert (height, scrolled) == (viewport, 0)
        await expect(page.get_by_test_id("connection-status")).to_be_in_viewport()
        await expect(page.get_by_label("Your message")).to_be_in_viewport()
        await shoot(page, output_dir, f"two-crisis-{'desktop' if size is WIDE else 'phone'}")
    finally:
        await context.close()
