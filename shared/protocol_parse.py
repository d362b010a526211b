"""Reading one inbound text frame: size, nesting and JSON checked first, then the ClientFrame union of
shared/protocol.py; every failure is a ProtocolError carrying the error frame with a human sentence."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter, ValidationError

from shared import limits, translations
from shared.jsontext import nesting_depth
from shared.protocol import ACTIONS, CLIENT_FRAME, ClientFrame, ErrorCode, Id, ProtocolError

_ID: TypeAdapter[str] = TypeAdapter(Id)


def parse_client_frame(body: str | None) -> ClientFrame:
    """Parse one inbound text frame, turning every failure into a ProtocolError with a human sentence.

    Size and nesting are checked on the raw text before it is parsed. Nothing the client sent goes into the
    error frame except a clientMessageId that is a valid Id and a short, escaped quote of an unknown action.
    """
    raw = _json_object(body)
    client_message_id = valid_id(raw.get("clientMessageId"))
    if raw.get("action") not in ACTIONS:
        raise ProtocolError(ErrorCode.UNKNOWN_ACTION, _unknown_action(raw), client_message_id)
    try:
        return CLIENT_FRAME.validate_python(raw)
    except ValidationError as exc:
        raise ProtocolError(ErrorCode.BAD_REQUEST, _describe(exc), client_message_id) from exc


def _quote(text: str) -> str:
    """A client's text as an error message may show it: its first few characters, escaped (repr), then "…"."""
    shown = repr(text[: limits.ECHO_MAX_CHARS])
    return shown + "…" if len(text) > limits.ECHO_MAX_CHARS else shown


def _json_object(body: str | None) -> dict[str, Any]:
    if body is None or not body.strip():
        raise ProtocolError(ErrorCode.BAD_REQUEST, "The message was empty; send a JSON object with an action.")
    # Characters, not bytes: a body with more characters than the quota has at least as many bytes.
    if len(body) > limits.WS_MESSAGE_MAX_BYTES:
        kib = limits.WS_MESSAGE_MAX_BYTES // 1024
        raise ProtocolError(ErrorCode.TOO_LARGE, f"The message is too large; keep it under {kib} KB.")
    if nesting_depth(body) > limits.JSON_MAX_DEPTH:
        raise ProtocolError(ErrorCode.BAD_REQUEST, "The message is nested too deeply; send one flat JSON object.")
    try:
        raw = json.loads(body)
    except ValueError as exc:
        raise ProtocolError(
            ErrorCode.BAD_REQUEST, "That was not valid JSON; send a JSON object with an action."
        ) from exc
    if not isinstance(raw, dict):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "Send a JSON object with an action.")
    return raw


def valid_id(value: object) -> str | None:
    """The id as the models read it, or None when it is not a valid Id (absent, not text, too long, lone surrogates)."""
    try:
        return _ID.validate_python(value, strict=True)
    except ValidationError:
        return None


def _unknown_action(raw: dict[str, Any]) -> str:
    valid = f"valid actions are: {', '.join(ACTIONS)}"
    if "action" not in raw:
        return f"Send a JSON object with an action; {valid}."
    if not isinstance(raw["action"], str):
        return f"The action must be text; {valid}."
    return f"Unknown action {_quote(raw['action'])}; {valid}."


def _describe(exc: ValidationError) -> str:
    first = exc.errors(include_input=False, include_url=False)[0]
    field = ".".join(str(p) for p in first["loc"][1:]) or "message"
    if field == "message" and first["type"] in {"string_too_short", "missing"}:
        return "The message was empty; write a few words about how you feel."
    if field == "message" and first["type"] == "string_too_long":
        return f"The message is too long; keep it under {limits.MESSAGE_MAX_CHARS} characters."
    if field == "title":
        if first["type"] in {"string_too_short", "missing"}:
            return "A conversation's title needs at least one letter; type a few words."
        if first["type"] == "string_too_long":
            return f"That title is too long; keep it to {limits.TITLE_MAX_CHARS} characters."
        if first["type"] == "value_error":
            return "A title can't hold line breaks, tabs or other control characters; type it on one line."
    if field == "translation":
        return f"That translation is not offered; choose one of {', '.join(translations.CODES)}."
    if field == "line" and first["type"] == "string_too_long":
        return f"The line is too long; keep it under {limits.SHARE_LINE_MAX_CHARS} characters."
    if field == "line" and first["type"] == "value_error":
        return "The line must be one line of text, without tabs, new lines or other control characters."
    if first["type"] == "string_unicode":
        return f"The field {field!r} is not valid Unicode text (it holds a lone surrogate)."
    return f"The field {field!r} is not valid: {first['msg']}."
