"""Fixtures shared by every test: real captured events and a Lambda context."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

EVENTS = Path(__file__).parent / "events"


def load_event(name: str) -> dict[str, Any]:
    """A real API Gateway event from tests/events/ (captured in AWS, see ../shared/fixtures)."""
    data: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return data


@pytest.fixture
def lambda_context() -> Any:
    from devtools.gateway.server import LambdaContext

    return LambdaContext(function_name="motivator-test")
