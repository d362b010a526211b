"""History pages that fit in one WebSocket message: cut by count and by serialised bytes, with a cursor to the rest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from shared import limits
from shared.protocol import Error, ErrorCode, HistoryPage, SessionSummary, TurnView
from shared.records import Session, Turn
from shared.storage import NotFound, Page

Item = SessionSummary | TurnView
#: A page of sessions, or of turns (None: a turn not shown, kept so the cursors after each item still line up).
Items = Page[SessionSummary] | Page[TurnView] | Page[TurnView | None]


class HistoryStore(Protocol):
    def list_sessions(self, user_id: str, limit: int, cursor: str | None) -> Page[SessionSummary]: ...

    def session(self, user_id: str, session_id: str) -> Session | None: ...

    def list_turns(self, session_id: str, limit: int, cursor: str | None) -> Page[Turn]: ...

    def view(self, turn: Turn) -> TurnView: ...


class TooLarge(Exception):
    """A single history item is larger than a frame may be."""

    def __init__(self) -> None:
        super().__init__("history item too large")
        self.frame = Error(
            code=ErrorCode.TOO_LARGE,
            message="One answer in this conversation is too long to show in history here.",
        )


def sessions_page(store: HistoryStore, user_id: str, limit: int, cursor: str | None) -> HistoryPage:
    """The user's conversations, most recent first (InvalidCursor for a cursor we did not hand out)."""
    return fit(None, store.list_sessions(user_id, limit, cursor))


def turns_page(
    store: HistoryStore,
    user_id: str,
    session_id: str,
    limit: int,
    cursor: str | None,
    render: Callable[[TurnView], TurnView] | None = None,
) -> HistoryPage:
    """One conversation's turns in order, each shown through `render` (its verse in the person's translation, read
    now from the stored reference, and whether they saved it); NotFound unless it is the user's own."""
    if store.session(user_id, session_id) is None:
        raise NotFound(session_id)
    page = store.list_turns(session_id, limit, cursor)
    # Ownership is checked per turn too.
    views: list[TurnView | None] = [store.view(t) if t.user_id == user_id else None for t in page.items]
    if render is not None:
        views = [render(v) if v else v for v in views]
    return fit(session_id, Page(views, page.cursor, page.after))


def fit(session_id: str | None, page: Items) -> HistoryPage:
    """As many of the page's items as fit in limits.WS_POST_MAX_BYTES (measured on the frame as sent), with the
    cursor resuming after the last one sent. TooLarge when not even the first fits."""
    budget = limits.WS_POST_MAX_BYTES
    count = _how_many(session_id, page, budget)
    while count:
        items = [item for item in page.items[:count] if item is not None]
        frame = _frame(session_id, items, page.cursor_after(count))
        if len(frame.to_wire()) <= budget:
            return frame
        count -= 1  # not reached when the sizes add up as they should; kept so no page can ever be too large
    if page.items:
        raise TooLarge
    return _frame(session_id, [], page.cursor)


def _how_many(session_id: str | None, page: Items, budget: int) -> int:
    """How many leading items fit: the frame without items (with the longest cursor it could carry), then each
    item's own JSON and a comma."""
    longest = max(len(c) for c in [*page.after, page.cursor or ""])
    used = len(_frame(session_id, [], "c" * longest).to_wire())
    count = 0
    for item in page.items:
        used += (len(_json(item)) if item is not None else 0) + (1 if count else 0)
        if used > budget:
            break
        count += 1
    return count


def _frame(session_id: str | None, items: Sequence[Item], cursor: str | None) -> HistoryPage:
    return HistoryPage(sessionId=session_id, items=list(items), cursor=cursor)  # type: ignore[arg-type]


def _json(item: Item) -> bytes:
    return item.model_dump_json(by_alias=True, exclude_none=True).encode()
