"""The terminal chat's slash commands (`/another`, `/save`, `/saved`, `/translation KJV`, `/rename Title`, `/help`):
each becomes one client frame or a line of help."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared import translations

HELP = "\n".join(
    [
        "  /another              answer your last words again with another verse (the first answer stays)",
        "  /save                 save the verse of the last answer",
        "  /saved                list your saved verses, newest first",
        "  /translation          show the translation verses are shown in, and the ones offered",
        "  /translation CODE     show every verse in that translation from now on, e.g. /translation KJV",
        "  /rename TITLE         give this conversation your own title, e.g. /rename Exam week",
        "  /help                 this list",
    ]
)


@dataclass
class ChatContext:
    """What a command may refer to: the conversation and the last answer shown."""

    session_id: str | None = None
    last_message_id: str | None = None


def command_frame(line: str, context: ChatContext) -> dict[str, Any] | str:
    """The frame a slash command sends, or the line to print instead (help, or why the command cannot run)."""
    name, _, rest = line.strip().partition(" ")
    argument = rest.strip()
    cmid = str(uuid.uuid4())
    nothing_yet = "  Nothing to do that with yet; write how you feel first."
    match name.lower():
        case "/help":
            return HELP
        case "/another":
            if context.last_message_id is None:
                return nothing_yet
            return {"action": "anotherVerse", "messageId": context.last_message_id, "clientMessageId": cmid}
        case "/save":
            if context.last_message_id is None:
                return nothing_yet
            return {"action": "saveVerse", "messageId": context.last_message_id, "clientMessageId": cmid}
        case "/saved":
            return {"action": "savedVerses", "clientMessageId": cmid}
        case "/rename":
            if context.session_id is None:
                return "  Nothing to rename yet; write how you feel first, then name the conversation."
            # The title as typed: the server trims it and says why one is refused (empty, too long, control chars).
            return {
                "action": "renameConversation",
                "sessionId": context.session_id,
                "title": rest,
                "clientMessageId": cmid,
            }
        case "/translation":
            frame: dict[str, Any] = {"action": "settings", "clientMessageId": cmid}
            if argument:
                frame["translation"] = argument  # the server says which codes are offered if this is not one
            return frame
    return f"  Unknown command {name!r}; /help lists them."


def streams_an_answer(frame: dict[str, Any]) -> bool:
    """Whether the command's reply is a whole answer (ack, meta, deltas, done) rather than one frame."""
    return frame.get("action") == "anotherVerse"


def describe_reply(frame: dict[str, Any]) -> str | None:
    """The line printed for a command's reply; None for a frame that is not one (keep reading)."""
    kind = frame.get("type")
    if kind == "settings":
        chosen = translations.BY_CODE.get(frame["translation"])
        offered = ", ".join(f"{t['code']} ({t['name']})" for t in frame.get("translations", []))
        name = f"the {chosen.name} ({chosen.code})" if chosen else frame["translation"]
        return f"  Verses are shown in {name}.\n  Offered: {offered}."
    if kind == "verseSaved":
        return (
            "  Saved this answer's verse; /saved lists them." if frame["saved"] else "  Removed from your saved verses."
        )
    if kind == "savedVerses":
        return "\n".join(_saved_line(item) for item in frame["items"]) or "  No saved verses yet; /save keeps one."
    if kind == "conversationRenamed":
        return f"  This conversation is now called \u201c{frame['title']}\u201d."
    if kind == "error":
        return f"  ! {frame['message']}"
    return None


def _saved_line(item: dict[str, Any]) -> str:
    day = datetime.fromtimestamp(item["savedAt"] / 1000, tz=UTC).strftime("%d %b %Y")
    verse = item["verse"]
    where = f"{verse['reference']} ({verse['translation']})"
    return f"  {day}  {where}, for feeling {item['emotion']}: \u201c{verse['text']}\u201d"
