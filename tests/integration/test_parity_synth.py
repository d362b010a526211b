"""The CDK app is synthesized once per change of what its templates are built from, and the templates are cached."""

from __future__ import annotations

import shutil
from pathlib import Path

from devtools.parity.synth import INPUTS, ROOT, inputs_hash, synthesized
from devtools.stack import LocalStack


def _copy_inputs(target: Path) -> Path:
    for name in INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target / name)
    return target


def test_the_cache_key_follows_what_the_templates_are_built_from(tmp_path: Path) -> None:
    # Given a copy of everything the templates are synthesized from
    root = _copy_inputs(tmp_path)
    key = inputs_hash("dev", root)

    # When bytecode appears beside the sources, the key stays
    (root / "cdk" / "__pycache__").mkdir()
    (root / "cdk" / "__pycache__" / "constants.cpython-311.pyc").write_bytes(b"\0")
    assert inputs_hash("dev", root) == key
    # And another environment has another key
    assert inputs_hash("prod", root) != key

    # When a handler or the infrastructure changes, the key changes
    handler = root / "handlers" / "ping.py"
    handler.write_text(handler.read_text() + "\n")
    assert inputs_hash("dev", root) != key


def test_a_second_start_reuses_the_synth(cdk_stack: LocalStack) -> None:
    # Given the templates of this session's template-driven stack (synthesized again here only if someone edited
    # cdk/, shared/ or handlers/ since it started)
    first = synthesized("dev", progress=lambda line: None)
    assert first.parent == Path(cdk_stack.endpoints["templates"]).parent

    # When another start asks for the same environment's templates
    lines: list[str] = []
    folder = synthesized("dev", progress=lines.append)

    # Then it gets the same folder at once, saying so, and the folder holds only the templates and their manifest
    assert folder == first
    assert lines == [f"==> CDK templates of dev unchanged since the last synth ({folder})"]
    kept = {path.name for path in folder.iterdir()}
    assert "manifest.json" in kept and all(n == "manifest.json" or n.endswith(".template.json") for n in kept)
