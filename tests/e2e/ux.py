"""What the web-experience browser tests share: the two screen sizes, signing in, axe-core, and tap-target sizes."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from axe_playwright_python.async_playwright import Axe

#: The sizes the issue was seen at: a common laptop and a common phone.
WIDE = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": WIDE, "phone": PHONE}
#: The first page load of a fresh `reflex run` compiles the frontend modules (Vite), so it may take a while.
FIRST_LOAD_MS = 180_000
#: WCAG 2.5.5 (and Apple's HIG): a finger needs 44 × 44 CSS px.
TAP_PX = 44
#: The WCAG 2.0–2.2 A and AA rules, and axe's best practices (landmarks, one main, headings).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

_AXE = Axe()


async def new_tab(browser: Any, size: dict[str, int], **context_args: Any) -> tuple[Any, Any]:
    context = await browser.new_context(viewport=size, **context_args)
    tab = await context.new_page()
    tab.set_default_timeout(30_000)
    return context, tab


def fresh_user(web_stack: dict[str, Any]) -> tuple[str, str]:
    """A new confirmed account (its history starts empty: the demo user's belongs to test_chat_in_browser.py)."""
    from devtools.bootstrap import create_user, generate_password

    username, password = f"ux-{uuid.uuid4().hex[:8]}@motivator.local", generate_password()
    create_user(web_stack["cognito_url"], web_stack["region"], web_stack["user_pool_id"], username, password)
    return username, password


async def sign_in(tab: Any, web_stack: dict[str, Any]) -> None:
    """A fresh user signs in through the form; returns once the chat is connected."""
    username, password = await asyncio.to_thread(fresh_user, web_stack)
    await sign_in_as(tab, web_stack, username, password)


async def sign_in_as(tab: Any, web_stack: dict[str, Any], username: str, password: str) -> None:
    """This person signs in through the form; returns once the chat is connected."""
    await tab.goto(web_stack["web_url"] + "signin")
    await tab.get_by_label("Email").wait_for(timeout=FIRST_LOAD_MS)
    await tab.get_by_label("Email").fill(username)
    await tab.get_by_label("Password").fill(password)
    await tab.get_by_role("button", name="Sign in").click()
    await tab.get_by_label("Your message").wait_for(timeout=FIRST_LOAD_MS)
    await tab.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()


async def _axe(tab: Any, context: str | None, options: dict[str, Any]) -> dict[str, Any]:
    """axe-core run in the page, told to look past pseudo-elements when it measures colour contrast.

    A Radix button draws a pseudo-element over its own box; by default axe then answers only "incomplete"
    (`pseudoContent`: it cannot tell the background), so no run could fail on a button's colours. With
    `ignorePseudo` it measures the words on the button's own background, as a reader sees them."""
    await tab.evaluate(_AXE.axe_script)
    results: dict[str, Any] = await tab.evaluate(
        """async ([context, options]) => {
            const defaults = axe._audit.checks['color-contrast'].options;  // configure replaces them whole
            axe.configure({checks: [{id: 'color-contrast', options: {...defaults, ignorePseudo: true}}]});
            return await axe.run(context || document, options);
        }""",
        [context, options],
    )
    return results


async def serious_violations(tab: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line per element."""
    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        # WCAG 2.5.3 (a control's name holds its visible words): an experimental rule in axe, so named here.
        "rules": {"label-content-name-mismatch": {"enabled": True}},
        "resultTypes": ["violations"],
    }
    results = await _axe(tab, None, options)
    return [
        f"{rule['id']} ({rule['impact']}): {node['target']} — {node.get('failureSummary', '').splitlines()[-1:]}"
        for rule in results["violations"]
        if rule["impact"] in ("serious", "critical")
        for node in rule["nodes"]
    ]


async def contrast(tab: Any, selector: str) -> tuple[float, str, str | None]:
    """axe-core's colour-contrast check of one element's words: (the ratio it measured, its verdict: "passes",
    "violations" or "incomplete", and a violation's impact)."""
    results = await _axe(tab, selector, {"runOnly": {"type": "rule", "values": ["color-contrast"]}})
    seen = []
    for verdict in ("violations", "passes", "incomplete"):
        for rule in results[verdict]:
            for node in rule["nodes"]:
                for check in [*node["any"], *node["all"], *node["none"]]:
                    data = check.get("data") or {}
                    seen.append((verdict, node["target"], data))
                    if check["id"] == "color-contrast" and isinstance(data, dict) and data.get("contrastRatio"):
                        return float(data["contrastRatio"]), verdict, rule.get("impact")
    raise AssertionError(f"axe measured no text contrast in {selector}: {seen}")


async def small_targets(tab: Any) -> list[str]:
    """Visible controls smaller than 44 × 44 px (links inside running text are exempt, as WCAG allows)."""
    found: list[str] = await tab.evaluate(
        """(tap) => [...document.querySelectorAll(
                  'button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button]')]
            .filter(el => el.checkVisibility() && !el.closest('.sr-only, .skip-link, p'))
            .map(el => [el, (el.closest('.rt-TextFieldRoot') || el).getBoundingClientRect()])  // the field's box
            .filter(([el, r]) => r.width > 0 && (r.width < tap - 0.5 || r.height < tap - 0.5))
            .map(([el, r]) => `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') || el.innerText || '')
                .trim().slice(0, 40)}" ${Math.round(r.width)}x${Math.round(r.height)}`)""",
        TAP_PX,
    )
    return found


async def overflowing(tab: Any) -> list[str]:
    """Visible elements reaching past the right edge of the screen (sideways scrolling, or words cut off)."""
    found: list[str] = await tab.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.checkVisibility() && !el.closest('.sr-only, .skip-link'))
            .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .filter(el => !el.parentElement || el.parentElement.getBoundingClientRect().right
                          <= document.documentElement.clientWidth + 1)  // the outermost one only
            .map(el => `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') || el.innerText || '')
                .trim().slice(0, 40)}" right=${Math.round(el.getBoundingClientRect().right)}`)"""
    )
    return found


async def page_fits_viewport(tab: Any) -> tuple[int, int, int]:
    """(document height, viewport height, page scroll offset): an app page fills exactly the viewport."""
    height, viewport, scrolled = await tab.evaluate(
        "() => [document.documentElement.scrollHeight, window.innerHeight, Math.round(window.scrollY)]"
    )
    return int(height), int(viewport), int(scrolled)


async def shoot(tab: Any, output_dir: Path, name: str) -> None:
    await tab.screenshot(path=str(output_dir / f"{name}.png"))


async def focused(tab: Any) -> str:
    """What has the keyboard focus: its test id, else its label or text."""
    label: str = await tab.evaluate(
        """() => { const el = document.activeElement; if (!el) return '';
                   return el.dataset.testid || el.getAttribute('aria-label') || el.innerText || el.tagName; }"""
    )
    return label.strip()
