"""The web client's share links, frame by frame (pure): the Share dialog, the Shared links list, Stop sharing."""

from __future__ import annotations

from motivator_web.apply import apply
from motivator_web.gateway import Inbound, parse_frame
from motivator_web.share_view import ANSWER_GONE, LINE_ONE_LINE, LINE_TOO_LONG, create_share, open_share, revoke
from motivator_web.view import ChatView, Send

from shared.limits import SHARE_LINE_MAX_CHARS
from shared.protocol import (
    Error,
    ErrorCode,
    SharedVersesPage,
    ShareRevoked,
    ShareView,
    Verse,
    VerseShared,
    _ServerFrame,
)

LINE = "<script>alert(1)</script> \u202egnp.exe"


def _share(share_id: str = "s" * 22, line: str | None = LINE) -> ShareView:
    verse = Verse(reference="Psalm 34:18", text="…", translation="KJV")
    return ShareView(shareId=share_id, path=f"/s/{share_id}", verse=verse, line=line, createdAt=1_764_547_200_000)


def _frame(model: _ServerFrame) -> Inbound:
    parsed = parse_frame(model.to_wire())
    assert parsed is not None
    return parsed


def test_create_link_sends_the_trimmed_line_and_the_reply_shows_the_link_as_typed() -> None:
    # Given the Share dialog open on an answer
    view = open_share(ChatView(), "m-1")
    # When the person writes a line (with spaces around it) and presses Create link
    view, effects = create_share(view, f"  {LINE}  ", online=True)
    # Then one shareVerse goes out with the line trimmed, as typed, and the dialog waits
    (sent,) = [e.frame for e in effects if isinstance(e, Send)]
    assert sent["action"] == "shareVerse" and sent["messageId"] == "m-1" and sent["line"] == LINE
    assert view.share_busy
    # When the server answers with the link
    view, _ = apply(view, _frame(VerseShared(messageId="m-1", share=_share())))
    # Then the dialog shows it and the Shared links list has it first, the line exactly as typed
    assert view.share_link.path == "/s/" + "s" * 22 and not view.share_busy
    assert [s.line for s in view.shares] == [LINE] and view.pending == ()


def test_a_line_too_long_or_of_two_lines_is_explained_in_the_dialog_and_nothing_is_sent() -> None:
    view = open_share(ChatView(), "m-1")
    # When the line is over the limit, or holds a new line
    for line, sentence in (("x" * (SHARE_LINE_MAX_CHARS + 1), LINE_TOO_LONG), ("one\ntwo", LINE_ONE_LINE)):
        after, effects = create_share(view, line, online=True)
        # Then the dialog says why, and no frame goes out
        assert after.share_error == sentence and effects == []


def test_a_refused_share_says_why_and_lets_the_person_try_again() -> None:
    view, _ = create_share(open_share(ChatView(), "m-1"), "", online=True)
    (asked,) = view.pending
    # When the server answers not_found (the answer was deleted meanwhile)
    error = Error(code=ErrorCode.NOT_FOUND, message="That answer was not found.", clientMessageId=asked.id)
    view, _ = apply(view, _frame(error))
    # Then the dialog says so and Create link can be pressed again
    assert view.share_error == ANSWER_GONE and not view.share_busy and view.pending == ()


def test_the_shared_links_page_fills_the_list_and_stop_sharing_takes_a_link_out_at_once() -> None:
    # Given the list read from the server
    page = SharedVersesPage(items=[_share("a" * 22), _share("b" * 22, line=None)])
    view, _ = apply(ChatView(), _frame(page))
    assert [(s.share_id[0], s.line) for s in view.shares] == [("a", LINE), ("b", "")]
    # When the person presses Stop sharing on the first
    view, effects = revoke(view, "a" * 22, online=True)
    # Then revokeShare goes out and the link leaves the list before the reply
    assert [e.frame["action"] for e in effects if isinstance(e, Send)] == ["revokeShare"]
    assert [s.share_id[0] for s in view.shares] == ["b"]
    view, _ = apply(view, _frame(ShareRevoked(shareId="a" * 22)))
    assert view.pending == ()
