"""The REST API against its own OpenAPI document, driven by schemathesis on the running local stack."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode

from shared.rest import paths

#: Examples per operation and mode: enough to cross every field's bounds, few enough that each chat is a real turn.
EXAMPLES = 20


@pytest.fixture(scope="module")
def rest_token(endpoints: dict[str, Any]) -> str:
    from devtools.bootstrap import create_user, generate_password
    from tests.stackclient import token_for

    username, password = "schemathesis@motivator.local", generate_password()
    create_user(endpoints["cognito_url"], endpoints["region"], endpoints["user_pool_id"], username, password)
    return token_for(endpoints, username, password)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_every_route_answers_as_its_openapi_document_says(
    endpoints: dict[str, Any], rest_token: str, mode: GenerationMode
) -> None:
    """Given the REST API's OpenAPI document, served by the running local stack
    When schemathesis sends requests that fit it (positive) or break it (negative) to every route, signed in
    Then no answer is a server error, every status, header and body is one the document describes, valid
    requests are accepted and invalid ones refused."""
    # (schemathesis.pytest.from_fixture does not run under pytest 9, so the operations are driven one by one.)
    schema = schemathesis.openapi.from_url(endpoints["http_api_url"] + paths.OPENAPI)
    schema.config.update(base_url=endpoints["http_api_url"])
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert {op.path for op in operations} >= {paths.CHAT, paths.FEEDBACK, paths.HEALTH}
    headers = {"Authorization": f"Bearer {rest_token}"}
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not list(operation.body):
            continue  # health takes nothing that could be wrong

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def call(case: Any) -> None:
            case.call_and_validate(headers=headers)

        call()
