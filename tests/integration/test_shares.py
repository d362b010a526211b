"""Share links on the local stack (issue 17 item 3): a public page of one answer's verse, revocable, with a card."""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
from PIL import Image

from shared import limits
from shared.card import HEIGHT, WIDTH
from shared.engine.scripture import get_catalogue
from shared.rest import paths
from tests.stackclient import ask, collect, open_ws


async def _request(ws: Any, frame: dict[str, Any], until: set[str]) -> dict[str, Any]:
    await ws.send(json.dumps(frame))
    return (await collect(ws, until=until | {"error"})).frames[-1]


def _public(endpoints: dict[str, Any], path: str) -> httpx.Response:
    """A signed-out reader's request: no token at all."""
    return httpx.get(endpoints["http_api_url"] + path, timeout=60)


async def test_a_shared_verse_opens_for_anyone_without_the_conversation_until_it_is_revoked(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    ws = await open_ws(endpoints, new_user())
    # Given a person who reads the KJV and an answer to something private
    await _request(ws, {"action": "settings", "translation": "KJV"}, {"settings"})
    answer = await ask(ws, "My secret worry about my marriage keeps me awake.")
    message_id = answer.of("ack")[0]["messageId"]
    reference = answer.of("meta")[0]["verse"]["reference"]

    # When they share its verse with a line
    shared = await _request(
        ws, {"action": "shareVerse", "messageId": message_id, "line": "  For you, Mum  "}, {"verseShared"}
    )
    # Then they get a link to /s/<id>, with the verse in their translation and the line trimmed
    share = shared["share"]
    assert shared["type"] == "verseShared" and shared["messageId"] == message_id
    assert share["path"] == f"/s/{share['shareId']}" and len(share["shareId"]) >= 22
    kjv = get_catalogue().resolve(reference, "KJV")
    assert kjv is not None and share["verse"] == {"reference": reference, "text": kjv.text, "translation": "KJV"}
    assert share["line"] == "For you, Mum"
    # And it is among their links
    listed = await _request(ws, {"action": "sharedVerses"}, {"sharedVerses"})
    assert [i["shareId"] for i in listed["items"]] == [share["shareId"]]

    # And anyone, signed out, reads the verse and the line, and nothing of the conversation
    page = _public(endpoints, paths.share_path(share["shareId"]))
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["reference"] == reference and body["text"] == kjv.text and body["translation"] == "KJV"
    assert body["translation_name"] == "King James Version" and body["line"] == "For you, Mum"
    assert "marriage" not in page.text and answer.text[:40] not in page.text
    assert page.headers["cache-control"] == f"public, max-age={limits.SHARE_CACHE_MAX_AGE_S}"
    # And the card is a 1200x630 PNG
    card = _public(endpoints, paths.share_card_path(share["shareId"]))
    assert card.status_code == 200 and card.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(card.content))
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)

    # When they stop sharing it
    revoked = await _request(ws, {"action": "revokeShare", "shareId": share["shareId"]}, {"shareRevoked"})
    assert revoked == {"type": "shareRevoked", "shareId": share["shareId"]}
    # Then the page and the card are 404 with a coded sentence, and the link is no longer listed
    for path in (paths.share_path(share["shareId"]), paths.share_card_path(share["shareId"])):
        gone = _public(endpoints, path)
        assert gone.status_code == 404 and gone.json()["code"] == "not_found"
        assert "no longer shared" in gone.json()["message"]
    assert (await _request(ws, {"action": "sharedVerses"}, {"sharedVerses"}))["items"] == []
    # And revoking again (a retried request) says the same, not an error
    again = await _request(ws, {"action": "revokeShare", "shareId": share["shareId"]}, {"shareRevoked"})
    assert again["type"] == "shareRevoked"
    await ws.close()


