"""A Lambda's CPU share, reproduced with a cgroup quota: the bench's memory-size measurements stand on it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools.bench import cpushare, lambda_cpu

BUSY = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n"


def test_the_quota_follows_lambdas_memory_to_cpu_rule() -> None:
    # Then 1,769 MB is a whole vCPU, and smaller sizes get their proportion of it
    assert cpushare.quota_us(1769) == cpushare.PERIOD_US
    assert cpushare.quota_us(512) == round(cpushare.PERIOD_US * 512 / 1769)
    assert cpushare.quota_us(128) < cpushare.quota_us(256) < cpushare.quota_us(512)


@pytest.mark.skipif(not cpushare.available(), reason="needs write access to /sys/fs/cgroup/cpu")
def test_a_process_in_a_share_gets_no_more_cpu_than_the_share() -> None:
    # Given the share of a 354 MB function (0.2 vCPU)
    with cpushare.CpuShare(354) as share:
        # When a process that needs 0.3 s of CPU runs inside it
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", BUSY], check=True, preexec_fn=share.join)
        wall = time.monotonic() - started
    # Then it takes at least 0.3 s / 0.2 of wall time, less a period's slack (it ran at its share, not a whole core)
    assert wall >= 0.3 / 0.2 - 0.2


def test_without_cgroups_the_tool_measures_nothing_and_says_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a machine without a writable CPU cgroup hierarchy
    monkeypatch.setattr(cpushare, "CPU_CGROUPS", tmp_path / "no-cgroups")
    assert not cpushare.available()
    # When the memory-size tool runs
    with pytest.raises(SystemExit) as exit_status:
        lambda_cpu.main(["--sizes", "256"])
    # Then it stops with status 2 and a sentence saying what is missing
    assert exit_status.value.code == 2
    assert "nothing measured" in capsys.readouterr().out
