"""The verse capabilities' WebSocket routes (issue 17), called by their thin handlers: the person's settings."""

from __future__ import annotations

from shared.observability import logger
from shared.protocol import ChangeSettings, SettingsView
from shared.router import Call, message_route


@message_route(ChangeSettings)
def settings(request: ChangeSettings, call: Call) -> None:
    """Read, or change and read back, the person's translation; every verse is shown in it from then on."""
    profiles = call.deps.profiles
    if request.translation is None:
        chosen = profiles.translation(call.user)
    else:
        chosen = profiles.set_translation(call.user, request.translation)
        logger.info("translation chosen", user_id=call.user, translation=chosen)
    call.reply(SettingsView(translation=chosen))
