"""The handlers themselves accept the events captured in AWS, against the real local stack."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from devtools.stack import LocalStack
from tests.conftest import load_event


@pytest.fixture
def handlers(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in stack.handler_env.items():
        monkeypatch.setenv(name, value)
    from shared import settings

    settings.get_settings.cache_clear()

    class Handlers:
        def __getattr__(self, module: str) -> Any:
            return importlib.import_module(f"handlers.{module}").handler

    return Handlers()


def test_captured_authorizer_event_without_bearer_token_is_unauthorized(handlers: Any, lambda_context: Any) -> None:
    # Given the captured authorizer event (its Authorization header is not a bearer token)
    event = load_event("websocket-authorizer-request")
    # When the authorizer runs, Then it raises exactly "Unauthorized" (API Gateway answers 401)
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        handlers.authorizer(event, lambda_context)


def test_captured_connect_event_without_authorizer_context_is_refused(handlers: Any, lambda_context: Any) -> None:
    # Given the captured $connect event, which carries no authorizer context
    # When the connect handler runs, Then it refuses rather than storing an anonymous connection
    assert handlers.connect(load_event("websocket-connect"), lambda_context) == {"statusCode": 401}


@pytest.mark.parametrize("module", ["default", "send_message", "ping"])
def test_captured_message_event_is_answered_even_when_the_client_is_gone(
    module: str, handlers: Any, lambda_context: Any
) -> None:
    # Given the captured MESSAGE event for a connection that does not exist here
    event = load_event("websocket-message")
    # When a message handler runs, Then it parses the event, tries to answer, and returns 200
    assert getattr(handlers, module)(event, lambda_context) == {"statusCode": 200}


def test_captured_disconnect_event_is_accepted(handlers: Any, lambda_context: Any) -> None:
    # Given the captured $disconnect event, When the handler runs, Then it returns 200
    assert handlers.disconnect(load_event("websocket-disconnect"), lambda_context) == {"statusCode": 200}
