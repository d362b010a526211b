"""A client that leaves mid-answer, the events the emulator emits, and what the logs never contain."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayWebSocketConnectEventModel,
    APIGatewayWebSocketDisconnectEventModel,
    APIGatewayWebSocketMessageEventModel,
)

from devtools.stack import LocalStack
from shared.events import AuthorizerEvent
from tests.stackclient import ask, bedrock, collect, dynamodb_table, open_ws, send_message_frame


def _events(endpoints: dict[str, Any]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(endpoints["event_log"]).read_text().splitlines()]


async def test_client_leaving_mid_answer_stops_the_posting(
    stack: LocalStack, endpoints: dict[str, Any], demo_token: str
) -> None:
    # Given a slow answer streaming to a client
    bedrock(endpoints, "/_faults", {"token_delay_ms": 40})
    ws = await open_ws(endpoints, demo_token)
    await ws.send(send_message_frame("I am grieving my grandmother who passed away last month."))
    first = await collect(ws, until={"delta"})
    ack = first.of("ack")[0]
    connection_posts = [e for e in _events(endpoints) if e["kind"] == "post" and ack["messageId"] in e.get("data", "")]
    connection_id = connection_posts[0]["connectionId"]

    # When the client disconnects after the first delta
    await ws.close()
    await asyncio.sleep(2.0)

    # Then the handler stopped posting after the first refused post
    posts = [e for e in _events(endpoints) if e["kind"] == "post" and e["connectionId"] == connection_id]
    refused = [p for p in posts if p["status"] == 410]
    assert len(refused) <= 1
    assert not any('"type":"done"' in p["data"] for p in posts)
    # And logged one line about it, with no traceback
    log = stack.log_path("gateway").read_text()
    gone_lines = [line for line in log.splitlines() if "client gone" in line and connection_id in line]
    assert len(refused) == len(gone_lines)
    assert "Traceback" not in log
    # And the connection record is gone
    table = dynamodb_table(endpoints, "connections_table")
    assert "Item" not in table.get_item(Key={"connectionId": connection_id})


async def test_every_emitted_event_validates_against_powertools_models(
    endpoints: dict[str, Any], demo_token: str
) -> None:
    # Given a connection that connects, sends, and disconnects
    ws = await open_ws(endpoints, demo_token)
    await ask(ws, "I'm joyful, my sister had her baby!")
    await ws.close()
    await asyncio.sleep(0.5)
    # When we read every event the emulator emitted
    events = [e for e in _events(endpoints) if e["kind"] == "event"]
    routes = {e["route"] for e in events}
    assert {"$authorizer", "$connect", "sendMessage", "$disconnect"} <= routes
    # Then each validates against the Powertools WebSocket model of its kind
    for record in events:
        event = record["event"]
        if record["route"] == "$authorizer":
            AuthorizerEvent.model_validate(event)
        elif record["route"] == "$connect":
            APIGatewayWebSocketConnectEventModel.model_validate(event)
        elif record["route"] == "$disconnect":
            APIGatewayWebSocketDisconnectEventModel.model_validate(event)
        else:
            APIGatewayWebSocketMessageEventModel.model_validate(event)
        context = event["requestContext"]
        assert len(context["connectionId"]) == 16 and context["connectionId"].endswith("=")
        assert context["requestTime"].endswith("+0000") and isinstance(context["requestTimeEpoch"], int)


async def test_logs_never_contain_tokens_passwords_or_message_text(
    stack: LocalStack, endpoints: dict[str, Any], demo_token: str
) -> None:
    # Given a conversation with a success, a bad frame and a refused token
    secret_text = "my-very-private-sentence-about-zebra-feelings"
    ws = await open_ws(endpoints, demo_token)
    await ask(ws, f"I feel anxious, {secret_text}")
    await ws.send(json.dumps({"action": "sendMessage", "message": "", "clientMessageId": secret_text}))
    await collect(ws, until={"error"})
    await ws.send(f"not json {secret_text}")
    await collect(ws, until={"error"})
    await ws.close()
    try:
        bad = await open_ws(endpoints, demo_token[:-4] + "AAAA")
        await bad.close()
    except Exception:
        pass
    bedrock(endpoints, "/_faults", {"unavailable": 20})
    ws = await open_ws(endpoints, demo_token)
    await ask(ws, f"stressed {secret_text}")
    await ws.close()
    await asyncio.sleep(0.5)

    # When we read every log line of every process of the stack
    logs = "\n".join(p.read_text(errors="replace") for p in Path(endpoints["logs_dir"]).glob("*.log"))
    # Then no token fragment, password or message text appears
    _, payload, signature = demo_token.split(".")
    for fragment in (payload[:24], signature[:24], signature[-24:], endpoints["demo_password"], secret_text):
        assert fragment not in logs
