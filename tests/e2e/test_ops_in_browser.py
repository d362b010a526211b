"""Issue 19 in a real browser: /ops shows operators the dashboard and the alarms, live; everyone else is refused."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from devtools.bootstrap import create_user, generate_password
from shared.dashboard import Thresholds, dashboard
from tests.e2e.ux import FIRST_LOAD_MS
from tests.stackclient import collect, open_ws, send_message_frame, token_for

pytestmark = pytest.mark.integration

DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
CRISIS = ("I want to kill myself.", "I don't want to live anymore.", "I wish I was dead.",
          "I have pills saved up for when I'm ready.")  # fmt: skip


async def _sign_in(tab: Any, url: str, email: str, password: str) -> None:
    await tab.goto(url + "signin")
    await tab.get_by_label("Email").wait_for(timeout=FIRST_LOAD_MS)
    await tab.get_by_label("Email").fill(email)
    await tab.get_by_label("Password").fill(password)
    await tab.get_by_role("button", name="Sign in").click()
    await tab.get_by_label("Your message").wait_for()


async def test_someone_who_is_not_an_operator_sees_no_data(
    browser: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    """Given the demo user, signed in but not in the operators group, and someone not signed in at all,
    When each opens /ops, Then a clear sentence says why, and no alarm or widget is on the page."""
    context = await browser.new_context(viewport=PHONE)
    tab = await context.new_page()
    tab.set_default_timeout(30_000)
    try:
        await tab.goto(web_stack["web_url"] + "ops")
        await expect(tab.get_by_role("alert")).to_contain_text(
            "Sign in with an operator account", timeout=FIRST_LOAD_MS
        )
        await _sign_in(tab, web_stack["web_url"], web_stack["demo_username"], web_stack["demo_password"])
        await tab.goto(web_stack["web_url"] + "ops")
        await expect(tab.get_by_role("alert")).to_contain_text("This page is for operators")
        assert await tab.locator('[data-testid^="alarm-"], [data-testid^="widget-"]').count() == 0
        await tab.screenshot(path=str(output_dir / "ops-refused-390.png"))
    finally:
        await context.close()


async def _crisis_and_bad_frames(endpoints: dict[str, Any]) -> None:
    """Four crisis messages from a fresh user and one frame that is not JSON, over the real gateway."""
    email = f"ops-e2e-{uuid.uuid4().hex[:8]}@example.org"
    password = generate_password()
    create_user(endpoints["cognito_url"], endpoints["region"], endpoints["user_pool_id"], email, password)
    ws = await open_ws(endpoints, token_for(endpoints, email, password))
    try:
        await ws.send("not json")
        await collect(ws, until={"error"})
        for text in CRISIS:
            await ws.send(send_message_frame(text))
            answer = await collect(ws, until={"done"})
            assert answer.of("meta")[0]["safety"] == "crisis"
    finally:
        await ws.close()


async def test_an_operator_watches_the_alarms_flip_as_traffic_arrives(
    browser: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    """Given the operator, sent from /ops to sign in and back, every alarm listed, CrisisReferrals OK,
    When four crisis messages and a bad frame reach the gateway,
    Then without a reload the crisis widget counts them, the bad-requests widget counts the frame, and the
    CrisisReferrals alarm (more than 3 in an hour) turns to ALARM; on a phone the same page stacks in one column."""
    board = dashboard(Thresholds())
    context = await browser.new_context(viewport=DESKTOP)
    tab = await context.new_page()
    tab.set_default_timeout(30_000)
    try:
        # (signed out, the page offers to sign in, and signing in comes back here)
        await tab.goto(web_stack["web_url"] + "ops")
        await tab.get_by_role("link", name="Sign in as an operator").click(timeout=FIRST_LOAD_MS)
        await tab.get_by_label("Email").fill(web_stack["operator_username"])
        await tab.get_by_label("Password").fill(web_stack["operator_password"])
        await tab.get_by_role("button", name="Sign in").click()
        await tab.wait_for_url("**/ops")
        crisis_alarm = tab.get_by_test_id("alarm-CrisisReferrals")
        await expect(crisis_alarm).to_be_visible(timeout=FIRST_LOAD_MS)
        # (the stack is shared with the other browser tests: crisis answers they sent in the last hour count too)
        shown = await tab.get_by_test_id("value-crisis_referrals-0").inner_text()
        earlier = 0 if shown == "–" else int(shown)
        if earlier <= 3:
            await expect(crisis_alarm).to_have_attribute("data-state", "OK")
        for alarm in board.alarms:
            await expect(tab.get_by_test_id(f"alarm-{alarm.id}")).to_be_visible()
        for widget in board.widgets:
            await expect(tab.get_by_test_id(f"widget-{widget.key}").get_by_role("heading")).to_have_text(widget.title)
        before = await tab.get_by_test_id("value-bad_requests-0").inner_text()

        await _crisis_and_bad_frames(web_stack)

        await expect(tab.get_by_test_id("value-crisis_referrals-0")).to_have_text(
            str(earlier + len(CRISIS)), timeout=20_000
        )
        await expect(crisis_alarm).to_have_attribute("data-state", "ALARM")
        await expect(crisis_alarm).to_contain_text("alarm when > 3")
        expected_bad = 1 + (0 if before == "–" else int(before))
        await expect(tab.get_by_test_id("value-bad_requests-0")).to_have_text(str(expected_bad))
        # and every widget draws its chart, the crisis answers as a bar in the current minute
        assert await tab.locator('[data-testid^="widget-"] .recharts-surface').count() == len(board.widgets)
        await expect(
            tab.get_by_test_id("widget-crisis_referrals").locator(".recharts-bar-rectangle")
        ).not_to_have_count(0)
        await tab.screenshot(path=str(output_dir / "ops-1366.png"), full_page=True)

        await tab.set_viewport_size(PHONE)
        await expect(crisis_alarm).to_be_visible()
        boxes = [await tab.get_by_test_id(f"widget-{w.key}").bounding_box() for w in board.widgets[:2]]
        assert boxes[0] and boxes[1] and boxes[1]["y"] > boxes[0]["y"] and boxes[0]["width"] > 300
        await tab.screenshot(path=str(output_dir / "ops-390.png"), full_page=False)
        print(json.dumps({"ops_screenshots": [str(output_dir / n) for n in ("ops-1366.png", "ops-390.png")]}))
    finally:
        await context.close()
