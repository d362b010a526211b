"""A first visit in a real browser: the landing page (what Motivator is and is not, privacy, the ways in), an example
message that starts a chat through sign-up, and the keyboard path after sign-in (focus, skip link, Tab order)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.e2e.ux import FIRST_LOAD_MS, PHONE, SIZES, WIDE, focused, new_tab, shoot, sign_in

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("size", ["desktop", "phone"])
async def test_a_first_visit_meets_the_landing_page(
    browser: Any, web_stack: dict[str, Any], output_dir: Path, size: str
) -> None:
    """Given someone who has never been here, When they open the site, Then they read what Motivator is (verses from
    the World English Bible, never invented; AI-written words; not a crisis service, 988 one tap away), what is
    kept and how to delete it, and see sign-up, sign-in and three example first messages, not "Welcome back"."""
    context, tab = await new_tab(browser, SIZES[size])
    try:
        await tab.goto(web_stack["web_url"])
        await tab.wait_for_url("**/welcome*", timeout=FIRST_LOAD_MS)
        main = tab.get_by_role("main")
        await expect(main.get_by_role("heading", level=1)).to_contain_text("a few kind words for how you feel")
        await expect(main).to_contain_text("World English Bible")
        await expect(main).to_contain_text("No verse is ever made up")
        await expect(main).to_contain_text("written by an AI")
        await expect(main).to_contain_text("Not a crisis service")
        assert await tab.get_by_test_id("landing-988").get_attribute("href") == "tel:988"
        await expect(tab.get_by_test_id("strip-988")).to_be_in_viewport()  # before the first scroll
        privacy = tab.get_by_test_id("privacy-note")
        await expect(privacy).to_contain_text("kept until you delete them")
        await expect(tab.get_by_test_id("landing-sign-up")).to_be_visible()
        await expect(tab.get_by_test_id("landing-sign-in")).to_be_visible()
        await expect(tab.get_by_test_id("example-message")).to_have_count(3)
        await expect(tab.get_by_text("Welcome back")).to_have_count(0)
        await shoot(tab, output_dir, f"landing-{size}")
    finally:
        await context.close()


async def test_an_example_message_starts_the_chat_after_sign_up(
    browser: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    """Given the landing page on a phone, When the newcomer taps an example and creates an account, Then the chat
    opens with that example already asked and answered, and the message box has the focus."""
    context, tab = await new_tab(browser, PHONE)
    try:
        await tab.goto(web_stack["web_url"] + "welcome")
        example = tab.get_by_test_id("example-message").nth(1)
        await example.wait_for(timeout=FIRST_LOAD_MS)
        await expect(tab.get_by_test_id("landing-sign-up")).to_be_visible()  # hydrated: the tap reaches the state
        words = (await example.inner_text()).strip()
        await example.click()
        await tab.wait_for_url("**/signup*")
        await tab.get_by_label("Email").fill(f"example-{uuid.uuid4().hex[:8]}@example.org")
        await tab.get_by_label("Password", exact=True).fill("Gentle-Morning-7")
        await tab.get_by_role("button", name="Create account").click()
        await tab.get_by_label("Your message").wait_for()
        await expect(tab.get_by_test_id("transcript")).to_contain_text(words)
        card = tab.locator('[data-testid="answer-card"]').last
        await expect(card.get_by_test_id("answer-text")).to_have_attribute("data-status", "done", timeout=60_000)
        assert await focused(tab) == "message-input"
        await shoot(tab, output_dir, "example-started-phone")
    finally:
        await context.close()


async def test_keyboard_path_after_sign_in(browser: Any, web_stack: dict[str, Any], output_dir: Path) -> None:
    """Given a person on a desktop, When they sign in, Then the message box has the focus; When they follow the
    page's first Tab stop (the skip link), Then focus is in the message box and the next Tab reaches Send; And the
    conversation's controls come before the history's in Tab order."""
    context, tab = await new_tab(browser, WIDE)
    try:
        await sign_in(tab, web_stack)
        await expect(tab.get_by_label("Your message")).to_be_focused()

        first_stop = await tab.evaluate(
            """() => [...document.querySelectorAll('a[href], button, input, textarea, select, [tabindex]')]
                     .filter(el => el.tabIndex >= 0 && !el.disabled).map(el => el.dataset.testid || el.outerHTML)[0]"""
        )
        assert first_stop == "skip-link"
        await tab.get_by_test_id("skip-link").focus()
        await expect(tab.get_by_test_id("skip-link")).to_be_in_viewport()
        await shoot(tab, output_dir, "skip-link-desktop")
        await tab.keyboard.press("Enter")
        assert await focused(tab) == "message-input"
        await tab.keyboard.press("Tab")
        assert await focused(tab) == "send-button"

        order = []
        for _ in range(30):
            await tab.keyboard.press("Tab")
            order.append(await focused(tab))
        first = next(label for label in order if label in ("new-session", "sign-out"))
        assert first == "new-session", order
    finally:
        await context.close()
