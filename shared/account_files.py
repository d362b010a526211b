"""An account export as one download: a zip holding the JSON document and the same conversations in Markdown."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from shared.account import AccountExport, ConversationExport

JSON_NAME = "motivator-export.json"
MARKDOWN_NAME = "motivator-export.md"
CONTENT_TYPE = "application/zip"


def filename(export: AccountExport) -> str:
    return f"motivator-export-{export.exported_at:%Y-%m-%d}.zip"


def archive(export: AccountExport) -> bytes:
    """The zip: `motivator-export.json` (every field) and `motivator-export.md` (for reading)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr(JSON_NAME, export.model_dump_json(indent=2))
        out.writestr(MARKDOWN_NAME, markdown(export))
    return buffer.getvalue()


def markdown(export: AccountExport) -> str:
    lines = [
        "# Your Motivator conversations",
        "",
        f"Exported {export.exported_at:%Y-%m-%d %H:%M} UTC. Verses are from the World English Bible (public domain).",
        "",
    ]
    if not export.conversations:
        lines += ["You have no conversations stored.", ""]
    for conversation in export.conversations:
        lines += _conversation(conversation)
    if export.saved_verses:
        lines += ["## Saved verses", ""]
        for saved in export.saved_verses:
            reference, text = saved.get("reference"), saved.get("text")
            lines.append(f"- **{reference}** {text}" if reference else f"- {saved}")
        lines.append("")
    if export.shares:
        lines += ["## Shared links", ""]
        for share in export.shares:
            state = "revoked" if share.get("revokedAt") else "shared"
            line = f": {_escape(str(share['line']))}" if share.get("line") else ""
            lines.append(f"- **{share.get('reference')}** ({share.get('translation')}, {state}){line}")
        lines.append("")
    return "\n".join(lines)


def _conversation(conversation: ConversationExport) -> list[str]:
    lines = [f"## {_escape(conversation.title) or 'Conversation'}", f"_Started {_when(conversation.created_at)}_", ""]
    for turn in conversation.turns:
        lines += ["**You:**", "", _quoted(turn.message), ""]
        if turn.verse is not None:
            lines += [f"**{turn.verse.reference}** ({turn.verse.translation}): {turn.verse.text}", ""]
        if turn.answer:
            lines += ["**Motivator:**", "", turn.answer, ""]
        if turn.feedback is not None:
            said = "helpful" if turn.feedback.helpful else "not helpful"
            comment = f": {_escape(turn.feedback.comment)}" if turn.feedback.comment else ""
            lines += [f"_Your feedback: {said}{comment}_", ""]
    return lines


def _when(epoch_ms: int | None) -> str:
    if epoch_ms is None:
        return "at an unknown time"
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def _quoted(text: str) -> str:
    return "\n".join("> " + _escape(line) for line in text.splitlines() or [""])


def _escape(text: str) -> str:
    """The person's words shown as typed, never as Markdown or HTML."""
    for char in "\\`*_{}[]<>#|":
        text = text.replace(char, "\\" + char)
    return text
