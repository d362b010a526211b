"""The composer as a local Bedrock model: the engine's header line, then the composed message word by word."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

from devtools.bedrock.models import last_user_text
from shared.engine.composer import compose
from shared.engine.emotions import classify
from shared.engine.prompt import format_header, parse_header
from shared.engine.scripture import get_catalogue

_WORDS = re.compile(r"\S+\s*")


def request_seed(seed: int, messages: list[dict[str, Any]]) -> int:
    """A stable seed from the model seed and the whole conversation (hashlib, not the salted hash())."""
    payload = json.dumps([seed, messages], sort_keys=True, ensure_ascii=False, default=str)
    return int.from_bytes(hashlib.sha256(payload.encode()).digest()[:8], "big")


def assistant_texts(request: dict[str, Any]) -> list[str]:
    return [
        " ".join(b["text"] for b in m.get("content", []) if "text" in b)
        for m in request.get("messages", [])
        if m.get("role") == "assistant"
    ]


def used_references(request: dict[str, Any]) -> list[str]:
    """References named in the header lines of earlier assistant messages, oldest first."""
    used: list[str] = []
    for text in assistant_texts(request):
        header = parse_header(text.partition("\n")[0])
        if header and header.reference:
            used.append(header.reference)
    return used


def previous_answers(request: dict[str, Any]) -> list[str]:
    """Every earlier assistant message without its header line, oldest first."""
    answers: list[str] = []
    for text in assistant_texts(request):
        first, newline, rest = text.partition("\n")
        answers.append(rest if newline and parse_header(first) else text)
    return answers


class ComposerModel:
    """Deterministic local model: same conversation, same answer; a repeated message gets new words."""

    name = "composer"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def stream(self, request: dict[str, Any]) -> Iterator[str]:
        message = last_user_text(request)
        seed = request_seed(self.seed, request.get("messages", []))
        emotion = classify(message)
        verse = get_catalogue().choose(emotion.emotion, used=used_references(request), seed=seed)
        text = compose(message, emotion=emotion, verse=verse, seed=seed, previous=previous_answers(request))
        yield format_header(emotion.emotion, verse.reference)
        yield from _WORDS.findall(text)
