"""Encode `application/vnd.amazon.eventstream` messages the way Bedrock's ConverseStream sends them."""

from __future__ import annotations

import binascii
import json
import struct
from typing import Any

_STRING_HEADER = 7  # header value type code for a UTF-8 string


def _crc32(data: bytes) -> int:
    return binascii.crc32(data) & 0xFFFFFFFF


def _string_header(name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode(), value.encode()
    return struct.pack("!B", len(raw_name)) + raw_name + struct.pack("!BH", _STRING_HEADER, len(raw_value)) + raw_value


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One framed message: prelude, prelude CRC, string headers, payload, message CRC."""
    header_bytes = b"".join(_string_header(k, v) for k, v in headers.items())
    total_length = 12 + len(header_bytes) + len(payload) + 4
    prelude = struct.pack("!II", total_length, len(header_bytes))
    head = prelude + struct.pack("!I", _crc32(prelude)) + header_bytes + payload
    return head + struct.pack("!I", _crc32(head))


def event(name: str, payload: dict[str, Any]) -> bytes:
    """A data event, e.g. `event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hi"}})`."""
    headers = {":event-type": name, ":content-type": "application/json", ":message-type": "event"}
    return encode_message(headers, json.dumps(payload).encode())


def exception(name: str, message: str) -> bytes:
    """A modeled in-stream error, e.g. `exception("modelStreamErrorException", "boom")`."""
    headers = {":exception-type": name, ":content-type": "application/json", ":message-type": "exception"}
    return encode_message(headers, json.dumps({"message": message}).encode())
