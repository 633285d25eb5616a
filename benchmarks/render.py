"""Render timings and sizes for the synthetic brief of tests/test_render.py.

    .venv/bin/python benchmarks/render.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path


from benchmarks.synthetic_brief import synthetic_brief

from briefing import pdf, render


def main() -> None:
    started = time.perf_counter()
    brief = synthetic_brief()
    print(f"build synthetic brief (jieba + CC-CEDICT load, gist): {time.perf_counter() - started:.2f} s")
    print(f"harfbuzz-subset available: {pdf.harfbuzz_subset_available()}")
    with tempfile.TemporaryDirectory() as tmp:
        for run in ("cold", "warm"):
            for fmt in render.FORMATS:
                started = time.perf_counter()
                (path,) = render.render(brief, Path(tmp) / f"brief-{run}.pdf", formats=[fmt])
                elapsed = time.perf_counter() - started
                print(f"{run:4} {fmt:4} {elapsed:6.2f} s {path.stat().st_size / 1024:8.1f} KiB")


if __name__ == "__main__":
    main()
