"""An answer the server could not store, in a real browser: it is shown whole, with a quiet note that it won't be in
history. Storage is taken away by deleting the conversations table for the length of one question (then it is
created again, empty), so this module runs after the others that keep conversations."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from devtools.bootstrap import client, create_user, generate_password
from tests.e2e.conftest import DESKTOP
from tests.e2e.ux import FIRST_LOAD_MS

pytestmark = pytest.mark.integration

ANSWER_MS = 60_000
UNSAVED = "This answer could not be saved, so it won't be in your history."


@contextlib.contextmanager
def conversations_table_gone(web_stack: dict[str, Any]) -> Iterator[None]:
    """The conversations table deleted (its reads and writes fail as in an outage), then created again, empty."""
    from shared.tables import ALL_TABLES

    (definition,) = [d for d in ALL_TABLES if d.setting == "conversations_table"]
    name = web_stack["tables"]["conversations_table"]
    dynamodb = client("dynamodb", web_stack["dynamodb_url"], web_stack["region"])
    dynamodb.delete_table(TableName=name)
    try:
        yield
    finally:
        dynamodb.create_table(**definition.create_table_kwargs(name))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def page(browser: Any, web_stack: dict[str, Any]) -> AsyncIterator[Any]:
    """A person of their own, signed in, on the chat page."""
    username = f"unsaved-{uuid.uuid4().hex[:8]}@motivator.local"
    password = generate_password()
    create_user(web_stack["cognito_url"], web_stack["region"], web_stack["user_pool_id"], username, password)
    context = await browser.new_context(viewport=DESKTOP)
    tab = await context.new_page()
    tab.set_default_timeout(30_000)
    await tab.goto(web_stack["web_url"] + "signin")  # a first visit to / meets the landing page
    await tab.wait_for_url("**/signin*", timeout=FIRST_LOAD_MS)
    await tab.get_by_label("Email").fill(username)
    await tab.get_by_label("Password").fill(password)
    await tab.get_by_role("button", name="Sign in").click()
    await tab.get_by_label("Your message").wait_for(timeout=FIRST_LOAD_MS)
    await tab.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()
    yield tab
    await context.close()


async def test_a_crisis_answer_that_could_not_be_stored_says_so_quietly(
    page: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    # Given the conversation storage is down (the crisis answer never waits on it)
    with conversations_table_gone(web_stack):
        # When the person writes that they want to end their life
        box = page.get_by_label("Your message")
        await box.fill("I want to end my life tonight")
        await box.press("Enter")
        card = page.get_by_test_id("crisis-card").last
        await card.locator('[data-testid="answer-text"][data-status="done"]').wait_for(timeout=ANSWER_MS)

    # Then the crisis answer is shown whole, help lines first, and a quiet note says it won't be in history
    assert await card.locator('a[href^="tel:"]').count() >= 1
    note = card.get_by_test_id("unsaved-note")
    assert (await note.inner_text()).strip() == UNSAVED
    assert await card.get_by_role("alert").count() == 0  # not an error: the answer itself is all there
    await note.scroll_into_view_if_needed()
    await page.wait_for_timeout(300)
    await page.screenshot(path=str(output_dir / "unsaved-crisis-desktop.png"))
