"""Benchmark: the English side of the brief against human reference translations.

Scores, in one run and under the same rules, the old word-by-word gist
(:func:`briefing.word_gist.word_gist`, the first engine, reading today's
glossary) and the phrase gist that replaced it (:func:`briefing.translate.gist`,
built by :mod:`briefing.phrase_gist`); ``--ablate RULE`` (or ``each``) adds
the phrase gist without one of its rules:

* chrF and BLEU from ``sacrebleu`` (corpus level, default settings);
* the share of Han characters left in the English output (names above all);
* mean milliseconds per sentence in-process, after one warm-up call
  (dictionary loading excluded).

Split discipline: the first half of the file (dev) is what the rules were
tuned on; the second half (test) is looked at only to report.

    .venv/bin/python benchmarks/translation.py /work/shared/eval/wmt18_zh_en.tsv

The file is tab-separated with a header ``zh<TAB>en``; it is read from the path
given and nothing of it is stored in the repository.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import sacrebleu

from briefing.phrase_gist import RULES, translate_line
from briefing.translate import gist, word_gist
from training.gist_senses import read_pairs

SYSTEMS: dict[str, Callable[[str], str]] = {
    "word-by-word gist (old)": word_gist,
    "phrase gist (new)": gist,
}


def han_share(lines: Sequence[str]) -> float:
    """Han characters as a share of all non-space characters of the output."""
    han = total = 0
    for line in lines:
        for ch in line:
            if ch.isspace():
                continue
            total += 1
            han += "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
    return 100 * han / total if total else 0.0


def score(system: Callable[[str], str], pairs: Sequence[tuple[str, str]]) -> dict[str, float]:
    system(pairs[0][0])  # warm-up: dictionaries load here, not in the timing
    started = time.perf_counter()
    hyps = [system(zh) for zh, _ in pairs]
    elapsed = time.perf_counter() - started
    refs = [en for _, en in pairs]
    return {
        "chrF": sacrebleu.corpus_chrf(hyps, [refs]).score,
        "BLEU": sacrebleu.corpus_bleu(hyps, [refs]).score,
        "Han %": han_share(hyps),
        "ms/sentence": 1000 * elapsed / len(pairs),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tsv", type=Path, help="zh<TAB>en pairs with a header line")
    parser.add_argument(
        "--half", choices=["dev", "test", "both"], default="both",
        help="dev = first half (tuning), test = second half (report only); default both",
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N pairs of each half")
    parser.add_argument("--only-new", action="store_true", help="score the new gist alone")
    parser.add_argument(
        "--ablate", action="append", default=[], metavar="RULE",
        help="also score the new gist without RULE (repeatable; 'each' = every rule in turn)",
    )
    args = parser.parse_args(argv)

    pairs = read_pairs(args.tsv)
    middle = len(pairs) // 2
    halves = {"dev": pairs[:middle], "test": pairs[middle:]}
    wanted = ["dev", "test"] if args.half == "both" else [args.half]
    systems = {k: v for k, v in SYSTEMS.items() if not args.only_new or v is gist}
    ablated = sorted(RULES) if "each" in args.ablate else args.ablate
    for rule in ablated:
        if rule not in RULES:
            parser.error(f"unknown rule {rule!r} (rules: {', '.join(sorted(RULES))})")
        systems[f"new without {rule}"] = functools.partial(translate_line, rules=RULES - {rule})
    print("| half | system | chrF | BLEU | Han % | ms/sentence |")
    print("|---|---|---:|---:|---:|---:|")
    for half in wanted:
        subset = halves[half][: args.limit] if args.limit else halves[half]
        for name, system in systems.items():
            s = score(system, subset)
            print(
                f"| {half} ({len(subset)}) | {name} | {s['chrF']:.2f} | {s['BLEU']:.2f} "
                f"| {s['Han %']:.2f} | {s['ms/sentence']:.2f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
