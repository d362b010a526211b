"""The chat view, frame by frame: apply(view, frame) -> (view, effects), with every frame as it comes off the wire."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from motivator_web import actions
from motivator_web.apply import GATEWAY_TIMEOUT, apply, connected
from motivator_web.gateway import parse_frame
from motivator_web.models import (
    DONE,
    FAILED,
    INTERRUPTED,
    ON_OUR_SIDE,
    SENDING,
    STOPPED,
    STREAMING,
    UNSAVED_NOTE,
    Turn,
)
from motivator_web.view import ChatView, Note, Request, RestoreDraft, ScrollTo, Send, request

from shared.conversation_items import CRISIS_TITLE
from shared.engine.resources import resources_for
from shared.protocol import (
    Ack,
    Delta,
    Done,
    Error,
    ErrorCode,
    FeedbackRecorded,
    History,
    HistoryPage,
    Meta,
    Pong,
    Safety,
    SessionSummary,
    Stop,
    StopReason,
    Timings,
    TurnStatus,
    TurnView,
    Verse,
)

VERSE = Verse(reference="Psalm 34:18", text="Yahweh is near to those who have a broken heart.")


def wire(frame: Any) -> Any:
    """The frame as the web client receives it: serialised by the server's model, parsed by the client."""
    text = json.dumps(frame) if isinstance(frame, dict) else frame.to_wire()
    parsed = parse_frame(text)
    assert parsed is not None
    return parsed


def asking() -> ChatView:
    """A question just sent, not yet acknowledged, in a chat whose server has the conversation routes."""
    live = Turn(key="k1", question="I feel so alone since the move", status=SENDING)
    return ChatView(live=live, history_supported=True, feedback_supported=True, stop_supported=True)


def streaming(text: str = "", seq: int = 0) -> ChatView:
    """The same question acknowledged (message m1 in session s1), its answer being written."""
    view, _ = apply(asking(), wire(Ack(clientMessageId="k1", messageId="m1", sessionId="s1")))
    assert view.live is not None
    return dataclasses.replace(view, live=dataclasses.replace(view.live, text=text, seq=seq))


def done(reason: StopReason = StopReason.END_TURN, **fields: Any) -> Done:
    return Done(messageId="m1", seq=3, stopReason=reason, metrics=Timings(totalMs=900.0), **fields)


def meta(safety: str, resources: list[Any] | None = None, message_id: str = "m1") -> Meta:
    return Meta(
        messageId=message_id, emotion="lonely", confidence=0.8, verse=VERSE, safety=Safety(safety), resources=resources
    )


# -- ack, meta ------------------------------------------------------------------------------------
def test_an_ack_starts_the_answer_and_lists_the_new_conversation() -> None:
    # Given a question just sent
    # When the server acknowledges it
    view, effects = apply(asking(), wire(Ack(clientMessageId="k1", messageId="m1", sessionId="s1")))

    # Then the answer is under way in that conversation, which tops the sidebar as "Just now"
    assert view.live is not None
    assert (view.live.message_id, view.live.status, view.session_id) == ("m1", STREAMING, "s1")
    assert [(s.session_id, s.title, s.when) for s in view.sessions] == [
        ("s1", "I feel so alone since the move", "Just now")
    ]
    assert effects == []


def test_an_ack_of_another_question_changes_nothing() -> None:
    # Given a question waiting, When an ack of some other clientMessageId arrives, Then nothing changes
    view = asking()
    assert apply(view, wire(Ack(clientMessageId="other", messageId="m9", sessionId="s9"))) == (view, [])


def test_meta_ok_shows_emotion_and_verse_with_the_thumbs() -> None:
    # Given an answer under way, When its meta says safety "ok"
    view, _ = apply(streaming(), wire(meta("ok")))
    # Then the emotion chip and the verse card fill in, no help lines, thumbs offered
    assert view.live is not None
    live = view.live
    assert (live.emotion, live.reference, live.verse, live.translation) == (
        "lonely",
        VERSE.reference,
        VERSE.text,
        "WEB",
    )
    assert not live.crisis and not live.concern and live.resources == [] and live.feedback_offered


