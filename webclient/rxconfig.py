"""Reflex configuration of the Motivator web client; ports and URLs come from REFLEX_* variables at run time."""

import reflex as rx
from motivator_web.security import origin_of

config = rx.Config(
    app_name="motivator_web",
    telemetry_enabled=False,
    # In-memory state: the Cognito tokens live in backend-only vars and must never be written to disk.
    state_manager_mode=rx.constants.StateManagerMode.MEMORY,
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
