"""Verse capabilities on the local stack (issue 17): the person's translation, kept server-side and used everywhere."""

from __future__ import annotations

import json
from typing import Any

from shared.engine.scripture import get_catalogue
from tests.stackclient import ask, collect, open_ws


async def _request(ws: Any, frame: dict[str, Any], until: set[str]) -> dict[str, Any]:
    await ws.send(json.dumps(frame))
    return (await collect(ws, until=until | {"error"})).frames[-1]


async def test_a_chosen_translation_shows_every_verse_in_it_history_included(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    token = new_user()
    ws = await open_ws(endpoints, token)
    # Given a new person, who reads the default (WEB), and an answer they got in it
    settings = await _request(ws, {"action": "settings"}, {"settings"})
    assert settings.get("translation") == "WEB", settings
    assert [t["code"] for t in settings["translations"]][:1] == ["WEB"]
    first = await ask(ws, "I feel so anxious about my exam tomorrow.")
    session_id = first.of("ack")[0]["sessionId"]
    before = first.of("meta")[0]["verse"]
    assert before["translation"] == "WEB"

    # When they choose the King James Version in settings
    changed = await _request(ws, {"action": "settings", "translation": "kjv"}, {"settings"})
    assert changed["translation"] == "KJV"
    await ws.close()

    # Then on a new connection the choice is still theirs
    ws = await open_ws(endpoints, token)
    assert (await _request(ws, {"action": "settings"}, {"settings"}))["translation"] == "KJV"
    # And the next answer's meta carries the verse in the KJV, with the KJV's own words
    second = await ask(ws, "Still worried about the results.", sessionId=session_id)
    verse = second.of("meta")[0]["verse"]
    kjv = get_catalogue().resolve(verse["reference"], "KJV")
    assert kjv is not None and verse == {"reference": kjv.reference, "text": kjv.text, "translation": "KJV"}
    # And history shows the earlier answer's verse (stored in the WEB) in the KJV too, same reference
    page = await _request(ws, {"action": "history", "sessionId": session_id}, {"history"})
    shown = page["items"][0]["verse"]
    assert shown["reference"] == before["reference"] and shown["translation"] == "KJV"
    assert shown["text"] != before["text"]
    await ws.close()


async def test_an_unknown_translation_is_refused_with_a_coded_error_and_nothing_changes(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    ws = await open_ws(endpoints, new_user())
    # Given a person who chose the ASV
    await _request(ws, {"action": "settings", "translation": "ASV"}, {"settings"})
    # When a client asks for a translation that is not offered
    error = await _request(ws, {"action": "settings", "translation": "NIV", "clientMessageId": "t-1"}, {"settings"})
    # Then it gets bad_request naming the offered ones, for that request
    assert error["type"] == "error" and error["code"] == "bad_request" and error["clientMessageId"] == "t-1"
    assert "WEB, KJV, ASV, BBE, YLT" in error["message"]
    # And the earlier choice stands
    assert (await _request(ws, {"action": "settings"}, {"settings"}))["translation"] == "ASV"
    await ws.close()


async def test_a_crisis_answer_comes_in_the_chosen_translation_and_keeps_its_resources(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    ws = await open_ws(endpoints, new_user())
    # Given a person who reads Young's Literal Translation
    await _request(ws, {"action": "settings", "translation": "YLT"}, {"settings"})
    # When they write that they want to end their life
    answer = await ask(ws, "I want to kill myself tonight.")
    # Then the crisis answer still comes first with its resources, and its gentle verse is in the YLT
    meta = answer.of("meta")[0]
    assert meta["safety"] == "crisis" and meta["resources"]
    assert meta["verse"]["translation"] == "YLT"
    await ws.close()


def test_the_terminal_client_changes_the_translation_with_a_command(endpoints: dict[str, Any], stack: Any) -> None:
    import os
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    from devtools.bootstrap import create_user, generate_password

    # Given a person signed in to the terminal client
    username, password = f"cli-{uuid.uuid4().hex[:8]}@motivator.local", generate_password()
    create_user(endpoints["cognito_url"], endpoints["region"], endpoints["user_pool_id"], username, password)
    command = [str(Path(sys.executable).parent / "motivator"), "chat", "--state-dir", str(stack.state_dir)]
    command += ["--username", username, "--password", password]
    # When they ask for another verse too early, for a translation that is not offered, then for the KJV, then write
    # how they feel and ask for another verse
    stdin = "/another\n/translation NIV\n/translation kjv\nI feel anxious about my exam tomorrow.\n/another\n"
    stdin += "/save\n/saved\n\n"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60, env=env)
    # Then the first is refused with the offered codes, the second confirmed, and the answer's verse is in the KJV
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "! That translation is not offered; choose one of WEB, KJV, ASV, BBE, YLT." in out
    assert "Nothing to do that with yet; write how you feel first." in out
    assert "Verses are shown in the King James Version (KJV)." in out
    answers = out.split("you> ")
    assert "(KJV)\n" in answers[4] and "[end_turn," in answers[4]
    # And /another streams a second answer with a different verse, in the KJV too
    references = [part.split("] ", 1)[1].split(" (KJV)")[0] for part in answers[4:6]]
    assert "[end_turn," in answers[5] and len(set(references)) == 2, references
    # And /save keeps that second verse, which /saved lists with its feeling
    assert "Saved this answer's verse; /saved lists them." in answers[6]
    assert f"  {references[1]} (KJV), for feeling anxious: \u201c" in answers[7]


async def test_the_verse_of_the_day_is_todays_in_the_persons_translation(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    from shared.engine.daily import today, verse_of_the_day

    ws = await open_ws(endpoints, new_user())
    # Given a person who reads the ASV
    await _request(ws, {"action": "settings", "translation": "ASV"}, {"settings"})
    # When their client asks for the verse of the day, and for it in the YLT
    own = await _request(ws, {"action": "verseOfTheDay"}, {"verseOfTheDay"})
    ylt = await _request(ws, {"action": "verseOfTheDay", "translation": "ylt"}, {"verseOfTheDay"})
    # Then it is today's (UTC) verse, the same for everyone, in the ASV, and then in the YLT
    day = today()
    expected = verse_of_the_day(day, "ASV")
    assert own["day"] == day.isoformat()
    assert own["verse"] == {"reference": expected.reference, "text": expected.text, "translation": "ASV"}
    assert ylt["verse"]["reference"] == expected.reference and ylt["verse"]["translation"] == "YLT"
    await ws.close()


async def _another(ws: Any, message_id: str, cmid: str) -> Any:
    await ws.send(json.dumps({"action": "anotherVerse", "messageId": message_id, "clientMessageId": cmid}))
    return await collect(ws, until={"done", "error"})


async def test_another_verse_streams_a_new_answer_beside_the_first_with_a_verse_not_shown(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    ws = await open_ws(endpoints, new_user())
    # Given an answer
    first = await ask(ws, "I feel so lonely since I moved to this city.")
    ack = first.of("ack")[0]
    # When the person asks for another verse for it, twice
    second = await _another(ws, ack["messageId"], "another-1")
    third = await _another(ws, ack["messageId"], "another-2")
    # Then each streams like an answer (ack, meta, deltas, done) in the same conversation, naming the first
    for answer in (second, third):
        assert answer.types[:2] == ["ack", "meta"] and answer.types[-1] == "done" and "delta" in answer.types
        assert answer.of("ack")[0]["sessionId"] == ack["sessionId"]
        assert answer.of("ack")[0]["siblingOf"] == ack["messageId"]
    # And no verse repeats
    references = [a.of("meta")[0]["verse"]["reference"] for a in (first, second, third)]
    assert len(set(references)) == 3, references
    # And history keeps all three, the later two marked as siblings of the first
    page = await _request(ws, {"action": "history", "sessionId": ack["sessionId"]}, {"history"})
    assert [item.get("siblingOf") for item in page["items"]] == [None, ack["messageId"], ack["messageId"]]
    assert [item["verse"]["reference"] for item in page["items"]] == references
    # And asking again under the same key replays the same answer
    resent = await _another(ws, ack["messageId"], "another-1")
    assert resent.of("ack")[0]["messageId"] == second.of("ack")[0]["messageId"] and resent.text == second.text
    await ws.close()


async def test_another_verse_of_a_crisis_answer_keeps_the_crisis_care(endpoints: dict[str, Any], new_user: Any) -> None:
    ws = await open_ws(endpoints, new_user())
    # Given a crisis answer
    first = await ask(ws, "I want to kill myself tonight.")
    assert first.of("meta")[0]["safety"] == "crisis"
    # When another verse is asked for it
    again = await _another(ws, first.of("ack")[0]["messageId"], "crisis-again")
    # Then the resources come first again, with a different gentle verse
    meta = again.of("meta")[0]
    assert meta["safety"] == "crisis" and meta["resources"]
    assert meta["verse"]["reference"] != first.of("meta")[0]["verse"]["reference"]
    await ws.close()


async def test_another_verse_without_a_key_or_for_someone_elses_answer_is_refused(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    owner, stranger = await open_ws(endpoints, new_user()), await open_ws(endpoints, new_user())
    first = await ask(owner, "I'm stressed about work.")
    message_id = first.of("ack")[0]["messageId"]
    # When it is asked for without a clientMessageId
    missing = await _request(owner, {"action": "anotherVerse", "messageId": message_id}, set())
    # Then it is a bad_request naming the field
    assert missing["code"] == "bad_request" and "clientMessageId" in missing["message"]
    # And another person asking for another verse of this answer gets not_found, as if it did not exist
    refused = (await _another(stranger, message_id, "not-mine")).frames[-1]
    assert refused["code"] == "not_found" and refused["clientMessageId"] == "not-mine"
    await owner.close()
    await stranger.close()


async def test_saved_verses_are_listed_newest_first_in_pages_with_their_feeling_and_can_be_removed(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    ws = await open_ws(endpoints, new_user())
    # Given three answers, the person saving the verse of each (the first twice)
    answers = [await ask(ws, "I feel so anxious about my exam tomorrow.")]
    session_id = answers[0].of("ack")[0]["sessionId"]
    for text in ("I'm grateful for my friends today.", "I feel so lonely since I moved here."):
        answers.append(await ask(ws, text, sessionId=session_id))
    ids = [a.of("ack")[0]["messageId"] for a in answers]
    for message_id in [ids[0], *ids]:
        saved = await _request(ws, {"action": "saveVerse", "messageId": message_id}, {"verseSaved"})
        assert saved["type"] == "verseSaved" and saved["saved"] is True and saved["savedAt"] > 0
    # When the Saved list is read two at a time
    first = await _request(ws, {"action": "savedVerses", "limit": 2}, {"savedVerses"})
    rest = await _request(ws, {"action": "savedVerses", "limit": 2, "cursor": first["cursor"]}, {"savedVerses"})
    # Then it holds each verse once, newest first, with its feeling, dates and text, and the pages end
    items = first["items"] + rest["items"]
    assert [i["messageId"] for i in items] == ids[::-1] and rest.get("cursor") is None
    metas = {a.of("ack")[0]["messageId"]: a.of("meta")[0] for a in answers}
    for item in items:
        meta = metas[item["messageId"]]
        assert item["emotion"] == meta["emotion"] and item["verse"] == meta["verse"]
        assert item["savedAt"] >= item["answeredAt"] > 0
    # And history marks the saved answers
    page = await _request(ws, {"action": "history", "sessionId": session_id}, {"history"})
    assert [t.get("verseSaved") for t in page["items"]] == [True, True, True]
    # When one is removed, Then it is gone from the list; removing it again is not_found
    removed = await _request(ws, {"action": "saveVerse", "messageId": ids[1], "saved": False}, {"verseSaved"})
    assert removed["saved"] is False
    listed = await _request(ws, {"action": "savedVerses"}, {"savedVerses"})
    assert [i["messageId"] for i in listed["items"]] == [ids[2], ids[0]]
    again = await _request(ws, {"action": "saveVerse", "messageId": ids[1], "saved": False}, {"verseSaved"})
    assert again["code"] == "not_found"
    # And after choosing the KJV, the Saved list shows the verses in it
    await _request(ws, {"action": "settings", "translation": "KJV"}, {"settings"})
    listed = await _request(ws, {"action": "savedVerses"}, {"savedVerses"})
    assert {i["verse"]["translation"] for i in listed["items"]} == {"KJV"}
    await ws.close()


async def test_saving_someone_elses_answer_or_a_bad_cursor_is_refused(endpoints: dict[str, Any], new_user: Any) -> None:
    owner, stranger = await open_ws(endpoints, new_user()), await open_ws(endpoints, new_user())
    answer = await ask(owner, "I'm stressed about work.")
    # When another person tries to save that answer's verse
    refused = await _request(
        stranger, {"action": "saveVerse", "messageId": answer.of("ack")[0]["messageId"], "clientMessageId": "s1"}, set()
    )
    # Then it is not_found, for that request, and their list stays empty
    assert refused["code"] == "not_found" and refused["clientMessageId"] == "s1"
    assert (await _request(stranger, {"action": "savedVerses"}, {"savedVerses"}))["items"] == []
    # And a cursor the server never handed out is a bad_request
    bad = await _request(stranger, {"action": "savedVerses", "cursor": "bm90LWEtY3Vyc29y"}, {"savedVerses"})
    assert bad["code"] == "bad_request"
    await owner.close()
    await stranger.close()


async def test_saved_verses_and_settings_are_exported_and_deleted_with_the_account(
    endpoints: dict[str, Any], new_user: Any
) -> None:
    import jwt

    from shared.profiles import ProfileRepository
    from shared.saved_verses import SavedVerseRepository
    from tests.stackclient import dynamodb_table

    token = new_user()
    user_id = jwt.decode(token, options={"verify_signature": False})["sub"]
    ws = await open_ws(endpoints, token)
    # Given a person who chose the YLT and saved two verses
    await _request(ws, {"action": "settings", "translation": "YLT"}, {"settings"})
    first = await ask(ws, "I feel so anxious about my exam tomorrow.")
    second = await ask(ws, "I'm grateful for my friends today.")
    for answer in (first, second):
        await _request(ws, {"action": "saveVerse", "messageId": answer.of("ack")[0]["messageId"]}, {"verseSaved"})
    await ws.close()
    table = dynamodb_table(endpoints, "conversations_table")
    saved, profiles = SavedVerseRepository(table), ProfileRepository(table)
    # When their account's data is exported (what account export calls)
    exported = saved.export(user_id)
    # Then it holds both saved verses, newest first, with reference and feeling, and the translation chosen
    assert [e["messageId"] for e in exported] == [second.of("ack")[0]["messageId"], first.of("ack")[0]["messageId"]]
    assert exported[1]["reference"] == first.of("meta")[0]["verse"]["reference"] and exported[1]["emotion"]
    assert profiles.export(user_id) == {"translation": "YLT"}
    # When the account is deleted (what account deletion calls), Then nothing of either is left
    assert saved.delete_all(user_id) == 2
    profiles.delete(user_id)
    assert saved.export(user_id) == [] and profiles.translation(user_id) == "WEB"
