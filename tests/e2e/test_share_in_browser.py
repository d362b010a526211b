"""Share a verse in a real browser (issue 17 item 3, issue 20 item 3): a link from an answer, its public page for a
signed-out reader showing only the verse and the line, hostile lines shown as typed, and Stop sharing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.e2e.test_security_in_browser import csp_tab
from tests.e2e.ux import FIRST_LOAD_MS, PHONE, WIDE, serious_violations, shoot, sign_in

pytestmark = pytest.mark.integration

#: Every hostile string of issue 20, in one line a person could write (under the 140-character limit).
HOSTILE_LINE = (
    "<script>alert(1)</script> <img src=x onerror=alert(1)> [click](javascript:alert(1)) "
    "![x](http://evil.example/x.png) \u202egnp.exe"
)


async def _answered(tab: Any) -> Any:
    box = tab.get_by_label("Your message")
    await box.fill("I feel anxious about my exam tomorrow and I can't sleep")
    await box.press("Enter")
    answer = tab.get_by_test_id("answer-card").last
    await tab.locator("#live-answer").wait_for(state="detached", timeout=60_000)
    return answer


async def test_a_link_from_an_answer_opens_signed_out_with_only_the_verse_and_the_line_as_typed(
    browser: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    # Given a signed-in person (the app's CSP enforced) with a finished answer
    creator = await csp_tab(browser, web_stack)
    tab = creator["tab"]
    try:
        await sign_in(tab, web_stack)
        answer = await _answered(tab)
        reference = (await answer.get_by_test_id("verse-reference").inner_text()).strip()
        verse_text = (await answer.get_by_test_id("verse-text").inner_text()).strip().strip("\u201c\u201d")

        # When they press Share, write a hostile line and create the link
        await answer.get_by_test_id("share-verse").click()
        dialog = tab.get_by_role("dialog", name="Share this verse")
        await expect(dialog.get_by_label("A line of your own (optional)")).to_be_visible()
        await expect(dialog).to_contain_text("Up to 140 characters")
        assert await serious_violations(tab) == []
        await shoot(tab, output_dir, "share-dialog-desktop")
        await dialog.get_by_label("A line of your own (optional)").fill(HOSTILE_LINE)
        await dialog.get_by_role("button", name="Create link").click()
        # Then the dialog shows the link, with Copy link and Download card
        link = dialog.get_by_test_id("share-link")
        await expect(link).to_contain_text("/s/", timeout=30_000)
        await expect(dialog.get_by_role("button", name="Copy link")).to_be_visible()
        card_href = await dialog.get_by_test_id("download-card").get_attribute("href")
        assert card_href and card_href.endswith("/card.png")
        assert await serious_violations(tab) == []
        await shoot(tab, output_dir, "share-link-desktop")
        path = await link.get_attribute("href")
        assert path and path.startswith("/s/")
        await tab.keyboard.press("Escape")

        # And the Saved view lists the link with the line exactly as typed
        await tab.get_by_test_id("saved-verses").click()
        row = tab.get_by_test_id("shared-item").first
        await expect(row.get_by_test_id("shared-line")).to_have_text(HOSTILE_LINE)
        await expect(row.get_by_test_id("shared-reference")).to_have_text(reference)
        assert await serious_violations(tab) == []
        await shoot(tab, output_dir, "shared-links-desktop")

        # When someone else opens the link in a fresh, signed-out browser (CSP enforced, requests recorded)
        for size, name in ((WIDE, "desktop"), (PHONE, "phone")):
            reader = await _reader(browser, web_stack, size)
            page = reader["tab"]
            await page.goto(web_stack["web_url"] + path.lstrip("/"))
            # Then they see the verse and the line as typed, as text, and the card image; never /welcome
            await expect(page.get_by_test_id("shared-verse-reference")).to_have_text(reference, timeout=FIRST_LOAD_MS)
            await expect(page.get_by_test_id("shared-verse-text")).to_contain_text(verse_text[:40])
            await expect(page.get_by_test_id("shared-verse-line")).to_have_text(HOSTILE_LINE)
            assert page.url.endswith(path)
            card = page.get_by_test_id("shared-card")
            await expect(card).to_be_visible()
            await page.wait_for_function(
                "() => { const i = document.querySelector('[data-testid=shared-card]'); return i && i.naturalWidth }"
            )
            assert await card.evaluate("(i) => [i.naturalWidth, i.naturalHeight]") == [1200, 630]
            # And nothing of the conversation is there
            assert "anxious about my exam" not in await page.content()
            # And no dialog opened, nothing went to another host, no element came of the line, no CSP violation
            assert reader["dialogs"] == [] and reader["foreign"] == [] and reader["violations"] == []
            assert await page.locator('img[src="x"], img[src*="evil.example"], a[href^="javascript:"]').count() == 0
            assert await serious_violations(page) == []
            await shoot(page, output_dir, f"share-page-{name}")
            await page.get_by_role("link", name="What is Motivator?").wait_for()
            if name == "desktop":
                desktop_reader = reader
            else:
                await reader["context"].close()

        # When the person stops sharing it
        await row.get_by_role("button", name=f"Stop sharing {reference}").click()
        await expect(tab.get_by_test_id("shared-item")).to_have_count(0)
        # Then the page says, kindly, that it is no longer shared (the API's cache lasts at most 30 s)
        page = desktop_reader["tab"]
        await page.reload()
        await expect(page.get_by_test_id("share-gone")).to_have_text("This link is no longer shared")
        # and says it as the page's heading, no longer "A verse shared with you"
        await expect(page.get_by_role("heading", level=1)).to_have_text("This link is no longer shared")
        await expect(page.get_by_test_id("shared-verse-line")).to_have_count(0)
        assert await serious_violations(page) == []
        assert desktop_reader["violations"] == [] and desktop_reader["dialogs"] == []
        await shoot(page, output_dir, "share-page-gone-desktop")
        await desktop_reader["context"].close()
        assert creator["violations"] == [] and creator["dialogs"] == [] and creator["foreign"] == []
    finally:
        await creator["context"].close()


async def _reader(browser: Any, web_stack: dict[str, Any], size: dict[str, int]) -> dict[str, Any]:
    """A fresh browser context: nobody signed in, the CSP enforced, dialogs and foreign requests recorded."""
    seen = await csp_tab(browser, web_stack)
    await seen["tab"].set_viewport_size(size)
    return seen


async def test_the_share_dialog_fits_a_phone(browser: Any, web_stack: dict[str, Any], output_dir: Path) -> None:
    # Given a signed-in person on a phone with a finished answer
    seen = await csp_tab(browser, web_stack)
    tab = seen["tab"]
    try:
        await tab.set_viewport_size(PHONE)
        await sign_in(tab, web_stack)
        answer = await _answered(tab)
        # When they open Share and create a link without a line
        await answer.get_by_test_id("share-verse").click()
        dialog = tab.get_by_role("dialog", name="Share this verse")
        await dialog.get_by_label("A line of your own (optional)").wait_for()
        await tab.wait_for_timeout(400)  # the dialog's fade-in, for a clear screenshot
        await shoot(tab, output_dir, "share-dialog-phone")
        await dialog.get_by_role("button", name="Create link").click()
        # Then the link and its buttons are there, axe finds nothing serious, and no CSP violation
        await expect(dialog.get_by_test_id("share-link")).to_contain_text("/s/", timeout=30_000)
        assert await serious_violations(tab) == []
        await shoot(tab, output_dir, "share-link-phone")
        assert seen["violations"] == [] and seen["dialogs"] == []
    finally:
        await seen["context"].close()
