"""The web tier against hostile pages and content: foreign origins refused, the CSP enforced, text shown as typed."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
import websockets
from motivator_web.security import allowed_link, origin_of, security_headers
from playwright.async_api import expect

from cdk.web_client import WEB_DIR
from tests.e2e.conftest import DESKTOP
from tests.e2e.ux import FIRST_LOAD_MS, sign_in_as
from tests.stackclient import dynamodb_table

pytestmark = pytest.mark.integration

HOSTILE = (
    "<script>alert('x')</script> <img src=x onerror=alert(1)> [click](javascript:alert(2)) "
    '![pic](https://evil.example/p.png) <a href="https://evil.example">link</a> \u202egnp.exe'
)

#: Addresses a person might type: markup (no spaces, so the server's format check, cognito.EMAIL_PATTERN, lets them
#: through to Cognito), a markdown javascript: link, an RTL override that would flip what follows it.
HOSTILE_EMAILS = (
    "\u202egnp.exe@example.com",
    "<img/src=x/onerror=alert(1)>@example.com",
    '"><script>alert(1)</script>@example.com',
    "[x](javascript:alert(1))@example.com",
)
#: What a compromised model (or a stored answer tampered with) might write: links and an image to another host.
HOSTILE_ANSWER = (
    "Please talk to someone [here](https://evil.example/help) or "
    '<a href="https://evil.example/">there</a> ![pic](https://evil.example/p.png) <script>alert(3)</script> '
    "https://evil.example/plain"
)


def _event_url() -> str:
    """The running backend's /_event socket, as the frontend was told (webclient/.web/env.json)."""
    event: str = json.loads((WEB_DIR / ".web" / "env.json").read_text())["EVENT"]
    return event + "/?EIO=4&transport=websocket"


async def test_a_websocket_from_another_origin_is_refused_and_the_apps_own_is_accepted(
    web_stack: dict[str, Any],
) -> None:
    # Given the backend's event socket and the app's own origin
    url, own = _event_url(), origin_of(web_stack["web_url"])
    # When a hostile page's origin opens it
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(url, origin=websockets.Origin("https://evil.example")):
            pass
    # Then the handshake is refused
    assert refused.value.response.status_code == 403  # granian, when the app closes the handshake
    # And the app's own origin still connects
    async with websockets.connect(url, origin=websockets.Origin(own)) as socket:
        assert str(await socket.recv()).startswith("0")  # engine.io "open" packet


def test_the_backend_sends_the_headers_and_refuses_a_foreign_upload_preflight(web_stack: dict[str, Any]) -> None:
    # Given the Reflex backend (locally on its own port)
    backend = "http://" + urlsplit(_event_url()).netloc
    # When it answers a request
    with urllib.request.urlopen(backend + "/ping", timeout=10) as response:
        headers = response.headers
    # Then it carries the same security headers CloudFront adds in AWS
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"

    # And a hostile page's preflight for an upload is refused, while the app's own is allowed
    def preflight(origin: str) -> tuple[int, str | None]:
        request = urllib.request.Request(backend + "/_upload", method="OPTIONS", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "reflex-client-token"})  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.headers["Access-Control-Allow-Origin"]
        except urllib.error.HTTPError as refused:
            return refused.code, refused.headers["Access-Control-Allow-Origin"]

    assert preflight("https://evil.example") == (400, None)
    own = origin_of(web_stack["web_url"])
    assert preflight(own) == (200, own)


async def csp_tab(browser: Any, web_stack: dict[str, Any], **context_options: Any) -> dict[str, Any]:
    """A new tab whose pages carry the app's CSP (added to the dev server's documents, as CloudFront does),
    recording CSP violations, dialogs and requests to other hosts; its context is `seen["context"]`."""
    context = await browser.new_context(viewport=DESKTOP, **context_options)
    # A fulfilled document counts as public to Chromium's Local Network Access checks; the app is on loopback.
    await context.grant_permissions(["local-network-access"])
    tab = await context.new_page()
    tab.set_default_timeout(30_000)
    web = web_stack["web_url"]
    backend = "http://" + urlsplit(_event_url()).netloc
    # The backend is on its own port locally; Vite's HMR socket (dev server only, not in the bundle) on localhost.
    headers = security_headers([backend, web.replace("127.0.0.1", "localhost")])
    seen: dict[str, Any] = {"violations": [], "dialogs": [], "foreign": [], "tab": tab, "context": context}

    async def with_csp(route: Any) -> None:
        response = await route.fetch()
        await route.fulfill(response=response, headers={**response.headers, **headers})

    await tab.route(lambda url: url.startswith(web) and "." not in urlsplit(url).path.rsplit("/", 1)[-1], with_csp)
    tab.on("console", lambda m: "Content Security Policy" in m.text and seen["violations"].append(m.text))
    tab.on("dialog", lambda d: seen["dialogs"].append(d.message))
    local = {"127.0.0.1", "localhost"}
    tab.on("request", lambda r: urlsplit(r.url).hostname not in local and seen["foreign"].append(r.url))
    return seen


