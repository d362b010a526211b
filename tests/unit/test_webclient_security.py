"""The web tier's security facts: the CSP and headers, and the ASGI middleware that adds them on the Reflex server."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from pathlib import Path
from typing import Any

from motivator_web.security import (
    content_security_policy,
    inline_script_hashes,
    origin_of,
    security_headers,
    websocket_origin,
    with_security_headers,
)


def _directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


def test_csp_allows_only_the_apps_own_origin_and_no_framing() -> None:
    # Given the production policy (page and backend on one origin behind CloudFront)
    csp = _directives(content_security_policy())
    # Then everything is 'self', nothing may frame the app, and no plugin or foreign base is allowed
    assert csp["default-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert all(not v.startswith(("http", "ws", "*")) for values in csp.values() for v in values)


def test_csp_allows_the_bundles_inline_scripts_by_hash_and_never_eval(tmp_path: Path) -> None:
    # Given an exported bundle: two pages sharing one inline script, another inline one, and a script file
    boot = "window.__reactRouterContext = {};"
    (tmp_path / "signin").mkdir()
    (tmp_path / "index.html").write_text(f'<script>{boot}</script><script type="module">import("/a.js");</script>')
    (tmp_path / "signin" / "index.html").write_text(f'<script src="/assets/x.js"></script><SCRIPT >{boot}</SCRIPT>')
    # When the server hashes the bundle it serves
    hashes = inline_script_hashes(tmp_path)
    # Then each distinct inline script is allowed by its sha256, once, and the file by 'self'
    expected = {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in
                (boot, 'import("/a.js");')}  # fmt: skip
    assert set(hashes) == expected and len(hashes) == 2
    scripts = _directives(content_security_policy(script_hashes=hashes))["script-src"]
    assert scripts == ["'self'", *hashes]
    # And no policy, bundle or dev server, allows eval; only the dev server's (no hashes known) allows inline
    dev = _directives(content_security_policy())["script-src"]
    assert dev == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-eval'" not in scripts + dev
    assert _directives(content_security_policy(script_hashes=()))["script-src"] == ["'self'"]


def test_csp_adds_a_separate_backend_as_http_and_websocket_origin() -> None:
    # Given the local layout (frontend :3000, backend :8000)
    csp = _directives(content_security_policy(["http://127.0.0.1:8000"]))
    # Then the backend may be reached over HTTP and ws: and nothing else is added
    assert csp["connect-src"] == ["'self'", "http://127.0.0.1:8000", "ws://127.0.0.1:8000"]
    assert websocket_origin("https://chat.example.org/x") == "wss://chat.example.org"
    assert origin_of("http://127.0.0.1:3000/signin?x=1") == "http://127.0.0.1:3000"


def test_headers_have_hsts_for_a_year_nosniff_same_origin_referrer_and_no_features() -> None:
    # Given the headers
    headers = security_headers()
    # Then HSTS is one year with subdomains, sniffing and framing are off, features are all denied
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert all(item.endswith("=()") for item in headers["Permissions-Policy"].split(", "))
    assert "camera=()" in headers["Permissions-Policy"]


async def _receive() -> dict[str, Any]:
    return {"type": "http.request"}


async def _call(app: Any, scope: dict[str, Any], send: Any) -> None:
    await app(scope, _receive, send)


def test_middleware_adds_the_headers_to_http_responses_and_replaces_any_of_the_same_name() -> None:
    # Given an app answering with its own Referrer-Policy, wrapped by the middleware
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"referrer-policy", b"unsafe-url")]})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message: Any) -> None:
        sent.append(message)

    wrapped = with_security_headers({"Referrer-Policy": "same-origin", "X-Content-Type-Options": "nosniff"})(app)
    # When it answers an HTTP request
    asyncio.run(_call(wrapped, {"type": "http"}, send))
    # Then the response carries the policy's values only, once each
    assert sorted(sent[0]["headers"]) == [(b"referrer-policy", b"same-origin"), (b"x-content-type-options", b"nosniff")]
    assert sent[1]["body"] == b"ok"


def test_middleware_leaves_websockets_alone() -> None:
    # Given a websocket scope
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(send)

    async def send(message: Any) -> None:
        raise AssertionError("not called")

    # When the wrapped app runs
    asyncio.run(_call(with_security_headers({"X": "y"})(app), {"type": "websocket"}, send))
    # Then the app got the original send
    assert seen == [send]


def test_help_line_links_go_only_to_the_allowed_hosts_over_https() -> None:
    # Given help lines from the server, some hostile
    from motivator_web.safety import resource_of

    def href(url: str) -> str:
        return resource_of({"name": "Line", "url": url}).link_href

    # Then the real help lines keep their links
    assert href("https://988lifeline.org/chat/") == "https://988lifeline.org/chat/"
    assert href("https://www.veteranscrisisline.net/get-help-now/chat/").startswith("https://www.veteranscrisisline")
    # And javascript:, plain http, look-alike hosts and credentials in the url get no link at all
    for hostile in (
        "javascript:alert(1)",
        "http://988lifeline.org/",
        "https://988lifeline.org.evil.example/",
        "https://evil-988lifeline.org/",
        "https://988lifeline.org@evil.example/",
        "https://user@988lifeline.org/",
        "https://www.example.org/help",
        "data:text/html,<script>alert(1)</script>",
    ):
        assert href(hostile) == "", hostile
