"""Export and delete my account, on the local stack: one download of everything, then nothing of theirs anywhere."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

import jwt
import pytest

from devtools.bootstrap import client, create_user, generate_password, sign_in
from shared.rest import paths
from shared.tables import ALL_TABLES
from tests.restclient import rest
from tests.stackclient import ask, collect, dynamodb_table, open_ws, token_for

#: Every table the product defines: a table added later is searched too.
TABLES = tuple(definition.setting for definition in ALL_TABLES)


def _person(endpoints: dict[str, Any]) -> tuple[str, str, str]:
    """A fresh confirmed user: (username, password, access token)."""
    username, password = f"acct-{uuid.uuid4().hex[:10]}@motivator.local", generate_password()
    create_user(endpoints["cognito_url"], endpoints["region"], endpoints["user_pool_id"], username, password)
    return username, password, token_for(endpoints, username, password)


def _sub(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["sub"])


async def _converse(endpoints: dict[str, Any], token: str) -> dict[str, Any]:
    """Two conversations over the WebSocket, one answer given feedback and its verse shared, one message over REST."""
    ws = await open_ws(endpoints, token)
    first = await ask(ws, "I feel lonely since I moved to a new city.")
    session = first.of("ack")[0]["sessionId"]
    message_id = first.of("ack")[0]["messageId"]
    await ask(ws, "Work is *so* stressful <b>today</b>.", sessionId=session)
    await ws.send(
        json.dumps(
            {"action": "feedback", "sessionId": session, "messageId": message_id, "helpful": True, "comment": "Kind"}
        )
    )
    await collect(ws, until={"feedbackRecorded"})
    await ws.send(json.dumps({"action": "shareVerse", "messageId": message_id, "line": "For my *sister*"}))
    share = (await collect(ws, until={"verseShared"})).of("verseShared")[0]["share"]
    second = await ask(ws, "I'm grateful for my sister.")
    await ws.close()
    rest_answer = rest(endpoints, "POST", paths.CHAT, token, {"message": "I'm anxious about tomorrow."}).body
    return {
        "sessions": {session, second.of("ack")[0]["sessionId"], rest_answer["session_id"]},
        "messages": {message_id, second.of("ack")[0]["messageId"], rest_answer["message_id"]},
        "verse": first.of("meta")[0]["verse"],
        "share": share,
    }


def _everything(endpoints: dict[str, Any]) -> list[str]:
    """Every item of every table, as JSON text."""
    found = []
    for setting in TABLES:
        table = dynamodb_table(endpoints, setting)
        scan: dict[str, Any] = table.scan()
        items = scan["Items"]
        while "LastEvaluatedKey" in scan:
            scan = table.scan(ExclusiveStartKey=scan["LastEvaluatedKey"])
            items += scan["Items"]
        found += [json.dumps(item, default=str) for item in items]
    return found


async def test_export_is_one_download_with_every_conversation_feedback_and_verse_in_json_and_markdown(
    endpoints: dict[str, Any],
) -> None:
    """Given a person with three conversations (WebSocket and REST) and feedback on one answer
    When they download their export
    Then it is one zip holding JSON and Markdown with every conversation, the verses, the feedback, and only theirs."""
    _, _, token = _person(endpoints)
    other_token = _person(endpoints)[2]
    mine = await _converse(endpoints, token)
    rest(endpoints, "POST", paths.CHAT, other_token, {"message": "Someone else's private words."})
    download = httpx_get(endpoints, paths.ACCOUNT_EXPORT, token)
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    assert download.headers["content-disposition"].startswith('attachment; filename="motivator-export-')
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert sorted(archive.namelist()) == ["motivator-export.json", "motivator-export.md"]
    document = json.loads(archive.read("motivator-export.json"))
    assert {c["session_id"] for c in document["conversations"]} == mine["sessions"]
    assert sum(len(c["turns"]) for c in document["conversations"]) == 4
    (feedback,) = document["feedback"]
    assert feedback["helpful"] is True and feedback["comment"] == "Kind" and feedback["message_id"] in mine["messages"]
    text = archive.read("motivator-export.md").decode()
    assert mine["verse"]["reference"] in text and "I feel lonely since I moved to a new city." in text
    # The person's words are shown as typed: no Markdown emphasis or HTML out of them
    assert r"\*so\*" in text and r"\<b\>" in text
    assert "Someone else's private words." not in json.dumps(document) + text
    # And the share link is in it, its line as typed (escaped in the Markdown), without the verse text
    (share,) = document["shares"]
    assert share["shareId"] == mine["share"]["shareId"] and share["line"] == "For my *sister*"
    assert "text" not in share and r"For my \*sister\*" in text


def test_delete_needs_the_confirmation_and_a_token(endpoints: dict[str, Any]) -> None:
    """Given a signed-in person
    When they ask to delete without typing the confirmation, or without a token
    Then nothing is deleted: a coded 400 with a sentence, and the gateway's 401."""
    _, _, token = _person(endpoints)
    unconfirmed = rest(endpoints, "DELETE", paths.ACCOUNT, token, {"confirm": "yes"})
    anonymous = rest(endpoints, "DELETE", paths.ACCOUNT, None, {"confirm": "DELETE"})
    assert (
        unconfirmed.status == 400
        and unconfirmed.body["code"] == "bad_request"
        and "confirm" in unconfirmed.body["message"]
    )
    assert anonymous.status == 401
    assert rest(endpoints, "POST", paths.CHAT, token, {"message": "Still here, I feel hopeful."}).status == 200


