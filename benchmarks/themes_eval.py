"""Measure theme classification against the labelled sentences.

    .venv/bin/python benchmarks/themes_eval.py [--classifier model|keywords] [--taxonomy FILE] [--errors] [--context-errors]

The shipped model was trained on every sentence scored here, so its figures
are memory, not filing: use it to inspect choices, and
benchmarks/themes_crossval.py for accuracy.  ``--classifier keywords`` scores
the keyword classifier, which learned nothing from these sentences.

Two settings, both reported per section of training/data/themes_labelled.tsv:

* alone: each sentence classified on its own (:func:`briefing.themes.classify`,
  no article, no neighbours);
* in context: what the pipeline does.  Each seed article is read and split
  by the real ingest and segment stages, every sentence becomes a point, the
  labelled sentence takes the place of the piece(s) it covers (so both
  settings classify the same text), and :func:`briefing.themes.article_profiles`
  plus :func:`briefing.themes.assign` file them all with their article and
  neighbours.  Only sentences with an article column have a context.

Sections: "seeds" (sentences from seeds/), "invented" (written by the first
helper), "generalisation" (written by the second helper before its tuning,
the check that changes carry over to text nobody tuned on), and one section
per file of training/data/themes_corpus (see its README), each document of
which is an article for the in-context setting.
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import replace
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from briefing import ingest, segment
from briefing.models import Point, Sentence, Source
from briefing.themes import ThemeSettings, article_profiles, assign, classify, load_taxonomy
from training.labelled import CORPUS, SEEDS, Labelled, analysed, corpus_sections, read_labelled


Result = tuple[str, str, str, tuple[str, ...]]  # gold, predicted, sentence, keywords


def _file_every_point(points: list[Point], taxonomy, settings: ThemeSettings) -> None:
    """Profiles, then assign, as the pipeline does; every labelled point is scored, so each is
    filed as a shown point is (a build re-files only those with the encoder)."""
    profiles = article_profiles([p.sentence for p in points], taxonomy, settings)
    assign(points, taxonomy, profiles=profiles, settings=replace(settings, encode_every_point=True))


def evaluate_corpus_in_context(
    rows: Sequence[Labelled], taxonomy, settings: ThemeSettings = ThemeSettings()
) -> tuple[float, list[Result]]:
    """Corpus sentences filed the pipeline's way: each document is an article, its sentences points."""
    points: list[Point] = []
    positions: dict[str, int] = {}
    for row in rows:
        position = positions.get(row.doc, 0)
        positions[row.doc] = position + 1
        norm = analysed(row)
        sentence = Sentence(
            text=row.sentence,
            norm=norm,
            source=Source(path=row.doc, title=row.doc),
            paragraph=row.paragraph,
            position=position,
            start=0,
            end=len(row.sentence),
        )
        points.append(Point(sentence=sentence, score=1.0, occurrences=[sentence]))
    _file_every_point(points, taxonomy, settings)
    results = [(row.theme, point.theme or "", row.sentence, tuple(point.keywords)) for row, point in zip(rows, points)]
    return _accuracy(results), results


def evaluate(rows: Sequence[Labelled], taxonomy, settings: ThemeSettings = ThemeSettings()) -> tuple[float, list[Result]]:
    """Each sentence alone: (accuracy, [(gold, predicted, sentence, keywords)])."""
    results = []
    for row in rows:
        result = classify(analysed(row), taxonomy, settings=settings)
        results.append((row.theme, result.theme, row.sentence, result.keywords))
    return _accuracy(results), results


def _accuracy(results: Sequence[Result]) -> float:
    return sum(gold == predicted for gold, predicted, _, _ in results) / len(results) if results else 0.0


_NOT_TEXT = re.compile(r"[\W_]+")


def _bare(text: str) -> str:
    return _NOT_TEXT.sub("", text)


def _covers(labelled: str, piece: str) -> bool:
    """Whether a segment piece is (part of) the labelled sentence (speaker tags and quotes aside)."""
    head = piece[:12]
    return bool(head) and (head in labelled or labelled[:12] in piece)


def _article_points(name: str, rows: Sequence[Labelled]) -> tuple[list[Point], dict[int, Labelled]]:
    """Every sentence of one seed article as a point; labelled sentences replace the pieces they cover."""
    article = ingest.read_article(SEEDS / name)
    pieces = segment.split_article(article)
    by_index: dict[int, Labelled] = {}
    for row in rows:
        bare = _bare(analysed(row))
        index = row.position if row.position is not None and row.position < len(pieces) else -1
        if index < 0 or not _covers(bare, _bare(pieces[index].norm)):
            index = next((i for i, p in enumerate(pieces) if _covers(bare, _bare(p.norm))), -1)
        if index < 0:
            raise ValueError(f"labelled sentence not found in {name}: {row.sentence[:30]}")
        by_index[index] = row
    sentences: list[Sentence] = []
    labelled_at: dict[int, Labelled] = {}
    skip_until = -1
    for index, piece in enumerate(pieces):
        if index <= skip_until:
            continue
        row = by_index.get(index)
        if row is None:
            sentences.append(piece)
            continue
        bare = _bare(analysed(row))
        last = index
        while last + 1 < len(pieces) and last + 1 not in by_index and _bare(pieces[last + 1].norm)[:12] in bare:
            last += 1
        skip_until = last
        labelled_at[len(sentences)] = row
        sentences.append(
            Sentence(
                text=row.sentence,
                norm=analysed(row),
                source=piece.source,
                paragraph=piece.paragraph,
                position=piece.position,
                start=piece.start,
                end=pieces[last].end,
            )
        )
    points = [Point(sentence=s, score=1.0, occurrences=[s]) for s in sentences]
    return points, labelled_at


