"""Reflex state of the public share page (/s/<id>): the shared verse and line, read server-side, for anyone."""

from __future__ import annotations

import asyncio
import logging

import reflex as rx
from reflex.config import get_config

from motivator_web import shares
from motivator_web.config import settings

log = logging.getLogger("motivator_web.share_page")


class SharePageState(rx.State):
    """No sign-in here, on purpose: the link is the permission, and only the verse and the line are shown."""

    #: loading | shown | gone | unavailable
    status: str = "loading"
    reference: str = ""
    text: str = ""
    translation: str = ""
    translation_name: str = ""
    line: str = ""
    card_url: str = ""

    @rx.event
    async def load(self):
        """on_load: read the share named by the last part of the path."""
        share_id = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.status, self.card_url = "loading", ""
        yield
        try:
            found = await asyncio.to_thread(shares.fetch, str(settings().http_api_url or ""), share_id)
        except shares.ShareUnavailable:
            log.warning("share page: the REST API was unavailable")
            self.status = "unavailable"
            return
        if found is None:
            self.status = "gone"
            return
        self.reference, self.text, self.line = found.reference, found.text, found.line
        self.translation, self.translation_name = found.translation, found.translation_name
        self.card_url = str(get_config().api_url).rstrip("/") + shares.card_path(share_id)
        self.status = "shown"