async def test_deleting_the_account_leaves_nothing_of_theirs_in_any_table_and_removes_the_sign_in(
    endpoints: dict[str, Any],
) -> None:
    """Given a person with conversations, feedback, a rate-limit bucket, today's allowance and an open connection,
    and another person with their own conversation
    When the person confirms "delete my account"
    Then no item of any table mentions them, their ids or their answers; they cannot sign in; the other keeps theirs."""
    username, password, token = _person(endpoints)
    other = _person(endpoints)
    mine = await _converse(endpoints, token)
    theirs = rest(endpoints, "POST", paths.CHAT, other[2], {"message": "I'm hopeful about the spring."}).body
    still_open = await open_ws(endpoints, token)
    sub = _sub(token)
    before = _everything(endpoints)
    assert any(sub in item for item in before) and any(m in item for m in mine["messages"] for item in before)
    assert any(sub in item and "connectionId" in item for item in before)
    assert sum(mine["share"]["shareId"] in item for item in before) == 2  # the public item and the owner's
    assert rest(endpoints, "GET", paths.share_path(mine["share"]["shareId"])).status == 200

    deleted = rest(endpoints, "DELETE", paths.ACCOUNT, token, {"confirm": "DELETE"})
    ids = {sub, *mine["sessions"], *mine["messages"], mine["share"]["shareId"]}
    # (read while the connection is still open: its record goes with the account, not with $disconnect)
    leftovers = [item for item in _everything(endpoints) if any(i in item for i in ids)]
    await still_open.close()

    assert deleted.status == 200 and deleted.body == {"deleted": True, "sessions": 3, "turns": 4}
    assert leftovers == []
    # And the link no longer opens for anyone
    assert rest(endpoints, "GET", paths.share_path(mine["share"]["shareId"])).status == 404
    cognito = client("cognito-idp", endpoints["cognito_url"], endpoints["region"])
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=endpoints["user_pool_id"], Username=username)
    with pytest.raises(Exception, match=r"UserNotFound|NotAuthorized"):
        sign_in(endpoints["cognito_url"], endpoints["region"], endpoints["client_id"], username, password)
    # And the other person's conversation is untouched
    assert any(theirs["message_id"] in item for item in _everything(endpoints))
    # And asking again (a retry after a dropped reply) is not an error
    again = rest(endpoints, "DELETE", paths.ACCOUNT, token, {"confirm": "DELETE"})
    assert again.status == 200 and again.body["sessions"] == 0


def httpx_get(endpoints: dict[str, Any], path: str, token: str) -> Any:
    import httpx

    return httpx.get(endpoints["http_api_url"] + path, headers={"Authorization": f"Bearer {token}"}, timeout=60)
