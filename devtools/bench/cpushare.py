"""A Lambda's CPU share on this machine: a Linux cgroup (v1 `cpu` controller) whose CFS quota is that share.

Lambda gives a function CPU in proportion to its memory, one vCPU at 1,769 MB (AWS, "Lambda function memory"), and
enforces it as a CPU quota. `CpuShare(memory_mb)` makes a cgroup with the same quota per 100 ms period; a process
started with `preexec_fn=share.join` (or moved in with `add`) then runs at that share, its children too. Creating a
cgroup needs write access to the cgroup file system (root in this machine's container); `available()` says whether
it is there, and the tools that use it say so plainly when it is not.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Memory that buys one full vCPU in Lambda.
MB_PER_VCPU = 1769
CPU_CGROUPS = Path("/sys/fs/cgroup/cpu")
PERIOD_US = 100_000


def quota_us(memory_mb: int, period_us: int = PERIOD_US) -> int:
    """The CFS quota per period that gives the CPU share of a function of `memory_mb` (at most all of one vCPU
    per 1,769 MB: above that Lambda adds cores, which one process thread cannot use more of anyway)."""
    return max(1000, round(period_us * memory_mb / MB_PER_VCPU))


def vcpu(memory_mb: int) -> float:
    """The share of one vCPU a function of `memory_mb` gets."""
    return quota_us(memory_mb) / PERIOD_US


def available(root: Path | None = None) -> bool:
    """Whether cgroups with a CPU quota can be made here (under `root`, by default the cpu controller's mount)."""
    root = root or CPU_CGROUPS
    return (root / "cpu.cfs_quota_us").exists() and os.access(root, os.W_OK)


class CpuShare:
    """A cgroup holding processes to the CPU share of a `memory_mb` Lambda function; removed on `close()`."""

    def __init__(self, memory_mb: int, root: Path | None = None) -> None:
        self.memory_mb = memory_mb
        self.path = (root or CPU_CGROUPS) / f"motivator-bench-{os.getpid()}-{memory_mb}mb"
        self.path.mkdir(exist_ok=True)
        (self.path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
        (self.path / "cpu.cfs_quota_us").write_text(str(quota_us(memory_mb)))

    @property
    def vcpu(self) -> float:
        return vcpu(self.memory_mb)

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def join(self) -> None:
        """Move the calling process in (a `preexec_fn`: the child runs the command inside the share)."""
        self.add(os.getpid())

    def close(self) -> None:
        parent = self.path.parent / "cgroup.procs"
        for pid in (self.path / "cgroup.procs").read_text().split():
            try:
                parent.write_text(pid)  # back to the parent, so the group can be removed
            except OSError:
                continue  # it has exited
        self.path.rmdir()

    def __enter__(self) -> CpuShare:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
