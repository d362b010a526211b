"""Synthesizes the CDK app once per change of what it is built from; the templates are cached by that hash.

The key hashes every file of cdk/, shared/, handlers/, app.py and cdk.json, the environment and the aws-cdk-lib
version, so an edit anywhere the templates come from synthesizes again and nothing else does. The cache lives in
`.motivator/cdk-cache/<env>-<hash>/` (`MOTIVATOR_CDK_CACHE` moves it) and keeps the last few entries.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: What the templates are synthesized from (DESIGN.md section 3).
INPUTS = ("cdk", "shared", "handlers", "app.py", "cdk.json")
CACHE_ENV = "MOTIVATOR_CDK_CACHE"
ENTRIES_KEPT = 4
_PROGRESS_EVERY_S = 5.0
_KEPT_FILES = ("manifest.json",)


class SynthError(Exception):
    """The CDK app did not synthesize; the message ends with its output."""


def default_cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or ROOT / ".motivator" / "cdk-cache")


def inputs_hash(env: str, root: Path = ROOT) -> str:
    digest = hashlib.sha256(f"{env}\0aws-cdk-lib {version('aws-cdk-lib')}\0".encode())
    for name in INPUTS:
        base = root / name
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in paths:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def synthesized(env: str = "dev", cache_dir: Path | None = None, progress: Callable[[str], None] = print) -> Path:
    """The folder of `env`'s templates: from the cache when nothing they come from changed, else synthesized now."""
    cache = (cache_dir or default_cache_dir()).resolve()
    target = cache / f"{env}-{inputs_hash(env)}"
    if (target / "manifest.json").is_file():
        progress(f"==> CDK templates of {env} unchanged since the last synth ({target})")
        os.utime(target)  # recently used entries are the ones pruning keeps
        return target
    progress(f"==> synthesizing the CDK app for {env} (once per change of cdk/, shared/, handlers/, app.py, cdk.json)")
    started = time.monotonic()
    staging = cache / f".{target.name}.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    _run_app(env, staging, progress)
    for path in staging.iterdir():
        if not (path.name.endswith(".template.json") or path.name in _KEPT_FILES):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    try:
        os.replace(staging, target)  # whole or not at all: a concurrent reader never sees half a synth
    except OSError:
        if not (target / "manifest.json").is_file():
            raise
        shutil.rmtree(staging, ignore_errors=True)  # another process synthesized the same inputs meanwhile
    _prune(cache)
    progress(f"   synthesized in {time.monotonic() - started:.1f} s")
    return target


def _run_app(env: str, outdir: Path, progress: Callable[[str], None]) -> None:
    """`python app.py` as `cdk synth -c env=…` runs it: the context reaches the app through CDK_CONTEXT_JSON."""
    context = {"env": env, "aws:cdk:disable-asset-staging": True}  # templates only: no 70 MB asset copy
    log_path = outdir / "synth.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=ROOT,
            env={**os.environ, "CDK_OUTDIR": str(outdir), "CDK_CONTEXT_JSON": json.dumps(context)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        next_note = started + _PROGRESS_EVERY_S
        while process.poll() is None:
            time.sleep(0.2)
            if time.monotonic() >= next_note:
                progress(f"   still synthesizing ({time.monotonic() - started:.0f} s)")
                next_note += _PROGRESS_EVERY_S
    if process.returncode:
        tail = log_path.read_text(errors="replace")[-3000:]
        shutil.rmtree(outdir, ignore_errors=True)
        raise SynthError(f"the CDK app did not synthesize for {env} (exit {process.returncode}); it printed:\n{tail}")


def _prune(cache: Path) -> None:
    entries = sorted((p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")), key=_mtime)
    for old in entries[:-ENTRIES_KEPT]:
        shutil.rmtree(old, ignore_errors=True)


def _mtime(path: Path) -> float:
    return path.stat().st_mtime
