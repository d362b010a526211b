"""The web client in a real browser: sign in, a streamed answer with its verse, feedback, history, a crisis answer,
stop, a dropped connection, and an answer that outlasts API Gateway's integration timeout."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import pytest_asyncio

from shared.conversation_items import CRISIS_TITLE
from tests.e2e.conftest import DESKTOP, GATEWAY_TIMEOUT_S, PHONE
from tests.e2e.ux import FIRST_LOAD_MS
from tests.stackclient import bedrock, dynamodb_table

pytestmark = pytest.mark.integration

#: The first page load of a fresh `reflex run` compiles the frontend modules (Vite), so it may take a while.
ANSWER_S = 60.0


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def page(browser: Any, web_stack: dict[str, Any]) -> AsyncIterator[Any]:
    """A desktop page signed in as the demo user, shared by the tests of this module in order."""
    context = await browser.new_context(viewport=DESKTOP)
    tab = await context.new_page()
    tab.set_default_timeout(30_000)
    # Given the demo user on the sign-in page
    await tab.goto(web_stack["web_url"] + "signin")  # a first visit to / meets the landing page
    await tab.wait_for_url("**/signin*", timeout=FIRST_LOAD_MS)
    # When they sign in through the form
    await tab.get_by_label("Email").fill(web_stack["demo_username"])
    await tab.get_by_label("Password").fill(web_stack["demo_password"])
    await tab.get_by_role("button", name="Sign in").click()
    # Then the chat opens and connects to the gateway
    await tab.get_by_label("Your message").wait_for(timeout=FIRST_LOAD_MS)
    await tab.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()
    yield tab
    await context.close()


async def send(page: Any, text: str) -> None:
    box = page.get_by_label("Your message")
    await box.fill(text)
    await box.press("Enter")


async def watch_answer(page: Any, timeout: float = ANSWER_S) -> list[str]:
    """The live answer's text, sampled until the turn is done; returns the distinct texts seen while streaming."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = await page.evaluate("() => document.getElementById('live-answer')?.innerText ?? null")
        if text is None and seen:
            return seen
        if text and (not seen or text != seen[-1]):
            seen.append(text)
        await asyncio.sleep(0.04)
    raise AssertionError(f"the answer did not finish within {timeout:.0f} s; saw {len(seen)} snapshots")


def last_answer(page: Any) -> Any:
    return page.locator('[data-testid="answer-card"], [data-testid="crisis-card"]').last


async def test_answer_grows_word_by_word_with_a_verse(page: Any, output_dir: Path) -> None:
    # Given the signed-in chat
    # When the person writes how they feel and presses Enter
    await send(page, "I feel anxious about my exam tomorrow and I can't sleep")

    # Then the answer text grows across several snapshots before it is done
    snapshots = await watch_answer(page)
    assert len(snapshots) >= 2, snapshots
    for earlier, later in itertools.pairwise(snapshots):
        assert later.startswith(earlier.rstrip()), (earlier, later)
    card = last_answer(page)
    final = card.get_by_test_id("answer-text")
    assert await final.get_attribute("data-status") == "done"
    assert len(await final.inner_text()) > len(snapshots[0])
    # And the verse card shows a reference and its text, with the translation
    assert (await card.get_by_test_id("verse-reference").inner_text()).strip()
    assert len((await card.get_by_test_id("verse-text").inner_text()).strip()) > 10
    assert (await card.get_by_test_id("verse-translation").inner_text()).strip()
    # And an emotion chip names what was heard
    assert (await card.get_by_test_id("emotion-chip").inner_text()).strip()
    await page.screenshot(path=str(output_dir / "chat-desktop.png"))


async def test_thumbs_up_is_stored(page: Any, web_stack: dict[str, Any]) -> None:
    card = last_answer(page)
    # Given the answer just given (the local stack has the feedback route, so the thumbs are offered)
    thumbs_up = card.get_by_test_id("feedback-up")
    message_id = await card.get_attribute("data-message-id")
    assert message_id
    # When the person taps the thumbs up
    await thumbs_up.click()
    # Then the client confirms it, and the feedback is stored with the turn in DynamoDB
    await card.get_by_text("Thank you — noted.").wait_for()
    from shared.conversations import ConversationRepository

    table = dynamodb_table(web_stack, "conversations_table")
    turn = await asyncio.to_thread(ConversationRepository(table).get_turn, message_id)
    assert turn is not None and turn.feedback is not None
    assert turn.feedback["helpful"] is True
    # And an optional comment can follow
    assert await card.get_by_label("Optional comment about this answer").is_visible()


