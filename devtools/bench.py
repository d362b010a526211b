"""Benchmarks of the budgets in DESIGN.md section 6; prints numbers, asserts nothing (`make bench`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from devtools.bootstrap import client as local_client
from devtools.bootstrap import sign_in
from devtools.stack import LocalStack, Ports, StackOptions

MESSAGES = [
    "I'm anxious about my job interview tomorrow.",
    "I feel so lonely since my friends moved away.",
    "I'm grateful for a good day with my kids.",
    "Everything at work is overwhelming me.",
    "I'm angry at my brother for what he said.",
]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def model_ttft_ms(endpoints: dict[str, Any], runs: int) -> list[float]:
    """Time to the first message word (after the header line) straight from the local Bedrock endpoint."""
    client = local_client("bedrock-runtime", endpoints["bedrock_url"], endpoints["region"])
    out = []
    for i in range(runs):
        started = time.perf_counter()
        response = client.converse_stream(
            modelId="bench", messages=[{"role": "user", "content": [{"text": MESSAGES[i % len(MESSAGES)]}]}]
        )
        text = ""
        for event in response["stream"]:
            if "contentBlockDelta" in event:
                # The model's first message word: the first token after its header line.
                if "\n" in text:
                    out.append((time.perf_counter() - started) * 1000)
                    break
                text += event["contentBlockDelta"]["delta"].get("text", "")
        for _ in response["stream"]:
            pass
    return out


async def pipeline(endpoints: dict[str, Any], token: str, runs: int, gap_s: float = 0.0) -> dict[str, list[float]]:
    result: dict[str, list[float]] = {
        "first_delta_ms": [],
        "sent_at_ms": [],
        "ack_ms": [],
        "frames": [],
        "tokens": [],
        "total_ms": [],
    }
    async with connect(endpoints["ws_url"], additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        session_id: str | None = None
        for i in range(runs):
            await asyncio.sleep(gap_s)  # a person reads the answer before writing again
            frame = {
                "action": "sendMessage",
                "message": MESSAGES[i % len(MESSAGES)],
                "clientMessageId": str(uuid.uuid4()),
            }
            if session_id:  # one conversation: every later message carries the session and its recent turns
                frame["sessionId"] = session_id
            started = time.perf_counter()
            sent_at_ms = time.time() * 1000
            await ws.send(json.dumps(frame))
            deltas = 0
            while True:
                got = json.loads(await ws.recv())
                now = (time.perf_counter() - started) * 1000
                if got["type"] == "ack":
                    result["ack_ms"].append(now)
                    session_id = got["sessionId"]
                elif got["type"] == "delta":
                    if deltas == 0:
                        result["first_delta_ms"].append(now)
                        result["sent_at_ms"].append(sent_at_ms)
                    deltas += 1
                elif got["type"] == "error":
                    raise RuntimeError(f"the bench message was refused: {got['message']}")
                elif got["type"] == "done":
                    result["frames"].append(deltas)
                    result["tokens"].append(got["usage"]["outputTokens"])
                    result["total_ms"].append(now)
                    break
    return result


async def stop_latency(endpoints: dict[str, Any], token: str, runs: int) -> list[float]:
    """Time from sending `stop` to receiving `done` while an answer streams."""
    out = []
    async with connect(endpoints["ws_url"], additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        for i in range(runs):
            frame = {
                "action": "sendMessage",
                "message": MESSAGES[i % len(MESSAGES)],
                "clientMessageId": str(uuid.uuid4()),
            }
            await ws.send(json.dumps(frame))
            message_id = ""
            while True:
                got = json.loads(await ws.recv())
                if got["type"] == "ack":
                    message_id = got["messageId"]
                elif got["type"] == "delta":
                    break
            started = time.perf_counter()
            await ws.send(json.dumps({"action": "stop", "messageId": message_id}))
            while True:
                got = json.loads(await ws.recv())
                if got["type"] == "done":
                    out.append((time.perf_counter() - started) * 1000)
                    break
    return out


def overhead_per_answer(endpoints: dict[str, Any], measured: dict[str, list[float]]) -> dict[str, list[float]]:
    """Client send to first delta, minus that very request's own model time (arrival to its first message word).

    The local Bedrock endpoint reports, per streamed answer, when the request arrived and when the first token
    after the header line went out; each answer is matched to the model call that started after it was sent.
    Split in two: before the model (send to the request's arrival) and after it (its first word to the client).
    """
    stats_url = endpoints["bedrock_url"] + "/_stats"
    with urllib.request.urlopen(stats_url, timeout=5) as response:  # noqa: S310 - loopback only
        timings = sorted(json.loads(response.read())["timings"], key=lambda t: t["receivedAt"])
    out: dict[str, list[float]] = {"total": [], "before": [], "after": []}
    for sent_at, first_delta in zip(measured["sent_at_ms"], measured["first_delta_ms"], strict=True):
        call = next((t for t in timings if t["receivedAt"] >= sent_at and t["firstBodyTokenAt"]), None)
        if call is not None:
            out["total"].append(first_delta - (call["firstBodyTokenAt"] - call["receivedAt"]))
            out["before"].append(call["receivedAt"] - sent_at)
            out["after"].append(sent_at + first_delta - call["firstBodyTokenAt"])
    return out


def handler_import_ms(env: dict[str, str], runs: int = 5) -> list[float]:
    """Wall time to import the sendMessage handler in a fresh interpreter (its share of a cold start)."""
    code = "import time; t=time.perf_counter(); import handlers.send_message; print((time.perf_counter()-t)*1000)"
    out = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True)
        if done.returncode == 0:
            out.append(float(done.stdout.strip()))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--token-delay-ms", type=float, default=15.0, help="pace of the local model")
    parser.add_argument(
        "--gap-ms", type=float, default=300.0, help="pause between one answer's done and the next message"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as state:
        options = StackOptions(
            state_dir=Path(state),
            ports=Ports.free(),
            token_delay_ms=args.token_delay_ms,
            seed=1,
            # The bench sends far faster than a person; lift the per-user rate limit for it.
            handler_env={"RATE_LIMIT_BURST": "1000", "RATE_LIMIT_PER_MINUTE": "100000"},
        )
        print(f"==> starting the local stack (token delay {args.token_delay_ms} ms)")
        with LocalStack(options, progress=lambda line: None) as stack:
            e = stack.endpoints
            token = sign_in(e["cognito_url"], e["region"], e["client_id"], e["demo_username"], e["demo_password"])
            asyncio.run(pipeline(e, token["AccessToken"], 3))  # warm-up: JWKS, imports, connections
            model = model_ttft_ms(e, args.runs)
            measured = asyncio.run(pipeline(e, token["AccessToken"], args.runs, args.gap_ms / 1000))
            per_answer = overhead_per_answer(e, measured)
            stops = asyncio.run(stop_latency(e, token["AccessToken"], 10))
            imports = handler_import_ms(stack.handler_env)
    first = measured["first_delta_ms"]
    overhead = [f - statistics.median(model) for f in first]
    print(f"runs: {args.runs}, {args.gap_ms:.0f} ms between an answer's done and the next message")
    ack = measured["ack_ms"]
    print(f"client send -> ack            p50 {_pct(ack, 0.5):7.2f} ms  p90 {_pct(ack, 0.9):7.2f} ms")
    print(f"client send -> first delta    p50 {_pct(first, 0.5):7.2f} ms  p90 {_pct(first, 0.9):7.2f} ms")
    print(f"model's own time to 1st word  p50 {_pct(model, 0.5):7.2f} ms")
    print(f"pipeline overhead (difference) p50 {_pct(overhead, 0.5):7.2f} ms  p90 {_pct(overhead, 0.9):7.2f} ms")
    if per_answer["total"]:
        total, before, after = per_answer["total"], per_answer["before"], per_answer["after"]
        print(
            f"pipeline overhead (per answer)  p50 {_pct(total, 0.5):7.2f} ms  p90 {_pct(total, 0.9):7.2f} ms"
            f"  (send to first delta minus that request's own model time; {len(total)} answers)"
        )
        print(
            f"  before the model call         p50 {_pct(before, 0.5):7.2f} ms  (send to the request reaching the model)"
        )
        print(
            f"  after the model's first word  p50 {_pct(after, 0.5):7.2f} ms  (header check, meta, delta to the client)"
        )
    print(f"answer total                   p50 {_pct(measured['total_ms'], 0.5):7.2f} ms")
    print(
        f"model tokens per answer        median {statistics.median(measured['tokens']):.0f}; "
        f"delta frames per answer median {statistics.median(measured['frames']):.0f}"
    )
    print(f"stop -> done                   p50 {_pct(stops, 0.5):7.2f} ms  max {max(stops):7.2f} ms")
    if imports:
        print(f"handler import (cold start)    median {statistics.median(imports):7.1f} ms over {len(imports)} runs")


if __name__ == "__main__":
    main()
