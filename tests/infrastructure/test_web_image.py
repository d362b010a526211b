"""The web image as CI builds it: the workflow's context holds what the Dockerfile copies, and the image gets the
shared modules the web client imports (checked from the files: no Docker here)."""

from __future__ import annotations

import re

import pytest

from cdk.constants import WEB_DOCKERFILE_DIR

from .dockerfile import ROOT, DockerBuild, shared_modules_imported_by, workflow_builds

DOCKERFILE = ROOT / WEB_DOCKERFILE_DIR / "Dockerfile"
DEPLOY_GUIDE = ROOT / "docs" / "deploy.md"


def _builds() -> list[DockerBuild]:
    builds = [DockerBuild.from_step(step) for step in workflow_builds()]
    assert builds, "the workflow builds no image"
    return builds


def test_every_workflow_build_uses_the_web_dockerfile_from_the_repository_root() -> None:
    # Given the image builds of the deploy workflow (one per environment job)
    for build in _builds():
        # Then each builds webclient/Dockerfile with the repository root as context (the client imports shared/)
        assert build.dockerfile == DOCKERFILE
        assert build.context == ROOT


@pytest.mark.parametrize("build", _builds(), ids=lambda b: str(b.context.relative_to(ROOT)) or ".")
def test_every_copy_source_is_in_the_context_and_kept_by_its_dockerignore(build: DockerBuild) -> None:
    # Given the Dockerfile's COPY instructions and the dockerignore this build reads
    assert build.ignore_file is not None
    copies = build.copies()
    assert copies
    for copy in copies:
        kept = build.files_of(copy)
        for source in [w for w in copy.words() if not w.startswith("--")][:-1]:
            # Then every source exists relative to the workflow's context
            assert (build.context / source).exists(), f"COPY {source}: not in the context {build.context}"
            # and the dockerignore lets it (or, for a folder, something in it) through
            stem = source.rstrip("/")
            assert any(path == stem or path.startswith(stem + "/") for path in kept), (
                f"COPY {source}: {build.ignore_file.name} keeps nothing of it"
            )


def test_the_image_gets_every_shared_module_the_web_client_imports() -> None:
    # Given the shared/ modules the web client imports, directly or through each other (shared.protocol ...)
    needed = {p.relative_to(ROOT).as_posix() for p in shared_modules_imported_by(ROOT / WEB_DOCKERFILE_DIR)}
    assert "shared/protocol.py" in needed and "shared/limits.py" in needed
    for build in _builds():
        # Then the build copies each of them into the image, where PYTHONPATH=/app finds it
        copied = build.copied_files()
        missing = sorted(needed - set(copied))
        assert not missing, f"the image would lack {missing}"
        assert all(copied[path] == path for path in needed)
    # and not the engine, which is the handlers' (megabytes of scripture the web client never reads)
    assert not any(path.startswith("shared/engine/") for path in copied)


def test_the_deploy_guide_builds_the_image_as_ci_does() -> None:
    # Given the docker build commands of docs/deploy.md
    commands = [line for line in DEPLOY_GUIDE.read_text().splitlines() if re.search(r"docker (buildx )?build ", line)]
    assert commands
    for command in commands:
        # Then each builds webclient/Dockerfile from the repository root
        assert f"-f {WEB_DOCKERFILE_DIR}/Dockerfile" in command, command
        assert command.split()[-1] == ".", command