def test_meta_concern_shows_three_lines_calmly_and_folds_the_rest() -> None:
    # Given an answer under way, When its meta says "concern" with the help lines
    lines = list(resources_for())
    view, _ = apply(streaming(), wire(meta("concern", lines)))
    # Then the ordinary answer keeps its thumbs, three lines shown and the rest under "More ways to reach someone"
    assert view.live is not None
    live = view.live
    assert live.concern and not live.crisis and live.feedback_offered
    assert [r.name for r in live.resources + live.more_resources] == [r.name for r in lines]
    assert len(live.resources) == 3


def test_meta_crisis_puts_every_line_first_and_offers_no_thumbs() -> None:
    # Given an answer under way, When its meta says "crisis"
    lines = list(resources_for())
    view, _ = apply(streaming(), wire(meta("crisis", lines)))
    # Then every help line is in the crisis card, and there is no "Did this help?"
    assert view.live is not None
    live = view.live
    assert live.crisis and not live.feedback_offered
    assert [r.name for r in live.resources] == [r.name for r in lines]


def test_a_conversation_begun_in_crisis_is_listed_under_the_neutral_title() -> None:
    """Given a new conversation whose first question was just acknowledged (listed under its first words), When its
    meta says "crisis", Then the sidebar shows the server's neutral title, never the person's words."""
    view, _ = apply(streaming(), wire(meta("crisis", list(resources_for()))))
    assert [(s.session_id, s.title) for s in view.sessions] == [("s1", CRISIS_TITLE)]


def test_a_crisis_later_in_a_conversation_keeps_its_title() -> None:
    """Given a conversation with an earlier turn, When a later answer's meta says "crisis", Then its title stays."""
    earlier = Turn(key="k0", question="Work was long", message_id="m0", session_id="s1", status=DONE)
    view = dataclasses.replace(streaming(), turns=[earlier])
    titles = [s.title for s in view.sessions]
    view, _ = apply(view, wire(meta("crisis", list(resources_for()))))
    assert [s.title for s in view.sessions] == titles


def test_meta_of_an_answer_no_longer_live_is_ignored() -> None:
    # Given an answer under way, When a meta of another message arrives, Then nothing changes
    view = streaming()
    assert apply(view, wire(meta("ok", message_id="old"))) == (view, [])


# -- deltas, done -----------------------------------------------------------------------------------
def test_deltas_in_order_grow_the_answer() -> None:
    # Given an answer under way, When its deltas 1, 2, 3 arrive, Then the text grows word by word, in order
    view = streaming()
    for seq, text in enumerate(["Loneliness ", "after a move ", "is real."], start=1):
        view, effects = apply(view, wire(Delta(messageId="m1", seq=seq, text=text)))
        assert effects == []
    assert view.live is not None
    assert (view.live.text, view.live.seq, view.live.status) == ("Loneliness after a move is real.", 3, STREAMING)


def test_a_delta_already_shown_or_of_another_answer_is_not_shown_twice() -> None:
    # Given words 1 and 2 on screen
    view = streaming("Loneliness after a move ", seq=2)
    # When a resume replays from an older seq, and a stray answer's delta arrives
    for frame in (Delta(messageId="m1", seq=2, text="after a move "), Delta(messageId="m9", seq=3, text="x")):
        view, _ = apply(view, wire(frame))
    # Then nothing is doubled; the next new delta follows on
    view, _ = apply(view, wire(Delta(messageId="m1", seq=3, text="is real.")))
    assert view.live is not None and view.live.text == "Loneliness after a move is real."


def test_done_moves_the_answer_into_the_conversation() -> None:
    # Given an answer with all its words, When done arrives, Then it joins the conversation as done and stored
    view, effects = apply(streaming("You are not alone.", seq=3), wire(done(fallback=True)))
    assert view.live is None
    (turn,) = view.turns
    assert (turn.status, turn.text, turn.fallback, turn.saved, turn.notice) == (
        DONE,
        "You are not alone.",
        True,
        True,
        "",
    )
    assert effects == []


def test_done_of_a_crisis_answer_scrolls_to_its_help_lines() -> None:
    # Given a crisis answer, When it is done, Then the top of its card (the help lines) is brought into view
    view, _ = apply(streaming(), wire(meta("crisis", list(resources_for()))))
    _, effects = apply(view, wire(done()))
    assert effects == [ScrollTo("turn-k1")]


