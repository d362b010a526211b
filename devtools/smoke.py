"""Post-deploy smoke test: sign in as a test user, send one message over the WebSocket API, check every frame.

Runs against a deployed environment (`--outputs cdk-outputs-<env>.json --env <env>`, the file `cdk deploy
--outputs-file` writes) or the local stack (`--state-dir .motivator`, what `motivator dev` writes), reaching
Cognito and the API as any client does. The password comes from SMOKE_PASSWORD (never a command-line argument, so
it stays out of process lists and CI logs); nothing secret is printed. The conversation it made is deleted at the
end. Exit 0 when every check passed, 1 when one failed (named on stderr), 2 when the inputs are unusable.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, InvalidURI

#: An ordinary message: the answer must be a whole ordinary turn (never the crisis path).
SMOKE_MESSAGE = "I feel grateful today and a little tired after a long week."
FRAME_TIMEOUT_S = 60.0
PASSWORD_VARIABLE = "SMOKE_PASSWORD"
USERNAME_VARIABLE = "SMOKE_USERNAME"


class SmokeFailed(Exception):
    """A check failed: what a user of the deployed service would have met."""


class UnusableInput(Exception):
    """The tool cannot run: a missing file, output or credential."""


@dataclass(frozen=True)
class Target:
    ws_url: str
    client_id: str
    region: str
    username: str
    password: str
    #: Only for the local stack (moto); in AWS boto3 reaches Cognito's own regional endpoint.
    cognito_url: str | None = None


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    def ok(self, line: str) -> None:
        self.lines.append(f"ok  {line}")


def from_outputs(path: Path, env: str, username: str | None, password: str | None) -> Target:
    """A deployed environment, from `cdk deploy --outputs-file`'s JSON (stack name -> output name -> value)."""
    try:
        outputs = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise UnusableInput(f"cannot read the CDK outputs file {path}: {exc}") from None
    api, auth = outputs.get(f"Motivator-{env}-ChatApi", {}), outputs.get(f"Motivator-{env}-Auth", {})
    missing = [n for n, v in (("ChatApi.WebSocketUrl", api.get("WebSocketUrl")),
                              ("Auth.UserPoolClientId", auth.get("UserPoolClientId")),
                              ("Auth.UserPoolId", auth.get("UserPoolId"))) if not v]  # fmt: skip
    if missing:
        raise UnusableInput(f"{path} has no {', '.join(f'Motivator-{env}-{m}' for m in missing)} output")
    return Target(
        ws_url=api["WebSocketUrl"],
        client_id=auth["UserPoolClientId"],
        region=str(auth["UserPoolId"]).split("_", 1)[0],
        username=_required(username, f"--username or {USERNAME_VARIABLE}"),
        password=_required(password, PASSWORD_VARIABLE),
    )


def from_local(state_dir: Path, username: str | None, password: str | None) -> Target:
    """The running local stack (`motivator dev`), its demo user unless another is named."""
    try:
        endpoints = json.loads((state_dir / "endpoints.json").read_text())
    except (OSError, ValueError) as exc:
        raise UnusableInput(f"no running local stack in {state_dir} ({exc}); start it with `motivator dev`") from None
    return Target(
        ws_url=endpoints["ws_url"],
        client_id=endpoints["client_id"],
        region=endpoints["region"],
        username=username or endpoints["demo_username"],
        password=password or (endpoints["demo_password"] if not username else _required(None, PASSWORD_VARIABLE)),
        cognito_url=endpoints["cognito_url"],
    )


def _required(value: str | None, name: str) -> str:
    if not value:
        raise UnusableInput(f"set {name}")
    return value


def sign_in(target: Target) -> str:
    """The test user's Cognito access token (InitiateAuth needs no AWS credentials: the request is unsigned)."""
    cognito = boto3.client(
        "cognito-idp",
        region_name=target.region,
        endpoint_url=target.cognito_url,
        config=Config(signature_version=UNSIGNED),
    )
    try:
        result = cognito.initiate_auth(
            ClientId=target.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": target.username, "PASSWORD": target.password},
        )
    except (ClientError, BotoCoreError) as exc:
        raise SmokeFailed(f"sign-in as {target.username} failed: {exc}") from None
    if "AuthenticationResult" not in result:
        raise SmokeFailed(f"sign-in as {target.username} asked for a challenge ({result.get('ChallengeName')})")
    return str(result["AuthenticationResult"]["AccessToken"])


async def _frames_until(ws: ClientConnection, kinds: set[str]) -> list[dict[str, Any]]:
    frames: list[dict[str, Any]] = []
    async with asyncio.timeout(FRAME_TIMEOUT_S):
        while True:
            frame = json.loads(await ws.recv())
            if "type" not in frame:
                continue  # API Gateway's own informational frame (integration past 29 s)
            frames.append(frame)
            if frame["type"] in kinds | {"error"}:
                return frames