async def test_only_the_persons_own_answers_and_links_and_bad_lines_get_coded_errors(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    # Given two people, each with an answer, and the first with a link
    mine = await open_ws(endpoints, new_user())
    theirs = await open_ws(endpoints, new_user())
    my_answer = (await ask(mine, "I feel grateful for this morning.")).of("ack")[0]["messageId"]
    their_answer = (await ask(theirs, "I feel lonely tonight.")).of("ack")[0]["messageId"]
    my_link = (await _request(mine, {"action": "shareVerse", "messageId": my_answer}, {"verseShared"}))["share"]
    assert "line" not in my_link

    # When the second shares the first's answer, or revokes the first's link, or an unknown one
    cases = [
        (theirs, {"action": "shareVerse", "messageId": my_answer, "clientMessageId": "s-1"}, "not_found"),
        (theirs, {"action": "revokeShare", "shareId": my_link["shareId"], "clientMessageId": "s-2"}, "not_found"),
        (mine, {"action": "revokeShare", "shareId": "nope-not-a-share", "clientMessageId": "s-3"}, "not_found"),
        # Or a line is too long, or holds a new line or another control character
        (
            mine,
            {"action": "shareVerse", "messageId": my_answer, "line": "x" * (limits.SHARE_LINE_MAX_CHARS + 1)},
            "bad_request",
        ),
        (mine, {"action": "shareVerse", "messageId": my_answer, "line": "two\nlines"}, "bad_request"),
        (mine, {"action": "shareVerse", "messageId": my_answer, "line": "bell\x07"}, "bad_request"),
        (mine, {"action": "shareVerse", "messageId": my_answer, "line": 5}, "bad_request"),
    ]
    for ws, frame, code in cases:
        error = await _request(ws, frame, {"verseShared", "shareRevoked"})
        # Then each is refused with its code and a sentence, naming the request
        assert error["type"] == "error" and error["code"] == code, (frame, error)
        assert error["message"].endswith(".")
        if "clientMessageId" in frame:
            assert error["clientMessageId"] == frame["clientMessageId"]
    too_long = await _request(mine, {"action": "shareVerse", "messageId": my_answer, "line": "y" * 141}, set())
    assert f"under {limits.SHARE_LINE_MAX_CHARS} characters" in too_long["message"]

    # And the first's link still opens, the connections still work, and a line of exactly the limit is fine
    assert _public(endpoints, paths.share_path(my_link["shareId"])).status_code == 200
    fits = "z" * limits.SHARE_LINE_MAX_CHARS
    ok = await _request(theirs, {"action": "shareVerse", "messageId": their_answer, "line": fits}, {"verseShared"})
    assert ok["share"]["line"] == fits
    # And RTL overrides and markup are kept exactly as typed (the clients show them as text)
    hostile = "\u202eevil <script>alert(1)</script> [x](javascript:alert(1))"
    kept = await _request(theirs, {"action": "shareVerse", "messageId": their_answer, "line": hostile}, {"verseShared"})
    assert kept["share"]["line"] == hostile
    assert _public(endpoints, paths.share_path(kept["share"]["shareId"])).json()["line"] == hostile
    await mine.close()
    await theirs.close()


def test_unknown_ids_and_odd_paths_are_a_coded_404_for_a_reader(endpoints: dict[str, Any]) -> None:
    # Given no share with these ids (one not even shaped like an id)
    for share_id in ("A" * 22, "..%2F..%2Fsecret", "x"):
        # When a signed-out reader opens its page or card
        for path in (paths.share_path(share_id), paths.share_card_path(share_id)):
            reply = _public(endpoints, path)
            # Then it is 404 {"code", "message"}
            assert reply.status_code == 404, (path, reply.text)
            assert reply.json()["code"] == "not_found" and reply.json()["message"]


async def test_two_verses_make_two_different_cards(endpoints: dict[str, Any], new_user: Any) -> None:
    ws = await open_ws(endpoints, new_user())
    # Given two answers with different verses
    first = await ask(ws, "I feel anxious about my exam.")
    second = await ask(ws, "I feel so grateful for my friends.")
    assert first.of("meta")[0]["verse"]["reference"] != second.of("meta")[0]["verse"]["reference"]
    # When both are shared
    links = [
        (await _request(ws, {"action": "shareVerse", "messageId": a.of("ack")[0]["messageId"]}, {"verseShared"}))[
            "share"
        ]
        for a in (first, second)
    ]
    # Then their cards are both valid PNGs of the card's size, and they differ
    cards = [_public(endpoints, paths.share_card_path(link["shareId"])).content for link in links]
    assert all(Image.open(io.BytesIO(c)).size == (WIDTH, HEIGHT) for c in cards)
    assert cards[0] != cards[1]
    await ws.close()


def test_the_terminal_client_shares_lists_and_unshares(endpoints: dict[str, Any], stack: Any) -> None:
    import os
    import re
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    from devtools.bootstrap import create_user, generate_password

    # Given a person signed in to the terminal client
    username, password = f"cli-share-{uuid.uuid4().hex[:8]}@motivator.local", generate_password()
    create_user(endpoints["cognito_url"], endpoints["region"], endpoints["user_pool_id"], username, password)
    command = [str(Path(sys.executable).parent / "motivator"), "chat", "--state-dir", str(stack.state_dir)]
    command += ["--username", username, "--password", password]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    def chat(stdin: str) -> str:
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout

    # When they share before any answer, then write how they feel, share it with a line and list their links
    out = chat("/share\nI feel anxious about my exam tomorrow.\n/share For my brother\n/shares\n/unshare\n\n")
    # Then the first is refused, the link is printed with its id and line, and /shares lists it
    assert "Nothing to do that with yet; write how you feel first." in out
    found = re.search(r"Shared: (/s/([A-Za-z0-9_-]+))  \(id \2\)  .+ \u2014 \u201cFor my brother\u201d", out)
    assert found, out
    path, share_id = found.group(1), found.group(2)
    assert out.count(f"{path}  (id {share_id})") == 2
    assert "Say which link: /unshare ID" in out
    assert _public(endpoints, paths.share_path(share_id)).status_code == 200
    # When they stop sharing it in a later session
    out = chat(f"/unshare {share_id}\n/shares\n\n")
    # Then it is confirmed, no longer listed, and its page is gone
    assert f"Stopped sharing {share_id}" in out and "No shared links; /share makes one." in out
    assert _public(endpoints, paths.share_path(share_id)).status_code == 404


async def test_a_crisis_answers_verse_can_be_shared_and_its_page_holds_only_the_verse(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    ws = await open_ws(endpoints, new_user())
    # Given a crisis answer (resources first, a gentle verse)
    answer = await ask(ws, "I want to kill myself tonight.")
    meta = answer.of("meta")[0]
    assert meta["safety"] == "crisis" and meta["resources"]
    # When the person shares its verse
    shared = await _request(
        ws, {"action": "shareVerse", "messageId": answer.of("ack")[0]["messageId"]}, {"verseShared"}
    )
    # Then the link opens with the verse alone: no words of theirs, no answer, no safety level, no resources, no owner
    body = _public(endpoints, paths.share_path(shared["share"]["shareId"])).json()
    assert set(body) == {"reference", "text", "translation", "translation_name", "line", "created_at"}
    assert body["reference"] == meta["verse"]["reference"] and body["line"] is None
    assert "kill" not in json.dumps(body)
    await ws.close()
