"""The real local stack (moto, local Bedrock, gateway emulator) on loopback, started once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.stack import LocalStack, Ports, StackOptions


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    state = tmp_path_factory.mktemp("stack")
    options = StackOptions(state_dir=Path(state), ports=Ports.free(), model="composer", seed=7, token_delay_ms=5)
    local = LocalStack(options, progress=lambda line: None)
    local.start()
    yield local
    local.stop()


@pytest.fixture(scope="session")
def endpoints(stack: LocalStack) -> dict[str, Any]:
    return stack.endpoints


@pytest.fixture(scope="session")
def demo_token(endpoints: dict[str, Any]) -> str:
    from tests.stackclient import token_for

    return token_for(endpoints)


@pytest.fixture(autouse=True)
def _reset_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "endpoints" in request.fixturenames:
        from tests.stackclient import bedrock

        bedrock(request.getfixturevalue("endpoints"), "/_faults", {"reset": True})