def evaluate_in_context(
    rows: Sequence[Labelled], taxonomy, settings: ThemeSettings = ThemeSettings()
) -> tuple[float, list[Result]]:
    """Sentences with an article, filed the way the pipeline files them (profiles, then assign)."""
    rows = [row for row in rows if row.article]
    by_article: dict[str, list[Labelled]] = {}
    for row in rows:
        by_article.setdefault(row.article, []).append(row)
    points: list[Point] = []
    labelled: dict[int, Labelled] = {}
    for name in sorted(by_article):
        article_points, labelled_at = _article_points(name, by_article[name])
        labelled.update({len(points) + i: row for i, row in labelled_at.items()})
        points += article_points
    _file_every_point(points, taxonomy, settings)
    outcome = {labelled[i]: points[i] for i in sorted(labelled)}
    results = [(row.theme, outcome[row].theme or "", row.sentence, tuple(outcome[row].keywords)) for row in rows]
    return _accuracy(results), results


def confusion_table(results: Sequence[Result], order: Sequence[str]) -> str:
    counts = Counter((gold, predicted) for gold, predicted, _, _ in results)
    labels = [t for t in order if any(t in pair for pair in counts)]
    short = {t: t[:8] for t in labels}
    width = max(len(t) for t in labels) + 1
    lines = ["gold \\ predicted".ljust(width) + "".join(f"{short[t]:>9}" for t in labels) + "    n   acc"]
    for gold in labels:
        row = [counts[(gold, predicted)] for predicted in labels]
        total = sum(row)
        if not total:
            continue
        accuracy = counts[(gold, gold)] / total
        cells = "".join(f"{(n if n else '.'):>9}" for n in row)
        lines.append(f"{gold:<{width}}{cells}{total:>5} {accuracy:5.0%}")
    return "\n".join(lines)


def _errors(results: Sequence[Result]) -> list[str]:
    return [
        f"  {gold} -> {predicted} [{', '.join(keywords)}] {sentence}"
        for gold, predicted, sentence, keywords in results
        if gold != predicted
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taxonomy", type=Path, help="a theme file to use instead of the shipped one")
    parser.add_argument("--errors", action="store_true", help="list the sentences misfiled alone")
    parser.add_argument("--context-errors", action="store_true", help="list the sentences misfiled in context")
    parser.add_argument(
        "--corpus", type=Path, nargs="*", default=None,
        help="JSONL corpus files to evaluate as well (default: every training/data/themes_corpus/*.jsonl)",
    )
    parser.add_argument(
        "--classifier", choices=["model", "keywords"], default="model",
        help="model (the shipped one: these sentences are its training data, see themes_crossval.py) or keywords",
    )
    args = parser.parse_args(argv)
    corpus = sorted(CORPUS.glob("*.jsonl")) if args.corpus is None else args.corpus
    settings = ThemeSettings(classifier=args.classifier)
    taxonomy = load_taxonomy(args.taxonomy, mode="replace")
    order = [t.id for t in taxonomy]
    started = time.perf_counter()
    summary = []
    for section, rows in {**read_labelled(), **corpus_sections(corpus)}.items():
        correct_alone, results = evaluate(rows, taxonomy, settings)
        print(f"== {section}, each sentence alone: {sum(g == p for g, p, _, _ in results)}/{len(results)} correct")
        print(confusion_table(results, order))
        if args.errors:
            print("\n".join(_errors(results)))
        line = [section, len(rows), f"{correct_alone:.1%}", "–"]
        if any(row.article or row.doc for row in rows):
            if rows[0].doc:
                in_context, context_results = evaluate_corpus_in_context(rows, taxonomy, settings)
            else:
                in_context, context_results = evaluate_in_context(rows, taxonomy, settings)
            hits = sum(g == p for g, p, _, _ in context_results)
            print(f"-- {section}, in article context (the pipeline's setting): {hits}/{len(context_results)} correct")
            print(confusion_table(context_results, order))
            if args.context_errors:
                print("\n".join(_errors(context_results)))
            line[3] = f"{in_context:.1%}"
        summary.append(line)
        print()
    print("| section | n | alone | in context |")
    print("|---|---:|---:|---:|")
    for section, n, alone, context in summary:
        print(f"| {section} | {n} | {alone} | {context} |")
    print(f"\n({time.perf_counter() - started:.2f} s including jieba start-up)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
