"""Builds the Lambda code asset without Docker: pip installs aarch64 wheels next to handlers/ and shared/."""

from __future__ import annotations

import glob
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cdk.constants import (
    AWS_SDK_DISTRIBUTIONS,
    BUNDLE_AWS_SDK,
    LAMBDA_NEWER_MANYLINUX,
    LAMBDA_PIP_PLATFORM,
    LAMBDA_RUNTIME_VERSION,
    LAMBDA_SOURCE_PACKAGES,
    LAMBDA_SOURCE_SUFFIXES,
)
from shared.engine.scripture import bible_modules

#: Bump when the way the asset is assembled changes, so cached folders are not reused.
_RECIPE_VERSION = "3"
_KEEP_BUILDS = 2


@dataclass(frozen=True)
class AssetTarget:
    """Which wheels pip fetches: Lambda's (the deployed asset) or this machine's (to run the same asset in tests)."""

    pip_platform: str
    python_version: str

    @property
    def pip_platforms(self) -> tuple[str, ...]:
        """The manylinux2014 tag and the glibc 2.28 one of the same architecture (both run on Lambda's runtime)."""
        return self.pip_platform, self.pip_platform.replace("manylinux2014", LAMBDA_NEWER_MANYLINUX)


LAMBDA_TARGET = AssetTarget(LAMBDA_PIP_PLATFORM, LAMBDA_RUNTIME_VERSION)


def host_target() -> AssetTarget:
    """This machine's CPython and architecture: the asset's recipe with wheels this interpreter can import."""
    return AssetTarget(f"manylinux2014_{platform.machine()}", f"{sys.version_info.major}.{sys.version_info.minor}")


@dataclass(frozen=True)
class LambdaAsset:
    path: Path
    asset_hash: str

    def unzipped_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())


def runtime_dependencies(root: Path) -> list[str]:
    """The `[project] dependencies` of pyproject.toml: exactly what ships to Lambda."""
    with (root / "pyproject.toml").open("rb") as fh:
        return list(tomllib.load(fh)["project"]["dependencies"])


def _source_files(root: Path) -> list[Path]:
    files = []
    for package in LAMBDA_SOURCE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and path.suffix in LAMBDA_SOURCE_SUFFIXES and "__pycache__" not in path.parts:
                files.append(path)
    return files


def _runtime_python(version: str) -> str | None:
    """A CPython of the target's version, to precompile bytecode (Lambda's /var/task is read-only,
    so without .pyc files every cold start recompiles, e.g. the 5 MB scripture modules)."""
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python3")))
    check = f"import sys; sys.exit(sys.version_info[:2] != {tuple(map(int, version.split('.')))})"
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "-c", check], capture_output=True).returncode == 0:
            return candidate
    return None


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def _compile(python: str | None, folder: Path) -> None:
    if python:
        # unchecked-hash: valid whatever mtimes the asset zip gives the sources.
        subprocess.run(
            [python, "-m", "compileall", "-q", "-j0", "--invalidation-mode", "unchecked-hash", str(folder)],
            check=True,
            stdout=subprocess.DEVNULL,
        )


def _install_dependencies(root: Path, target: Path, python: str | None, wheels: AssetTarget) -> None:
    tmp = target.with_name(target.name + f".tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
        *(arg for tag in wheels.pip_platforms for arg in ("--platform", tag)), "--implementation", "cp",
        "--python-version", wheels.python_version, "--only-binary=:all:",
        "--target", str(tmp),
    ]  # fmt: skip
    constraints = root / "constraints.txt"
    if constraints.exists():
        command += ["--constraint", str(constraints)]
    # pip's output is kept for failures only (it is chatty about this machine's local indexes).
    done = subprocess.run([*command, *runtime_dependencies(root)], capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise RuntimeError(f"pip could not build the Lambda dependencies (exit {done.returncode})")
    shutil.rmtree(tmp / "bin", ignore_errors=True)
    _drop_unused_scripture(tmp)
    if not BUNDLE_AWS_SDK:
        for dist in AWS_SDK_DISTRIBUTIONS:
            for path in tmp.glob(f"{dist}*"):
                shutil.rmtree(path)
    _compile(python, tmp)
    os.replace(tmp, target)


def _drop_unused_scripture(folder: Path) -> None:
    """Only the offered translations (shared.translations), in the one format the engine reads, ship: every other
    `*_bible.py` of the pythonbible data packages (other formats, texts not offered) is megabytes of unused text."""
    keep = {folder / (module.replace(".", "/") + ".py") for module in bible_modules()}
    for path in sorted(keep):
        if not path.is_file():
            raise RuntimeError(f"the scripture text {path.relative_to(folder)} is missing from the Lambda dependencies")
    for path in folder.glob("pythonbible_*/*_bible.py"):
        if path not in keep:
            path.unlink()


def _prune(folder: Path, keep: Path) -> None:
    builds = sorted((p for p in folder.iterdir() if p.is_dir() and ".tmp-" not in p.name), key=os.path.getmtime)
    for old in builds[:-_KEEP_BUILDS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def build_lambda_asset(root: Path, build_dir: Path | None = None, target: AssetTarget = LAMBDA_TARGET) -> LambdaAsset:
    """Returns the asset folder for these sources and dependencies, building it only when they changed."""
    build_dir = build_dir or root / "build"
    python = _runtime_python(target.python_version)
    constraints = root / "constraints.txt"
    deps_key = _digest(
        _RECIPE_VERSION,
        json.dumps(runtime_dependencies(root)),
        constraints.read_bytes() if constraints.exists() else b"",
        target.pip_platform,
        target.python_version,
        str(BUNDLE_AWS_SDK),
        str(bool(python)),
        # The scripture texts kept (_drop_unused_scripture): offering another translation rebuilds the dependencies.
        *bible_modules(),
    )
    sources = _source_files(root)
    asset_key = _digest(deps_key, *(f"{p.relative_to(root).as_posix()}:{_digest(p.read_bytes())}" for p in sources))

    asset_root = build_dir / "lambda-asset"
    asset_dir = asset_root / asset_key[:16]
    if asset_dir.is_dir():
        return LambdaAsset(asset_dir, asset_key)

    deps_root = build_dir / "lambda-deps"
    deps_dir = deps_root / deps_key[:16]
    deps_root.mkdir(parents=True, exist_ok=True)
    if not deps_dir.is_dir():
        _progress(
            f"==> building Lambda dependencies ({target.pip_platform}, Python {target.python_version}) "
            f"into {deps_dir.relative_to(root)} with pip; cached for later synths",
        )
        _install_dependencies(root, deps_dir, python, target)
        _prune(deps_root, deps_dir)

    _progress(f"==> assembling Lambda asset {asset_dir.relative_to(root)}")
    asset_root.mkdir(parents=True, exist_ok=True)
    tmp = asset_root / f"{asset_key[:16]}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    # Hard links: the dependencies are never modified in place, so sharing the inodes is safe and instant.
    shutil.copytree(deps_dir, tmp, copy_function=_link_or_copy)
    for path in sources:
        destination = tmp / path.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    for package in LAMBDA_SOURCE_PACKAGES:
        _compile(python, tmp / package)
    try:
        os.replace(tmp, asset_dir)
    except OSError:  # another synth finished the same build first
        shutil.rmtree(tmp, ignore_errors=True)
    _prune(asset_root, asset_dir)
    return LambdaAsset(asset_dir, asset_key)


def _progress(line: str) -> None:
    """A progress line on stderr (stdout may be the CDK CLI's)."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
