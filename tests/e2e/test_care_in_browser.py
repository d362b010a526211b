"""Care in a real browser: the AI disclosure, the country setting, crisis lines first, concern lines calmly, history.

A person of their own (the demo user's history belongs to test_chat_in_browser), in a browser whose locale is en-GB.
Screenshots at 1366x800 and 390x844 go to test-output/.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import pytest_asyncio
from playwright.async_api import expect

from shared.conversation_items import CRISIS_TITLE
from tests.e2e.conftest import PHONE as SMALL_PHONE
from tests.e2e.ux import FIRST_LOAD_MS
from tests.stackclient import dynamodb_table, token_for

pytestmark = pytest.mark.integration

ANSWER_MS = 60_000
WIDE = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
CRISIS = "I want to end my life tonight"
DISCLOSURE = "Answers are written by AI. They are not a substitute for pastoral or professional care."


def _meta(message_id: str, safety: str, resources: list[Any]) -> dict[str, Any]:
    from shared.protocol import Meta, Safety, Verse

    verse = Verse(reference="Psalm 34:18", text="Yahweh is near to those who have a broken heart.")
    meta = Meta(
        messageId=message_id, emotion="sad", confidence=0.8, verse=verse, safety=Safety(safety), resources=resources
    )
    return meta.model_dump(by_alias=True, exclude_none=True)


def _seed_crisis_then_concern(web_stack: dict[str, Any], user_id: str) -> None:
    """A session as the server stores it: a crisis answer, then a concern answer (the crisis stays on)."""
    from shared.conversations import ConversationRepository
    from shared.engine.resources import resources_for
    from shared.protocol import TurnStatus

    repo = ConversationRepository(dynamodb_table(web_stack, "conversations_table"))
    session_id = f"seeded-{uuid.uuid4().hex[:8]}"
    turns = [
        ("I can't go on, I want it all to stop", "crisis", "Please reach out to 988 right now. You matter."),
        (
            "I'm still here. Work was hard again today.",
            "concern",
            "A hard day at work on top of everything else is a heavy load, and you carried it. "
            "Rest tonight if you can. If things feel heavy again, the people below are there to talk with you.",
        ),
    ]
    for message, safety, answer in turns:
        message_id = uuid.uuid4().hex
        repo.start_turn(
            user_id=user_id,
            session_id=session_id,
            message_id=message_id,
            client_message_id=message_id,
            message=message,
            crisis=safety == "crisis",  # as the pipeline stores it: a crisis first message never titles the session
        )
        repo.set_meta(message_id, _meta(message_id, safety, list(resources_for())))
        repo.finish_turn(
            message_id=message_id,
            session_id=session_id,
            user_id=user_id,
            status=TurnStatus.COMPLETE,
            done={"seq": 0, "stopReason": "end_turn"},
            answer=answer,
        )


@pytest.fixture(scope="module")
def person(web_stack: dict[str, Any]) -> dict[str, str]:
    """A fresh confirmed user, with one earlier session (crisis then concern) already in their history."""
    from devtools.bootstrap import create_user, generate_password

    username = f"care-{uuid.uuid4().hex[:8]}@motivator.local"
    password = generate_password()
    create_user(web_stack["cognito_url"], web_stack["region"], web_stack["user_pool_id"], username, password)
    token = token_for(web_stack, username, password)
    user_id = str(jwt.decode(token, options={"verify_signature": False})["sub"])
    _seed_crisis_then_concern(web_stack, user_id)
    return {"username": username, "password": password}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def page(browser: Any, web_stack: dict[str, Any], person: dict[str, str]) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport=WIDE, locale="en-GB")
    tab = await context.new_page()
    tab.set_default_timeout(30_000)
    await tab.goto(web_stack["web_url"] + "signin")  # a first visit to / meets the landing page
    await tab.wait_for_url("**/signin*", timeout=FIRST_LOAD_MS)
    await tab.get_by_label("Email").fill(person["username"])
    await tab.get_by_label("Password").fill(person["password"])
    await tab.get_by_role("button", name="Sign in").click()
    await tab.get_by_label("Your message").wait_for(timeout=FIRST_LOAD_MS)
    await tab.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()
    yield tab
    await context.close()


async def shot(page: Any, output_dir: Path, name: str) -> None:
    await page.wait_for_timeout(300)
    await page.screenshot(path=str(output_dir / f"{name}.png"))


def answer_cards(page: Any) -> Any:
    return page.locator('[data-testid="answer-card"], [data-testid="crisis-card"]')


async def ask(page: Any, text: str) -> Any:
    """Send a message and wait until its answer is done; returns the answer card."""
    cards = answer_cards(page)
    before = await cards.count()
    box = page.get_by_label("Your message")
    await box.fill(text)
    await box.press("Enter")
    await expect(cards).to_have_count(before + 1)
    card = cards.last
    await card.locator('[data-testid="answer-text"][data-status="done"]').wait_for(timeout=ANSWER_MS)
    return card


def sent(web_stack: dict[str, Any], message: str) -> dict[str, Any]:
    """The last sendMessage frame with this text, as the gateway received it from the web client (its event log)."""
    frames = []
    for line in Path(web_stack["event_log"]).read_text().splitlines():
        record = json.loads(line)
        if record.get("kind") == "event" and record.get("route") == "sendMessage":
            body = json.loads(record["event"]["body"])
            if body.get("message") == message:
                frames.append(body)
    assert frames, f"no sendMessage with {message!r} in the gateway's event log"
    return frames[-1]


async def choose_country(page: Any, code: str) -> None:
    await page.get_by_role("button", name="Settings").click()
    select = page.get_by_label("Your country (for emergency numbers)")
    await select.select_option(code)
    await expect(select).to_have_value(code)
    await page.keyboard.press("Escape")


async def sideways(page: Any) -> int:
    """How far the page scrolls sideways (0 when it fits its width)."""
    return int(await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


async def fits(card: Any) -> None:
    """Every help line's name is readable and every action is a 44 px target inside the card."""
    await card.page.wait_for_timeout(200)
    edge = await card.bounding_box()
    assert edge
    for name in await card.locator('[data-testid="resource"] p:first-child').all():
        box = await name.bounding_box()
        assert box and box["width"] >= 150, (await name.inner_text(), box)
    for action in await card.locator('[data-testid^="resource-"]').all():
        box = await action.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, (await action.inner_text(), box)
        assert box["x"] + box["width"] <= edge["x"] + edge["width"], (await action.inner_text(), box)


