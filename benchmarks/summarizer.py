"""Benchmark: single-article summarisation quality and speed, side by side.

Scores, in one run and under the same rules (see the eval data's README):

* Lead: sentences in document order (our splitter);
* TextRank, plain: M&T overlap, d = 0.85, no priors (``RankSettings.plain()``);
* ours: ``RankSettings()`` (the production defaults).

Character-level ROUGE-1/2/L F1 at a 40-content-character budget and at the
top 3 sentences, mean/p50/p95 ms per article in-process (after one warm-up
call; dictionary loading excluded), a paired bootstrap 95% interval of
ours − Lead on ROUGE-1@40, and the same table for the two halves of the file
(even lines = the tuning half, odd lines = the check half).

    .venv/bin/python benchmarks/summarizer.py /work/shared/eval/nlpcc2017_dev.jsonl

The data is read from the path given; nothing of it is stored in the repository.
"""

from __future__ import annotations

import argparse
import json
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from briefing import rank, segment, tokenize

BUDGET_CHARS = 40
TOP_SENTENCES = 3


# --- scoring (eval README rules) ---------------------------------------------


def rouge_units(text: str) -> list[str]:
    """NFKC, lower-case, one token per alphanumeric character."""
    return [ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum()]


def _f1(overlap: int, candidate: int, reference: int) -> float:
    if overlap == 0 or candidate == 0 or reference == 0:
        return 0.0
    precision, recall = overlap / candidate, overlap / reference
    return 2 * precision * recall / (precision + recall)


def _ngrams(units: list[str], n: int) -> Counter:
    return Counter(tuple(units[i : i + n]) for i in range(len(units) - n + 1))


def _lcs(a: list[str], b: list[str]) -> int:
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, 1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge(candidate: str, reference: str) -> tuple[float, float, float]:
    """Character ROUGE-1, ROUGE-2 and ROUGE-L F1 (0–1)."""
    cand, ref = rouge_units(candidate), rouge_units(reference)
    scores = []
    for n in (1, 2):
        c, r = _ngrams(cand, n), _ngrams(ref, n)
        scores.append(_f1(sum((c & r).values()), max(0, len(cand) - n + 1), max(0, len(ref) - n + 1)))
    scores.append(_f1(_lcs(cand, ref), len(cand), len(ref)))
    return scores[0], scores[1], scores[2]


def budget_chars(sentences: Sequence[str], limit: int = BUDGET_CHARS) -> str:
    """Sentences best first, concatenated, cut at ``limit`` content characters."""
    out: list[str] = []
    count = 0
    for sentence in sentences:
        for ch in sentence:
            if ch.isalnum():
                if count == limit:
                    return "".join(out)
                count += 1
            out.append(ch)
        if count >= limit:
            break
    return "".join(out)


def budget_sentences(sentences: Sequence[str], k: int = TOP_SENTENCES) -> str:
    return "".join(sentences[:k])


# --- systems -----------------------------------------------------------------


def lead(text: str) -> list[str]:
    return [text[a:b] for a, b in segment.split_text(text) if any(ch.isalnum() for ch in text[a:b])]


def textrank_plain(text: str) -> list[str]:
    return rank.summarize_text(text, settings=rank.RankSettings.plain())


def ours(text: str) -> list[str]:
    return rank.summarize_text(text)


SYSTEMS: list[tuple[str, Callable[[str], list[str]]]] = [
    ("Lead (document order)", lead),
    ("TextRank, M&T overlap, d=0.85, no priors", textrank_plain),
    ("ours (RankSettings defaults)", ours),
]


def run_system(
    system: Callable[[str], list[str]], records: list[dict], repeat: int
) -> tuple[list[list[str]], list[float]]:
    """Outputs and per-article ms: the best of ``repeat`` cold passes (the machine is shared)."""
    system(records[0]["article"])  # warm-up
    outputs: list[list[str]] = []
    best = [float("inf")] * len(records)
    for _ in range(repeat):
        tokenize.clear_cache()  # every pass tokenises from cold; no system reuses another's work
        outputs = []
        for index, record in enumerate(records):
            start = time.perf_counter()
            outputs.append(system(record["article"]))
            best[index] = min(best[index], (time.perf_counter() - start) * 1000)
    return outputs, best


