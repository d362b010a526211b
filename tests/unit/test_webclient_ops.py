"""The /ops page's gate and numbers: only an operator's current ID token opens it; the cards read the ops view."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from motivator_web.state.auth import _return_to
from motivator_web.state.ops import EXPIRED, REFUSED, SIGNED_OUT, _cards, refusal

from shared.dashboard import OPERATORS_GROUP


def _token(**claims: Any) -> str:
    """A JWT-shaped ID token with these claims (the state reads tokens Cognito gave the server, unsigned here)."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part(claims)}.signature"


def _id(**claims: Any) -> str:
    return _token(token_use="id", exp=time.time() + 600, **claims)


def test_only_an_operators_current_id_token_opens_the_page() -> None:
    """Given ID tokens of an operator, of an ordinary user, an expired one, an access token and none,
    When the page checks them, Then only the operator's current ID token passes; each other gets its sentence."""
    assert refusal(_id(**{"cognito:groups": [OPERATORS_GROUP]})) == ""
    assert refusal(_id(**{"cognito:groups": ["readers"]})) == REFUSED
    assert refusal(_id()) == REFUSED
    assert refusal(_id(**{"cognito:groups": OPERATORS_GROUP + "-not-a-list"})) == REFUSED
    assert refusal(_token(token_use="id", exp=time.time() - 1, **{"cognito:groups": [OPERATORS_GROUP]})) == EXPIRED
    assert refusal(_token(token_use="access", exp=time.time() + 600, **{"cognito:groups": [OPERATORS_GROUP]})) == (
        SIGNED_OUT
    )
    assert refusal("") == SIGNED_OUT
    assert refusal("not.a-token!.at-all") == SIGNED_OUT


def test_the_cards_show_each_series_and_alarm_from_one_snapshot() -> None:
    """Given a snapshot of the ops view with two minutes of one widget and one alarm,
    When turned into the page's texts and chart rows,
    Then each number is formatted once, the rows carry one point per minute and series, and each alarm says its
    rule and how far it is from firing."""
    snapshot = {
        "firstMinuteMs": 1_700_000_040_000,
        "windowMinutes": 2,
        "widgets": {"messages": {"series": [
            {"window": 3.0, "latest": None, "points": [1.0, 2.0], "periodSeconds": 60},
            {"window": 2.5, "latest": 9.0, "points": [None, 2.5], "periodSeconds": 3600},
        ]}},
        "alarms": {
            "CrisisReferrals": {"state": "ALARM", "value": 4.0, "threshold": 3, "comparison": ">",
                                "periodSeconds": 3600, "breachingPeriods": 1, "evaluationPeriods": 1,
                                "datapointsToAlarm": 1},
            "ChatErrorRate": {"state": "OK", "value": 20.0, "threshold": 5, "comparison": ">=", "periodSeconds": 60,
                              "breachingPeriods": 2, "evaluationPeriods": 5, "datapointsToAlarm": 5},
        },
    }  # fmt: skip
    texts, charts = _cards(snapshot)
    assert texts["messages.0.window"] == "3" and texts["messages.0.latest"] == "–"
    assert texts["messages.1.window"] == "9"  # an hourly series is shown over its hour, not the 2-minute window
    assert [(row["s0"], row["s1"]) for row in charts["messages"]] == [(1.0, None), (2.0, 2.5)]
    assert len({row["minute"] for row in charts["messages"]}) == 2
    assert texts["CrisisReferrals.state"] == "ALARM" and texts["CrisisReferrals.value"] == "4"
    assert (texts["CrisisReferrals.rule"], texts["CrisisReferrals.periods"]) == ("> 3", "over the last hour")
    assert (texts["ChatErrorRate.rule"], texts["ChatErrorRate.periods"]) == (
        "≥ 5",
        "2 of the last 5 minutes breaching, 5 needed",
    )


def test_signing_in_returns_to_the_ops_page_and_nowhere_else() -> None:
    """Given a sign-in link with a page to return to, When the person signs in,
    Then /ops is returned to, and any other address (another site, another path) leads to the chat instead."""
    assert _return_to("/ops") == "/ops"
    for elsewhere in (None, "", "https://example.org/ops", "//example.org", "/ops/../admin", "/"):
        assert _return_to(elsewhere) == "/"
