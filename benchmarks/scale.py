"""Benchmark: briefs from 100, 1,000 and 10,000 generated articles.

Each run is a fresh `briefing build` process (cold, as cron runs it) writing
the PDF; the table gives wall time, the child's peak RSS (wait4) and the
growth factor per 10× articles.  Side by side in the same run, the baseline
is the same build with --jobs 1 (no process pool), so the pool's gain and
cost are visible.

Targets on the 2-core machine (issue 8): 1,000 articles ≤ 30 s; 10,000 ≤ 5 min
and ≤ 1.5 GB peak; growth close to linear.

    .venv/bin/python benchmarks/scale.py [--sizes 100,1000,10000] [--baseline-max 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from benchmarks.common import run_cold, run_cold_tree
from benchmarks.corpus import generate





def build_command(folder: Path, output: Path, jobs: int | None) -> list[str]:
    command = [sys.executable, "-m", "briefing", "build", str(folder), "--today", "2024-06-01",
               "-o", str(output), "--quiet"]
    return command + ["--jobs", str(jobs)] if jobs else command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--baseline-max", type=int, default=1000,
                        help="run the --jobs 1 baseline only up to this size (it is slow)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        for size in sizes:
            folder = generate(size, tmp_path / f"corpus-{size}")
            pdf = tmp_path / f"brief-{size}.pdf"
            wall, rss, tree = run_cold_tree(build_command(folder, pdf, jobs=None))
            baseline = (
                run_cold(build_command(folder, tmp_path / "baseline.pdf", jobs=1))
                if size <= args.baseline_max else None
            )
            rows.append((size, wall, rss, tree, pdf.stat().st_size / 1024, baseline))
            print(f"{size} articles: {wall:.1f} s", file=sys.stderr, flush=True)

    print(f"cold `briefing build` to PDF, {os.cpu_count()} cores; default --jobs = cores\n")
    print("| articles | wall s | growth ×10 | peak RSS MB (main) | peak MB (main + workers) | PDF KB "
          "| baseline --jobs 1: wall s | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    previous = None
    for size, wall, rss, tree, kb, baseline in rows:
        growth = f"{wall / previous:.1f}×" if previous else "–"
        base = f"{baseline[0]:.1f} | {baseline[1]:.0f}" if baseline else "– | –"
        print(f"| {size:,} | {wall:.1f} | {growth} | {rss:.0f} | {tree:.0f} | {kb:.0f} | {base} |")
        previous = wall


if __name__ == "__main__":
    main()
