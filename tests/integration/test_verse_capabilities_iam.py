"""The verse capabilities on the stack built from the synthesized CDK templates: each function holds only its role's
policy (IAM enforced locally), and with it every verse route does its job, so CDK and the local wiring agree."""

from __future__ import annotations

import json
from typing import Any

import httpx

from shared.rest import paths
from tests.stackclient import ask, collect, open_ws, token_for


async def _request(ws: Any, frame: dict[str, Any], until: set[str]) -> dict[str, Any]:
    await ws.send(json.dumps(frame))
    return (await collect(ws, until=until | {"error"})).frames[-1]


async def test_with_the_templates_policies_every_verse_route_does_its_job(cdk_endpoints: dict[str, Any]) -> None:
    # Given the demo user on the template-driven stack (the pool there takes no admin calls but the bootstrap's)
    ws = await open_ws(cdk_endpoints, token_for(cdk_endpoints))
    try:
        await _every_verse_route(ws, cdk_endpoints)
    finally:  # the demo user is shared with the other template-driven tests: back to the default translation
        await _request(ws, {"action": "settings", "translation": "WEB"}, {"settings"})
        await ws.close()


async def _every_verse_route(ws: Any, endpoints: dict[str, Any]) -> None:
    # When they use every verse route; Then each answers as it should (no AccessDenied turned into an error)
    assert (await _request(ws, {"action": "settings", "translation": "ASV"}, {"settings"}))["translation"] == "ASV"
    daily = await _request(ws, {"action": "verseOfTheDay"}, {"verseOfTheDay"})
    assert daily["type"] == "verseOfTheDay" and daily["verse"]["translation"] == "ASV"
    first = await ask(ws, "I feel anxious about my exam tomorrow.")
    message_id = first.of("ack")[0]["messageId"]
    assert first.of("meta")[0]["verse"]["translation"] == "ASV"
    await ws.send(json.dumps({"action": "anotherVerse", "messageId": message_id, "clientMessageId": "iam-1"}))
    again = await collect(ws, until={"done", "error"})
    assert again.types[-1] == "done" and again.of("ack")[0]["siblingOf"] == message_id
    saved = await _request(ws, {"action": "saveVerse", "messageId": message_id}, {"verseSaved"})
    assert saved["type"] == "verseSaved" and saved["saved"] is True
    listed = await _request(ws, {"action": "savedVerses"}, {"savedVerses"})
    assert [i["messageId"] for i in listed["items"]] == [message_id]
    page = await _request(ws, {"action": "history", "sessionId": first.of("ack")[0]["sessionId"]}, {"history"})
    assert page["type"] == "history" and page["items"][0].get("verseSaved") is True
    removed = await _request(ws, {"action": "saveVerse", "messageId": message_id, "saved": False}, {"verseSaved"})
    assert removed["type"] == "verseSaved" and removed["saved"] is False
    # And the share routes: make a link, list it, revoke it (two items in one transaction each time)
    shared = await _request(ws, {"action": "shareVerse", "messageId": message_id, "line": "IAM"}, {"verseShared"})
    assert shared["type"] == "verseShared" and shared["share"]["line"] == "IAM", shared
    links = await _request(ws, {"action": "sharedVerses"}, {"sharedVerses"})
    assert shared["share"]["shareId"] in [i["shareId"] for i in links["items"]]
    # And the public page and card open, signed out, through the template's HTTP API and the REST function's role
    for path in (paths.share_path(shared["share"]["shareId"]), paths.share_card_path(shared["share"]["shareId"])):
        assert httpx.get(endpoints["http_api_url"] + path, timeout=60).status_code == 200, path
    revoked = await _request(ws, {"action": "revokeShare", "shareId": shared["share"]["shareId"]}, {"shareRevoked"})
    assert revoked["type"] == "shareRevoked", revoked