def score_outputs(outputs: list[list[str]], records: list[dict]) -> dict[str, np.ndarray]:
    rows = {"chars": [], "sents": [], "len_chars": [], "len_sents": []}
    for sentences, record in zip(outputs, records, strict=True):
        for budget, summary in (("chars", budget_chars(sentences)), ("sents", budget_sentences(sentences))):
            rows[budget].append(rouge(summary, record["reference"]))
            rows["len_" + budget].append(len(rouge_units(summary)))
    return {key: np.asarray(value, dtype=np.float64) for key, value in rows.items()}


def bootstrap(differences: np.ndarray, *, resamples: int = 1000, seed: int = 0) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    n = len(differences)
    means = differences[rng.integers(0, n, size=(resamples, n))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def table(title: str, results: dict, times: dict, budget: str, subset: np.ndarray) -> str:
    lines = [
        f"Budget: {title}   articles: {int(subset.sum())}",
        "",
        "| system | R-1 F1 | R-2 F1 | R-L F1 | summary len (content chars) | ms/article mean | p50 | p95 | max |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, scores in results.items():
        r = scores[budget][subset].mean(axis=0) * 100
        length = scores["len_" + budget][subset].mean()
        t = np.asarray(times[name])[subset]
        lines.append(
            f"| {name} | {r[0]:.2f} | {r[1]:.2f} | {r[2]:.2f} | {length:.1f} | {t.mean():.2f} | "
            f"{np.percentile(t, 50):.2f} | {np.percentile(t, 95):.2f} | {t.max():.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="JSON lines with id, article, reference")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; each article keeps its fastest")
    args = parser.parse_args(argv)

    records = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = records[: args.limit]
    start = time.perf_counter()
    tokenize.load()
    setup = time.perf_counter() - start

    results, times = {}, {}
    for name, system in SYSTEMS:
        outputs, elapsed = run_system(system, records, args.repeat)
        results[name] = score_outputs(outputs, records)
        times[name] = elapsed

    everything = np.ones(len(records), dtype=bool)
    even = np.arange(len(records)) % 2 == 0
    lead_name, _, ours_name = (name for name, _ in SYSTEMS)
    print(f"dictionary load (excluded from timings): {setup:.2f} s\n")
    print(table(f"chars:{BUDGET_CHARS}", results, times, "chars", everything), end="\n\n")
    print(table(f"sents:{TOP_SENTENCES}", results, times, "sents", everything), end="\n\n")

    diff = (results[ours_name]["chars"][:, 0] - results[lead_name]["chars"][:, 0]) * 100
    low, high = bootstrap(diff)
    print(
        f"ours − Lead, ROUGE-1 F1 @ {BUDGET_CHARS} chars: {diff.mean():+.2f} "
        f"(paired bootstrap 95% CI {low:+.2f} … {high:+.2f}; 1000 resamples, seed 0)\n"
    )
    print("Halves, ROUGE-1/2/L F1 @ 40 chars (even lines = tuning half, odd lines = check half):\n")
    print("| system | tune R-1 | tune R-2 | tune R-L | check R-1 | check R-2 | check R-L |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, scores in results.items():
        a = scores["chars"][even].mean(axis=0) * 100
        b = scores["chars"][~even].mean(axis=0) * 100
        print(f"| {name} | {a[0]:.2f} | {a[1]:.2f} | {a[2]:.2f} | {b[0]:.2f} | {b[1]:.2f} | {b[2]:.2f} |")
    for label, mask in (("tune", even), ("check", ~even)):
        low, high = bootstrap(diff[mask])
        print(f"\nours − Lead on the {label} half: {diff[mask].mean():+.2f} (95% CI {low:+.2f} … {high:+.2f})", end="")
    print()


if __name__ == "__main__":
    main()
