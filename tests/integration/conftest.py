"""The real local stack (moto, local Bedrock, gateway emulator) on loopback, started once per session; and the
stack built from the synthesized CDK templates, IAM enforced (`cdk_stack`), also once, for the tests that use it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.stack import LocalStack, Ports, StackOptions, free_port

#: Generous limits so the suite's many messages pass; the rate-limit test uses its own user and bucket.
SUITE_HANDLER_ENV = {"RATE_LIMIT_BURST": "30", "RATE_LIMIT_PER_MINUTE": "600", "DAILY_MESSAGE_ALLOWANCE": "100000"}


def _suite_options(state: Path, from_cdk: str | None = None) -> StackOptions:
    return StackOptions(
        state_dir=state,
        ports=Ports.free(),
        model="composer",
        seed=7,
        token_delay_ms=5,
        handler_env=dict(SUITE_HANDLER_ENV),
        from_cdk=from_cdk,
    )


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    local = LocalStack(_suite_options(Path(tmp_path_factory.mktemp("stack"))), progress=lambda line: None)
    local.start()
    yield local
    local.stop()


@pytest.fixture(scope="session")
def cdk_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """`motivator dev --from-cdk dev`: the templates synthesized once per change of cdk/, shared/, handlers/ (cached
    in .motivator/cdk-cache/ across sessions), each function in its own sandboxes with its role's IAM enforced."""
    lines: list[str] = []
    local = LocalStack(_suite_options(Path(tmp_path_factory.mktemp("cdk-stack")), from_cdk="dev"), lines.append)
    started = time.perf_counter()
    local.start()
    print(f"\ntemplate-driven stack started in {time.perf_counter() - started:.1f} s ({lines[0].strip()})")
    yield local
    local.stop()


@pytest.fixture(scope="session")
def cdk_endpoints(cdk_stack: LocalStack) -> dict[str, Any]:
    return cdk_stack.endpoints


@pytest.fixture(scope="session")
def endpoints(stack: LocalStack) -> dict[str, Any]:
    return stack.endpoints


@pytest.fixture(scope="session")
def demo_token(endpoints: dict[str, Any]) -> str:
    from tests.stackclient import token_for

    return token_for(endpoints)


@pytest.fixture
def new_user(endpoints: dict[str, Any]) -> Any:
    """Make a fresh confirmed user and return its access token (each test owns its own data)."""
    from devtools.bootstrap import create_user, generate_password
    from tests.stackclient import token_for

    def make() -> str:
        import uuid

        username = f"user-{uuid.uuid4().hex[:10]}@motivator.local"
        password = generate_password()
        create_user(endpoints["cognito_url"], endpoints["region"], endpoints["user_pool_id"], username, password)
        return token_for(endpoints, username, password)

    return make


@pytest.fixture(autouse=True)
def _reset_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "endpoints" in request.fixturenames:
        from tests.stackclient import bedrock

        bedrock(request.getfixturevalue("endpoints"), "/_faults", {"reset": True})


@contextlib.contextmanager
def extra_gateway(
    stack: LocalStack, log_dir: Path, args: list[str] | None = None, env: dict[str, str] | None = None
) -> Iterator[dict[str, Any]]:
    """A second gateway process with its own limits or settings, sharing the session's moto and Bedrock."""
    port, management, http_api = free_port(), free_port(), free_port()
    args = [*(args or []), "--http-api-port", str(http_api), *stack.jwt_authorizer_args()]
    full_env = {
        **os.environ,
        **stack.handler_env,
        "CONNECTIONS_ENDPOINT_URL": f"http://127.0.0.1:{management}/local",
        **(env or {}),
    }
    command = [sys.executable, "-m", "devtools.gateway", "--port", str(port), "--management-port", str(management)]
    with (log_dir / "gateway.log").open("wb") as log:
        process = subprocess.Popen([*command, *args], env=full_env, stdout=log, stderr=log)
        try:
            # Up when both its management API answers and its WebSocket port takes connections (it opens them one
            # after the other; a loaded machine can take seconds between the two).
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{management}/_health", timeout=1)
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(f"the extra gateway did not start; see {log_dir / 'gateway.log'}") from None
                    time.sleep(0.1)
            yield {
                **stack.endpoints,
                "ws_url": f"ws://127.0.0.1:{port}/local",
                "http_api_url": f"http://127.0.0.1:{http_api}",
            }
        finally:
            process.terminate()
            process.wait(timeout=10)
