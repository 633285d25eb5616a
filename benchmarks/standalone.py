"""Benchmark: the share of shown points that open mid-thought (issue 20).

A point that opens with an anaphor or a connective (其, 这是, 该模型, 此举, 而,
同天 … : briefing/data/dependent_openers.toml) depends on the sentence before
it.  For each corpus this builds the brief's data twice, in process (no PDF):

* "before": no remedy (no ranking penalty, no context carried), the brief as
  it was before issue 20;
* "after": what `briefing build` does now.

and prints, over the shown points and over the executive summary, the share
that open with a dependent word, and the share left unresolved (dependent and
carrying no context sentence to lean on).

    .venv/bin/python benchmarks/standalone.py [CORPUS ...]   # default: seeds/

Corpus paths are arguments (the shared corpus is read where it lies, never
copied).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT  # noqa: E402

from briefing import core, standalone  # noqa: E402
from briefing.config import Settings  # noqa: E402
from briefing.models import Brief, Point  # noqa: E402

TODAY = dt.date(2026, 11, 23)


def _build(corpus: str, *, remedy: bool) -> Brief:
    penalty, attach = standalone.DEPENDENT_PENALTY, standalone.attach_context
    if not remedy:
        standalone.DEPENDENT_PENALTY = 1.0
        standalone.attach_context = lambda points, sentences: None
    try:
        return core.build_brief([corpus], settings=Settings(), today=TODAY)
    finally:
        standalone.DEPENDENT_PENALTY, standalone.attach_context = penalty, attach


def _shares(points: list[Point]) -> str:
    if not points:
        return "   –            –"
    dependent = sum(standalone.is_dependent(p) for p in points)
    unresolved = sum(standalone.unresolved(p) for p in points)
    n = len(points)
    return f"{dependent:3d}/{n:<3d} {100 * dependent / n:5.1f} %   {unresolved:3d}/{n:<3d} {100 * unresolved / n:5.1f} %"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", default=[str(ROOT / "seeds")])
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    print(f"{'corpus':<28} {'build':<7} {'points':<7}{'dependent':<18}{'unresolved':<18}")
    for corpus in args.corpora:
        for remedy in (False, True):
            brief = _build(corpus, remedy=remedy)
            label = Path(corpus).name or corpus
            when = "after" if remedy else "before"
            print(f"{label:<28} {when:<7} {'shown':<7}{_shares(brief.points)}")
            print(f"{'':<28} {'':<7} {'exec':<7}{_shares(brief.executive)}")


if __name__ == "__main__":
    main()
