"""The local models behind the Bedrock stand-in: the `LocalModel` protocol and a registry by name."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class LocalModel(Protocol):
    """A text generator the server streams from; `request` is the ConverseStream JSON body."""

    name: str

    def stream(self, request: dict[str, Any]) -> Iterator[str]:
        """Yield text tokens; the server sends one `contentBlockDelta` per token."""
        ...


def last_user_text(request: dict[str, Any]) -> str:
    """The text blocks of the last user message, joined by spaces."""
    users = [m for m in request.get("messages", []) if m.get("role") == "user"]
    if not users:
        return ""
    return " ".join(b["text"] for b in users[-1].get("content", []) if "text" in b)


def with_header_risk(tokens: Iterator[str], risk: str) -> Iterator[str]:
    """The same tokens, with the header line's risk level replaced (the rest of the answer unchanged)."""
    from shared.engine.prompt import format_header, parse_header

    buffer = ""
    for token in tokens:
        buffer += token
        if "\n" in buffer:
            break
    line, newline, rest = buffer.partition("\n")
    header = parse_header(line) if newline else None
    if header is None:
        yield buffer
    else:
        yield format_header(header.emotion, header.reference, risk)
        if rest:
            yield rest
    yield from tokens


class EchoModel:
    """Deterministic test model: a valid engine header line, then the last user message word by word."""

    name = "echo"
    HEADER = '{"emotion": "hopeful", "reference": "Psalm 23:1"}\n'

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed  # accepted for a uniform constructor; the echo needs no randomness

    def stream(self, request: dict[str, Any]) -> Iterator[str]:
        yield self.HEADER
        for i, word in enumerate(last_user_text(request).split()):
            yield word if i == 0 else " " + word


def _lazy(module: str, attr: str) -> Callable[[int], LocalModel]:
    # Imported only when chosen: the composer and SmolLM2 live in their own modules (llama-cpp is optional).
    def load(seed: int) -> LocalModel:
        cls = getattr(importlib.import_module(module), attr)
        model: LocalModel = cls(seed=seed)
        return model

    return load


_REGISTRY: dict[str, Callable[[int], LocalModel]] = {
    "composer": _lazy("devtools.bedrock.composer_model", "ComposerModel"),
    "smollm2": _lazy("devtools.bedrock.smollm2_model", "SmolLM2Model"),
    "echo": EchoModel,
}

MODEL_NAMES: tuple[str, ...] = tuple(_REGISTRY)


def load_model(name: str, seed: int = 0) -> LocalModel:
    """Build the named local model; raises ValueError listing the valid names for an unknown one."""
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(MODEL_NAMES)}") from None
    return factory(seed)