def test_done_not_stored_says_quietly_it_will_not_be_in_history() -> None:
    # Given an answer the server could not store (storage down during a crisis answer, say)
    view, _ = apply(streaming("Please reach out to 988.", seq=3), wire(done(stored=False)))
    # Then it is shown as done, with the quiet note
    (turn,) = view.turns
    assert (turn.status, turn.saved) == (DONE, False)
    assert UNSAVED_NOTE == "This answer could not be saved, so it won't be in your history."


def test_done_after_stop_says_the_person_stopped_it() -> None:
    # Given Stop pressed during an answer, When done says "stopped", Then the answer says so and Stop is answered
    view, _ = request(streaming("You are", seq=1), Stop(messageId="m1"), message_id="m1")
    view, _ = apply(view, wire(done(StopReason.STOPPED)))
    (turn,) = view.turns
    assert (turn.status, turn.notice) == (STOPPED, "You stopped this answer.")
    assert view.pending == ()


# -- API Gateway's own frames ------------------------------------------------------------------
def test_the_gateway_timeout_mid_stream_is_a_note_and_the_answer_goes_on_to_done() -> None:
    # Given an answer streaming for 29 s, its first words shown
    view = streaming("Loneliness ", seq=1)
    # When API Gateway says its integration timed out (the Lambda goes on)
    timeout = wire({"message": GATEWAY_TIMEOUT, "connectionId": "c1", "requestId": "r1"})
    view, effects = apply(view, timeout)
    # Then nothing fails: the rest of the answer still streams in, to its end
    assert view.live is not None and view.live.status == STREAMING
    assert [type(e) for e in effects] == [Note]
    view, _ = apply(view, wire(Delta(messageId="m1", seq=2, text="after a move is real.")))
    view, _ = apply(view, wire(done()))
    (turn,) = view.turns
    assert (turn.status, turn.text, turn.notice) == (DONE, "Loneliness after a move is real.", "")


def test_the_gateways_internal_error_fails_a_streaming_answer_and_is_a_notice_otherwise() -> None:
    # Given API Gateway's frame for a handler that failed
    fault = wire({"message": "Internal server error", "connectionId": "c1", "requestId": "r1"})
    # Then an answer being written fails (with "Try again"); with nothing under way it is a notice
    failed, _ = apply(streaming("Lonel", seq=1), fault)
    assert [(t.status, t.notice) for t in failed.turns] == [(FAILED, ON_OUR_SIDE)]
    idle, _ = apply(ChatView(), fault)
    assert idle.notice == ON_OUR_SIDE


def test_a_frame_of_an_unknown_type_is_logged_and_ignored() -> None:
    # Given an answer under way, When a newer server sends a frame type this client does not know
    # Then it is logged (its type only) and nothing on screen changes
    view = streaming()
    after, effects = apply(view, wire({"type": "typing", "messageId": "m1"}))
    assert after == view
    assert effects == [Note("frame of an unknown type ignored", {"type": "typing"})]


def test_pong_changes_nothing() -> None:
    # Given an answer under way, When the keep-alive's pong arrives, Then nothing changes
    view = streaming()
    assert apply(view, wire(Pong())) == (view, [])


# -- errors -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        (ErrorCode.BAD_REQUEST, "The message is too long; keep it under 2000 characters."),
        (ErrorCode.TOO_LARGE, "The message is too long; keep it under 2000 characters."),
        (ErrorCode.MODEL_UNAVAILABLE, "The encouragement service is resting for a moment. Please try again shortly."),
        (ErrorCode.NOT_FOUND, "That conversation couldn't be found. It may have been deleted."),
        (ErrorCode.INTERNAL, ON_OUR_SIDE),
        (ErrorCode.UNKNOWN_ACTION, ON_OUR_SIDE),
    ],
)
def test_each_error_of_a_question_fails_it_with_a_calm_sentence(code: ErrorCode, sentence: str) -> None:
    # Given a question not yet acknowledged
    error = Error(
        code=code,
        message="The message is too long; keep it under 2000 characters.",
        clientMessageId="k1",
        retryAfterMs=2600,
    )
    # When the server refuses it, naming its clientMessageId
    view, _ = apply(asking(), wire(error))
    # Then the question is marked failed (with "Try again") and says why
    (turn,) = view.turns
    assert turn.status == FAILED
    assert turn.notice.endswith(sentence)


