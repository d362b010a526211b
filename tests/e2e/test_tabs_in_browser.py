"""Tabs act as one browser: a second tab is signed in, a sign-out ends every tab, a new conversation shows in all."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from devtools.bootstrap import create_user, generate_password
from tests.e2e.ux import FIRST_LOAD_MS

pytestmark = pytest.mark.integration

#: The tabs' watcher looks every 2 s (state/tabs.py); a tab's change shows in another within a few looks.
SYNC_MS = 15_000
COOKIE = "motivator_session"


async def _connected(tab: Any) -> None:
    await tab.get_by_label("Your message").wait_for(timeout=FIRST_LOAD_MS)
    await tab.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()


async def test_a_second_tab_is_signed_in_sees_new_conversations_and_signs_out_with_the_first(
    browser: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    # Given a person signed in in one tab of a browser (their own account: sign-out ends all its sessions)
    email = f"tabs-{uuid.uuid4().hex[:8]}@example.org"
    password = generate_password()
    create_user(web_stack["cognito_url"], web_stack["region"], web_stack["user_pool_id"], email, password)
    context = await browser.new_context(viewport={"width": 1366, "height": 800})
    first = await context.new_page()
    first.set_default_timeout(30_000)
    try:
        await first.goto(web_stack["web_url"] + "signin")
        await first.get_by_label("Email").wait_for(timeout=FIRST_LOAD_MS)
        await first.get_by_label("Email").fill(email)
        await first.get_by_label("Password").fill(password)
        await first.get_by_role("button", name="Sign in").click()
        await _connected(first)
        # Then the server has set the sign-in cookie: HttpOnly, Secure, SameSite=Strict, out of the page's reach
        cookie = await _wait_cookie(context, present=True)
        assert cookie is not None
        assert (cookie["httpOnly"], cookie["secure"], cookie["sameSite"]) == (True, True, "Strict")
        assert COOKIE not in await first.evaluate("() => document.cookie")
        assert "refresh" not in (await first.evaluate("() => JSON.stringify(localStorage)")).lower()

        # When they open the app in a second tab
        second = await context.new_page()
        second.set_default_timeout(30_000)
        await second.goto(web_stack["web_url"])
        # Then it is signed in, without the sign-in form, and connected
        await _connected(second)
        assert "/signin" not in second.url

        # When they start a conversation in the first tab
        box = first.get_by_label("Your message")
        await box.fill("I feel lonely since my friend moved away")
        await box.press("Enter")
        await first.get_by_test_id("answer-card").last.locator('[data-status="done"]').wait_for(timeout=60_000)
        # Then it appears in the second tab's history without a reload
        listed = second.get_by_test_id("history").first.get_by_test_id("session-item")
        await expect(listed).to_have_count(1, timeout=SYNC_MS)
        await expect(listed).to_contain_text("lonely")
        await second.screenshot(path=str(output_dir / "tabs-history-1366.png"))
        await second.set_viewport_size({"width": 390, "height": 844})
        await second.get_by_role("button", name="Show conversations").click()
        await second.screenshot(path=str(output_dir / "tabs-history-390.png"))
        await second.get_by_role("button", name="Close conversations").click()

        # When they sign out in the first tab
        await first.get_by_role("button", name="Sign out").click()
        await first.wait_for_url("**/signin*")
        # Then the second tab signs out too, and says why
        await second.wait_for_url("**/signin*", timeout=SYNC_MS)
        await expect(second.get_by_text("You signed out in another tab. Take care.")).to_be_visible()
        await second.screenshot(path=str(output_dir / "tabs-signed-out-390.png"))
        # and the cookie is gone, so a new tab asks them to sign in
        assert await _wait_cookie(context, present=False) is None
        third = await context.new_page()
        await third.goto(web_stack["web_url"])
        await third.wait_for_url("**/welcome*", timeout=SYNC_MS)  # signed out: the landing page
    finally:
        await context.close()


async def _cookie(context: Any) -> dict[str, Any] | None:
    found = [c for c in await context.cookies() if c["name"] == COOKIE and c["value"]]
    return found[0] if found else None


async def _wait_cookie(context: Any, *, present: bool) -> dict[str, Any] | None:
    """The sign-in cookie once it is there (or gone), waiting up to SYNC_MS for the page's request to land."""
    deadline = time.monotonic() + SYNC_MS / 1000
    while True:
        cookie = await _cookie(context)
        if (cookie is not None) == present or time.monotonic() > deadline:
            return cookie
        await asyncio.sleep(0.2)
