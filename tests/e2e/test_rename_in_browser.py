"""Renaming a conversation in a real browser, on a desktop and in the phone's drawer: Enter saves, Esc cancels, the
focus comes back, a hostile title is shown as text, the title survives a reload, and axe finds nothing serious."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.e2e.ux import PHONE, SIZES, new_tab, serious_violations, shoot, sign_in, small_targets

pytestmark = pytest.mark.integration

ANSWER_MS = 60_000
FIRST = "I feel anxious about my exam tomorrow"
#: Markup, a script, an image with a handler and a right-to-left override: 54 characters, under the 60 allowed.
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>\u202e"


async def _ask(tab: Any, text: str) -> None:
    box = tab.get_by_label("Your message")
    await box.fill(text)
    await box.press("Enter")
    cards = tab.get_by_test_id("answer-card")
    await expect(cards).to_have_count(1, timeout=ANSWER_MS)
    await expect(tab.locator("#live-answer")).to_have_count(0, timeout=ANSWER_MS)
    await expect(cards.last.get_by_test_id("answer-text")).to_have_attribute("data-status", "done")


async def _history(tab: Any, phone: bool) -> Any:
    """The conversation rows in view (on a phone, in the drawer, opened from the header unless still open)."""
    drawer = tab.get_by_role("dialog", name="Conversations")
    if phone and not await drawer.is_visible():
        await tab.get_by_label("Show conversations").click()
        await drawer.wait_for()
    return tab.locator('[data-testid="session-item"]:visible')


async def _first_title(rows: Any) -> str:
    return str(await rows.first.inner_text()).splitlines()[0]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
async def test_a_conversation_is_renamed_in_place_and_keeps_its_title_after_a_reload(
    browser: Any, web_stack: dict[str, Any], output_dir: Path, size: str, scheme: str
) -> None:
    context, tab = await new_tab(browser, SIZES[size], color_scheme=scheme)
    phone = SIZES[size] is PHONE
    dialogs: list[str] = []
    tab.on("dialog", lambda d: dialogs.append(d.message))
    try:
        # Given a person with one conversation, its history in view
        await sign_in(tab, web_stack)
        await _ask(tab, FIRST)
        rows = await _history(tab, phone)
        await expect(rows).to_have_count(1)
        assert await _first_title(rows) == FIRST

        # When they press the conversation's Rename button (named after the conversation)
        rename = tab.get_by_role("button", name=f"Rename conversation: {FIRST}")
        await rename.click()
        dialog = tab.get_by_role("dialog", name="Rename conversation")
        box = dialog.get_by_label("Title")
        # Then a small dialog holds its title in a focused box, and axe finds nothing serious in it
        await expect(box).to_be_focused()
        await expect(box).to_have_value(FIRST)
        found = await serious_violations(tab) + ([f"small: {t}" for t in await small_targets(tab)] if phone else [])
        await shoot(tab, output_dir, f"rename-dialog-{size}-{scheme}")
        assert found == []

        # When they type a hostile title and press Enter
        await box.fill(HOSTILE)
        await box.press("Enter")
        # Then the dialog closes, the focus is back on the Rename button, and the row reads the title as text
        await expect(dialog).to_have_count(0)
        await expect(rows.first).to_contain_text("<script>alert(1)</script>")
        assert await _first_title(rows) == HOSTILE
        await expect(tab.get_by_role("button", name=f"Rename conversation: {HOSTILE}")).to_be_focused()
        assert dialogs == []
        assert await tab.locator('img[src="x"], script:text("alert(1)")').count() == 0
        await shoot(tab, output_dir, f"renamed-{size}-{scheme}")

        # When they reload the page
        await tab.reload()
        await tab.get_by_label("Your message").wait_for()
        rows = await _history(tab, phone)
        # Then the conversation keeps the title they typed
        await expect(rows.first).to_contain_text("<script>alert(1)</script>", timeout=30_000)
        assert await _first_title(rows) == HOSTILE

        # When they start renaming again, type something else, and press Esc
        rename = tab.get_by_role("button", name=f"Rename conversation: {HOSTILE}")
        await rename.click()
        await dialog.get_by_label("Title").fill("Something else")
        await tab.keyboard.press("Escape")
        # Then only the rename dialog closes (the phone's drawer stays), the title is unchanged, the focus is back
        await expect(dialog).to_have_count(0)
        if phone:
            await expect(tab.get_by_role("dialog", name="Conversations")).to_be_visible()
        await expect(rename).to_be_focused()
        assert await _first_title(rows) == HOSTILE
        assert dialogs == []
    finally:
        await context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
async def test_a_title_that_sounds_like_a_crisis_brings_the_help_lines_above_the_message_box(
    browser: Any, web_stack: dict[str, Any], output_dir: Path, size: str
) -> None:
    """Given a person with one conversation
    When they rename it with words of a crisis
    Then the title is kept as typed, and the help lines show above the message box (on a phone the drawer closes so
    nothing covers them), each ready to tap (988 by phone), with nothing serious for axe; closing them puts the
    message box back in full view."""
    context, tab = await new_tab(browser, SIZES[size])
    phone = SIZES[size] is PHONE
    try:
        await sign_in(tab, web_stack)
        await _ask(tab, FIRST)
        await _history(tab, phone)  # in view (on a phone, the drawer opened)
        await tab.get_by_role("button", name=f"Rename conversation: {FIRST}").click()
        dialog = tab.get_by_role("dialog", name="Rename conversation")
        crisis_title = "I want to end my life tonight"
        await dialog.get_by_label("Title").fill(crisis_title)
        await dialog.get_by_label("Title").press("Enter")
        await expect(dialog).to_have_count(0)
        if phone:  # the drawer the rename was made in closes by itself: it must not cover the help lines
            await expect(tab.get_by_role("dialog", name="Conversations")).to_have_count(0, timeout=30_000)
        card = tab.get_by_test_id("care-card")
        await expect(card).to_be_visible(timeout=30_000)
        await expect(card.locator('a[href="tel:988"]').first).to_be_visible()
        assert await card.get_by_role("link").count() >= 2
        assert await serious_violations(tab) == []
        await shoot(tab, output_dir, f"rename-crisis-help-{size}")
        await card.get_by_role("button", name="Close the help lines").click()
        await expect(card).to_have_count(0)
        await expect(tab.get_by_label("Your message")).to_be_in_viewport()
        # And the title is kept as typed (on a phone, in the drawer opened again)
        rows = await _history(tab, phone)
        await expect(rows.first).to_contain_text(crisis_title)
        assert await _first_title(rows) == crisis_title
    finally:
        await context.close()
