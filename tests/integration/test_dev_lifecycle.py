"""`motivator dev` started, stopped and restarted as developers do: Ctrl-C, kill, background jobs, quick restarts."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from devtools.replay.cli import main as replay
from devtools.stack import RUNS_KEPT, free_port, new_run_log
from tests.stackclient import ask, collect, open_ws, token_for

pytestmark = pytest.mark.integration

MOTIVATOR = str(Path(sys.executable).parent / "motivator")
TIME_WAIT = "06"  # the state column of /proc/net/tcp


@dataclass
class Dev:
    """One `motivator dev --no-web` process, on ports of its own, its output in a file."""

    state: Path
    ports: dict[str, int]
    pid: int = 0
    process: subprocess.Popen[bytes] | None = None
    children: list[int] = field(default_factory=list)

    @property
    def log(self) -> Path:
        return self.state / "dev.out"

    @property
    def command(self) -> list[str]:
        return [MOTIVATOR, "dev", "--no-web", "--state-dir", str(self.state)]

    @property
    def env(self) -> dict[str, str]:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.update({f"MOTIVATOR_{name.upper()}_PORT": str(port) for name, port in self.ports.items()})
        return env

    def start(self) -> Dev:
        self.state.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT, env=self.env)
        self.pid = self.process.pid
        return self.wait_ready()

    def start_in_background(self) -> Dev:
        """As `make dev &` in a script: a shell without job control starts the job with SIGINT ignored."""
        self.state.mkdir(parents=True, exist_ok=True)
        script = f"{shlex.join(self.command)} >{shlex.quote(str(self.log))} 2>&1 & echo $!"
        self.pid = int(subprocess.run(["bash", "-c", script], env=self.env, capture_output=True, check=True).stdout)
        return self.wait_ready()

    def wait_ready(self, timeout: float = 120) -> Dev:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            output = self.log.read_text(errors="replace") if self.log.exists() else ""
            if "==> ready" in output:
                self.children = descendants(self.pid)
                return self
            assert alive(self.pid), f"motivator dev exited:\n{output}"
            time.sleep(0.1)
        raise AssertionError(f"motivator dev not ready within {timeout} s:\n{self.log.read_text()}")

    def stop(self, signum: int = signal.SIGINT, timeout: float = 60) -> None:
        os.kill(self.pid, signum)
        deadline = time.monotonic() + timeout
        while alive(self.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(self.pid), f"motivator dev ignored signal {signum}:\n{self.log.read_text()}"

    def endpoints(self) -> dict[str, Any]:
        endpoints: dict[str, Any] = json.loads((self.state / "endpoints.json").read_text())
        return endpoints

    def kill_all(self) -> None:
        for pid in [self.pid, *self.children]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for its parent to read its exit status does not)."""
    if isinstance(reaped := _reap(pid), int):
        return reaped == 0
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _reap(pid: int) -> int | None:
    """For our own children: 0 while running, 1 once exited (and reaped); None for others' processes."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    return 0 if done == 0 else 1


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, grandchildren …), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [pid]
    while frontier:
        below = [child for child, parent in parents.items() if parent in frontier]
        found += below
        frontier = below
    return found


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def time_wait_on(port: int) -> bool:
    """Whether a connection that used `port` on our side lingers in TIME_WAIT (after the server closed it)."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return any(
        int(parts[1].split(":")[1], 16) == port and parts[3] == TIME_WAIT for parts in (line.split() for line in lines)
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A route for a gateway started in this process (it imports a module's `handler`, as Lambda does)."""
    return {"statusCode": 200}


def free_ports() -> dict[str, int]:
    return {name: free_port() for name in ("gateway", "connections", "bedrock", "moto")}


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[Dev]:
    process = Dev(tmp_path / "state", free_ports())
    try:
        yield process
    finally:
        process.kill_all()


async def _ping(endpoints: dict[str, Any]) -> None:
    ws = await open_ws(endpoints, token_for(endpoints))
    await ws.send(json.dumps({"action": "ping"}))
    await collect(ws, until={"pong"})
    await ws.close()


async def _chat(endpoints: dict[str, Any], text: str) -> None:
    ws = await open_ws(endpoints, token_for(endpoints))
    answer = await ask(ws, text)
    await ws.close()
    assert answer.types[-1] == "done", answer.frames


def _wait_for_disconnect(events: Path, timeout: float = 15) -> None:
    """$disconnect runs after the socket closed: the run's recording is whole once every connection's result is in."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = [json.loads(line) for line in events.read_text().splitlines() if line.strip()]
        opened = {r["connectionId"] for r in records if r.get("route") == "$connect" and r["kind"] == "result"}
        closed = {r["connectionId"] for r in records if r.get("route") == "$disconnect" and r["kind"] == "result"}
        if opened and opened <= closed:
            return
        time.sleep(0.1)
    raise AssertionError("the recording has a connection without its $disconnect")


def test_restart_right_after_a_chat_gets_the_same_ports(dev: Dev) -> None:
    # Given `motivator dev` stopped with Ctrl-C right after a chat, its connections lingering in TIME_WAIT
    dev.start()
    asyncio.run(_ping(dev.endpoints()))
    dev.stop(signal.SIGINT)
    assert time_wait_on(dev.ports["gateway"])

    # When it is started again at once on the same ports
    dev.start()

    # Then it starts: every server binds its port again
    assert all(listening(port) for port in dev.ports.values())
    asyncio.run(_ping(dev.endpoints()))
    dev.stop(signal.SIGINT)


async def test_every_server_binds_its_port_with_so_reuseaddr() -> None:
    # Given each server of the stack, as it binds its listening socket
    from werkzeug.serving import BaseWSGIServer

    from devtools.bedrock.server import LocalBedrock
    from devtools.gateway.server import Gateway

    gateway = Gateway(routes={"$default": __name__}, authorizer=None)  # no handler imports: this module's `handler`
    await gateway.start()
    try:
        with LocalBedrock("echo", port=0) as bedrock:
            sockets = {
                "gateway": next(iter(gateway._server.sockets)) if gateway._server else None,
                "connections": gateway._http.socket if gateway._http else None,
                "bedrock": bedrock._httpd.socket,
            }
            # Then each sets SO_REUSEADDR, so a restart binds again while the last run's connections are in TIME_WAIT
            assert {name: sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) if sock else None
                    for name, sock in sockets.items()} == dict.fromkeys(sockets, 1)  # fmt: skip
    finally:
        await gateway.stop()
    # And moto's server (werkzeug) asks for it too
    assert BaseWSGIServer.allow_reuse_address


def test_a_background_job_starts_with_sigint_ignored() -> None:
    # Given a script that starts a command in the background, as `make dev &` in a script does
    probe = "import signal; print(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)"
    script = f"{shlex.quote(sys.executable)} -c {shlex.quote(probe)} & wait"
    # Then the command starts with SIGINT ignored: what `motivator dev` must undo
    assert subprocess.run(["bash", "-c", script], capture_output=True, text=True).stdout.strip() == "True"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_background_dev_stops_on_each_signal_and_leaves_nothing_behind(dev: Dev, signum: signal.Signals) -> None:
    # Given `motivator dev` started as a background job (SIGINT ignored at start)
    dev.start_in_background()
    assert len(dev.children) >= 3 and all(listening(port) for port in dev.ports.values())

    # When it gets the signal
    dev.stop(signum)

    # Then no process it started survives and nothing listens on its ports
    assert [pid for pid in dev.children if alive(pid)] == []
    assert [name for name, port in dev.ports.items() if listening(port)] == []
    assert "==> stopping" in dev.log.read_text()


def test_children_die_with_a_killed_supervisor(dev: Dev) -> None:
    # Given the running stack
    dev.start()
    children = dev.children
    assert len(children) >= 3

    # When the supervisor is killed outright (SIGKILL: it gets no chance to stop anything)
    os.kill(dev.pid, signal.SIGKILL)
    assert dev.process is not None
    dev.process.wait(timeout=10)

    # Then its children end too, and free the ports
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in children if alive(pid)] == []
    assert [name for name, port in dev.ports.items() if listening(port)] == []


def test_readme_replay_passes_after_a_restart(dev: Dev, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a run of `motivator dev` with a chat, stopped, and a second run with a chat of its own
    dev.start()
    asyncio.run(_chat(dev.endpoints(), "I feel anxious about my exam tomorrow."))
    _wait_for_disconnect(dev.state / "events.jsonl")
    dev.stop(signal.SIGINT)
    dev.start()
    asyncio.run(_chat(dev.endpoints(), "I'm grateful for my friends today."))
    _wait_for_disconnect(dev.state / "events.jsonl")

    # When the README's command replays .motivator/events.jsonl against the second run
    code = replay([str(dev.state / "events.jsonl"), "--check", "--speed", "0", "--state-dir", str(dev.state)])

    # Then it replays this run's conversation (the first run's user is gone with its pool) and the frames match
    out = capsys.readouterr().out
    assert code == 0, out
    assert "--check passed" in out and "replaying 1 conversation(s)" in out
    # And the first run's log is still there, beside the current one
    assert len(list((dev.state / "runs").glob("*.jsonl"))) == 2
    dev.stop(signal.SIGINT)


def test_each_run_gets_its_own_log_and_the_last_five_are_kept(tmp_path: Path) -> None:
    # Given a state folder with a single events.jsonl from before runs had logs of their own
    (tmp_path / "events.jsonl").write_text('{"kind":"session","ts":1,"seed":0,"model":"composer"}\n')

    # When seven runs start
    logs = [new_run_log(tmp_path, {"seed": n, "model": "composer"}) for n in range(7)]

    # Then events.jsonl points at the last run's log, which opens with that run's seed and model
    link = tmp_path / "events.jsonl"
    assert link.is_symlink() and link.resolve() == logs[-1].resolve()
    assert json.loads(link.read_text()) | {"ts": 0} == {"ts": 0, "kind": "session", "seed": 6, "model": "composer"}
    # And only the newest five logs are kept, each named by its start time
    kept = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert kept == sorted(p.name for p in logs[-RUNS_KEPT:])
    assert all(name[:8].isdigit() and name[8] == "-" for name in kept)
