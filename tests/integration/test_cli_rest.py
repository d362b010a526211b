"""`motivator chat --rest`: the terminal conversation over the REST API, crisis resources first, as on the WebSocket."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.stack import LocalStack
from tests.integration.test_cli import motivator

pytestmark = pytest.mark.integration


def test_rest_chat_prints_the_verse_then_the_whole_answer_and_continues_the_conversation(
    stack: LocalStack, endpoints: dict[str, Any]
) -> None:
    """Given the terminal client over the REST API, signed in as the demo user
    When two feelings are typed, then an empty line
    Then each answer shows the emotion and the verse before its words, in one conversation."""
    done = motivator(
        "chat",
        "--rest",
        "--state-dir",
        str(stack.state_dir),
        stdin="I feel anxious about my exam tomorrow.\nThank you, I'm grateful for my friends.\n\n",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("REST API.")
    answers = done.stdout.split("you> ")[1:3]
    for emotion, answer in zip(("anxious", "grateful"), answers, strict=True):
        header, _, words = answer.partition("\u201d")
        assert f"[{emotion} " in header and "(WEB)" in header
        assert len(words.split()) > 5


def test_rest_chat_in_crisis_shows_the_help_lines_first(stack: LocalStack) -> None:
    """Given the terminal client over the REST API, in Great Britain
    When the person writes that they want to end their life
    Then the help lines, with the local emergency number, come before the verse."""
    done = motivator(
        "chat", "--rest", "--country", "GB", "--state-dir", str(stack.state_dir), stdin="I want to end my life.\n\n"
    )
    assert done.returncode == 0, done.stderr
    answer = done.stdout.split("you> ")[1]
    assert answer.index("help is available right now") < answer.index("\u201c")
    assert "999" in answer


def test_export_writes_the_zip_and_delete_account_asks_for_delete_first(stack: LocalStack, tmp_path: Any) -> None:
    """Given a person with one conversation
    When they run `motivator export`, then `delete-account` answering "no", then answering DELETE
    Then the zip holds their words; "no" deletes nothing; DELETE deletes the account (signing in then fails)."""
    import uuid
    import zipfile

    from devtools.bootstrap import create_user, generate_password

    e = stack.endpoints
    username, password = f"cli-{uuid.uuid4().hex[:8]}@motivator.local", generate_password()
    create_user(e["cognito_url"], e["region"], e["user_pool_id"], username, password)
    who = ["--username", username, "--password", password, "--state-dir", str(stack.state_dir)]
    assert motivator("chat", "--rest", *who, stdin="I'm grateful for the rain today.\n\n").returncode == 0
    out = tmp_path / "mine.zip"
    exported = motivator("export", *who, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert "I'm grateful for the rain today." in zipfile.ZipFile(out).read("motivator-export.md").decode()
    kept = motivator("delete-account", *who, stdin="no\n")
    assert kept.returncode == 1 and "Nothing was deleted." in kept.stdout
    deleted = motivator("delete-account", *who, stdin="DELETE\n")
    assert deleted.returncode == 0 and "were deleted" in deleted.stdout
    after = motivator("token", *who[:4], "--state-dir", str(stack.state_dir))
    assert after.returncode == 1 and after.stderr.startswith("motivator: ")
