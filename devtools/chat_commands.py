"""The terminal chat's slash commands (`/another`, `/save`, `/saved`, `/share`, `/shares`, `/unshare`,
`/translation KJV`, `/rename Title`, `/today`, `/help`): each becomes one client frame or a line of help."""

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
        "  /share [line]         a public link to the last answer's verse, with an optional line of yours",
        "  /shares               list your shared links, newest first",
        "  /unshare ID           stop sharing that link (its page says it is no longer shared)",
        "  /translation          show the translation verses are shown in, and the ones offered",
        "  /translation CODE     show every verse in that translation from now on, e.g. /translation KJV",
        "  /rename TITLE         give this conversation your own title, e.g. /rename Exam week",
        "  /today                today's verse (the same for everyone, the day in UTC)",
        "  /help                 this list",
    ]
)


@dataclass
class ChatContext:
    """What a command may refer to: the conversation and the last answer shown."""

    session_id: str | None = None
    last_message_id: str | None = None
    #: The person's country (--country): help lines name its emergency number.
    country: str | None = None


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
        case "/share":
            if context.last_message_id is None:
                return nothing_yet
            share: dict[str, Any] = {"action": "shareVerse", "messageId": context.last_message_id}
            return {**share, "clientMessageId": cmid, **({"line": argument} if argument else {})}
        case "/shares":
            return {"action": "sharedVerses", "clientMessageId": cmid}
        case "/unshare":
            if not argument:
                return "  Say which link: /unshare ID (/shares lists them)."
            return {"action": "revokeShare", "shareId": argument, "clientMessageId": cmid}
        case "/rename":
            if context.session_id is None:
                return "  Nothing to rename yet; write how you feel first, then name the conversation."
            # The title as typed: the server trims it and says why one is refused (empty, too long, control chars).
            return {
                "action": "renameConversation",
                "sessionId": context.session_id,
                "title": rest,
                "clientMessageId": cmid,
                **({"country": context.country} if context.country else {}),
            }
        case "/today":
            return {"action": "verseOfTheDay", "clientMessageId": cmid}
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
    if kind == "verseShared":
        shared = _share_line(frame["share"])
        return f"  Shared: {shared}\n  Anyone with the link sees only the verse and your line, never the conversation."
    if kind == "sharedVerses":
        return "\n".join("  " + _share_line(item) for item in frame["items"]) or "  No shared links; /share makes one."
    if kind == "shareRevoked":
        return f"  Stopped sharing {frame['shareId']}; its page now says it is no longer shared."
    if kind == "verseOfTheDay":
        verse = frame["verse"]
        heading = f"  Today's verse ({frame['day']}): {verse['reference']} ({verse['translation']})"
        return f"{heading}\n  \u201c{verse['text']}\u201d"
    if kind == "conversationRenamed":
        renamed = f"  This conversation is now called \u201c{frame['title']}\u201d."
        if frame.get("safety") != "crisis":
            return renamed
        lines = [render_resource(r) for r in frame.get("resources") or []]
        return "\n".join(["  You matter, and help is available right now:", *lines, renamed])
    if kind == "error":
        return f"  ! {frame['message']}"
    return None


def _saved_line(item: dict[str, Any]) -> str:
    day = datetime.fromtimestamp(item["savedAt"] / 1000, tz=UTC).strftime("%d %b %Y")
    verse = item["verse"]
    where = f"{verse['reference']} ({verse['translation']})"
    return f"  {day}  {where}, for feeling {item['emotion']}: \u201c{verse['text']}\u201d"


def _share_line(share: dict[str, Any]) -> str:
    """One link: its page on the web client, its id (for /unshare), the verse's reference and the line."""
    verse = share["verse"]
    line = f" \u2014 \u201c{share['line']}\u201d" if share.get("line") else ""
    return f"{share['path']}  (id {share['shareId']})  {verse['reference']} ({verse['translation']}){line}"


def render_resource(resource: dict[str, Any]) -> str:
    """One help line with every way to reach it, as the terminal prints them."""
    ways = [
        f"call {resource['phone']}" if resource.get("phone") else "",
        f"text {resource['sms']}" if resource.get("sms") else "",
        f"{resource.get('urlLabel') or 'open'}: {resource['url']}" if resource.get("url") else "",
    ]
    return f"   * {resource['name']}: {'; '.join(w for w in ways if w)} - {resource['description']}"
