"""Benchmark: articles → PDF brief, cold, as the cron job runs it.

Each row is a fresh `briefing build` process (interpreter start, jieba and
dictionary loading, fonts: everything a morning run pays), timed wall-clock,
with the child's peak RSS from wait4() and the PDF's size.  Side by side in
the same run, two baselines:

* "floor: import + 1-page CJK PDF": a bare WeasyPrint render of one page of
  Chinese text with the same fonts, the cost no brief can go below;
* "html only": the same build writing HTML, to split pipeline from PDF time.

Targets (issue 5): seeds ≤ 4 s, ≤ 300 KB, ≤ 300 MB peak.

    .venv/bin/python benchmarks/brief.py [--sizes 200,1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.common import ROOT, run_cold
from benchmarks.corpus import generate

BRIEFING = [sys.executable, "-m", "briefing"]

FLOOR = r"""
import sys, weasyprint
text = "中美人工智能政策简报。" * 200
html = f'<html lang="zh-CN"><body style="font-family: \'Noto Serif CJK SC\'"><p>{text}</p></body></html>'
weasyprint.HTML(string=html).write_pdf(sys.argv[1])
"""




def measure(label: str, command: list[str], output: Path | None, repeat: int) -> dict:
    runs = [run_cold(command) for _ in range(repeat)]
    return {
        "label": label,
        "wall": statistics.median(r[0] for r in runs),
        "best": min(r[0] for r in runs),
        "rss": max(r[1] for r in runs),
        "size": output.stat().st_size / 1024 if output and output.exists() else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="200,1000", help="synthetic corpus sizes besides the seeds")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        floor_pdf = tmp_path / "floor.pdf"
        rows.append(measure("floor: import + 1-page CJK PDF", [sys.executable, "-c", FLOOR, str(floor_pdf)],
                            floor_pdf, args.repeat))
        corpora = [("seeds (5)", ROOT / "seeds")]
        for size in (int(s) for s in args.sizes.split(",") if s.strip()):
            corpora.append((f"synthetic {size}", generate(size, tmp_path / f"corpus-{size}")))
        for label, folder in corpora:
            html = tmp_path / "brief.html"
            rows.append(measure(f"{label}: html only",
                                [*BRIEFING, "build", str(folder), "--today", "2024-06-01", "--format", "html",
                                 "-o", str(html), "--quiet"], None, args.repeat))
            pdf = tmp_path / "brief.pdf"
            rows.append(measure(f"{label}: pdf",
                                [*BRIEFING, "build", str(folder), "--today", "2024-06-01", "-o", str(pdf),
                                 "--quiet"], pdf, args.repeat))

    print(f"cold runs, median of {args.repeat} (best), {os.cpu_count()} cores\n")
    print("| run | wall s (median) | best s | peak RSS MB | PDF KB |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        size = f"{row['size']:.0f}" if row["size"] is not None else "–"
        print(f"| {row['label']} | {row['wall']:.2f} | {row['best']:.2f} | {row['rss']:.0f} | {size} |")


if __name__ == "__main__":
    main()
