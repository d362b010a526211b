"""The Motivator web client: pages and the Reflex app."""

from typing import Any

import reflex as rx
from reflex.config import get_config
from reflex.utils.prerequisites import get_web_dir
from reflex_base import constants
from reflex_base.environment import environment

from motivator_web import session, shares
from motivator_web.components.auth import confirm_page, forgot_page, session_cookie, sign_in_page, sign_up_page
from motivator_web.components.chat import transcript
from motivator_web.components.composer import composer
from motivator_web.components.landing import landing_page
from motivator_web.components.ops import ops_page
from motivator_web.components.share import share_dialog, share_page
from motivator_web.components.sidebar import desktop_sidebar, header
from motivator_web.country_state import CountryState
from motivator_web.failover import tabs_survive_backend_loss
from motivator_web.security import inline_script_hashes, origin_of, security_headers, with_security_headers
from motivator_web.state import AuthState, ChatState
from motivator_web.state.landing import LandingState
from motivator_web.state.ops import OpsState
from motivator_web.state.share_page import SharePageState
from motivator_web.state.tabs import TabsState

TITLE = "Motivator — encouragement and Scripture"
DESCRIPTION = "Share how you feel; receive a Bible verse and a few sentences of encouragement."


def skip_link() -> rx.Component:
    # Moves focus itself: a bare "#message" only scrolled, and the next Tab went on from the header.
    return rx.el.a(
        "Skip to the message box",
        href="#message",
        class_name="skip-link",
        on_click=rx.set_focus("message").prevent_default,
        data_testid="skip-link",
    )


def chat_page() -> rx.Component:
    return rx.flex(
        skip_link(),
        session_cookie(),
        header(),
        share_dialog(),
        rx.flex(
            # The conversation first in Tab order, the history after it; row-reverse still shows the history left.
            rx.el.main(
                rx.flex(transcript(), composer(), direction="column", height="100%", width="100%"),
                style={"flex": "1", "minWidth": 0, "height": "100%"},
            ),
            desktop_sidebar(),
            direction="row-reverse",
            flex="1",
            min_height="0",
            width="100%",
        ),
        direction="column",
        height="100dvh",
        width="100%",
        # Exactly the viewport: nothing inside (a visually hidden label, a scrolled-to crisis card) can grow the page
        # or scroll it under the header.
        position="relative",
        overflow="clip",  # unlike "hidden", never scrolled by scrollIntoView
        background="linear-gradient(180deg, var(--teal-2), var(--gray-1) 240px)",
    )


STYLE: dict[Any, Any] = {
    ".sr-only": {
        "position": "absolute",
        "width": "1px",
        "height": "1px",
        "padding": 0,
        "margin": "-1px",
        "overflow": "hidden",
        "clip": "rect(0,0,0,0)",
        "whiteSpace": "nowrap",
        "border": 0,
    },
    ".skip-link": {"position": "absolute", "left": "-9999px"},
    ".skip-link:focus": {
        "left": "12px",
        "top": "12px",
        "zIndex": 50,
        "padding": "8px 12px",
        "background": "var(--color-panel-solid)",
        "borderRadius": "8px",
    },
}


def _local_headers() -> dict[str, str]:
    """The security headers of every response of this server; the backend's origin is allowed to connect when it is
    not the page's own (locally the frontend and the backend listen on different ports). Serving the exported bundle
    (the container), the CSP allows exactly that bundle's inline scripts by hash; CloudFront keeps this CSP."""
    config = get_config()
    same = origin_of(config.api_url) == origin_of(config.deploy_url or config.api_url)
    bundle = get_web_dir() / constants.Dirs.STATIC
    served = environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.get() and bundle.is_dir()
    return security_headers(() if same else (config.api_url,), inline_script_hashes(bundle) if served else None)


app = rx.App(
    style=STYLE,
    stylesheets=["/motivator.css"],  # rules that must reach Radix's portals too (tap targets, colour scheme)
    # The sign-in cookie's routes (session.py) under Reflex's own, every answer with the security headers.
    api_transformer=[session.api(), shares.api(), with_security_headers(_local_headers())],
    head_components=[
        rx.el.meta(name="description", content=DESCRIPTION),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        rx.el.script(src="/online.js", defer=True),  # the browser's own link, for the connection pill (CSP: 'self')
    ],
)
# Reflex's overlay (a "Cannot connect to server" developer toast over the composer, a pulsing icon) gives way to the
# header's connection pill, which says the same calmly (components/status.py).
app.app_wraps[(5, "Overlay")] = lambda stateful: None
# With Redis, a tab whose backend died is taken over by the next one, signed in and mid-answer (failover.py).
app.register_lifespan_task(tabs_survive_backend_loss)
app.add_page(
    chat_page,
    route="/",
    title=TITLE,
    # A second tab of a signed-in browser signs in from the cookie first; then the chat (an example picked on the
    # landing page goes out), then the tabs' watcher.
    on_load=[ChatState.resume_session, ChatState.open_chat, LandingState.begin, TabsState.watch, CountryState.detect],
)
app.add_page(landing_page, route="/welcome", title=TITLE, description=DESCRIPTION, on_load=LandingState.load_verse)
app.add_page(sign_in_page, route="/signin", title="Sign in — Motivator", on_load=AuthState.reset_forms)
app.add_page(sign_up_page, route="/signup", title="Create an account — Motivator", on_load=AuthState.reset_forms)
app.add_page(confirm_page, route="/confirm", title="Confirm your email — Motivator", on_load=AuthState.reset_forms)
app.add_page(forgot_page, route="/forgot", title="Forgotten password — Motivator", on_load=AuthState.reset_forms)
app.add_page(ops_page, route="/ops", title="Operations — Motivator", on_load=OpsState.open_ops)
# Public: a share link's page works signed out and never redirects to /welcome (the link is the permission).
app.add_page(
    share_page, route="/s/[share_id]", title="A verse shared with you — Motivator", on_load=SharePageState.load
)
