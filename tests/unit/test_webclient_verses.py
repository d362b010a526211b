"""The web client's verse capabilities, frame by frame (pure): the translation setting and the verse of the day."""

from __future__ import annotations

from motivator_web.apply import apply
from motivator_web.gateway import parse_frame
from motivator_web.models import DONE, Turn
from motivator_web.verse_view import OFFLINE, choose_translation, probe_settings
from motivator_web.view import ChatView, Send

from shared.protocol import DailyVerse, Error, ErrorCode, SettingsView, Verse


def _sent(effects: list) -> list[dict]:
    return [e.frame for e in effects if isinstance(e, Send)]


def test_connecting_asks_for_the_persons_settings_and_todays_verse() -> None:
    # Given a fresh connection; When the verse capabilities are probed
    view, effects = probe_settings(ChatView())
    # Then the settings and the verse of the day are asked for, each as a pending request
    assert [f["action"] for f in _sent(effects)] == ["settings", "verseOfTheDay"]
    assert [r.action for r in view.pending] == ["settings", "verseOfTheDay"]


def test_the_settings_frame_fills_the_choice_and_the_verse_of_the_day_its_card() -> None:
    # Given the probe sent
    view, _ = probe_settings(ChatView())
    # When the server answers both (as frames off the wire)
    settings = parse_frame(SettingsView(translation="KJV").to_wire())
    daily = parse_frame(
        DailyVerse(day="2026-12-01", verse=Verse(reference="Psalm 34:18", text="…", translation="KJV")).to_wire()
    )
    assert settings is not None and daily is not None
    view, effects = apply(view, settings)
    assert effects == []
    view, _ = apply(view, daily)
    # Then the select knows every offered translation and the chosen one, and the card today's verse
    assert view.translation == "KJV" and [t.code for t in view.translations] == ["WEB", "KJV", "ASV", "BBE", "YLT"]
    assert (view.daily.reference, view.daily.translation, view.daily.day) == ("Psalm 34:18", "KJV", "2026-12-01")
    assert view.pending == ()


def test_choosing_a_translation_sends_it_and_its_confirmation_reloads_the_open_conversation() -> None:
    # Given a person reading the WEB with a conversation open
    turn = Turn(key="m1", question="q", message_id="m1", session_id="s1", status=DONE, reference="Psalm 34:18")
    view = ChatView(turns=[turn], session_id="s1", translation="WEB")
    # When they pick the ASV
    view, effects = choose_translation(view, "asv", online=True)
    assert [(f["action"], f.get("translation")) for f in _sent(effects)] == [("settings", "ASV")]
    # And the server confirms it
    view, effects = apply(view, SettingsView(translation="ASV"))
    # Then today's verse and the open conversation are read again, so every verse shows in the ASV
    assert view.translation == "ASV"
    sent = _sent(effects)
    assert [f["action"] for f in sent] == ["verseOfTheDay", "history"] and sent[1]["sessionId"] == "s1"


def test_picking_the_same_translation_or_picking_offline_sends_nothing() -> None:
    # Given a person reading the KJV
    view = ChatView(translation="KJV")
    # When they pick the KJV again, or the ASV while offline
    same, sent_same = choose_translation(view, "KJV", online=True)
    offline, sent_offline = choose_translation(view, "ASV", online=False)
    # Then nothing is sent; offline they are told why
    assert sent_same == [] and sent_offline == [] and same == view
    assert offline.notice == OFFLINE and offline.translation == "KJV"


def test_a_server_without_the_routes_shows_no_select_and_no_card() -> None:
    # Given the probe sent to an older server
    view, effects = probe_settings(ChatView())
    # When it answers each request with unknown_action
    for frame in _sent(effects):
        error = Error(code=ErrorCode.UNKNOWN_ACTION, message="no", clientMessageId=frame["clientMessageId"])
        view, _ = apply(view, error)
    # Then nothing of them is shown, no notice either, and nothing waits
    assert view.translations == [] and view.daily.reference == "" and view.notice == "" and view.pending == ()


def test_another_verse_asks_again_live_beside_the_answer_and_its_ack_makes_it_a_sibling() -> None:
    from motivator_web.verse_view import another_verse

    from shared.protocol import Ack

    # Given a finished answer on screen
    turn = Turn(key="k1", question="I feel lonely.", message_id="m1", session_id="s1", status=DONE)
    view = ChatView(turns=[turn], session_id="s1")
    # When the person asks for another verse
    view, effects = another_verse(view, "k1", "k2", "GB")
    # Then an anotherVerse for that answer goes out under a new key, and a live turn waits for it
    assert _sent(effects) == [{"action": "anotherVerse", "messageId": "m1", "clientMessageId": "k2", "country": "GB"}]
    assert view.live is not None and (view.live.question, view.live.sibling_of) == ("I feel lonely.", "m1")
    # And the first answer stays in the transcript; the ack makes the live turn the new answer
    view, _ = apply(view, Ack(clientMessageId="k2", messageId="m2", sessionId="s1", siblingOf="m1"))
    assert [t.message_id for t in view.turns] == ["m1"] and view.live is not None and view.live.message_id == "m2"
    # And while it streams, asking again is refused with a sentence
    again, sent = another_verse(view, "k1", "k3", "")
    assert sent == [] and again.notice


