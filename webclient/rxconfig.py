"""Reflex configuration of the Motivator web client; ports and URLs come from REFLEX_* variables at run time."""

import os

import reflex as rx
from motivator_web.security import origin_of

#: With REFLEX_REDIS_URL set (the Web stack in AWS, `REFLEX_REDIS_URL=… make dev`, the failover test) every tab's
#: state lives in Redis, so any backend can serve any tab (docs/architecture.md, "The web tier"). Without it the state
#: stays in this process's memory: one backend, nothing written anywhere (Reflex's own default would be disk).
STATE_MANAGER_MODE = (
    rx.constants.StateManagerMode.REDIS if os.environ.get("REFLEX_REDIS_URL") else rx.constants.StateManagerMode.MEMORY
)

config = rx.Config(
    app_name="motivator_web",
    telemetry_enabled=False,
    # The Cognito tokens live in backend-only vars: in memory, or in Redis (TLS and encryption at rest in AWS), never
    # on disk (docs/security.md).
    state_manager_mode=STATE_MANAGER_MODE,
    show_built_with_reflex=False,
    default_color_mode="system",  # dark mode follows the system preference (contrast checked in both)
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="inherit", accent_color="teal", gray_color="sage", radius="large")
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
# The backend takes /_event sockets and uploads from the app's own origin only (Reflex's default is "*"): the
# origin of REFLEX_DEPLOY_URL, set by `motivator dev` locally and by the Web stack in AWS (docs/security.md).
config.cors_allowed_origins = (origin_of(config.deploy_url or ""),)
