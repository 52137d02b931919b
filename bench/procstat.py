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