async def links_off_the_allow_list(tab: Any, web_url: str) -> list[str]:
    """Every link on the page that goes neither to the app itself, nor to a phone number (tel:, sms:), nor over https
    to a help line of security.LINK_HOSTS."""
    hrefs: list[str] = await tab.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    own = origin_of(web_url)
    return [h for h in hrefs if not (h.startswith((own + "/", "tel:", "sms:")) or allowed_link(h))]


def no_trace_of(seen: dict[str, Any]) -> dict[str, list[str]]:
    """What hostile text could have caused: dialogs, requests to another host, CSP violations (all empty when safe)."""
    return {key: seen[key] for key in ("dialogs", "foreign", "violations") if seen[key]}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def secured(browser: Any, web_stack: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    """A desktop tab with the app's CSP enforced (csp_tab)."""
    seen = await csp_tab(browser, web_stack)
    yield seen
    await seen["context"].close()


async def test_sign_in_and_chat_load_under_the_csp_without_violations(
    secured: dict[str, Any], web_stack: dict[str, Any]
) -> None:
    tab = secured["tab"]
    # Given the sign-in page served with the CSP
    response = await tab.goto(web_stack["web_url"] + "signin")
    assert "frame-ancestors 'none'" in (await response.all_headers())["content-security-policy"]
    await tab.get_by_label("Email").wait_for(timeout=FIRST_LOAD_MS)
    # When the demo user signs in
    await tab.get_by_label("Email").fill(web_stack["demo_username"])
    await tab.get_by_label("Password").fill(web_stack["demo_password"])
    await tab.get_by_role("button", name="Sign in").click()
    # Then the chat opens and connects, and the browser reported no CSP violation
    await tab.get_by_label("Your message").wait_for(timeout=FIRST_LOAD_MS)
    await tab.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()
    assert secured["violations"] == []


async def test_every_page_loads_under_the_csp_without_violations(browser: Any, web_stack: dict[str, Any]) -> None:
    """Given every page the app compiled (webclient/.web/routes.json: landing with today's verse, sign-in, sign-up,
    confirm, reset, ops, an unknown address), served with the CSP
    When a signed-out visitor opens each
    Then each shows its text and the browser reports no CSP violation, dialog or request to another host."""
    routes = json.loads((WEB_DIR / ".web" / "routes.json").read_text())
    seen = await csp_tab(browser, web_stack)
    tab = seen["tab"]
    try:
        for route in routes:
            # When a signed-out visitor opens the page (the chat, "index", sends them to the landing page)
            path = {"index": "", "404": "no-such-page"}.get(route, route)
            await tab.goto(web_stack["web_url"] + path)
            await tab.wait_for_function("() => document.body.innerText.trim().length > 0", timeout=FIRST_LOAD_MS)
            if route == "welcome":
                await tab.get_by_test_id("verse-of-the-day").wait_for()
            await tab.wait_for_timeout(300)  # what the page does once hydrated is reported too
        # Then nothing was refused by the CSP, and nothing else happened
        assert {"index", "welcome", "signin", "ops"} <= set(routes)
        assert no_trace_of(seen) == {}
    finally:
        await seen["context"].close()


async def test_hostile_text_is_shown_as_typed_in_the_chat_and_history(secured: dict[str, Any]) -> None:
    tab = secured["tab"]
    # Given the signed-in chat (previous test)
    box = tab.get_by_label("Your message")
    # When someone sends markup, a javascript: link, markdown image and an RTL override
    await box.fill(HOSTILE)
    await box.press("Enter")
    # Then the question shows exactly as typed, as text, in the chat
    await tab.get_by_text(HOSTILE, exact=True).first.wait_for()
    # And the conversation's title in the history is the same text, as text
    entry = tab.locator('[data-testid="session-item"]:visible', has_text="<script>alert").first
    await entry.wait_for(timeout=60_000)
    assert (await entry.inner_text()).startswith("<script>alert('x')</script>")
    # And nothing was executed, loaded from another host or turned into an element
    assert secured["dialogs"] == []
    assert secured["foreign"] == []
    assert await tab.locator('img[src="x"], img[src*="evil.example"], a[href^="javascript:"]').count() == 0
    assert await tab.locator('a[href*="evil.example"]').count() == 0
    assert secured["violations"] == []


async def test_a_hostile_comment_is_sent_and_stored_exactly_as_typed(
    secured: dict[str, Any], web_stack: dict[str, Any]
) -> None:
    """Given the answer to the hostile message (previous test)
    When the person gives it a thumb up with the same hostile text as their comment
    Then the page thanks them (a comment is never shown back in the web client), nothing ran or loaded from another
    host, and the stored feedback holds the comment exactly as typed."""
    tab = secured["tab"]
    card = tab.get_by_test_id("answer-card").last
    await card.locator('[data-testid="answer-text"][data-status="done"]').wait_for(timeout=120_000)
    # When the person leaves the hostile text as a comment
    await card.get_by_test_id("feedback-up").click()
    await tab.get_by_label("Optional comment about this answer").fill(HOSTILE)
    await tab.get_by_role("button", name="Send comment").click()
    # Then they are thanked, and nothing of it ran, loaded or became an element
    await expect(card).to_contain_text("Thank you — your comment was sent.")
    assert no_trace_of(secured) == {}
    assert await tab.locator('img[src="x"], img[src*="evil.example"], a[href^="javascript:"]').count() == 0
    # And the comment is stored exactly as typed
    table = dynamodb_table(web_stack, "conversations_table")
    [turn] = [i for i in table.scan()["Items"] if i.get("message") == HOSTILE]
    assert turn["feedback"]["comment"] == HOSTILE and turn["feedback"]["helpful"] is True


async def test_the_country_is_suggested_and_a_crisis_card_comes_into_view_under_the_csp(
    browser: Any, web_stack: dict[str, Any]
) -> None:
    """The two things the app once did with server-sent scripts (eval), done without: no 'unsafe-eval' needed."""
    from devtools.bootstrap import create_user, generate_password

    # Given a fresh person in a browser that prefers British English, with the CSP enforced (no 'unsafe-eval')
    assert "'unsafe-eval'" not in security_headers([])["Content-Security-Policy"]
    username, password = f"csp-{uuid.uuid4().hex[:8]}@motivator.local", generate_password()
    create_user(web_stack["cognito_url"], web_stack["region"], web_stack["user_pool_id"], username, password)
    seen = await csp_tab(browser, web_stack, locale="en-GB")
    tab = seen["tab"]
    try:
        await tab.goto(web_stack["web_url"] + "signin")
        await tab.get_by_label("Email").wait_for(timeout=FIRST_LOAD_MS)
        await tab.get_by_label("Email").fill(username)
        await tab.get_by_label("Password").fill(password)
        await tab.get_by_role("button", name="Sign in").click()
        await tab.get_by_label("Your message").wait_for(timeout=FIRST_LOAD_MS)
        # Then the country for emergency numbers is suggested from the browser's language
        await tab.get_by_role("button", name="Settings").click()
        await expect(tab.get_by_label("Your country (for emergency numbers)")).to_have_value("GB")
        await tab.keyboard.press("Escape")
        # When the person writes a crisis message after enough ordinary turns to fill the screen
        box = tab.get_by_label("Your message")
        done = tab.locator('[data-testid="answer-text"][data-status="done"]')
        for count, text in enumerate(("Work was long today.", "I argued with my brother.", "I slept badly."), 1):
            await box.fill(text)
            await box.press("Enter")
            await expect(done).to_have_count(count, timeout=120_000)
        await box.fill("I want to end my life tonight")
        await box.press("Enter")
        card = tab.get_by_test_id("crisis-card").last
        await card.locator('[data-testid="answer-text"][data-status="done"]').wait_for(timeout=120_000)
        # Then the card's help lines are brought into view: its top is inside the conversation's visible area
        await tab.wait_for_timeout(500)
        where = await card.evaluate(
            """(card) => {
                const log = card.closest('[data-testid="transcript"]').getBoundingClientRect();
                return {top: card.getBoundingClientRect().top, logTop: log.top, logBottom: log.bottom};
            }"""
        )
        assert where["logTop"] - 1 <= where["top"] < where["logBottom"] - 40, where
        # And its help lines link only to the allow-list: phone numbers and the help lines' own sites over https
        assert await card.get_by_test_id("resource-call").count() >= 1
        assert await links_off_the_allow_list(tab, web_stack["web_url"]) == []
        # And the browser reported no CSP violation along the way
        assert seen["violations"] == []
    finally:
        await seen["context"].close()


async def test_the_public_share_page_loads_signed_out_under_the_csp_with_hostile_text_as_typed(
    browser: Any, web_stack: dict[str, Any]
) -> None:
    """The share page (/s/<id>) is public: it must load with the CSP enforced for someone never signed in."""
    from devtools.bootstrap import create_user, generate_password
    from tests.stackclient import ask, collect, open_ws, token_for

    # Given a person who shared an answer's verse with a hostile line (over the WebSocket, as any client may)
    username, password = f"csp-share-{uuid.uuid4().hex[:8]}@motivator.local", generate_password()
    create_user(web_stack["cognito_url"], web_stack["region"], web_stack["user_pool_id"], username, password)
    ws = await open_ws(web_stack, token_for(web_stack, username, password))
    message_id = (await ask(ws, "I feel hopeful today.")).of("ack")[0]["messageId"]
    line = "<script>alert('x')</script> <img src=x onerror=alert(1)> [click](javascript:alert(2)) \u202egnp.exe"
    await ws.send(json.dumps({"action": "shareVerse", "messageId": message_id, "line": line}))
    share = (await collect(ws, until={"verseShared"})).of("verseShared")[0]["share"]
    await ws.close()
    # When a signed-out browser opens the link and an unknown one, with the CSP enforced
    seen = await csp_tab(browser, web_stack)
    tab = seen["tab"]
    try:
        await tab.goto(web_stack["web_url"] + share["path"].lstrip("/"))
        # Then the verse and the line show, the line as typed, with no violation, dialog or foreign request
        await expect(tab.get_by_test_id("shared-verse-line")).to_have_text(line, timeout=FIRST_LOAD_MS)
        await expect(tab.get_by_test_id("shared-verse-reference")).to_have_text(share["verse"]["reference"])
        await tab.wait_for_function("() => document.querySelector('[data-testid=shared-card]')?.naturalWidth > 0")
        await tab.goto(web_stack["web_url"] + "s/" + "A" * 22)
        await expect(tab.get_by_test_id("share-gone")).to_be_visible()
        assert seen["violations"] == [] and seen["dialogs"] == [] and seen["foreign"] == []
        assert await tab.locator('img[src="x"], a[href^="javascript:"]').count() == 0
    finally:
        await seen["context"].close()


async def test_a_hostile_email_address_is_shown_as_typed_where_the_pages_repeat_it(
    browser: Any, web_stack: dict[str, Any]
) -> None:
    """Given the signed-out pages with the CSP enforced, and addresses made of markup, a markdown javascript: link and
    an RTL override
    When someone asks for a password reset with each (past the browser's own email check, as a hostile client can),
    and tries to sign up with each
    Then the reset page repeats the address exactly as typed, as text (the info line and "Resetting the password
    of …"); sign-up, which Cognito refuses for such an address, says so and keeps it in the field as typed; no dialog
    opens, nothing is requested from another host, no element is made of it and the CSP is never violated."""
    seen = await csp_tab(browser, web_stack)
    tab = seen["tab"]
    try:
        await tab.goto(web_stack["web_url"] + "forgot")
        for address in HOSTILE_EMAILS:
            # When the address is typed into the reset form: the browser's own email check already refuses it
            form = tab.get_by_role("form", name="Request a password reset code")
            await form.wait_for(timeout=FIRST_LOAD_MS)
            email = form.get_by_label("Email", exact=True)
            await email.fill(address)
            assert await email.evaluate("e => e.checkValidity()") is False, address
            # and submitted past that check, as a hostile client would
            await form.evaluate("form => { form.noValidate = true; }")
            await form.get_by_role("button", name="Send me a reset code").click()
            # Then the page repeats it exactly as typed, as text
            await expect(tab.get_by_role("status")).to_have_text(
                f"If an account exists for {address}, a reset code is on its way. Enter it below."
            )
            await expect(tab.locator("strong")).to_have_text(address)
            assert await tab.locator('img[src="x"], a[href^="javascript:"]').count() == 0
            await tab.get_by_role("button", name="Use another email").click()

        await tab.goto(web_stack["web_url"] + "signup")
        for address in HOSTILE_EMAILS:
            # When the address is used to create an account (past the browser's check)
            await tab.get_by_label("Email", exact=True).wait_for(timeout=FIRST_LOAD_MS)
            await tab.get_by_label("Email", exact=True).fill(address)
            await tab.get_by_label("Password", exact=True).fill("Gentle-Morning-7")
            await tab.locator("form").evaluate("form => { form.noValidate = true; }")
            await tab.get_by_role("button", name="Create account").click()
            # Then Cognito's refusal is a sentence, and the field still holds the address as typed
            await expect(tab.get_by_role("alert")).to_have_text("Please check the email address and try again.")
            await expect(tab.get_by_label("Email", exact=True)).to_have_value(address)

        # And nothing of any address ran, loaded or became an element
        assert no_trace_of(seen) == {}
        assert await tab.locator('img[src="x"], a[href^="javascript:"]').count() == 0
        scripts = "() => [...document.scripts].filter(s => s.textContent.includes('alert(')).length"
        assert await tab.evaluate(scripts) == 0
    finally:
        await seen["context"].close()


async def _signed_in_tab(browser: Any, web_stack: dict[str, Any], username: str, password: str) -> dict[str, Any]:
    """A new CSP tab (csp_tab) signed in as this person, its chat connected."""
    seen = await csp_tab(browser, web_stack)
    await sign_in_as(seen["tab"], web_stack, username, password)
    return seen


async def test_links_in_an_answer_are_shown_as_text_and_every_link_is_on_the_allow_list(
    browser: Any, web_stack: dict[str, Any]
) -> None:
    """Given a person's stored answer whose text holds a markdown link, an HTML link, an image and a bare URL to
    another host (what a compromised model could write)
    When they sign in again and open that conversation from their history, with the CSP enforced
    Then the answer shows that text exactly, as text; no link on the page leaves the allow-list (the app, tel:, sms:,
    the help lines over https); no dialog, no request to another host, no CSP violation."""
    from devtools.bootstrap import create_user, generate_password

    username, password = f"links-{uuid.uuid4().hex[:8]}@motivator.local", generate_password()
    create_user(web_stack["cognito_url"], web_stack["region"], web_stack["user_pool_id"], username, password)
    # Given an answer to a message of this person, its stored text then replaced by hostile links
    first = await _signed_in_tab(browser, web_stack, username, password)
    words = f"I feel tired tonight {uuid.uuid4().hex[:6]}"
    box = first["tab"].get_by_label("Your message")
    await box.fill(words)
    await box.press("Enter")
    await first["tab"].locator('[data-testid="answer-text"][data-status="done"]').wait_for(timeout=120_000)
    await first["context"].close()
    table = dynamodb_table(web_stack, "conversations_table")
    [turn] = [i for i in table.scan()["Items"] if i.get("message") == words]
    table.update_item(
        Key={"pk": turn["pk"], "sk": turn["sk"]},
        UpdateExpression="SET answer = :a",
        ExpressionAttributeValues={":a": HOSTILE_ANSWER},
    )
    # When the person signs in again and opens that conversation from their history
    seen = await _signed_in_tab(browser, web_stack, username, password)
    tab = seen["tab"]
    try:
        await tab.locator('[data-testid="session-item"]:visible', has_text=words).first.click()
        # Then the answer is the stored text, exactly, as text
        await expect(tab.get_by_test_id("answer-text").last).to_have_text(HOSTILE_ANSWER)
        # And no link on the page goes anywhere but the app, a phone number or a help line
        assert await tab.locator('a[href*="evil.example"], img[src*="evil.example"]').count() == 0
        assert await links_off_the_allow_list(tab, web_stack["web_url"]) == []
        assert no_trace_of(seen) == {}
    finally:
        await seen["context"].close()
