"""Logs the event a handler received as one structured INFO line, redacted, so `motivator replay` can rebuild it."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from typing import Any

from shared.observability import logger

#: The log line's message and the key holding the event; `devtools.replay.cloudwatch` looks for both.
INBOUND_EVENT_MESSAGE = "inbound event"
INBOUND_EVENT_KEY = "inbound_event"
#: Replaces secrets (the token, the WebSocket key); nothing about them is kept.
REDACTED = "<redacted>"
#: Headers and query parameters that carry secrets, compared in lower case.
SECRET_HEADERS = frozenset({"authorization", "sec-websocket-key", "cookie"})
SECRET_QUERY = frozenset({"token"})
#: Body fields that carry what a person wrote.
TEXT_FIELDS = ("message", "comment")
#: Body fields a client chooses freely: replaced by a stable digest, so one log still pairs them up.
CLIENT_ID_FIELDS = ("clientMessageId",)
_TEXT_PLACEHOLDER = re.compile(r"^<redacted:(\d+) chars>$")


def text_placeholder(text: str) -> str:
    """What stands in for a person's words: only their length is kept."""
    return f"<redacted:{len(text)} chars>"


def redacted_length(value: object) -> int | None:
    """The original length if `value` is a text placeholder, else None."""
    match = _TEXT_PLACEHOLDER.match(value) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


def redact_event(event: dict[str, Any], *, keep_text: bool = False) -> dict[str, Any]:
    """A copy of a Lambda event that is safe to log: secrets always, and message text unless `keep_text`."""
    out = copy.deepcopy(event)
    for headers_key in ("headers", "multiValueHeaders"):
        headers = out.get(headers_key)
        if isinstance(headers, dict):
            for name in list(headers):
                if name.lower() in SECRET_HEADERS:
                    headers[name] = [REDACTED] if isinstance(headers[name], list) else REDACTED
    for query_key in ("queryStringParameters", "multiValueQueryStringParameters"):
        query = out.get(query_key)
        if isinstance(query, dict):
            for name in list(query):
                if name.lower() in SECRET_QUERY:
                    query[name] = [REDACTED] if isinstance(query[name], list) else REDACTED
    if not keep_text and isinstance(out.get("body"), str):
        out["body"] = redact_body(out["body"])
    return out


def redact_body(body: str) -> str:
    """The frame with its text fields replaced and client ids digested; a body that is not a JSON object is all
    text, so all of it goes."""
    try:
        frame = json.loads(body)
    except ValueError:
        return text_placeholder(body)
    if not isinstance(frame, dict):
        return text_placeholder(body)
    for name in TEXT_FIELDS:
        if isinstance(frame.get(name), str):
            frame[name] = text_placeholder(frame[name])
    for name in CLIENT_ID_FIELDS:
        if isinstance(frame.get(name), str):
            frame[name] = "id-" + hashlib.sha256(frame[name].encode()).hexdigest()[:16]
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def log_inbound_event(event: dict[str, Any]) -> None:
    """Called first in every handler: one INFO line holding the redacted event (see docs/replay.md)."""
    from shared.settings import get_settings

    try:
        keep_text = get_settings().log_message_text
    except Exception:  # settings are validated at cold start; never let the record break a handler
        keep_text = False
    try:
        record = redact_event(event, keep_text=keep_text)
    except Exception as exc:  # an event we cannot copy is still handled; say so without its content
        logger.warning("inbound event not recorded", error_type=type(exc).__name__)
        return
    fields: dict[str, Any] = {INBOUND_EVENT_KEY: record, "text_redacted": not keep_text}
    logger.info(INBOUND_EVENT_MESSAGE, **fields)