async def in_view(page: Any, locator: Any) -> bool:
    box = await locator.bounding_box()
    size = page.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["width"] > 0


async def test_the_ai_disclosure_is_in_view_on_the_empty_chat(page: Any, output_dir: Path) -> None:
    for size, name in ((WIDE, "empty-1366x800"), (PHONE, "empty-390x844"), (SMALL_PHONE, "empty-375x812")):
        # Given the empty chat at a laptop's and at a phone's size
        await page.set_viewport_size(size)
        await page.get_by_role("heading", name="How is your heart today?").wait_for()
        await shot(page, output_dir, name)
        # Then the disclosure is on screen without scrolling, once, and nothing scrolls sideways
        disclosure = page.get_by_test_id("ai-disclosure")
        await expect(disclosure).to_have_text(DISCLOSURE)
        assert await in_view(page, disclosure), size
        assert await page.get_by_text("written by AI").count() == 1
        assert await sideways(page) <= 1, size
    await page.set_viewport_size(WIDE)


async def test_the_country_comes_from_the_locale_and_is_sent_with_each_message(
    page: Any, web_stack: dict[str, Any]
) -> None:
    # Given a browser in en-GB, When the person opens the settings
    await page.get_by_role("button", name="Settings").click()
    select = page.get_by_label("Your country (for emergency numbers)")
    # Then the country is the United Kingdom
    await expect(select).to_have_value("GB")
    await page.keyboard.press("Escape")
    # And a message goes out with it
    first = f"I feel tired and a little low today ({uuid.uuid4().hex[:4]})"
    await ask(page, first)
    assert sent(web_stack, first)["country"] == "GB"

    # When they choose Ireland
    await choose_country(page, "IE")
    second = f"Still tired, but I went for a walk ({uuid.uuid4().hex[:4]})"
    await ask(page, second)
    # Then the next message carries Ireland
    assert sent(web_stack, second)["country"] == "IE"

    # And the choice is kept in this browser across a reload
    await page.reload()
    await page.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()
    await page.get_by_role("button", name="Settings").click()
    await expect(page.get_by_label("Your country (for emergency numbers)")).to_have_value("IE")
    await page.keyboard.press("Escape")

    # When they choose "Another country", Then no country is sent
    await choose_country(page, "none")
    third = f"Thank you for listening ({uuid.uuid4().hex[:4]})"
    await ask(page, third)
    assert "country" not in sent(web_stack, third)