def check_answer(frames: list[dict[str, Any]], client_message_id: str, report: Report, started: float) -> str:
    """Ack, meta with a real verse, deltas numbered 1..n, done with the last seq: the session id on success."""
    kinds = [f["type"] for f in frames]
    if kinds[-1] == "error":
        raise SmokeFailed(f"the message was answered with error {frames[-1].get('code')}: {frames[-1].get('message')}")
    ack, meta, done = frames[0], next((f for f in frames if f["type"] == "meta"), None), frames[-1]
    if ack["type"] != "ack" or ack.get("clientMessageId") != client_message_id:
        raise SmokeFailed(f"the first frame was not the ack of the message: {kinds[:3]}")
    if meta is None or kinds.index("meta") != 1:
        raise SmokeFailed(f"meta did not follow the ack: {kinds[:3]}")
    verse = meta.get("verse") or {}
    if not (verse.get("reference") and verse.get("text")) or meta.get("safety") != "ok":
        raise SmokeFailed(f"meta lacks a verse or is not an ordinary answer: {meta}")
    deltas = [f for f in frames if f["type"] == "delta"]
    if not deltas or [d["seq"] for d in deltas] != list(range(1, len(deltas) + 1)):
        raise SmokeFailed(f"the deltas are missing or out of order: {[d['seq'] for d in deltas][:20]}")
    if done.get("seq") != deltas[-1]["seq"] or done.get("stopReason") not in ("end_turn", "max_tokens"):
        raise SmokeFailed(f"done does not close the answer: seq {done.get('seq')}, stopReason {done.get('stopReason')}")
    text = "".join(d["text"] for d in deltas).strip()
    if not text:
        raise SmokeFailed("the answer has no text")
    fallback = " (fallback: the model was unavailable)" if done.get("fallback") else ""
    report.ok(
        f"ack, meta ({meta['emotion']}, {verse['reference']}), {len(deltas)} deltas in order, "
        f"done {done['stopReason']}{fallback}"
    )
    report.ok(f"answer of {len(text.split())} words in {(time.monotonic() - started) * 1000:.0f} ms")
    return str(ack["sessionId"])


async def run(target: Target) -> Report:
    report = Report()
    token = await asyncio.to_thread(sign_in, target)
    report.ok(f"signed in as {target.username}")
    started = time.monotonic()
    headers = {"Authorization": f"Bearer {token}"}
    try:
        ws = await connect(target.ws_url, additional_headers=headers, open_timeout=30, max_size=None)
    except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
        raise SmokeFailed(f"cannot connect to {target.ws_url}: {exc}") from None
    async with ws:
        report.ok(f"connected in {(time.monotonic() - started) * 1000:.0f} ms")
        client_message_id = f"smoke-{uuid.uuid4()}"
        frame = {"action": "sendMessage", "message": SMOKE_MESSAGE, "clientMessageId": client_message_id}
        sent = time.monotonic()
        await ws.send(json.dumps(frame))
        try:
            frames = await _frames_until(ws, {"done"})
        except TimeoutError:
            raise SmokeFailed(f"no done frame within {FRAME_TIMEOUT_S:.0f} s") from None
        session_id = check_answer(frames, client_message_id, report, sent)
        await ws.send(json.dumps({"action": "ping"}))
        pong = await _frames_until(ws, {"pong"})
        if pong[-1]["type"] != "pong":
            raise SmokeFailed(f"ping was answered with {pong[-1]}")
        report.ok("ping answered")
        await ws.send(json.dumps({"action": "deleteHistory", "sessionId": session_id}))
        deleted = await _frames_until(ws, {"history"})
        if deleted[-1]["type"] != "history" or deleted[-1].get("items"):
            raise SmokeFailed(f"deleting the smoke conversation was answered with {deleted[-1]}")
        report.ok("smoke conversation deleted")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.smoke", description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--outputs", type=Path, help="cdk deploy --outputs-file JSON of a deployed environment")
    where.add_argument("--state-dir", type=Path, help="the local stack's state directory (motivator dev)")
    parser.add_argument("--env", help="the environment the outputs file is of (dev, staging, prod)")
    parser.add_argument("--username", default=os.environ.get(USERNAME_VARIABLE))
    args = parser.parse_args(argv)
    password = os.environ.get(PASSWORD_VARIABLE)
    try:
        if args.outputs is not None:
            target = from_outputs(args.outputs, _required(args.env, "--env with --outputs"), args.username, password)
        else:
            target = from_local(args.state_dir, args.username, password)
        report = asyncio.run(run(target))
    except UnusableInput as exc:
        sys.stderr.write(f"smoke: cannot run: {exc}\n")
        return 2
    except SmokeFailed as exc:
        sys.stderr.write(f"smoke: FAILED: {exc}\n")
        return 1
    sys.stdout.write("\n".join([*report.lines, f"smoke: passed against {target.ws_url}"]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