def test_rate_limits_in_a_burst_are_one_notice_with_the_wait_and_the_words_kept() -> None:
    """Given a question not yet acknowledged, When the server refuses it as rate limited, Then no failed card is added
    but one notice says how long to wait, and the words go back into the message box; When the next one is refused
    too, Then that same notice is updated; When a question is then accepted, Then the notice goes."""
    refused = Error(code=ErrorCode.RATE_LIMITED, message="slow down", clientMessageId="k1", retryAfterMs=2600)
    view, effects = apply(asking(), wire(refused))
    assert view.turns == [] and view.live is None
    assert view.notice.endswith("you can send again in about 3 seconds.")
    assert effects == [RestoreDraft("I feel so alone since the move")]

    again = dataclasses.replace(view, live=Turn(key="k2", question="Still alone", status=SENDING))
    refused_again = Error(code=ErrorCode.RATE_LIMITED, message="slow down", clientMessageId="k2", retryAfterMs=9000)
    view, _ = apply(again, wire(refused_again))
    assert view.turns == [] and view.notice.endswith("about 9 seconds.")

    accepted = dataclasses.replace(view, live=Turn(key="k3", question="Still alone", status=SENDING))
    view, _ = apply(accepted, wire(Ack(clientMessageId="k3", messageId="m3", sessionId="s1")))
    assert view.notice == ""


def test_a_model_stream_cut_by_an_error_is_marked_interrupted_with_ask_again() -> None:
    """Given an answer under way, When `done` comes with stopReason "error", Then the words so far stay, marked
    interrupted (the card offers "Ask again", not the thumbs of a finished answer)."""
    view, _ = apply(streaming("Loneliness is heavy, ", seq=2), wire(done(StopReason.ERROR)))
    (turn,) = view.turns
    assert (turn.status, turn.text) == (INTERRUPTED, "Loneliness is heavy, ")
    assert "cut off" in turn.notice and "ask again" in turn.notice


def test_a_finished_answer_is_announced_once_with_its_verse() -> None:
    """Given an answer streaming with its verse, When it is done, Then one announcement holds the verse, its reference
    and the whole text; When the next question goes out, Then the announcement is cleared (nothing read twice)."""
    view, _ = apply(streaming(), wire(meta("ok")))
    view = dataclasses.replace(view, live=dataclasses.replace(view.live, text="You are not alone.", seq=3))  # type: ignore[type-var]
    view, _ = apply(view, wire(done()))
    assert view.announcement == f"The answer is ready. {VERSE.reference}: {VERSE.text} You are not alone."
    view, _ = actions.ask(view, "Thank you", "k2", "")
    assert view.announcement == ""


def test_let_it_finish_goes_when_the_answer_finishes() -> None:
    """Given "Please let this answer finish first." shown while an answer streams, When the answer's `done` comes,
    Then the notice is gone (it had stayed up after a reconnect although the answer had finished)."""
    view, _ = actions.ask(streaming("Loneliness ", seq=1), "another thing", "k9", "")
    assert view.notice == actions.LET_IT_FINISH
    view, _ = apply(view, wire(done()))
    assert view.notice == ""


def test_the_offline_notice_goes_when_the_link_is_back() -> None:
    """Given "You're offline for a moment" from opening a conversation while offline, When the link connects again,
    Then the notice is gone; a notice of another cause stays."""
    view, _ = actions.open_session(ChatView(history_supported=True), "s2", online=False)
    assert view.notice == actions.OFFLINE
    view, _ = connected(view)
    assert view.notice == ""
    kept, _ = connected(dataclasses.replace(view, notice=ON_OUR_SIDE))
    assert kept.notice == ON_OUR_SIDE


def test_a_model_error_mid_answer_is_not_shown_the_composer_finishes_it() -> None:
    # Given an answer under way, When the model breaks off (the server's offline composer goes on), Then no change
    view = streaming("Loneliness ", seq=1)
    error = Error(code=ErrorCode.MODEL_UNAVAILABLE, message="interrupted", clientMessageId="k1", messageId="m1")
    assert apply(view, wire(error)) == (view, [])