async def test_a_crisis_answer_puts_the_help_lines_first_without_thumbs(
    page: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    # Given a person in the United States, in a fresh conversation
    await choose_country(page, "US")
    await page.locator('button[aria-label="Start a new conversation"]:visible').first.click()
    await page.get_by_role("heading", name="How is your heart today?").wait_for()
    # When they write that they want to end their life
    card = await ask(page, CRISIS)
    assert sent(web_stack, CRISIS)["country"] == "US"

    # Then the crisis card opens with the help lines, before the verse and the text
    assert await card.get_attribute("data-testid") == "crisis-card"
    first = await card.evaluate(
        """(card) => {
            const lines = card.querySelector('[data-testid="crisis-resources"]');
            const later = [card.querySelector('[data-testid="verse-card"]'),
                           card.querySelector('[data-testid="answer-text"]')].filter(Boolean);
            return later.every((el) => lines.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    )
    assert first, "the help lines must come before the verse and the answer"
    # And each way of reaching 988 says what it does
    call = card.get_by_role("link", name="Call 988").first
    text = card.get_by_role("link", name="Text 988").first
    chat = card.get_by_role("link", name="Chat online with 988")
    assert await call.get_attribute("href") == "tel:988"
    assert await text.get_attribute("href") == "sms:988"
    assert (await chat.get_attribute("href") or "").startswith("https://988lifeline.org/")
    assert await card.get_by_text("Website", exact=True).count() == 0
    # And the Spanish line is in Spanish, marked as such
    spanish = card.locator('[data-testid="resource"][lang="es"]')
    await expect(spanish.get_by_role("link", name="Llama al 988")).to_have_attribute("href", "tel:988")
    # And there is no "Did this help?" under it
    assert await card.get_by_test_id("feedback-up").count() == 0
    assert await card.get_by_text("Did this help?").count() == 0
    # And the first line is reached from the keyboard: one Tab stop per action, in the order shown
    await call.focus()
    await page.keyboard.press("Tab")
    assert await text.evaluate("(el) => el === document.activeElement")
    await card.scroll_into_view_if_needed()
    await card.evaluate("(card) => card.scrollIntoView({block: 'start'})")
    await shot(page, output_dir, "crisis-1366x800")

    # When the same answer is seen on a phone
    await page.set_viewport_size(PHONE)
    await card.evaluate("(card) => card.scrollIntoView({block: 'start'})")
    # Then every action is a tap target of at least 44 px, inside its card (long labels wrap)
    await fits(card)
    await shot(page, output_dir, "crisis-390x844")
    assert await sideways(page) <= 1
    await page.set_viewport_size(WIDE)


async def test_after_a_crisis_the_lines_stay_on(page: Any, output_dir: Path) -> None:
    # Given the crisis conversation just held, When the person goes on about something ordinary
    card = await ask(page, "Thank you for listening. Work has been hard too.")

    # Then the help lines are still there: a crisis card again, or (the server's call) a concern card with thumbs
    safety = await card.get_attribute("data-safety")
    assert safety in ("crisis", "concern")
    lines = card.get_by_test_id("crisis-resources" if safety == "crisis" else "concern-resources")
    assert await lines.get_by_role("link", name="Call 988").first.is_visible()
    await fits(lines)
    assert await card.get_by_test_id("feedback-up").count() == (0 if safety == "crisis" else 1)
    await card.evaluate("(card) => card.scrollIntoView({block: 'start'})")
    await shot(page, output_dir, f"after-crisis-{safety}-1366x800")


async def test_history_shows_crisis_and_concern_answers_as_they_were(page: Any, output_dir: Path) -> None:
    # Given an earlier session: a crisis answer, then a concern answer after it
    # (listed newest first, under the neutral title a conversation begun in crisis gets: the oldest such one)
    await page.get_by_test_id("session-item").filter(has_text=CRISIS_TITLE).last.click()
    await expect(page.get_by_test_id("transcript")).to_contain_text("Work was hard again today.")
    await expect(answer_cards(page)).to_have_count(2)
    crisis = page.get_by_test_id("crisis-card")
    concern_card = page.locator('[data-testid="answer-card"][data-safety="concern"]')
    await expect(crisis).to_have_count(1)
    await expect(concern_card).to_have_count(1)

    # Then the crisis answer has its lines first and no thumbs, as it had live
    assert await crisis.get_by_role("link", name="Call 988").count() >= 1
    assert await crisis.get_by_test_id("feedback-up").count() == 0
    # And the concern answer is the ordinary answer with a quiet card below it, thumbs kept
    lines = concern_card.get_by_test_id("concern-resources")
    await expect(lines.get_by_role("heading")).to_have_text("If you need someone to talk to right now")
    for label in ("Call 988", "Text 988", "Chat online with 988"):
        assert await lines.get_by_role("link", name=label).first.is_visible(), label
    more = lines.get_by_text("More ways to reach someone")
    await expect(more).to_be_visible()
    assert not await lines.get_by_role("link", name="Llama al 988").is_visible()  # folded until asked for
    assert await concern_card.get_by_test_id("feedback-up").is_visible()
    below = await concern_card.evaluate(
        """(card) => card.querySelector('[data-testid="answer-text"]')
            .compareDocumentPosition(card.querySelector('[data-testid="concern-resources"]'))
            & Node.DOCUMENT_POSITION_FOLLOWING"""
    )
    assert below, "a concern card sits below the answer"
    await concern_card.evaluate("(card) => card.scrollIntoView({block: 'start'})")
    await shot(page, output_dir, "concern-1366x800")
    await page.set_viewport_size(PHONE)
    await concern_card.evaluate("(card) => card.scrollIntoView({block: 'start'})")
    await shot(page, output_dir, "concern-390x844")
    # When the person unfolds the other lines, Then they appear, each laid out within the card at both sizes
    await more.click()
    await expect(lines.get_by_role("link", name="Llama al 988")).to_be_visible()
    for size in (PHONE, WIDE):
        await page.set_viewport_size(size)
        await fits(lines)
    await page.set_viewport_size(WIDE)

    # When the person reopens the crisis conversation they just had
    await page.get_by_test_id("session-item").filter(has_text=CRISIS_TITLE).first.click()
    transcript = page.get_by_test_id("transcript")
    await expect(transcript).to_contain_text("Work has been hard too.")
    # Then each answer has the card it had live: lines first and no thumbs for the crisis, thumbs otherwise
    cards = answer_cards(page)
    await expect(cards).to_have_count(2)
    assert await cards.first.get_attribute("data-testid") == "crisis-card"
    assert await cards.first.get_by_role("link", name="Text 988").count() >= 1
    for card in await cards.all():
        safety = await card.get_attribute("data-safety")
        assert await card.get_by_test_id("feedback-up").count() == (0 if safety == "crisis" else 1), safety


async def test_a_crisis_in_the_united_kingdom_shows_its_own_numbers(
    page: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    # Given a person who chose the United Kingdom, in a fresh conversation
    await choose_country(page, "GB")
    await page.locator('button[aria-label="Start a new conversation"]:visible').first.click()
    await page.get_by_role("heading", name="How is your heart today?").wait_for()
    # When they write that they want to end their life
    card = await ask(page, CRISIS)
    assert sent(web_stack, CRISIS)["country"] == "GB"
    # Then the lines are the UK's: 999 and the Samaritans, and none of the US-only lines
    await expect(card.get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")
    await expect(card.get_by_role("link", name="Call 116 123")).to_have_attribute("href", "tel:116123")
    assert await card.get_by_text("(US)").count() == 0
    await card.evaluate("(card) => card.scrollIntoView({block: 'start'})")
    await shot(page, output_dir, "crisis-gb-1366x800")
