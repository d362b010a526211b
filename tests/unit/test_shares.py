"""Share links without a stack: the line's rules, the card's image, and the local HTTP API's path parameters."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from devtools.gateway.http_api import match_route
from shared import limits
from shared.card import HEIGHT, WIDTH, render_card
from shared.protocol import ErrorCode, ProtocolError, ShareVerse
from shared.protocol_parse import parse_client_frame
from shared.rest import paths
from shared.verses import verse_of


def _share(line: object) -> str:
    import json

    return json.dumps({"action": "shareVerse", "messageId": "m-1", "line": line})


def test_a_line_is_trimmed_kept_as_typed_with_rtl_overrides_and_refused_with_control_characters() -> None:
    # Given lines a person might write
    kept = parse_client_frame(_share("  \u202egnp.exe <b>hi</b> \u200f  "))
    # Then markup and RTL marks and overrides are kept exactly, only the outer spaces go
    assert isinstance(kept, ShareVerse) and kept.line == "\u202egnp.exe <b>hi</b> \u200f"
    # And new lines, tabs, escapes and over-long lines are refused with a sentence that says why
    for line, words in (
        ("a\nb", "control characters"),
        ("a\tb", "control characters"),
        ("\x1b[31mred", "control characters"),
        ("x" * (limits.SHARE_LINE_MAX_CHARS + 1), f"under {limits.SHARE_LINE_MAX_CHARS} characters"),
    ):
        with pytest.raises(ProtocolError) as refused:
            parse_client_frame(_share(line))
        assert refused.value.frame.code == ErrorCode.BAD_REQUEST and words in refused.value.frame.message


def test_the_card_is_a_png_of_the_preview_size_and_differs_by_verse_and_line() -> None:
    # Given two verses from the bundled text
    first, second = verse_of("John 3:16", "WEB"), verse_of("Psalm 23:1", "KJV")
    assert first is not None and second is not None
    # When their cards are drawn
    cards = [render_card(first), render_card(second), render_card(first, "For you")]
    # Then each is a 1200x630 PNG, and a different verse or a line makes a different image
    for png in cards:
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.size == (WIDTH, HEIGHT) == (1200, 630)
    assert len(set(cards)) == 3


def test_the_local_http_api_matches_path_parameters_as_http_api_does() -> None:
    routes = dict.fromkeys(paths.ROUTES, object())
    # Given the REST routes; When a share's page and card are asked for
    assert match_route(routes, "GET", paths.share_path("abc_DEF-123")) == (
        f"GET {paths.SHARE}",
        {"share_id": "abc_DEF-123"},
    )
    assert match_route(routes, "GET", paths.share_card_path("abc")) == (f"GET {paths.SHARE_CARD}", {"share_id": "abc"})
    # Then exact routes still win, and a path no route has stays unmatched
    assert match_route(routes, "GET", paths.HEALTH) == (f"GET {paths.HEALTH}", {})
    assert match_route(routes, "POST", paths.share_path("abc")) == (f"POST {paths.share_path('abc')}", {})
    assert match_route(routes, "GET", paths.share_path("")) == (f"GET {paths.share_path('')}", {})