def test_an_error_naming_an_answer_by_its_message_id_fails_that_answer() -> None:
    # Given an answer under way, When an error names its messageId only, Then that answer fails
    view, _ = apply(streaming("Lonel", seq=1), wire(Error(code=ErrorCode.INTERNAL, message="x", messageId="m1")))
    assert [t.status for t in view.turns] == [FAILED]


def pending_view(action_frame: Any, **about: str) -> tuple[ChatView, Request]:
    view, _ = request(streaming("Lonel", seq=1), action_frame, **about)
    return view, view.pending[-1]


def test_unknown_action_for_the_history_probe_hides_history_feedback_and_stop() -> None:
    # Given the capability probe sent after connecting
    view, probe = pending_view(History(limit=20))
    # When the server answers it does not know the action, naming the probe's clientMessageId
    view, effects = apply(view, wire(Error(code=ErrorCode.UNKNOWN_ACTION, message="?", clientMessageId=probe.id)))
    # Then the sidebar, the thumbs and Stop are hidden, and the answer goes on
    assert (view.history_supported, view.feedback_supported, view.stop_supported) == (False, False, False)
    assert view.capabilities_known and view.pending == ()
    assert view.live is not None and view.live.status == STREAMING
    assert effects == [Note("server lacks an optional action", {"action": "history"})]


@pytest.mark.parametrize(
    ("action", "notice", "live_status"),
    [
        ("stop", "", STREAMING),  # the answer had already finished: nothing to say
        ("resume", "", None),  # the answer cannot be followed: interrupted, with "Ask again"
        ("feedback", "We couldn't save that feedback just now. Please try again.", STREAMING),
        ("history", "That conversation couldn't be found. It may have been deleted.", STREAMING),
        ("deleteHistory", "That conversation couldn't be found. It may have been deleted.", STREAMING),
    ],
)
def test_a_not_found_error_of_each_request_is_answered_as_that_request(
    action: str, notice: str, live_status: str | None
) -> None:
    from shared.protocol import DeleteHistory, Feedback, Resume

    frames = {
        "stop": Stop(messageId="m1"),
        "resume": Resume(messageId="m1", afterSeq=1),
        "feedback": Feedback(sessionId="s1", messageId="m0", helpful=True),
        "history": History(sessionId="s0"),
        "deleteHistory": DeleteHistory(sessionId="s0"),
    }
    # Given an answer under way and one request of that action waiting
    view, asked = pending_view(frames[action])
    view = dataclasses.replace(view, loading_session=True)
    # When the server answers not_found, naming the request's clientMessageId
    error = Error(code=ErrorCode.NOT_FOUND, message="That was not found.", clientMessageId=asked.id)
    view, _ = apply(view, wire(error))
    # Then the answer is that request's, and nothing else is touched
    assert view.notice == notice
    assert (view.live.status if view.live else None) == live_status
    assert view.pending == ()
    if action == "resume":
        assert [t.status for t in view.turns] == [INTERRUPTED]
    if action in ("history", "deleteHistory"):
        assert not view.loading_session


def test_an_error_without_ids_goes_to_the_one_request_waiting_and_is_a_notice_when_several_wait() -> None:
    # Given one stop waiting (the conversation routes' own errors carry no ids yet)
    one, _ = pending_view(Stop(messageId="m1"))
    stale = Error(code=ErrorCode.NOT_FOUND, message="There is no answer being written with that id.")
    # Then a not_found without ids is that stop's: nothing to say
    after, _ = apply(one, wire(stale))
    assert (after.notice, after.pending) == ("", ())
    # Given a stop and a feedback waiting, Then the same error is not guessed at: a notice, both still waiting
    two, _ = request(one, History(sessionId="s0"), session_id="s0")
    after, _ = apply(two, wire(stale))
    assert after.notice == "That conversation couldn't be found. It may have been deleted."
    assert after.pending == two.pending and after.live == two.live


def test_an_error_naming_a_request_this_tab_never_sent_is_a_notice() -> None:
    # Given an answer under way, When an error names a clientMessageId nobody here sent, Then only a notice
    view = streaming("Lonel", seq=1)
    after, _ = apply(view, wire(Error(code=ErrorCode.INTERNAL, message="x", clientMessageId="someone-else")))
    assert after.notice == ON_OUR_SIDE and after.live == view.live


