"""Cold start: a handler's import runs no full garbage collection, and the collector is running once it is done."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from devtools.bench.imports import LAMBDA_ENVIRONMENT, TRACE_DISABLED
from devtools.parity.environment import default_handler_env
from shared.route_table import ROUTES

ROOT = Path(__file__).resolve().parents[2]
_LOOPBACK = "http://127.0.0.1:9"
_ENDPOINTS = {
    "region": "us-east-1",
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
    "tables": {"connections_table": "c", "conversations_table": "v", "rate_limit_table": "r", "idempotency_table": "i"},
    "user_pool_id": "us-east-1_test",
    "client_id": "client",
    "jwks_url": f"{_LOOPBACK}/jwks",
    **{name: _LOOPBACK for name in ("dynamodb_url", "bedrock_url", "cognito_url")},
}
#: Imports a handler module in a fresh interpreter, then allocates as an invocation would.
_SCRIPT = textwrap.dedent(
    """
    import gc, importlib, json, sys
    {before}
    importlib.import_module(sys.argv[1])
    at_import = gc.get_stats()[2]["collections"]
    for _ in range(200_000):
        cycle = []
        cycle.append(cycle)  # unreachable at the next turn: only the collector frees it
    print(json.dumps({{"full_collections_at_import": at_import, "enabled": gc.isenabled(),
                      "frozen": gc.get_freeze_count(), "cycles_left": gc.collect()}}))
    """
)


def _import(module: str, before: str = "") -> dict[str, object]:
    env = {**os.environ, **default_handler_env(_ENDPOINTS, _LOOPBACK, {}), **LAMBDA_ENVIRONMENT}
    env.pop(TRACE_DISABLED, None)
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(before=before), module],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("module", [ROUTES["feedback"], ROUTES["sendMessage"]])
def test_a_handler_imports_without_a_full_collection_and_collects_afterwards(module: str) -> None:
    # Given a fresh interpreter in the Lambda environment
    # When a handler module is imported and an invocation then makes cyclic garbage
    result = _import(module)
    # Then no full (generation 2) collection ran during the import (about 30 ms of a cold start when one does),
    assert result["full_collections_at_import"] == 0
    # and afterwards the collector runs again, with the import's objects frozen out of its passes
    assert result["enabled"] is True
    assert int(str(result["frozen"])) > 10_000
    assert int(str(result["cycles_left"])) < 1_000


def test_the_collector_runs_when_the_container_was_built_before_the_handler_was_imported() -> None:
    # Given a process that built the container before it imported a handler (the local stack, tests)
    before = "from shared.container import container; container()"
    # When a handler module is then imported
    result = _import(ROUTES["ping"], before)
    # Then the cyclic collector is still on after the import
    assert result["enabled"] is True
