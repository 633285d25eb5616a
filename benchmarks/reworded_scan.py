"""How far machine-reworded (洗稿) articles stand apart from ordinary ones: the detector's margin.

For every article it reads (the seeds, the labelled corpus documents, and the
news articles of the eval file if given), prints the reading of
:func:`briefing.reworded.read` (distinct spinner words, the spinner's share of
the pairs' words) for the most spinner-like ones, and counts how many the
detector calls reworded, with its thresholds beside them.

    .venv/bin/python benchmarks/reworded_scan.py [/work/shared/eval/nlpcc2017_dev.jsonl]

The eval data is read from the path given; nothing of it is stored in the repository.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from briefing import ingest, reworded
from training.labelled import CORPUS, ROOT



def articles(eval_path: Path | None) -> list[tuple[str, list[str]]]:
    """(name, paragraphs) for the seeds, the corpus documents and the eval articles."""
    out = [(f"seeds/{p.name}", ingest.read_article(p).paragraphs) for p in sorted((ROOT / "seeds").iterdir())]
    documents: dict[str, list[str]] = defaultdict(list)
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                documents[f"corpus/{path.stem}/{record['doc']}"].append(record["sentence"])
    out += sorted(documents.items())
    if eval_path is not None:
        for line in eval_path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            out.append((f"eval/{record['id']}", [record["article"]]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval", nargs="?", type=Path, help="the eval JSONL file (optional)")
    parser.add_argument("--top", type=int, default=8, help="how many of the most spinner-like articles to list")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    readings = [(name, reworded.read(paragraphs)) for name, paragraphs in articles(args.eval)]
    elapsed = time.perf_counter() - started
    print(f"thresholds: at least {reworded.MIN_DISTINCT} distinct spinner words and a share of at least {reworded.MIN_SHARE:.0%}")
    print("| article | distinct | share | reworded |")
    print("|---|---:|---:|---|")
    ranked = sorted(readings, key=lambda item: (-item[1].distinct, -item[1].share, item[0]))
    for name, reading in ranked[: args.top]:
        print(f"| {name} | {reading.distinct} | {reading.share:.0%} | {'yes' if reading.reworded else 'no'} |")
    groups: dict[str, list[reworded.Reading]] = defaultdict(list)
    for name, reading in readings:
        groups[name.split("/")[0]].append(reading)
    for group, members in groups.items():
        flagged = sum(r.reworded for r in members)
        busiest = max(members, key=lambda r: (r.distinct, r.share))
        share = max((r.share for r in members if r.distinct >= 5), default=0.0)
        print(f"{group}: {len(members)} articles, {flagged} called reworded; most distinct {busiest.distinct}; "
              f"highest share among those with 5+ distinct {share:.0%}")
    print(f"({elapsed:.1f} s, {1000 * elapsed / len(readings):.2f} ms an article)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
