"""Accounts in a real browser: sign up against the pool's password policy, then sign out."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.ux import FIRST_LOAD_MS

pytestmark = pytest.mark.integration


async def test_sign_up_checks_the_password_policy_then_signs_in(
    browser: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    context = await browser.new_context(viewport=PHONE)
    tab = await context.new_page()
    tab.set_default_timeout(30_000)
    try:
        # Given the sign-up page on a phone
        await tab.goto(web_stack["web_url"] + "signup")
        email = tab.get_by_label("Email")
        await email.wait_for(timeout=FIRST_LOAD_MS)
        password = tab.get_by_label("Password", exact=True)
        create = tab.get_by_role("button", name="Create account")
        await email.fill(f"new-{uuid.uuid4().hex[:8]}@example.org")

        # When the password breaks the policy
        await password.fill("gentle")
        # Then the rules show what is missing and the form cannot be sent
        rules = tab.get_by_role("list", name="Password rules")
        await expect(rules).to_contain_text("At least 8 characters (not yet)")
        await expect(rules).to_contain_text("A lowercase letter (met)")
        await expect(create).to_be_disabled()
        await tab.screenshot(path=str(output_dir / "signup-375.png"))

        # When it meets every rule and the form is sent
        await password.fill("Gentle-Morning-7")
        await expect(create).to_be_enabled()
        await create.click()
        # Then the local pool confirms the account and the chat opens, connected
        await tab.get_by_label("Your message").wait_for()
        await tab.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()

        # When they sign out
        await tab.get_by_role("button", name="Sign out").click()
        # Then they are back on the sign-in page with a kind word
        await tab.wait_for_url("**/signin*")
        await expect(tab.get_by_text("You're signed out. Take care.")).to_be_visible()
    finally:
        await context.close()


async def test_wrong_password_gets_a_clear_message(browser: Any, web_stack: dict[str, Any]) -> None:
    context = await browser.new_context()
    tab = await context.new_page()
    try:
        # Given the sign-in page
        await tab.goto(web_stack["web_url"] + "signin")
        await tab.get_by_label("Email").wait_for(timeout=FIRST_LOAD_MS)
        # When the demo user types a wrong password
        await tab.get_by_label("Email").fill(web_stack["demo_username"])
        await tab.get_by_label("Password").fill("Not-the-password-1")
        await tab.get_by_role("button", name="Sign in").click()
        # Then an alert says so, and they stay on the sign-in page
        await expect(tab.get_by_role("alert")).to_contain_text("don't match")
        assert "/signin" in tab.url
    finally:
        await context.close()


async def test_forgotten_password_is_reset_with_the_emailed_code(browser: Any, web_stack: dict[str, Any]) -> None:
    from devtools.bootstrap import create_user, generate_password

    # Given someone with an account who forgot its password
    email = f"forgetful-{uuid.uuid4().hex[:8]}@example.org"
    create_user(web_stack["cognito_url"], web_stack["region"], web_stack["user_pool_id"], email, generate_password())
    context = await browser.new_context()
    tab = await context.new_page()
    tab.set_default_timeout(30_000)
    try:
        await tab.goto(web_stack["web_url"] + "signin")
        await tab.get_by_role("link", name="Forgot your password?").click(timeout=FIRST_LOAD_MS)
        await expect(tab.get_by_role("button", name="Send me a reset code")).to_be_enabled()

        # When they ask for a code, then type it (the local pool accepts any code) with a new password
        await tab.get_by_label("Email").fill(email)
        await tab.get_by_role("button", name="Send me a reset code").click()
        await tab.get_by_label("Code from the email").fill("482913")
        await tab.get_by_label("New password", exact=True).fill("Quiet-River-42")
        await tab.get_by_role("button", name="Change password").click()

        # Then they are sent to sign in, told the password changed, and the new password lets them in
        await tab.wait_for_url("**/signin*")
        await expect(tab.get_by_text("Your password is changed. Please sign in with the new one.")).to_be_visible()
        await tab.get_by_label("Email").fill(email)
        await tab.get_by_label("Password").fill("Quiet-River-42")
        await tab.get_by_role("button", name="Sign in").click()
        await tab.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()
    finally:
        await context.close()


async def test_the_sixth_wrong_password_in_a_minute_shows_how_long_to_wait(
    browser: Any, web_stack: dict[str, Any], output_dir: Path
) -> None:
    from devtools.bootstrap import create_user, generate_password

    # Given someone with an account, on the sign-in page
    email = f"hurried-{uuid.uuid4().hex[:8]}@example.org"
    create_user(web_stack["cognito_url"], web_stack["region"], web_stack["user_pool_id"], email, generate_password())
    context = await browser.new_context(viewport={"width": 1366, "height": 800})
    tab = await context.new_page()
    tab.set_default_timeout(30_000)
    try:
        await tab.goto(web_stack["web_url"] + "signin")
        await tab.get_by_label("Email").wait_for(timeout=FIRST_LOAD_MS)
        sign_in = tab.get_by_role("button", name="Sign in")
        # When they type a wrong password five times
        for _ in range(5):
            await tab.get_by_label("Email").fill(email)
            await tab.get_by_label("Password").fill("Wrong-guess-1")
            await sign_in.click()
            await expect(tab.get_by_role("alert").filter(has_text="don't match")).to_be_visible()
            await expect(sign_in).to_be_enabled()
        # and a sixth time
        await tab.get_by_label("Password").fill("Wrong-guess-1")
        await sign_in.click()
        # Then they are asked to wait, with the seconds counting down, and the button waits too
        wait = tab.locator("#auth-wait")
        await expect(wait).to_contain_text("Too many attempts for now. Please wait")
        first = await wait.inner_text()
        await expect(wait).not_to_have_text(first, timeout=5_000)
        assert "seconds" in first
        await expect(sign_in).to_be_disabled()
        # and the crisis line is still there for anyone in danger
        await expect(tab.locator("#crisis-line")).to_be_visible()
        await expect(tab.locator("#crisis-line")).to_contain_text("988")
        await tab.screenshot(path=str(output_dir / "signin-throttled-1366.png"))
        await tab.set_viewport_size({"width": 390, "height": 844})
        await expect(tab.locator("#crisis-line")).to_be_in_viewport()
        await tab.screenshot(path=str(output_dir / "signin-throttled-390.png"))
    finally:
        await context.close()