async def test_new_session_appears_in_history(page: Any) -> None:
    history = page.get_by_test_id("session-item")
    await page.get_by_test_id("new-session").wait_for()
    # Given the conversation just held, Then it is listed under its first words, marked as the open one
    first = history.first
    await first.wait_for()
    assert "anxious about my exam" in await first.inner_text()
    assert await first.get_attribute("aria-current") == "true"


async def test_crisis_message_shows_resources_first(page: Any, output_dir: Path) -> None:
    # Given a fresh conversation
    await page.locator('button[aria-label="Start a new conversation"]:visible').first.click()
    # When the person writes that they want to end their life
    await send(page, "I want to end my life tonight")

    # Then a distinct crisis card shows the resources before anything else (it arrives at once, not word by word)
    card = page.get_by_test_id("crisis-card").last
    await card.locator('[data-testid="answer-text"][data-status="done"]').wait_for(timeout=ANSWER_S * 1000)
    call = card.locator('a[href^="tel:"]').first
    assert await call.get_attribute("href") == "tel:988"
    assert await card.locator('a[href^="sms:"]').count() >= 1
    order = await card.evaluate(
        """(card) => {
            const call = card.querySelector('a[href^="tel:"]');
            const text = card.querySelector('[data-testid="answer-text"]');
            return call.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING;
        }"""
    )
    assert order, "the crisis resources must come before the answer text"
    await page.wait_for_timeout(300)  # the card is scrolled into view after the answer ends
    await page.screenshot(path=str(output_dir / "crisis-desktop.png"))


async def test_usable_at_phone_width(page: Any, output_dir: Path) -> None:
    # Given the same conversation on a 375 px wide screen
    await page.set_viewport_size(PHONE)
    await page.wait_for_timeout(300)
    # Then nothing scrolls sideways and the message box, send button and connection state stay in view
    overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    assert await page.get_by_label("Your message").is_visible()
    assert await page.get_by_label("Send message").is_visible()
    assert await page.get_by_test_id("connection-status").is_visible()
    await page.get_by_test_id("crisis-card").last.scroll_into_view_if_needed()
    await page.screenshot(path=str(output_dir / "crisis-375.png"))
    if await page.get_by_label("Show conversations").count():
        # When the person opens the conversation list and taps the earlier conversation
        await page.get_by_label("Show conversations").click()
        await page.get_by_role("dialog", name="Conversations").wait_for()
        await page.screenshot(path=str(output_dir / "history-375.png"))
        await page.locator('[data-testid="session-item"]:visible', has_text="anxious about my exam").click()
        # Then that conversation's turns are shown again, verse included
        await page.get_by_test_id("answer-card").first.get_by_test_id("verse-reference").wait_for()
        assert "anxious about my exam" in await page.get_by_test_id("transcript").inner_text()
        await page.wait_for_timeout(300)
    await page.screenshot(path=str(output_dir / "chat-375.png"))
    await page.set_viewport_size(DESKTOP)


async def test_deleting_a_session_removes_it_from_history(page: Any) -> None:
    sessions = page.locator('[data-testid="session-item"]:visible')
    await sessions.first.wait_for()
    # Given two conversations in the sidebar
    assert await sessions.count() == 2
    # When the person deletes the crisis conversation and confirms
    await page.get_by_label(f"Delete conversation: {CRISIS_TITLE}").click()
    await page.get_by_role("alertdialog").get_by_role("button", name="Delete").click()
    # Then it leaves the list and the other one stays
    await page.get_by_label(f"Delete conversation: {CRISIS_TITLE}").wait_for(state="detached")
    assert await sessions.count() == 1
    assert "anxious about my exam" in await sessions.first.inner_text()


