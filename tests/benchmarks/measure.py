"""What the benchmarks' child processes share: run one step, then report its wall time and peak memory.

Each measured step runs in a fresh child process so that its peak resident set size is its own; the
child prints ``{"seconds", "peak_mb"}`` as its last line (``print_figures``) and the parent reads it.
"""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable


def run_cli(args: list[str]) -> None:
    """``mosaic ARGS`` in this process; a non-zero exit raises."""
    from mosaic.cli import app

    try:
        app(args, standalone_mode=False)
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            raise


def peak_mb() -> float:
    """This process's peak resident set size in MB: ``VmHWM`` (Linux), else ``ru_maxrss``.

    Why not ``ru_maxrss`` alone: Linux keeps it across ``execve``, so a child started by a parent holding a
    gigabyte (the benchmark, with the CSV it generated) reports at least that gigabyte, whatever it used
    itself. ``VmHWM`` belongs to the process's own memory map, which ``execve`` replaces."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_figures(step: Callable[[], None]) -> None:
    """Run ``step`` and print its wall time (imports it makes included) and this process's peak memory."""
    started = time.perf_counter()
    step()
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb()}))
