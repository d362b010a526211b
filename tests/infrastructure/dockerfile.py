"""The web image's build read from its files, without Docker: the workflow's build steps, the Dockerfile's
instructions, which context files its dockerignore keeps, and those COPYs laid out in a folder."""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "deploy.yml"
BUILD_ACTION = "docker/build-push-action"


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str

    def words(self) -> list[str]:
        return shlex.split(self.args)


def workflow_builds(workflow: Path = WORKFLOW) -> list[dict[str, Any]]:
    """The `with:` of every docker/build-push-action step of the workflow."""
    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    return [
        step.get("with", {})
        for job in jobs.values()
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith(BUILD_ACTION)
    ]


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern (Go filepath.Match plus `**`) as a regular expression over slash paths."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


@dataclass(frozen=True)
class DockerBuild:
    """One image build: the context folder and the Dockerfile, as `docker build -f <dockerfile> <context>`."""

    context: Path
    dockerfile: Path

    @classmethod
    def from_step(cls, step: dict[str, Any]) -> DockerBuild:
        context = ROOT / step.get("context", ".")
        return cls(context, ROOT / step["file"] if "file" in step else context / "Dockerfile")

    @property
    def ignore_file(self) -> Path | None:
        """BuildKit reads `<Dockerfile>.dockerignore` next to the Dockerfile first, else `<context>/.dockerignore`."""
        for candidate in (
            self.dockerfile.with_name(self.dockerfile.name + ".dockerignore"),
            self.context / ".dockerignore",
        ):
            if candidate.is_file():
                return candidate
        return None

    @cached_property
    def _patterns(self) -> list[tuple[bool, re.Pattern[str]]]:
        patterns = []
        lines = self.ignore_file.read_text().splitlines() if self.ignore_file else []
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            pattern = line.lstrip("!").strip().strip("/")
            patterns.append((negated, _glob_regex(pattern)))
        return patterns

    def kept(self, relative: str) -> bool:
        """Whether the context file reaches the build: the last pattern matching it (or a parent folder) decides."""
        parts = relative.strip("/").split("/")
        candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        excluded = False
        for negated, regex in self._patterns:
            if any(regex.fullmatch(candidate) for candidate in candidates):
                excluded = not negated
        return not excluded

    def instructions(self) -> list[Instruction]:
        text = re.sub(r"\\\n", " ", self.dockerfile.read_text())
        found = []
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                keyword, _, args = line.partition(" ")
                found.append(Instruction(keyword.upper(), args.strip()))
        return found

    def copies(self) -> list[Instruction]:
        """Every COPY from the build context (not `--from` another stage)."""
        return [i for i in self.instructions() if i.keyword == "COPY" and "--from" not in i.args]

    def files_of(self, copy: Instruction) -> dict[str, str]:
        """Context file (relative) -> where one COPY puts it (relative to the WORKDIR at that COPY)."""
        paths = [w for w in copy.words() if not w.startswith("--")]
        *sources, destination = paths
        files: dict[str, str] = {}
        for source in sources:
            path = self.context / source
            if path.is_dir():
                for file in self._walk(path):
                    files[self._relative(file)] = f"{destination.rstrip('/')}/{file.relative_to(path).as_posix()}"
            elif path.is_file() and self.kept(source):
                files[source] = f"{destination.rstrip('/')}/{path.name}" if destination.endswith("/") else destination
        return files

    def copied_files(self) -> dict[str, str]:
        """Context file -> its place, over every COPY of the build."""
        return {source: placed for copy in self.copies() for source, placed in self.files_of(copy).items()}

    def _walk(self, folder: Path) -> list[Path]:
        """The kept files below `folder`; an excluded folder is not entered (node_modules), unless a `!` pattern
        could bring back something inside it."""
        kept = []
        for directory, subfolders, names in os.walk(folder):
            here = Path(directory)
            subfolders[:] = sorted(
                name for name in subfolders if self.kept(self._relative(here / name)) or self._reincludes(here / name)
            )
            kept += [here / name for name in sorted(names) if self.kept(self._relative(here / name))]
        return kept

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.context).as_posix()

    def _reincludes(self, folder: Path) -> bool:
        prefix = self._relative(folder) + "/"
        return any(negated and regex.pattern.startswith(re.escape(prefix)) for negated, regex in self._patterns)


