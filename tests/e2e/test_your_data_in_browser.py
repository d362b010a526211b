"""Today's allowance, downloading my data and deleting my account, in a real browser (Debian Chromium)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from playwright.async_api import expect

from devtools.bootstrap import client, create_user, generate_password
from shared.settings import Settings
from tests.e2e.ux import FIRST_LOAD_MS
from tests.stackclient import dynamodb_table, token_for

pytestmark = pytest.mark.integration

DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
ALLOWANCE = int(Settings.model_fields["daily_message_allowance"].default)


async def _signed_in(browser: Any, web_stack: dict[str, Any], viewport: dict[str, int]) -> tuple[Any, Any, str, str]:
    """A fresh person signed in through the form: (context, tab, username, sub)."""
    username, password = f"data-{uuid.uuid4().hex[:8]}@motivator.local", generate_password()
    create_user(web_stack["cognito_url"], web_stack["region"], web_stack["user_pool_id"], username, password)
    sub = str(jwt.decode(token_for(web_stack, username, password), options={"verify_signature": False})["sub"])
    context = await browser.new_context(viewport=viewport, accept_downloads=True)
    tab = await context.new_page()
    tab.set_default_timeout(30_000)
    await tab.goto(web_stack["web_url"] + "signin")  # a first visit to / meets the landing page
    await tab.wait_for_url("**/signin*", timeout=FIRST_LOAD_MS)
    await tab.get_by_label("Email").fill(username)
    await tab.get_by_label("Password").fill(password)
    await tab.get_by_role("button", name="Sign in").click()
    await tab.get_by_label("Your message").wait_for(timeout=FIRST_LOAD_MS)
    await tab.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()
    return context, tab, username, sub


def _spend_today(web_stack: dict[str, Any], sub: str, used: int) -> None:
    """Today's allowance of this person as if they had sent `used` messages already."""
    day = f"d{datetime.now(tz=UTC):%Y-%m-%d}"
    dynamodb_table(web_stack, "rate_limit_table").put_item(Item={"pk": f"DAY#{sub}", day: used})


async def _ask(tab: Any, text: str) -> None:
    box = tab.get_by_label("Your message")
    await box.fill(text)
    await box.press("Enter")
    await expect(tab.locator('[data-testid="answer-text"][data-status="done"]').last).to_be_visible(timeout=60_000)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
async def test_few_messages_left_today_are_shown_under_the_message_box(
    browser: Any, web_stack: dict[str, Any], output_dir: Path, viewport: dict[str, int]
) -> None:
    """Given a person who has used all but three of today's messages
    When they send one more
    Then "2 messages left today" shows by the message box (and nothing showed before it was low)."""
    context, tab, _, sub = await _signed_in(browser, web_stack, viewport)
    try:
        await expect(tab.get_by_test_id("allowance")).to_have_count(0)
        _spend_today(web_stack, sub, ALLOWANCE - 3)
        await _ask(tab, "I'm tired after a long week.")
        await expect(tab.get_by_test_id("allowance")).to_have_text("2 messages left today")
        await tab.screenshot(path=str(output_dir / f"allowance-{viewport['width']}.png"))
    finally:
        await context.close()


async def test_download_my_data_then_delete_my_account_after_typing_the_confirmation(
    browser: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    """Given a signed-in person with a conversation
    When they download their data from the settings, then delete the account, typing DELETE in the dialog
    Then the zip holds their conversation in JSON and Markdown, the delete button waits for the confirmation,
    and afterwards they are signed out with a kind word and their sign-in no longer exists."""
    context, tab, username, _ = await _signed_in(browser, web_stack, DESKTOP)
    try:
        await _ask(tab, "I feel lonely since I moved to a new city.")
        await tab.get_by_test_id("settings").click()
        async with tab.expect_download() as waiting:
            await tab.get_by_test_id("download-data").click()
        download = await waiting.value
        archive = zipfile.ZipFile(io.BytesIO(Path(await download.path()).read_bytes()))
        document = json.loads(archive.read("motivator-export.json"))
        assert download.suggested_filename.startswith("motivator-export-")
        assert document["conversations"][0]["turns"][0]["message"] == "I feel lonely since I moved to a new city."
        assert "I feel lonely since I moved to a new city." in archive.read("motivator-export.md").decode()
        await tab.screenshot(path=str(output_dir / "your-data-1366.png"))

        await tab.get_by_test_id("delete-account").click()
        confirm = tab.get_by_test_id("confirm-delete")
        await expect(confirm).to_be_disabled()
        await tab.get_by_test_id("delete-confirmation").fill("DELETE")
        await expect(confirm).to_be_enabled()
        await tab.screenshot(path=str(output_dir / "delete-account-1366.png"))
        await confirm.click()
        await tab.wait_for_url("**/signin*")
        await expect(tab.get_by_text("Your account and everything in it have been deleted.")).to_be_visible()
        await expect(tab.get_by_label("Email")).to_have_value("")
        await tab.screenshot(path=str(output_dir / "deleted-1366.png"))
        cognito = client("cognito-idp", web_stack["cognito_url"], web_stack["region"])
        with pytest.raises(cognito.exceptions.UserNotFoundException):
            cognito.admin_get_user(UserPoolId=web_stack["user_pool_id"], Username=username)
    finally:
        await context.close()


async def test_your_data_fits_a_phone_and_keeping_the_account_changes_nothing(
    browser: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    """Given a signed-in person on a 390 px wide phone
    When they open the settings, then the delete dialog, then choose to keep their account
    Then both fit the screen, and they stay signed in and connected."""
    context, tab, _, _ = await _signed_in(browser, web_stack, PHONE)
    try:
        await tab.get_by_test_id("settings").click()
        await expect(tab.get_by_test_id("download-data")).to_be_in_viewport()
        await tab.wait_for_timeout(500)  # the popover's fade-in, so the picture shows it as it stays
        await tab.screenshot(path=str(output_dir / "your-data-390.png"))
        await tab.get_by_test_id("delete-account").click()
        await expect(tab.get_by_test_id("confirm-delete")).to_be_in_viewport()
        await tab.wait_for_timeout(500)
        await tab.screenshot(path=str(output_dir / "delete-account-390.png"))
        await tab.get_by_role("button", name="Keep my account").click()
        await expect(tab.get_by_test_id("confirm-delete")).to_have_count(0)
        await expect(tab.locator('[data-testid="connection-status"][data-state="connected"]')).to_be_visible()
    finally:
        await context.close()
