"""Theme accuracy on sentences the model never saw: keywords alone vs the trained model, side by side.

    .venv/bin/python benchmarks/themes_crossval.py [--C 2.0] [--encoder-C 0.01] [--fusion 1.5] [--errors] [--confusion] [--agreement]

The shipped model is trained on every labelled sentence, so scoring it on
them (benchmarks/themes_eval.py) measures memory, not filing.  Here each
figure comes from a model retrained without the sentences it is scored on:

* corpus parts (training/data/themes_corpus/part*.jsonl, four writers, outlets and
  scripts): leave one part out, train on the other parts and the TSV;
* seeds (training/data/themes_labelled.tsv): leave one seed article out, train on
  the corpus and every other labelled sentence;
* the TSV's invented and generalisation sets: leave the set out.

Each held-out set is filed alone and, where it has articles, in context (the
pipeline's setting), by the keyword classifier and by the model.

``--agreement`` puts those figures beside how far two people agree: a second
annotator labelled the seed sentences blind (training/data/themes_second_annotator.jsonl,
from GUIDE.md and the seed articles, without our labels), so the seeds' gold
labels can be read against the disagreement any reader will have.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from benchmarks.themes_eval import (
    Result,
    _errors,
    confusion_table,
    evaluate,
    evaluate_corpus_in_context,
    evaluate_in_context,
)
from briefing.themes import ThemeSettings, load_taxonomy
from training.labelled import CORPUS, SECOND_ANNOTATOR, Labelled, analysed, read_corpus, read_labelled
from training.real_corpus import corpus_path, read_real
from training.train_theme_model import ENCODER_C, FUSION, REAL_OTHER_WEIGHT, REAL_WEIGHT, C, train

# Real articles are held out in this many folds, grouped by file: no sentence of
# a held-out article (or of another story of its digest) is in training.
REAL_FOLDS = 8

KEYWORDS = ThemeSettings(classifier="keywords")


def _pairs(rows: Sequence[Labelled]) -> list[tuple[str, str]]:
    return [(row.theme, analysed(row)) for row in rows]


class Scores(NamedTuple):
    n: int
    keywords_alone: float
    model_alone: float
    keywords_context: float | None
    model_context: float | None


def _file_of(row: Labelled) -> str:
    return (row.doc or "").split("#", 1)[0]


def folds(groups: Sequence[str] | None = None, corpus: Path | None = None):
    """(name, group, held-out rows, training rows, in-context evaluator or None) for every fold.

    With the real corpus here, its labelled sentences are in every fold's
    training, and (group "real") held out by file in REAL_FOLDS folds.
    """
    parts = {path.stem: read_corpus(path) for path in sorted(CORPUS.glob("*.jsonl"))}
    labelled = read_labelled()
    corpus_rows = [r for rs in parts.values() for r in rs]
    every_label = [r for rs in labelled.values() for r in rs]
    real = list(read_real(corpus)[0]) if corpus is not None else []
    out = []
    files = sorted({_file_of(r) for r in real})
    for index in range(REAL_FOLDS if real else 0):
        held_files = set(files[index::REAL_FOLDS])
        held = [r for r in real if _file_of(r) in held_files]
        rest = [r for r in real if _file_of(r) not in held_files]
        out.append((f"real:{index + 1}", "real", held, corpus_rows + every_label + rest, evaluate_corpus_in_context))
    corpus_rows = corpus_rows + real
    every_label = every_label
    for name, rows in parts.items():
        rest = [r for other, rs in parts.items() if other != name for r in rs]
        out.append((f"corpus:{name}", "corpus", rows, rest + every_label + real, evaluate_corpus_in_context))
    for section, rows in labelled.items():
        articles = sorted({row.article for row in rows if row.article})
        others = [r for other, rs in labelled.items() if other != section for r in rs]
        if articles:
            for article in articles:
                held = [r for r in rows if r.article == article]
                rest = [r for r in rows if r.article != article]
                out.append((f"{section}:{article[:3]}", section, held, corpus_rows + others + rest, evaluate_in_context))
        else:
            out.append((section, section, rows, corpus_rows + others, None))
    return [fold for fold in out if groups is None or fold[1] in groups]


def _weight(row: Labelled, real_weight: float, real_other_weight: float | None) -> float:
    if not (row.doc or "").startswith("real/"):
        return 1.0
    if row.theme == "other" and real_other_weight is not None:
        return real_other_weight
    return real_weight


def run_fold(
    held, training, in_context, taxonomy, c: float = C, encoder_c: float = ENCODER_C, fusion: float = FUSION,
    real_weight: float = REAL_WEIGHT,
    other_below: float | None = None,
    real_other_weight: float | None = REAL_OTHER_WEIGHT,
):
    """Correct counts [n, keywords alone, model alone, keywords in context, model in context], the model's
    results in context and its results alone (each sentence filed on its own, as ``briefing themes --classify``)."""
    weights = [_weight(row, real_weight, real_other_weight) for row in training]
    model = train(_pairs(training), taxonomy, c, encoder_c=encoder_c, fusion=fusion, weights=weights)
    settings = ThemeSettings(model=model)
    if other_below is not None:
        settings = dataclasses.replace(settings, other_below=other_below)
    counts = [len(held)]
    counts.append(sum(g == p for g, p, _, _ in evaluate(held, taxonomy, KEYWORDS)[1]))
    alone = evaluate(held, taxonomy, settings)[1]
    counts.append(sum(g == p for g, p, _, _ in alone))
    results: list[Result] = []
    if in_context is not None:
        counts.append(sum(g == p for g, p, _, _ in in_context(held, taxonomy, KEYWORDS)[1]))
        results = in_context(held, taxonomy, settings)[1]
        counts.append(sum(g == p for g, p, _, _ in results))
    return counts, results, alone


def _scores(counts: Sequence[int]) -> Scores:
    n = counts[0]
    rates = [c / n for c in counts[1:]] + [None] * (5 - len(counts))
    return Scores(n, *rates)


def run_folds(
    taxonomy, groups: Sequence[str] | None = None, c: float = C, encoder_c: float = ENCODER_C, fusion: float = FUSION,
    corpus: Path | None = None, real_weight: float = REAL_WEIGHT, other_below: float | None = None,
    real_other_weight: float | None = REAL_OTHER_WEIGHT,
):
    """(fold name, group, correct counts, the model's context results, its results alone) for every fold, in order."""
    for name, group, held, training, in_context in folds(groups, corpus):
        counts, results, alone = run_fold(
            held, training, in_context, taxonomy, c, encoder_c, fusion, real_weight, other_below, real_other_weight
        )
        yield name, group, counts, results, alone


def _totals(runs) -> dict[str, list[int]]:
    """Correct counts summed per group of folds."""
    totals: dict[str, list[int]] = {}
    for _, group, counts, *_ in runs:
        total = totals.setdefault(group, [0] * len(counts))
        for i, count in enumerate(counts):
            total[i] += count
    return totals


def group_scores(runs) -> dict[str, Scores]:
    """Accuracy per group of folds (corpus, seeds, invented, generalisation) over results of :func:`run_folds`."""
    return {group: _scores(counts) for group, counts in _totals(runs).items()}


def read_second_annotator(path: Path = SECOND_ANNOTATOR) -> dict[str, dict]:
    """The second annotator's records, keyed by sentence: theme, confidence ("high"/"low"), alt (on low lines)."""
    records = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        record = json.loads(line)
        if not {"sentence", "theme", "confidence"} <= set(record):
            raise ValueError(f"{path}:{number}: expected sentence, theme and confidence")
        records[record["sentence"]] = record
    return records


class Agreement(NamedTuple):
    n: int
    annotators: float  # our gold label == the second annotator's
    kappa: float  # the same, corrected for chance (Cohen)
    confident: float  # agreement where the second annotator marked the call "high"
    confident_n: int
    model_gold: float  # the held-out model == our gold label
    model_second: float  # the held-out model == the second annotator's label
    model_either: float  # the held-out model == one of the two
    model_confident: float  # the held-out model == our gold label, where the second annotator was confident


def agreement(results: Sequence[Result], second: dict[str, dict]) -> Agreement:
    """Annotator and model agreement over held-out results [(gold, predicted, sentence, keywords)]."""
    from sklearn.metrics import cohen_kappa_score

    rows = [(gold, predicted, second[sentence]) for gold, predicted, sentence, _ in results]
    if len(rows) != len(second):
        raise ValueError(f"second annotator has {len(second)} sentences, the held-out results {len(rows)}")
    n = len(rows)
    confident = [(gold, predicted, other) for gold, predicted, other in rows if other["confidence"] == "high"]
    return Agreement(
        n,
        sum(gold == other["theme"] for gold, _, other in rows) / n,
        float(cohen_kappa_score([gold for gold, _, _ in rows], [other["theme"] for _, _, other in rows])),
        sum(gold == other["theme"] for gold, _, other in confident) / len(confident),
        len(confident),
        sum(gold == predicted for gold, predicted, _ in rows) / n,
        sum(predicted == other["theme"] for _, predicted, other in rows) / n,
        sum(predicted in (gold, other["theme"]) for gold, predicted, other in rows) / n,
        sum(gold == predicted for gold, predicted, _ in confident) / len(confident),
    )


def _cells(scores: Scores, bold: bool = False) -> str:
    mark = "**" if bold else ""
    values = [scores.keywords_alone, scores.model_alone, scores.keywords_context, scores.model_context]
    return " | ".join("–" if v is None else f"{mark}{v:.1%}{mark}" for v in values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--C", type=float, default=C, help=f"words model: inverse L2 strength (default {C})")
    parser.add_argument("--encoder-C", type=float, default=ENCODER_C, help=f"encoder head: the same (default {ENCODER_C})")
    parser.add_argument("--fusion", type=float, default=FUSION, help=f"encoder head weight; 0 = words model alone (default {FUSION})")
    parser.add_argument("--errors", action="store_true", help="list the held-out sentences the model misfiles in context")
    parser.add_argument("--confusion", action="store_true", help="print the model's confusion table in context")
    parser.add_argument("--agreement", action="store_true", help="compare with a second annotator of the seeds")
    parser.add_argument("--corpus", type=Path, default=corpus_path(), help="the real corpus (default: BRIEFING_CORPUS or ../shared/corpus)")
    parser.add_argument("--real-weight", type=float, default=REAL_WEIGHT, help=f"weight of a real sentence (default {REAL_WEIGHT})")
    parser.add_argument("--groups", help="only these groups of folds, comma-separated (real, corpus, seeds, …)")
    parser.add_argument("--real-other-weight", type=float, default=REAL_OTHER_WEIGHT,
                        help=f"weight of a real sentence labelled other (default {REAL_OTHER_WEIGHT})")
    parser.add_argument("--other-below", type=float, help="ThemeSettings.other_below for the held-out filing (default: shipped)")
    args = parser.parse_args(argv)
    groups = args.groups.split(",") if args.groups else None
    started = time.perf_counter()
    taxonomy = load_taxonomy()
    order = [t.id for t in taxonomy]
    print(f"C = {args.C}, encoder C = {args.encoder_C}, fusion = {args.fusion}; "
          "every model below is trained without the sentences it is scored on")
    print("| held out | n | keywords alone | model alone | keywords in context | model in context |")
    print("|---|---:|---:|---:|---:|---:|")
    runs = []
    context_results: dict[str, list[Result]] = {}
    alone_results: dict[str, list[Result]] = {}
    for run in run_folds(taxonomy, groups, c=args.C, encoder_c=args.encoder_C, fusion=args.fusion,
                         corpus=args.corpus, real_weight=args.real_weight, other_below=args.other_below,
                         real_other_weight=args.real_other_weight):
        name, group, counts, results, alone = run
        print(f"| {name} | {counts[0]} | {_cells(_scores(counts))} |")
        runs.append(run)
        context_results.setdefault(group, []).extend(results)
        alone_results.setdefault(group, []).extend(alone)
    for group, scores in group_scores(runs).items():
        if group in ("corpus", "seeds", "real"):
            print(f"| **{group}, all** | {scores.n} | {_cells(scores, bold=True)} |")
    # Real policy sentences are what the brief shows, alone as `briefing themes --classify` files them.
    for setting, results in (("alone", alone_results.get("real", [])), ("in context", context_results.get("real", []))):
        policy = [(gold, predicted) for gold, predicted, _, _ in results if gold != "other"]
        if policy:
            share = sum(g == p for g, p in policy) / len(policy)
            print(f"| real, policy sentences (gold not other), model {setting} | {len(policy)} | {share:.1%} |")
    if args.confusion or args.errors:
        for group, results in context_results.items():
            if not results:
                continue
            print(f"\n== {group}, model in context, held out")
            if args.confusion:
                print(confusion_table(results, order))
            if args.errors:
                print("\n".join(_errors(results)))
    if args.agreement:
        a = agreement(context_results["seeds"], read_second_annotator())
        print(f"\n== seeds: two annotators and the held-out model in context ({a.n} sentences)")
        print(f"annotators agree: {a.annotators:.1%} (Cohen's kappa {a.kappa:.3f}); "
              f"{a.confident:.1%} of the {a.confident_n} calls the second annotator marked confident")
        print(f"model agrees with our labels {a.model_gold:.1%}, with the second annotator's {a.model_second:.1%}, "
              f"with one of the two {a.model_either:.1%}; {a.model_confident:.1%} on the confident calls")
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