def shared_modules_imported_by(folder: Path) -> set[Path]:
    """Every file of shared/ that the Python code under `folder` imports, directly or through other shared modules."""
    found: set[Path] = set()
    pending = sorted(folder.rglob("*.py"))
    while pending:
        source = pending.pop()
        for node in ast.walk(ast.parse(source.read_text())):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                if name.split(".")[0] != "shared":
                    continue
                parts = name.split(".")
                for n in range(1, len(parts) + 1):
                    base = ROOT.joinpath(*parts[:n])
                    for module in (base / "__init__.py", base.with_suffix(".py")):
                        if module.is_file() and module not in found:
                            found.add(module)
                            pending.append(module)
    return found


@dataclass
class Stage:
    instructions: list[Instruction]
    env: dict[str, str]
    workdir: str = "/"
    cmd: list[str] | None = None
    healthcheck: str | None = None
    expose: list[int] | None = None


class ImageBuilder:
    """Runs a Dockerfile's stages in a folder standing for the image's `/`: ARG, ENV, WORKDIR, COPY from the
    context (its dockerignore applied) and the build stages' RUNs, through `sh` on this machine, with the image's own
    folders (those a later stage copies with `COPY --from`, e.g. /venv and /app) placed under that folder. The last
    stage's RUNs are not run (they set up the image's user), and its PATH starts empty, as the slim base image has no
    tool the app may use but what it installs."""

    def __init__(self, build: DockerBuild, root: Path, build_args: dict[str, str], shims: Path) -> None:
        self.build, self.root, self.build_args, self.shims = build, root, build_args, shims
        #: (RUN command, seconds) of the build so far.
        self.timings: list[tuple[str, float]] = []
        instructions = build.instructions()
        self.owned = sorted(
            {w for i in instructions if i.keyword == "COPY" and "--from" in i.args for w in i.words()[-2:]}
        )

    def path(self, image_path: str) -> Path:
        return self.root / image_path.lstrip("/")

    def mapped(self, text: str) -> str:
        """`text` with the image's own absolute folders moved under the root (/app/x -> <root>/app/x)."""
        for folder in self.owned:
            text = re.sub(rf"(?<![\w./-]){re.escape(folder)}(?=/|\b|$)", str(self.path(folder)), text)
        return text

    def stages(self) -> list[Stage]:
        stages: list[Stage] = []
        for instruction in self.build.instructions():
            if instruction.keyword == "FROM":
                stages.append(Stage(instructions=[], env={}))
            elif stages:
                stages[-1].instructions.append(instruction)
        return stages

    def run(self, host_env: dict[str, str], log: Path) -> Stage:
        """Builds every stage; returns the last one (the image) with its environment, WORKDIR, CMD and checks."""
        self.root.mkdir(parents=True, exist_ok=True)
        stages = self.stages()
        for number, stage in enumerate(stages):
            final = number == len(stages) - 1
            stage.env["PATH"] = "" if final else f"{self.shims}{os.pathsep}{host_env.get('PATH', '')}"
            for instruction in stage.instructions:
                self._apply(stage, instruction, final, host_env, log)
        return stages[-1]

    def _apply(self, stage: Stage, instruction: Instruction, final: bool, host_env: dict[str, str], log: Path) -> None:
        keyword, args = instruction.keyword, instruction.args
        if keyword == "ARG":
            name, _, default = args.partition("=")
            stage.env[name] = self.build_args.get(name, default)
        elif keyword == "ENV":
            for word in instruction.words():
                name, _, value = word.partition("=")
                expanded = re.sub(r"\$\{?(\w+)\}?", lambda m: stage.env.get(m[1], ""), value)
                stage.env[name] = self.mapped(expanded).strip(os.pathsep)
        elif keyword == "WORKDIR":
            stage.workdir = args
            self.path(args).mkdir(parents=True, exist_ok=True)
        elif keyword == "COPY" and "--from" not in args:
            for source, destination in self.build.files_of(instruction).items():
                placed = self.path(stage.workdir) / destination
                placed.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(self.build.context / source, placed)
        elif keyword == "RUN" and not final:
            command = self.mapped(args)
            env = {**host_env, **stage.env}
            started = time.monotonic()
            with log.open("a") as out:
                out.write(f"\n$ {command}\n")
                out.flush()
                done = subprocess.run(["sh", "-c", command], cwd=self.path(stage.workdir), env=env, stdout=out,
                                      stderr=subprocess.STDOUT)  # fmt: skip
            self.timings.append((args, time.monotonic() - started))
            if done.returncode:
                raise RuntimeError(f"RUN {command[:80]}… exited {done.returncode}; see {log}")
        elif keyword == "CMD":
            stage.cmd = json.loads(args)
        elif keyword == "HEALTHCHECK":
            stage.healthcheck = args
        elif keyword == "EXPOSE":
            stage.expose = [int(word.split("/")[0]) for word in instruction.words()]
