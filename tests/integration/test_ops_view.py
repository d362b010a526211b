"""Issue 19: `motivator ops --once --json` shows what a burst of real traffic did, widget by widget, and the alarms
that traffic should raise flip to ALARM on the thresholds the CloudWatch alarms use."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

from devtools.bootstrap import create_user, generate_password
from devtools.stack import LocalStack, Ports, StackOptions
from shared.dashboard import Thresholds, dashboard
from shared.ops_eval import statistic
from tests.stackclient import Answer, bedrock, collect, open_ws, send_message_frame, token_for

pytestmark = pytest.mark.integration

MOTIVATOR = [str(Path(sys.executable).parent / "motivator")]
#: Five messages a user at once, then one a minute: the sixth and seventh of one user are refused.
BURST = 5
CRISIS = ("I want to kill myself.", "I don't want to live anymore.", "I wish I was dead.",
          "I have pills saved up for when I'm ready.")  # fmt: skip


@pytest.fixture(scope="module")
def quiet_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """A stack of its own: its handler log holds exactly this module's traffic."""
    options = StackOptions(
        state_dir=Path(tmp_path_factory.mktemp("ops-stack")),
        ports=Ports.free(),
        model="composer",
        seed=3,
        token_delay_ms=2,
        handler_env={"RATE_LIMIT_BURST": str(BURST), "RATE_LIMIT_PER_MINUTE": "1"},
    )
    stack = LocalStack(options, progress=lambda line: None)
    stack.start()
    yield stack
    stack.stop()


