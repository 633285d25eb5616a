"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_cold(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process, started fresh as cron would.

    wait4's ru_maxrss is that process alone; see :func:`run_cold_tree` for its workers too.
    """
    elapsed, peak, _ = run_cold_tree(command)
    return elapsed, peak


def run_cold_tree(command: list[str], interval: float = 0.1) -> tuple[float, float, float]:
    """Like :func:`run_cold`, plus the peak of the summed RSS of the process and its descendants.

    The tree figure is sampled from /proc every ``interval`` seconds (a short
    peak between samples can be missed); it counts pages shared by forked
    workers once per process, so it is an upper bound.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree_peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal tree_peak
        while not done.is_set():
            tree_peak = max(tree_peak, _tree_rss_mb(process.pid))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if status != 0:
        sys.exit(f"failed: {' '.join(command)}\n{process.stderr.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024, max(tree_peak, usage.ru_maxrss / 1024)


def _tree_rss_mb(root: int) -> float:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(stat.rsplit(")", 1)[1].split()[1])
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in tree) / 1024
