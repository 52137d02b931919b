"""What /proc says about this machine and process, for the benchmarks' figures."""

import os
import resource
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM).

    Not ``ru_maxrss``: on Linux that keeps, across the exec, the resident size of the
    parent at the fork, so a worker started by a big parent would report the parent's.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def steal_seconds() -> float | None:
    """CPU time the hypervisor gave to others while this VM wanted it (all CPUs), from
    /proc/stat: a run that had a lot of it was measured on a busy host."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (which may hold spaces)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pids: list[int], *, reaped: bool = False) -> float:
    """User + system CPU time of these processes so far; with ``reaped``, also that of the
    children they have waited for (a server's ended backends). Ended processes count 0."""
    total = 0
    for pid in pids:
        try:
            fields = _stat_fields(pid)
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if reaped:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime
    return total / os.sysconf("SC_CLK_TCK")


def parent_pid(pid: int) -> int:
    return int(_stat_fields(pid)[1])


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants alive now, root first."""
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in children.read_text().split())
            except FileNotFoundError:
                pass  # ended meanwhile
    return pids