def test_saving_marks_the_answer_at_once_and_the_server_confirms_or_corrects_it() -> None:
    from motivator_web.verse_view import toggle_saved

    from shared.protocol import VerseSaved

    # Given a finished answer
    view = ChatView(turns=[Turn(key="k1", message_id="m1", session_id="s1", status=DONE)])
    # When the person saves its verse
    view, effects = toggle_saved(view, "k1", online=True)
    # Then a saveVerse goes out and the answer shows as saved straight away
    assert [(f["action"], f["messageId"], f["saved"]) for f in _sent(effects)] == [("saveVerse", "m1", True)]
    assert view.turns[0].bookmarked is True
    # And the server's word stands (here: it was removed on another device meanwhile)
    view, _ = apply(view, VerseSaved(messageId="m1", saved=False))
    assert view.turns[0].bookmarked is False and view.pending == ()


def test_the_saved_list_reads_page_after_page_and_a_removed_verse_leaves_it() -> None:
    from motivator_web.verse_view import more_saved, open_saved, remove_saved

    from shared.protocol import SavedVersesPage, SavedVerseView

    def item(n: int) -> SavedVerseView:
        verse = Verse(reference=f"Psalm {n}:1", text="…", translation="WEB")
        return SavedVerseView(
            messageId=f"m{n}",
            sessionId="s",
            verse=verse,
            emotion="sad",
            savedAt=1764547200000,
            answeredAt=1764547100000,
        )

    # Given the Saved view opened
    view, effects = open_saved(ChatView(), online=True)
    assert _sent(effects)[0]["action"] == "savedVerses" and view.saved_loading
    # When a first page comes with a cursor, and the person asks for more
    view, _ = apply(view, SavedVersesPage(items=[item(1), item(2)], cursor="c1"))
    assert [s.saved_on for s in view.saved] == ["01 Dec 2025", "01 Dec 2025"] and view.saved[0].emotion == "sad"
    view, effects = more_saved(view)
    assert _sent(effects)[0]["cursor"] == "c1"
    view, _ = apply(view, SavedVersesPage(items=[item(3)], cursor=None))
    # Then the list holds all three in order, with nothing more to read
    assert [s.message_id for s in view.saved] == ["m1", "m2", "m3"] and view.saved_cursor == ""
    # When one is removed, Then it leaves the list at once and the removal goes out
    view, effects = remove_saved(view, "m2", online=True)
    assert [s.message_id for s in view.saved] == ["m1", "m3"]
    assert [(f["action"], f["saved"]) for f in _sent(effects)] == [("saveVerse", False)]


def test_a_refused_save_is_taken_back_and_says_why() -> None:
    from motivator_web.verse_view import toggle_saved

    # Given a save sent for an answer (shown as saved at once)
    view = ChatView(turns=[Turn(key="k1", message_id="m1", session_id="s1", status=DONE)])
    view, effects = toggle_saved(view, "k1", online=True)
    cmid = _sent(effects)[0]["clientMessageId"]
    # When the server refuses it because the person has saved too many
    refused = Error(code=ErrorCode.BAD_REQUEST, message="You have saved 500 verses; remove one.", clientMessageId=cmid)
    view, _ = apply(view, refused)
    # Then the answer is no longer marked, and the server's sentence is shown
    assert view.turns[0].bookmarked is False and view.notice == "You have saved 500 verses; remove one."


def test_a_reconnect_sends_an_unacknowledged_another_verse_again_as_another_verse() -> None:
    from motivator_web.apply import connected
    from motivator_web.verse_view import another_verse

    # Given "another verse" asked while the connection was dropping (never acknowledged)
    turn = Turn(key="k1", question="I feel lonely.", message_id="m1", session_id="s1", status=DONE)
    view, _ = another_verse(ChatView(turns=[turn], session_id="s1"), "k1", "k2", "")
    # When the link reconnects
    _, effects = connected(view)
    # Then it goes out again as anotherVerse under the same key, not as a new message
    resend = [f for f in _sent(effects) if f["action"] != "history"]
    assert resend == [{"action": "anotherVerse", "messageId": "m1", "clientMessageId": "k2"}]
