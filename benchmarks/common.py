"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_cold(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process, started fresh as cron would.

    wait4's ru_maxrss is that process alone; a process pool's workers are forked
    from it after jieba is loaded and share those pages.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed: {' '.join(command)}\n{process.stderr.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024