def ops_json(stack: LocalStack) -> dict[str, Any]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(
        [*MOTIVATOR, "ops", "--once", "--json", "--state-dir", str(stack.state_dir)],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    snapshot: dict[str, Any] = json.loads(done.stdout)
    return snapshot


def _user(endpoints: dict[str, Any], name: str) -> str:
    username = f"ops-{name}-{time.monotonic_ns()}@motivator.local"
    password = generate_password()
    create_user(endpoints["cognito_url"], endpoints["region"], endpoints["user_pool_id"], username, password)
    return token_for(endpoints, username, password)


async def _send(ws: ClientConnection, texts: list[str] | tuple[str, ...]) -> list[Answer]:
    """Each message in turn, its frames collected until its `done` or its error."""
    answers = []
    for text in texts:
        await ws.send(send_message_frame(text))
        answers.append(await collect(ws, until={"done", "error"}))
    return answers


def _series(snapshot: dict[str, Any], widget: str) -> dict[str, Any]:
    return {s.get("metric") or s["label"]: s for s in snapshot["widgets"][widget]["series"]}


async def test_the_ops_view_counts_real_traffic_and_raises_the_matching_alarms(quiet_stack: LocalStack) -> None:
    """Given a fresh local stack, every alarm OK,
    When three refused tokens knock, three bad frames arrive, two people chat, five messages meet a throttled
    model, four crisis messages come in and one person sends two more than the rate limit allows,
    Then every widget of `motivator ops --once --json` shows those counts (matching what the clients saw), and
    ModelThrottles, ModelFallbackSpike and CrisisReferrals are in ALARM while ChatErrorRate, which needs five
    breaching minutes, is still OK."""
    endpoints = quiet_stack.endpoints
    board = dashboard(Thresholds())  # cdk.json's dev values are the defaults
    before = ops_json(quiet_stack)
    assert set(before["widgets"]) == {w.key for w in board.widgets}
    assert {name: a["state"] for name, a in before["alarms"].items()} == {a.id: "OK" for a in board.alarms}

    for _ in range(3):
        with pytest.raises(Exception, match="401"):
            await open_ws(endpoints, "not-a-token")
    frames: list[Answer] = []
    ordinary = await open_ws(endpoints, token_for(endpoints))
    for bad in ('{"action": "sendMessage"}', "not json", '{"action": "nope"}'):
        await ordinary.send(bad)
        frames.append(await collect(ordinary, until={"error"}))
    frames += await _send(ordinary, ["I feel a little anxious about tomorrow.", "Thank you, that helped."])

    bedrock(endpoints, "/_faults", {"throttle": 1000})
    throttled = await open_ws(endpoints, _user(endpoints, "throttled"))
    fallbacks = await _send(throttled, [f"I am tired and worn out, day {n}." for n in range(5)])
    bedrock(endpoints, "/_faults", {"reset": True})
    frames += fallbacks

    crisis = await open_ws(endpoints, _user(endpoints, "crisis"))
    frames += await _send(crisis, CRISIS)
    eager = await open_ws(endpoints, _user(endpoints, "eager"))
    frames += await _send(eager, [f"I am grateful for today, thought {n}." for n in range(BURST + 2)])
    for ws in (ordinary, throttled, crisis, eager):
        await ws.close()
        # One close at a time: the emulator runs the $disconnect handlers of one process side by side, sharing
        # Powertools' metrics object, and two flushing at once can lose a line (Lambda runs one at a time).
        await asyncio.sleep(0.5)

    every = [f for answer in frames for f in answer.frames if "type" in f]
    done = [f for f in every if f["type"] == "done"]
    ttft = [float(f["metrics"]["ttftMs"]) for f in done if f["metrics"].get("ttftMs") is not None]
    messages = 2 + 5 + len(CRISIS) + BURST + 2
    expected = {
        ("connections", "ConnectionsOpened"): 4,
        ("connections", "ConnectionsClosed"): 4,
        ("messages", "MessagesReceived"): messages,
        ("messages", "AnswersCompleted"): len(done),
        ("rate_limited", "RateLimited"): 2,
        ("bad_requests", "BadRequests"): 3,
        ("auth_refusals", "AuthRejected"): 3,
        ("crisis_referrals", "CrisisReferrals"): len(CRISIS),
        ("model", "ModelThrottles"): 5,
        ("model", "ModelFallbacks"): 5,
        ("storage_errors", "StorageErrors"): None,
        ("auth_refusals", "JwksFetchFailures"): None,
    }
    # What the clients saw agrees with the scenario: the refusals, the fallbacks and the crisis answers.
    assert sum(f["type"] == "error" and f["code"] == "rate_limited" for f in every) == 2
    assert sum(bool(f.get("fallback")) for f in done) == 5
    assert sum(f["type"] == "meta" and f["safety"] == "crisis" for f in every) == len(CRISIS)

    deadline = time.monotonic() + 60  # a handler's metrics are written when it returns, just after its last frame
    while True:
        after = ops_json(quiet_stack)
        seen = {key: _series(after, key[0])[key[1]]["window"] for key in expected}
        if seen == expected or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert seen == expected

    # The distributions are the ones the clients saw in their done frames (which round to 0.1 ms).
    totals = [float(f["metrics"]["totalMs"]) for f in done]
    for key, seen_by_clients in (("time_to_first_token", ttft), ("answer_duration", totals)):
        by_stat = {s["stat"]: s["window"] for s in after["widgets"][key]["series"]}
        expected_stats = [statistic(seen_by_clients, stat) for stat in ("p50", "p90", "p99")]
        assert [by_stat["p50"], by_stat["p90"], by_stat["p99"]] == pytest.approx(expected_stats, abs=0.06), key
    per_answer = [s["window"] for s in after["widgets"]["per_answer"]["series"]]
    tokens = sum(f["usage"]["outputTokens"] for f in done)
    assert per_answer == pytest.approx([len(every) / len(done), tokens / len(done)])
    rate = _series(after, "fallback_rate")["answers from the offline composer (% of messages)"]["window"]
    assert rate == pytest.approx(100 * 5 / messages)
    output = {s["stat"]: s["window"] for s in after["widgets"]["output_tokens"]["series"]}
    assert output == pytest.approx({"Sum": tokens, "Average": tokens / len(done)})
    model = _series(after, "model")
    assert model["CrisisReferrals"]["window"] == len(CRISIS)
    assert {model[name]["window"] for name in ("ModelRaisedRisk", "VerseSubstitutions", "ClientGone")} == {None}
    assert _series(after, "crisis_referrals")["ConcernAnswers"]["window"] is None
    checked = {"connections", "messages", "time_to_first_token", "answer_duration", "per_answer", "fallback_rate",
               "rate_limited", "bad_requests", "auth_refusals", "crisis_referrals", "storage_errors", "model",
               "output_tokens"}  # fmt: skip
    assert checked == set(after["widgets"]), "every widget of the definition is checked here"

    received = _series(after, "messages")["MessagesReceived"]
    assert sum(v or 0 for v in received["points"]) == messages  # the plot's minutes add up to the total

    states = {name: alarm["state"] for name, alarm in after["alarms"].items()}
    assert states == {
        "ModelThrottles": "ALARM",
        "ModelFallbackSpike": "ALARM",
        "CrisisReferrals": "ALARM",
        "ChatErrorRate": "OK",
        "TimeToFirstTokenP90": "OK",
        "JwksUnreachable": "OK",
    }
    chat_errors = after["alarms"]["ChatErrorRate"]
    # (at most the minute of the throttled answers breaches, however slow this machine is: never the five needed)
    assert chat_errors["breachingPeriods"] <= 1 < chat_errors["datapointsToAlarm"] == 5


async def test_an_unreachable_jwks_shows_as_refusals_and_fetch_failures(stack: LocalStack, tmp_path: Path) -> None:
    """Given a gateway whose authorizer's JWKS address answers nothing (a closed port),
    When a person with a good token tries to connect twice,
    Then both are refused, and `motivator ops` on that gateway's log counts the refusals and the failed key fetches
    from the authorizer's own log lines (as the CloudWatch metric filter does), the JwksUnreachable alarm still OK:
    it needs two breaching minutes of three."""
    from tests.integration.conftest import extra_gateway

    with extra_gateway(stack, tmp_path, env={"JWKS_URL": "http://127.0.0.1:9/.well-known/jwks.json"}) as endpoints:
        token = token_for(endpoints)
        for _ in range(2):
            with pytest.raises(Exception, match="401"):
                await open_ws(endpoints, token)
        log = tmp_path / "gateway.log"
        deadline = time.monotonic() + 60
        while True:
            done = subprocess.run([*MOTIVATOR, "ops", "--once", "--json", "--log", str(log)],
                                  capture_output=True, text=True, timeout=60)  # fmt: skip
            assert done.returncode == 0, done.stderr
            snapshot = json.loads(done.stdout)
            seen = {k: v["window"] for k, v in _series(snapshot, "auth_refusals").items()}
            if seen["AuthRejected"] == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    assert seen["AuthRejected"] == 2
    assert seen["JwksFetchFailures"] is not None and seen["JwksFetchFailures"] >= 1
    jwks = snapshot["alarms"]["JwksUnreachable"]
    assert (jwks["state"], jwks["datapointsToAlarm"]) == ("OK", 2)
    assert jwks["breachingPeriods"] <= 1  # the refusals' minute, two of three needed
