"""Bedrock prompt caching as the local endpoint imitates it: cachePoint blocks checked, cached prefixes remembered.

Bedrock caches the prompt up to each `cachePoint` block ({"type": "default"}, optional "ttl" of "5m" or "1h"); a
later request with the same prefix within the TTL reads it (`cacheReadInputTokens`) instead of writing it
(`cacheWriteInputTokens`), and `inputTokens` counts only the rest. Here tokens are counted as words, like the
endpoint's other token counts, and there is no per-model minimum prefix length (AWS has one: see docs/deploy.md).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, NamedTuple

TTL_S = {"5m": 300.0, "1h": 3600.0}
#: Bedrock allows at most four cache checkpoints in one request.
MAX_CHECKPOINTS = 4
_SYSTEM_BLOCKS = ("text", "guardContent", "cachePoint")


class CacheUse(NamedTuple):
    read: int = 0
    write: int = 0


def words(block: Any) -> int:
    return len(str(block.get("text", "")).split()) if isinstance(block, dict) else 0


def problem(body: dict[str, Any]) -> str | None:
    """Why Bedrock would refuse the system blocks and cache points of this request (None: it would not)."""
    system = body.get("system", [])
    if not isinstance(system, list):
        return "The system field must be a list of content blocks."
    checkpoints = 0
    for position, block in enumerate(system):
        if not isinstance(block, dict) or len(block) != 1 or next(iter(block)) not in _SYSTEM_BLOCKS:
            return "Each system content block must have exactly one of text, guardContent or cachePoint."
        if "cachePoint" not in block:
            continue
        point = block["cachePoint"]
        if not isinstance(point, dict) or point.get("type") != "default" or set(point) - {"type", "ttl"}:
            return 'A cachePoint must be {"type": "default"}, with an optional ttl.'
        if point.get("ttl", "5m") not in TTL_S:
            return "A cachePoint ttl must be 5m or 1h."
        if position == 0:
            return "A cachePoint must follow the content it caches."
        checkpoints += 1
    for message in body.get("messages", []):
        checkpoints += sum(1 for b in message.get("content", []) if isinstance(b, dict) and "cachePoint" in b)
    if checkpoints > MAX_CHECKPOINTS:
        return f"A request may have at most {MAX_CHECKPOINTS} cache checkpoints."
    return None


class PromptCache:
    """The system-prompt prefixes cached so far, each until its TTL runs out (renewed by every read)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._expires: dict[str, float] = {}

    def use(self, body: dict[str, Any]) -> CacheUse:
        """What this request reads from and writes to the cache (the prefix before its last system cachePoint)."""
        system = body.get("system", [])
        last = max((i for i, b in enumerate(system) if "cachePoint" in b), default=None)
        if last is None:
            return CacheUse()
        prefix = system[:last]
        tokens = sum(words(b) for b in prefix)
        key = json.dumps(prefix, sort_keys=True)
        ttl = TTL_S[system[last]["cachePoint"].get("ttl", "5m")]
        now = time.monotonic()
        with self._lock:
            hit = self._expires.get(key, 0.0) > now
            self._expires[key] = now + ttl
        return CacheUse(read=tokens) if hit else CacheUse(write=tokens)

    def clear(self) -> None:
        with self._lock:
            self._expires.clear()
