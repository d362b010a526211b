"""Verse capabilities in a real browser (issue 17): the verse of the day in the empty chat, the translation choice."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import expect

from devtools.bootstrap import create_user, generate_password
from shared.engine.daily import today, verse_of_the_day

pytestmark = pytest.mark.integration

FIRST_LOAD_MS = 180_000
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def person(web_stack: dict[str, Any]) -> AsyncIterator[tuple[str, str]]:
    """A person of their own (their translation setting is theirs alone)."""
    username, password = f"verses-{uuid.uuid4().hex[:8]}@motivator.local", generate_password()
    create_user(web_stack["cognito_url"], web_stack["region"], web_stack["user_pool_id"], username, password)
    yield username, password


async def _signed_in(browser: Any, web_stack: dict[str, Any], person: tuple[str, str], viewport: dict) -> Any:
    context = await browser.new_context(viewport=viewport)
    tab = await context.new_page()
    tab.set_default_timeout(30_000)
    await tab.goto(web_stack["web_url"])
    await tab.wait_for_url("**/signin*", timeout=FIRST_LOAD_MS)
    await tab.get_by_label("Email").fill(person[0])
    await tab.get_by_label("Password").fill(person[1])
    await tab.get_by_role("button", name="Sign in").click()
    await tab.get_by_label("Your message").wait_for(timeout=FIRST_LOAD_MS)
    await tab.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()
    return tab


async def test_the_empty_chat_shows_todays_verse_and_the_chosen_translation_everywhere(
    browser: Any, web_stack: dict[str, Any], person: tuple[str, str], output_dir: Path
) -> None:
    # Given a person signed in to an empty chat
    page = await _signed_in(browser, web_stack, person, DESKTOP)
    # Then today's verse is shown there, in the World English Bible
    expected = verse_of_the_day(today())
    card = page.get_by_test_id("verse-of-the-day")
    await expect(card.get_by_test_id("daily-reference")).to_have_text(expected.reference)
    await expect(card.get_by_test_id("daily-translation")).to_have_text("World English Bible")
    await expect(card.get_by_test_id("daily-text")).to_contain_text(expected.text[:30])
    await page.screenshot(path=str(output_dir / "verse-of-the-day-desktop.png"))

    # When they ask something, then choose the King James Version in settings
    box = page.get_by_label("Your message")
    await box.fill("I feel anxious about my exam tomorrow and I can't sleep")
    await box.press("Enter")
    answer = page.get_by_test_id("answer-card").last
    await expect(answer.get_by_test_id("verse-translation")).to_have_text("World English Bible", timeout=60_000)
    await page.locator("#live-answer").wait_for(state="detached", timeout=60_000)
    reference = (await answer.get_by_test_id("verse-reference").inner_text()).strip()
    await page.get_by_test_id("settings").click()
    select = page.get_by_label("Bible translation")
    await expect(select).to_have_value("WEB")
    await page.screenshot(path=str(output_dir / "translation-settings-desktop.png"))
    await select.select_option("KJV")
    await page.keyboard.press("Escape")

    # Then the answer already on screen shows the same verse in the KJV
    answer = page.get_by_test_id("answer-card").last
    await expect(answer.get_by_test_id("verse-translation")).to_have_text("King James Version")
    await expect(answer.get_by_test_id("verse-reference")).to_have_text(reference)
    await page.screenshot(path=str(output_dir / "translation-kjv-desktop.png"))
    await page.context.close()

    # And on a phone, in a fresh sign-in, the choice is still theirs and today's verse is in the KJV too
    phone = await _signed_in(browser, web_stack, person, PHONE)
    card = phone.get_by_test_id("verse-of-the-day")
    await expect(card.get_by_test_id("daily-translation")).to_have_text("King James Version")
    await expect(card.get_by_test_id("daily-reference")).to_have_text(expected.reference)
    await phone.screenshot(path=str(output_dir / "verse-of-the-day-phone.png"))
    await phone.get_by_test_id("settings").click()
    await expect(phone.get_by_label("Bible translation")).to_have_value("KJV")
    await phone.screenshot(path=str(output_dir / "translation-settings-phone.png"))
    await phone.context.close()
