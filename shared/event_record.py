"""Logs the event a handler received as one structured INFO line, redacted, so `motivator replay` can rebuild it."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from typing import Any

from pydantic import TypeAdapter, ValidationError

from shared import limits
from shared.jsontext import nesting_depth, utf8_encodable
from shared.observability import logger
from shared.protocol import ACTIONS, CountryCode, Cursor
from shared.protocol_parse import valid_id

#: The log line's message and the key holding the event; `devtools.replay.cloudwatch` looks for both.
INBOUND_EVENT_MESSAGE = "inbound event"
INBOUND_EVENT_KEY = "inbound_event"
#: Replaces secrets (the token, the WebSocket key); nothing about them is kept.
REDACTED = "<redacted>"
#: Headers and query parameters that carry secrets, compared in lower case.
SECRET_HEADERS = frozenset({"authorization", "sec-websocket-key", "cookie"})
SECRET_QUERY = frozenset({"token"})
#: Body fields that carry what a person wrote.
TEXT_FIELDS = ("message", "comment", "line")
#: Body fields a client chooses freely: replaced by a stable digest, so one log still pairs them up.
CLIENT_ID_FIELDS = ("clientMessageId",)
#: Body fields holding an id the server handed out: kept when they are valid ids (replay remaps them).
ID_FIELDS = ("sessionId", "messageId")
#: Body fields kept when they have the protocol's shape; booleans, numbers and null are kept in every listed field.
_SHAPED: dict[str, TypeAdapter[str]] = {"cursor": TypeAdapter(Cursor), "country": TypeAdapter(CountryCode)}
#: Every body field the log line keeps in some form; any other field (free text a client added) is dropped.
LOGGED_FIELDS = frozenset(
    {"action", *TEXT_FIELDS, *CLIENT_ID_FIELDS, *ID_FIELDS, *_SHAPED, "helpful", "limit", "afterSeq"}
)
_TEXT_PLACEHOLDER = re.compile(r"^<redacted:(\d+) chars>$")


def text_placeholder(text: str) -> str:
    """What stands in for a person's words: only their length is kept."""
    return f"<redacted:{len(text)} chars>"


def redacted_length(value: object) -> int | None:
    """The original length if `value` is a text placeholder, else None."""
    match = _TEXT_PLACEHOLDER.match(value) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


def redact_event(event: dict[str, Any], *, keep_text: bool = False, keep_body: bool = False) -> dict[str, Any]:
    """A copy of a Lambda event without its secrets and with only the allow-listed body fields (`redact_body`).

    `keep_text` keeps the words of `message` and `comment`; `keep_body` keeps the body exactly as received, for
    the local gateway's replay log, which is a file on the developer's machine and never a log line."""
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
    if not keep_body and isinstance(out.get("body"), str):
        out["body"] = redact_body(out["body"], keep_text=keep_text)
    return out


def redact_body(body: str, *, keep_text: bool = False) -> str:
    """The frame rebuilt from an allow-list: a known action (else "unknown"), valid ids, digested client ids,
    booleans and numbers, lengths in place of text. A body that is not a JSON object is all text, so all of it
    goes."""
    frame = _frame_of(body)
    if frame is None:
        return text_placeholder(body)
    kept = {name: _logged_value(name, value, keep_text) for name, value in frame.items() if name in LOGGED_FIELDS}
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))


def _frame_of(body: str) -> dict[str, Any] | None:
    if nesting_depth(body) > limits.JSON_MAX_DEPTH:
        return None
    try:
        frame = json.loads(body)
    except ValueError:
        return None
    return frame if isinstance(frame, dict) else None


def _logged_value(name: str, value: Any, keep_text: bool) -> Any:
    if name == "action":
        return value if value in ACTIONS else "unknown"
    if value is None or isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        return text_placeholder(json.dumps(value))
    if name in CLIENT_ID_FIELDS:
        return "id-" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    if name in TEXT_FIELDS and keep_text and utf8_encodable(value):
        return value
    if name in ID_FIELDS and valid_id(value) == value:
        return value
    if name in _SHAPED and _fits(_SHAPED[name], value):
        return value
    return text_placeholder(value)


def _fits(adapter: TypeAdapter[str], value: str) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


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
    body = event.get("body")
    if isinstance(body, str):
        frame = _frame_of(body)
        fields["body_chars"] = len(body)
        fields["dropped_fields"] = len(set(frame) - LOGGED_FIELDS) if frame is not None else 0
    logger.info(INBOUND_EVENT_MESSAGE, **fields)
