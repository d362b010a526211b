"""Verse capabilities in a real browser (issue 17): the verse of the day on the landing page and in the empty chat,
the translation choice."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import expect

from devtools.bootstrap import create_user, generate_password
from shared.engine.daily import reference_of_the_day, today, verse_of_the_day
from shared.translations import OFFERED
from tests.e2e.ux import FIRST_LOAD_MS

pytestmark = pytest.mark.integration

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
    await tab.goto(web_stack["web_url"] + "signin")  # a first visit to / meets the landing page
    await tab.wait_for_url("**/signin*", timeout=FIRST_LOAD_MS)
    await tab.get_by_label("Email").fill(person[0])
    await tab.get_by_label("Password").fill(person[1])
    await tab.get_by_role("button", name="Sign in").click()
    await tab.get_by_label("Your message").wait_for(timeout=FIRST_LOAD_MS)
    await tab.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()
    return tab


@pytest.mark.parametrize("size", ["desktop", "phone"])
async def test_a_signed_out_visitor_reads_todays_verse_on_the_landing_page(
    browser: Any, web_stack: dict[str, Any], output_dir: Path, size: str
) -> None:
    """Given a visitor who is not signed in (no WebSocket, no token)
    When they open the landing page
    Then today's verse is there, fetched from the public REST route: today's reference, its World English text."""
    context = await browser.new_context(viewport=DESKTOP if size == "desktop" else PHONE)
    try:
        tab = await context.new_page()
        # When a signed-out visitor opens the landing page
        await tab.goto(web_stack["web_url"] + "welcome", timeout=FIRST_LOAD_MS)
        # Then today's verse is shown: the reference of the day and its bundled text, in the World English Bible
        card = tab.get_by_role("main").get_by_test_id("verse-of-the-day")
        await expect(card.get_by_test_id("daily-reference")).to_have_text(
            reference_of_the_day(today()), timeout=FIRST_LOAD_MS
        )
        await expect(card.get_by_test_id("daily-text")).to_contain_text(verse_of_the_day(today()).text)
        await expect(card.get_by_test_id("daily-translation")).to_have_text("World English Bible")
        await expect(tab.get_by_role("alert")).to_have_count(0)
        await tab.screenshot(path=str(output_dir / f"landing-verse-{size}.png"), full_page=True)
    finally:
        await context.close()


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


async def test_another_verse_adds_an_answer_beside_the_first_and_history_keeps_both(
    browser: Any, web_stack: dict[str, Any], person: tuple[str, str], output_dir: Path
) -> None:
    # Given a finished answer
    page = await _signed_in(browser, web_stack, person, DESKTOP)
    await page.get_by_role("button", name="Start a new conversation").first.click()
    box = page.get_by_label("Your message")
    await box.fill("I feel so lonely since I moved here")
    await box.press("Enter")
    await page.locator("#live-answer").wait_for(state="attached", timeout=60_000)
    await page.locator("#live-answer").wait_for(state="detached", timeout=60_000)
    cards = page.get_by_test_id("answer-card")
    first = (await cards.last.get_by_test_id("verse-reference").inner_text()).strip()
    # When the person asks for another verse
    await cards.last.get_by_test_id("another-verse").click()
    await expect(cards).to_have_count(2, timeout=60_000)
    await page.locator("#live-answer").wait_for(state="detached", timeout=60_000)
    # Then a second answer stands beside the first, marked as another verse for the same words, with a new verse
    await expect(page.get_by_test_id("sibling-note")).to_have_count(1)
    second = (await cards.last.get_by_test_id("verse-reference").inner_text()).strip()
    assert second and second != first
    await page.screenshot(path=str(output_dir / "another-verse-desktop.png"), full_page=True)
    # And after a reload, the conversation opened from the list still has both, in order
    await page.reload()
    await page.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()
    await page.locator(
        '[data-testid="session-item"]:visible', has_text="I feel so lonely since I moved here"
    ).first.click()
    await expect(cards).to_have_count(2)
    await expect(cards.first.get_by_test_id("verse-reference")).to_have_text(first)
    await expect(cards.last.get_by_test_id("verse-reference")).to_have_text(second)
    await expect(page.get_by_test_id("sibling-note")).to_have_count(1)
    await page.context.close()

    phone = await _signed_in(browser, web_stack, person, PHONE)
    await phone.get_by_role("button", name="Show conversations").click()
    await phone.locator(
        '[data-testid="session-item"]:visible', has_text="I feel so lonely since I moved here"
    ).last.click()
    await expect(phone.get_by_test_id("answer-card")).to_have_count(2)
    await phone.screenshot(path=str(output_dir / "another-verse-phone.png"), full_page=True)
    await phone.context.close()


async def test_a_saved_verse_is_listed_with_its_day_and_feeling_and_can_be_removed_and_copied(
    browser: Any, web_stack: dict[str, Any], person: tuple[str, str], output_dir: Path
) -> None:
    # Given a finished answer
    page = await _signed_in(browser, web_stack, person, DESKTOP)
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await page.get_by_role("button", name="Start a new conversation").first.click()
    box = page.get_by_label("Your message")
    await box.fill("I'm so grateful for my family today")
    await box.press("Enter")
    await page.locator("#live-answer").wait_for(state="attached", timeout=60_000)
    await page.locator("#live-answer").wait_for(state="detached", timeout=60_000)
    card = page.get_by_test_id("answer-card").last
    reference = (await card.get_by_test_id("verse-reference").inner_text()).strip()
    text = (await card.get_by_test_id("verse-text").inner_text()).strip()
    # When the person copies the verse, Then the clipboard holds the verse, its reference and translation
    await card.get_by_test_id("copy-verse").click()
    copied = await page.evaluate("() => navigator.clipboard.readText()")
    assert text.strip("\u201c\u201d") in copied and reference in copied, copied
    assert any(f"({t.name})" in copied for t in OFFERED), copied
    # When they save it, Then the button says so
    await card.get_by_test_id("save-verse").click()
    await expect(card.get_by_test_id("save-verse")).to_have_text("Saved")
    # And the Saved view lists it first, with the day it was saved and the feeling it answered
    await page.get_by_test_id("saved-verses").click()
    dialog = page.get_by_role("dialog", name="Saved verses")
    first = dialog.get_by_test_id("saved-item").first
    await expect(first.get_by_test_id("saved-reference")).to_have_text(reference)
    await expect(first.get_by_test_id("saved-when")).to_contain_text("for feeling grateful")
    await page.screenshot(path=str(output_dir / "saved-verses-desktop.png"))
    # When they remove it there, Then it leaves the list and the answer is unmarked
    count = await dialog.get_by_test_id("saved-item").count()
    await first.get_by_test_id("remove-saved").click()
    await expect(dialog.get_by_test_id("saved-item")).to_have_count(count - 1)
    await page.keyboard.press("Escape")
    await expect(card.get_by_test_id("save-verse")).to_have_text("Save verse")
    # And saved again, it is in the Saved view on a phone too
    await card.get_by_test_id("save-verse").click()
    await expect(card.get_by_test_id("save-verse")).to_have_text("Saved")
    await page.context.close()
    phone = await _signed_in(browser, web_stack, person, PHONE)
    await phone.get_by_role("button", name="Show conversations").click()
    await phone.get_by_role("dialog", name="Conversations").get_by_test_id("saved-verses-link").click()
    saved = phone.get_by_role("dialog", name="Saved verses").get_by_test_id("saved-item").first
    await expect(saved.get_by_test_id("saved-reference")).to_have_text(reference)
    await phone.screenshot(path=str(output_dir / "saved-verses-phone.png"))
    await phone.context.close()