# -- history pages, feedback ---------------------------------------------------------------------
def test_a_session_list_page_fills_the_sidebar_and_turns_the_conversation_routes_on() -> None:
    # Given the probe sent after connecting, When its page of sessions arrives
    # Then the sidebar lists it, and the sidebar, thumbs and Stop are on
    view, _ = request(ChatView(), History(limit=20))
    page = HistoryPage(items=[SessionSummary(sessionId="s1", title="Alone", lastActivityAt=1_764_000_000_000)])
    view, _ = apply(view, wire(page))
    assert [s.session_id for s in view.sessions] == ["s1"]
    assert (view.history_supported, view.feedback_supported, view.stop_supported) == (True, True, True)
    assert view.pending == ()


def test_a_session_page_shows_the_open_conversation_and_ignores_one_since_left() -> None:
    # Given a conversation being opened from the sidebar
    # When its page arrives, Then its turns are shown; a page of another conversation is not
    item = TurnView(messageId="m0", message="I feel alone", answer="You are seen.", status=TurnStatus.COMPLETE)
    opening = ChatView(session_id="s1", loading_session=True, capabilities_known=True)
    view, _ = apply(opening, wire(HistoryPage(sessionId="s1", items=[item])))
    assert [(t.question, t.text, t.status) for t in view.turns] == [("I feel alone", "You are seen.", DONE)]
    assert not view.loading_session
    left, _ = apply(opening, wire(HistoryPage(sessionId="s0", items=[item])))
    assert left.turns == [] and left.loading_session


def test_an_empty_page_of_a_deleted_conversation_confirms_the_deletion() -> None:
    from shared.protocol import DeleteHistory

    # Given a deletion asked for, When the server sends that conversation's empty page, Then the deletion is done
    view, _ = request(ChatView(capabilities_known=True), DeleteHistory(sessionId="s0"), session_id="s0")
    after, _ = apply(view, wire(HistoryPage(sessionId="s0", items=[])))
    assert after.pending == () and after.turns == [] and after.sessions == []
    # And the person is told so
    assert after.notice == "The conversation was deleted."


def test_feedback_recorded_marks_the_answer_noted() -> None:
    from shared.protocol import Feedback

    # Given a thumbs up sent, When the server records it, Then the answer says "Thank you — noted."
    answered = Turn(key="k0", message_id="m0", status=DONE, feedback="up")
    view, _ = request(
        ChatView(turns=[answered]), Feedback(sessionId="s1", messageId="m0", helpful=True), message_id="m0"
    )
    view, _ = apply(view, wire(FeedbackRecorded(messageId="m0", helpful=True)))
    assert [t.feedback_saved for t in view.turns] == [True]
    assert view.pending == ()


# -- connecting -------------------------------------------------------------------------------------
def test_connecting_probes_once_and_sends_an_unacknowledged_question_again_with_its_key() -> None:
    # Given a question never acknowledged, When the link (re)connects
    # Then the capability probe goes out, and the question again under the same clientMessageId
    view, effects = connected(dataclasses.replace(asking(), pending=(Request("old", "stop"),)))
    probe, resend = effects
    assert isinstance(probe, Send) and isinstance(resend, Send)
    assert probe.frame == {"action": "history", "limit": 20, "clientMessageId": view.pending[0].id}
    assert (resend.frame["action"], resend.frame["clientMessageId"]) == ("sendMessage", "k1")
    assert [r.action for r in view.pending] == ["history"]  # what the old connection waited for is gone with it


def test_connecting_resumes_a_streaming_answer_from_its_last_seq_or_marks_it_interrupted() -> None:
    # Given an answer streaming when the connection dropped, When the link reconnects
    # Then it is resumed after the last seq shown; without a resume route it is marked interrupted
    _, effects = connected(streaming("Lonel", seq=4))
    assert [e.frame["action"] for e in effects if isinstance(e, Send)] == ["history", "resume"]
    resume = effects[1]
    assert isinstance(resume, Send) and (resume.frame["messageId"], resume.frame["afterSeq"]) == ("m1", 4)
    without_resume, _ = connected(dataclasses.replace(streaming("Lonel", seq=4), resume_supported=False))
    assert [t.status for t in without_resume.turns] == [INTERRUPTED]