async def test_stop_ends_a_streaming_answer(page: Any) -> None:
    # Given an answer being written
    await send(page, "I feel lonely tonight and everything seems heavy")
    stop = page.get_by_test_id("stop-button")
    await stop.wait_for(timeout=10_000)
    # When the person presses Stop
    await stop.click()
    # Then the answer ends early and says it was stopped
    card = last_answer(page)
    await card.locator('[data-testid="answer-text"][data-status="stopped"]').wait_for(timeout=ANSWER_S * 1000)
    await card.get_by_text("You stopped this answer.").wait_for()


async def test_an_answer_survives_a_dropped_connection(page: Any, web_stack: dict[str, Any]) -> None:
    from shared.conversations import ConversationRepository

    # Given an answer streaming slowly, its first words already on screen
    bedrock(web_stack, "/_faults", {"token_delay_ms": 150})
    try:
        await send(page, "I feel worried about my father's health and I can't stop thinking about it")
        await page.wait_for_function(
            "() => (document.getElementById('live-answer')?.innerText ?? '').trim().split(/\\s+/).length >= 3"
        )
        # When the gateway drops the web client's connection (as API Gateway does on a deploy or a network blip)
        connections = dynamodb_table(web_stack, "connections_table").scan()["Items"]
        gateway = boto3.client(
            "apigatewaymanagementapi",
            endpoint_url=web_stack["connections_url"],
            region_name=web_stack["region"],
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        for item in connections:
            gateway.delete_connection(ConnectionId=item["connectionId"])

        # Then the client says it is reconnecting, comes back, and finishes the same answer
        status = page.get_by_test_id("connection-status")
        await page.locator('[data-testid="connection-status"][data-state="reconnecting"]').wait_for()
        await page.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()
        card = last_answer(page)
        await card.locator('[data-testid="answer-text"][data-status="done"]').wait_for(timeout=ANSWER_S * 1000)
        assert await status.get_attribute("data-state") == "connected"
    finally:
        bedrock(web_stack, "/_faults", {"reset": True})

    # And the text shown is exactly the answer stored, word for word: nothing lost, nothing doubled
    message_id = await card.get_attribute("data-message-id")
    assert message_id
    table = dynamodb_table(web_stack, "conversations_table")
    repo = ConversationRepository(table)
    turn = await asyncio.to_thread(repo.get_turn, message_id)
    assert turn is not None and turn.status == "complete"
    shown = await card.get_by_test_id("answer-text").inner_text()
    assert shown.split() == repo.full_answer(turn).split()


async def test_an_answer_outlasting_the_gateway_timeout_streams_on_to_its_end(
    page: Any, web_stack: dict[str, Any]
) -> None:
    from shared.conversations import ConversationRepository

    # Given an answer slowed so that it outlasts the gateway's integration timeout (29 s in AWS, shorter here)
    bedrock(web_stack, "/_faults", {"token_delay_ms": 400})
    try:
        await send(page, "I feel tired and discouraged after a long week at work")
        await page.wait_for_function(
            "() => (document.getElementById('live-answer')?.innerText ?? '').trim().split(/\\s+/).length >= 2"
        )
        # When API Gateway sends its "Endpoint request timed out" frame while the words still come
        card = last_answer(page)
        ended = '[data-testid="answer-text"][data-status="done"], [data-testid="answer-text"][data-status="failed"]'
        await card.locator(ended).wait_for(timeout=ANSWER_S * 1000)
    finally:
        bedrock(web_stack, "/_faults", {"reset": True})

    # Then the answer streamed on to its end: done, no failure shown, word for word the answer stored
    assert await card.get_by_test_id("answer-text").get_attribute("data-status") == "done"
    assert await card.get_by_role("alert").count() == 0
    message_id = await card.get_attribute("data-message-id")
    assert message_id
    repo = ConversationRepository(dynamodb_table(web_stack, "conversations_table"))
    turn = await asyncio.to_thread(repo.get_turn, message_id)
    assert turn is not None and turn.status == "complete"
    shown = await card.get_by_test_id("answer-text").inner_text()
    assert shown.split() == repo.full_answer(turn).split()
    # And the gateway did time out on it: the handler ran longer than the integration timeout
    results = [
        json.loads(line)
        for line in Path(web_stack["event_log"]).read_text().splitlines()
        if '"result"' in line and '"sendMessage"' in line
    ]
    assert results[-1]["durationMs"] > GATEWAY_TIMEOUT_S * 1000
