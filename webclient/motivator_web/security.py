"""The web tier's browser-facing security facts: allowed origins and response headers, for Reflex and CloudFront alike.

Pure and free of Reflex and aws_cdk imports: rxconfig.py and the app's ASGI middleware use it, and so does the
CloudFront response headers policy (cdk/stacks/web.py loads it like cdk/web_client.py loads config.py).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: One year, in seconds (HSTS max-age).
HSTS_MAX_AGE_S = 365 * 24 * 3600
REFERRER_POLICY = "same-origin"
#: Nothing the chat needs: every powerful feature is switched off for the page and any frame.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), sync-xhr=(), usb=(), "
    "xr-spatial-tracking=()"
)

#: What Reflex 0.10 needs (docs/security.md has the evidence). Scripts: the app's own files, plus React Router's
#: inline <script>s in each page (window.__reactRouterContext, the module loader): the production bundle's are
#: allowed by their sha256 (inline_script_hashes), Vite's dev server writes its own and gets 'unsafe-inline'. No
#: 'unsafe-eval': the app never sends a script from the server (Reflex would eval() it): the country comes from
#: Accept-Language, the crisis card scrolls itself into view (components/chat.py). Styles: Emotion's <style> tags and
#: the dialogs' scroll lock (a <style> sized per screen) are inserted at run time -> style-src 'unsafe-inline'
#: (docs/security.md: why hashes cannot replace it yet, and what limits CSS injection).
SCRIPT_SRC = ("'self'",)
DEV_SERVER_SCRIPT_SRC = "'unsafe-inline'"
STYLE_SRC = ("'self'", "'unsafe-inline'")


#: The only hosts an answer may link to (the help lines of shared/engine/resources.py); any other link, or any
#: scheme but https, is shown without its link.
#: Reflex's variables for the app's own public URL and its backend's: the origin it accepts (rxconfig.py) comes from
#: the first. Set by `motivator dev` (devtools/web.py) and on the container by the Web stack (cdk/stacks/web.py).
DEPLOY_URL_VARIABLE = "REFLEX_DEPLOY_URL"
API_URL_VARIABLE = "REFLEX_API_URL"


def own_url_environment(page_url: str, backend_url: str | None = None) -> dict[str, str]:
    """The app's own URLs for Reflex: the page's (its one allowed origin) and its backend's (the same by default)."""
    return {DEPLOY_URL_VARIABLE: page_url.rstrip("/"), API_URL_VARIABLE: (backend_url or page_url).rstrip("/")}


LINK_HOSTS = frozenset({"988lifeline.org", "988lineadevida.org", "veteranscrisisline.net", "findahelpline.com"})


def allowed_link(url: str) -> str:
    """`url` if it is https to an allowed host (or a subdomain of one), else ""."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or parts.username or parts.password:
        return ""
    return url.strip() if any(host == h or host.endswith("." + h) for h in LINK_HOSTS) else ""


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL: what a browser sends as `Origin`."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def websocket_origin(url: str) -> str:
    """The ws:// or wss:// origin of an http(s) URL (the Reflex backend's /_event socket)."""
    origin = origin_of(url)
    return "wss" + origin[len("https") :] if origin.startswith("https:") else "ws" + origin[len("http") :]


#: An inline <script> (no src attribute) and its text, as a browser hashes it for the CSP.
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)


def inline_script_hashes(pages: Path) -> tuple[str, ...]:
    """The CSP sources ('sha256-…') of every inline <script> in the built pages under `pages` (the bundle Reflex
    exported): the only inline code the browser then runs. Sorted, without repeats."""
    found = set()
    for page in sorted(pages.rglob("*.html")):
        for body in _INLINE_SCRIPT.findall(page.read_text(encoding="utf-8")):
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
            found.add(f"'sha256-{digest}'")
    return tuple(sorted(found))


def content_security_policy(backends: Iterable[str] = (), script_hashes: Iterable[str] | None = None) -> str:
    """The CSP: the app's own scripts, styles, fonts, images and backend; `backends` adds the Reflex backend's
    origin when it is not the page's own (locally the frontend is :3000 and the backend :8000). `script_hashes`:
    the built pages' inline scripts (inline_script_hashes); None for Vite's dev server ('unsafe-inline')."""
    extra = [o for url in backends for o in (origin_of(url), websocket_origin(url))]
    inline = [DEV_SERVER_SCRIPT_SRC] if script_hashes is None else list(script_hashes)
    # The sign-in cookie is set by an image request to the backend (session.py).
    images = [origin_of(url) for url in backends]
    directives = {
        "default-src": ["'self'"],
        "script-src": [*SCRIPT_SRC, *inline],
        "style-src": list(STYLE_SRC),
        "font-src": ["'self'", "data:"],
        "img-src": ["'self'", "data:", *images],
        "connect-src": ["'self'", *extra],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def security_headers(backends: Iterable[str] = (), script_hashes: Iterable[str] | None = None) -> dict[str, str]:
    """Every header the web tier adds to a response (the Reflex server, and CloudFront in AWS)."""
    return {
        "Content-Security-Policy": content_security_policy(backends, script_hashes),
        "Strict-Transport-Security": f"max-age={HSTS_MAX_AGE_S}; includeSubDomains",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": REFERRER_POLICY,
        "Permissions-Policy": PERMISSIONS_POLICY,
    }


#: scope, receive, send -> None (the ASGI 3 interface, as starlette.types.ASGIApp).
ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[MutableMapping[str, Any]]],
     Callable[[MutableMapping[str, Any]], Awaitable[None]]],
    Awaitable[None],
]  # fmt: skip


def with_security_headers(headers: dict[str, str]) -> Callable[[ASGIApp], ASGIApp]:
    """An ASGI middleware factory (for rx.App(api_transformer=…)) adding `headers` to every HTTP response."""
    encoded = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    names = {name for name, _ in encoded}

    def wrap(app: ASGIApp) -> ASGIApp:
        async def secured(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return

            async def send_with_headers(message: MutableMapping[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
                    message = {**message, "headers": kept + encoded}
                await send(message)

            await app(scope, receive, send_with_headers)

        return secured

    return wrap
