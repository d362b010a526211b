"""Details people notice, in a real browser: times in their own zone, copying a verse, searching and deleting
conversations (the dialog names it, its buttons apart, a confirmation after), a comment confirmed, Enter on phones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from playwright.async_api import expect

from tests.e2e.ux import PHONE, WIDE, new_tab, shoot, sign_in

pytestmark = pytest.mark.integration

ANSWER_MS = 60_000
ZONE = "Asia/Tokyo"  # nine hours from UTC, so a time shown in UTC cannot pass for it


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def page(browser: Any, web_stack: dict[str, Any]) -> AsyncIterator[Any]:
    """A fresh person on a desktop in Tokyo, allowed to use the clipboard, with two conversations."""
    context, tab = await new_tab(
        browser, WIDE, timezone_id=ZONE, locale="en-GB", permissions=["clipboard-read", "clipboard-write"]
    )
    await sign_in(tab, web_stack)
    for first in ("I feel anxious about my exam", "I feel grateful for my sister"):
        await tab.locator('button[aria-label="Start a new conversation"]:visible').first.click()
        await tab.get_by_role("heading", name="How is your heart today?").wait_for()
        await ask(tab, first)
    yield tab
    await context.close()


async def ask(tab: Any, text: str) -> Any:
    cards = tab.get_by_test_id("answer-card")
    before = await cards.count()
    box = tab.get_by_label("Your message")
    await box.fill(text)
    await box.press("Enter")
    await expect(cards).to_have_count(before + 1, timeout=ANSWER_MS)
    card = cards.last
    await expect(card.get_by_test_id("answer-text")).to_have_attribute("data-status", "done", timeout=ANSWER_MS)
    return card


async def test_conversation_times_are_in_the_persons_own_zone(page: Any, output_dir: Path) -> None:
    """Given conversations listed from the server, When the person's browser is in Tokyo, Then their times are
    Tokyo's (the sidebar used to show UTC)."""
    await page.reload()
    when = page.get_by_test_id("session-when").first
    await expect(when).not_to_have_text("")
    shown = (await when.inner_text()).strip()
    # The conversation was active in the last few minutes: one of those minutes, as a clock in Tokyo reads it.
    recent = {f"{datetime.now(ZoneInfo(ZONE)) - timedelta(minutes=k):%H:%M}" for k in range(4)}
    assert any(minute in shown for minute in recent), (shown, recent)
    await shoot(page, output_dir, "history-local-time-desktop")


async def test_one_tap_copies_the_verse_with_reference_and_translation(page: Any) -> None:
    """Given an answer with its verse, When the person taps "Copy verse", Then the clipboard holds the words, the
    reference and the translation, and the button says Copied."""
    await page.get_by_test_id("session-item").first.click()
    card = page.get_by_test_id("answer-card").last
    await card.get_by_test_id("verse-reference").wait_for()
    reference = (await card.get_by_test_id("verse-reference").inner_text()).strip()
    words = (await card.get_by_test_id("verse-text").inner_text()).strip().strip("\u201c\u201d")
    await card.get_by_test_id("copy-verse").click()
    await expect(card.get_by_test_id("copy-verse")).to_have_text("Copied")
    copied = await page.evaluate("() => navigator.clipboard.readText()")
    assert words in copied and reference in copied and "World English Bible" in copied, copied


async def test_a_comment_is_confirmed(page: Any) -> None:
    """Given an answer, When the person taps thumbs up and sends a comment, Then they are told it was sent."""
    card = page.get_by_test_id("answer-card").last
    await card.get_by_test_id("feedback-up").click()
    await card.get_by_label("Optional comment about this answer").fill("This helped me breathe.")
    await card.get_by_role("button", name="Send comment").click()
    await expect(card.get_by_test_id("feedback-saved")).to_have_text("Thank you — your comment was sent.")


async def test_search_finds_a_conversation_by_its_words(page: Any) -> None:
    """Given two conversations, When the person searches for a word of one title, Then only that one is listed;
    When the search is cleared, Then both are back."""
    rows = page.locator('[data-testid="session-item"]:visible')
    await expect(rows).to_have_count(2)
    search = page.get_by_label("Search conversations")
    await search.fill("EXAM")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("anxious about my exam")
    await search.fill("")
    await expect(rows).to_have_count(2)


async def test_the_delete_dialog_names_the_conversation_and_confirms(page: Any, output_dir: Path) -> None:
    """Given two conversations, When the person asks to delete one, Then the dialog names it and "Keep it" and
    "Delete" sit at opposite ends; When they confirm, Then it is gone and a confirmation says so."""
    rows = page.locator('[data-testid="session-item"]:visible')
    title = (await rows.last.inner_text()).splitlines()[0].strip()
    await page.get_by_label(f"Delete conversation: {title}").click()
    dialog = page.get_by_role("alertdialog")
    await expect(dialog.get_by_role("heading")).to_contain_text(title)
    keep = await dialog.get_by_role("button", name="Keep it").bounding_box()
    delete = await dialog.get_by_role("button", name="Delete").bounding_box()
    assert keep and delete and delete["x"] - (keep["x"] + keep["width"]) > 100, (keep, delete)
    await shoot(page, output_dir, "delete-dialog-desktop")
    await dialog.get_by_role("button", name="Delete").click()
    await expect(page.get_by_test_id("notice")).to_have_text("The conversation was deleted.")
    await expect(rows).to_have_count(1)


async def test_enter_on_a_phone_is_a_new_line_and_send_sends(
    browser: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    """Given a touch phone, When the person presses Enter in the message box, Then it is a line break and nothing is
    sent; When they tap Send, Then both lines go as one message."""
    context, tab = await new_tab(browser, PHONE, is_mobile=True, has_touch=True)
    try:
        await sign_in(tab, web_stack)
        box = tab.get_by_label("Your message")
        await box.click()
        await box.type("Today was long.")
        await box.press("Enter")
        await box.type("But I am still here.")
        await expect(box).to_have_value("Today was long.\nBut I am still here.")
        assert await tab.get_by_test_id("answer-card").count() == 0
        await tab.get_by_test_id("send-button").tap()
        await expect(tab.get_by_test_id("transcript")).to_contain_text("But I am still here.")
        await expect(tab.get_by_test_id("answer-card")).to_have_count(1, timeout=ANSWER_MS)
        await shoot(tab, output_dir, "enter-on-phone")
    finally:
        await context.close()
