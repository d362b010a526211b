"""The handlers' event models accept the real events captured in AWS (tests/events/)."""

from __future__ import annotations

import pytest

from shared.events import AuthorizerEvent, ConnectEvent, DisconnectEvent, MessageEvent
from tests.conftest import load_event


def test_real_authorizer_event_parses() -> None:
    # Given the captured REQUEST authorizer event, When parsed
    event = AuthorizerEvent.model_validate(load_event("websocket-authorizer-request"))
    # Then its header lookup is case-insensitive and the method ARN is kept
    assert event.header("authorization") == "Leo"
    assert event.method_arn.endswith("/$connect")


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("websocket-connect", ConnectEvent),
        ("websocket-message", MessageEvent),
        ("websocket-disconnect", DisconnectEvent),
    ],
)
def test_real_route_events_parse(name: str, model: type[MessageEvent] | type[DisconnectEvent]) -> None:
    # Given a captured route event, When parsed with the handler's model
    event = model.model_validate(load_event(name))
    # Then the connection id survives and no authorizer means no user
    assert event.request_context.connection_id.endswith("=")
    assert event.request_context.user_id is None
